"""The port over Bolt: :class:`BoltGraph` implements :class:`graph_model.port.GraphStore` with the
catalogue's statements on a :class:`~queries.store.adapter.Store` (ArcadeDB embedded, Neo4j).

Statements come from the catalogue and values travel as parameters only; what comes back is
turned into the port's records (:mod:`queries.store.records`) once. Batches go as ``UNWIND
$rows`` in one transaction (:mod:`queries.store.batches`): no per-row round trip. Hot reads the
importers make many of (name index, actor state, existing links) return the statements' rows as
they come, since they hold no driver-specific values but the links' dates, converted in place.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from graph_model.batch import GraphBatch, KnownLinks, Settle, actor_batches, link_batches
from graph_model.changes import (
    ChangeEntry,
    ChangeKind,
    ChangeRecord,
    LinkRef,
    batch_changes,
    change_props,
    link_entry,
    numbered,
    operation_of,
)
from graph_model.model import Actor, Link, LinkKind
from graph_model.port import (
    ActorLink,
    ActorPlace,
    CandidateRecord,
    CandidateState,
    Decision,
    GraphStore,
    ImportRunRecord,
    Row,
    StoredActor,
    StoredLink,
    TerritoryRef,
    TokenRecord,
    WriteContext,
    Written,
)
from graph_model.stored import (
    TerritoryLookup,
    reference_fingerprint,
    territory_rows,
)
from graph_model.territories import TerritoryReference
from queries.store import batches
from queries.store.adapter import Statement, Store, open_store
from queries.store.bolt_accounts import BoltAccounts
from queries.store.catalog import cypher
from queries.store.edit import BoltEdit, actor_kinds, actors_by_id, links_between
from queries.store.embedded import EmbeddedServer
from queries.store.records import (
    candidate_record,
    change_record,
    python_props,
    python_value,
    stored_link,
    token_record,
)
from queries.store.settings import StoreSettings

_ACTOR_TERRITORY_LINKS = {LinkKind.LOCATED_IN, LinkKind.ACTIVE_IN, LinkKind.PART_OF}
TERRITORIES_META = "territories"
#: sequence numbers read from the change log per round trip
SEQUENCE_WINDOW = 500


class BoltGraph(BoltAccounts):
    """The graph port over one :class:`Store` (thread-safe as the store is); users, sessions,
    proposals and the history are :class:`~queries.store.bolt_accounts.BoltAccounts`'."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _commit(
        self,
        statements: Sequence[Statement],
        entries: Sequence[ChangeEntry] | Callable[[list[list[Row]]], Sequence[ChangeEntry]],
        context: WriteContext | None,
        operation: str,
        then: Callable[[list[list[Row]]], Sequence[Statement]] | None = None,
    ) -> tuple[list[list[Row]], int]:
        """One transaction of ``statements`` with its change log entries (given, or made from
        every statement's rows)."""

        def log(results: list[list[Row]], seq: int) -> list[dict[str, Any]]:
            made = entries(results) if callable(entries) else entries
            return log_rows(made, seq, context, operation)

        return self.store.commit(statements, then, log)

    # -- what only a server has ------------------------------------------------------------------
    @property
    def uri(self) -> str:
        """Where the server answers now (it moves when an embedded server restarts elsewhere)."""
        return self.store.uri

    @property
    def embedded(self) -> EmbeddedServer | None:
        """The embedded server this port talks to (``None`` for Neo4j)."""
        return self.store.embedded

    # -- lifecycle and meta --------------------------------------------------------------------
    def ping(self) -> None:
        self.store.ping()

    def graph_version(self) -> int:
        return self.store.version()

    def setup_schema(self) -> int:
        return self.store.setup_schema()

    def delete_all(self) -> None:
        entry = ChangeEntry(ChangeKind.GRAPH_CLEARED)
        self._commit([(cypher("delete_all"), {})], [entry], None, "delete_all")

    def close(self) -> None:
        self.store.close()

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for row in self.store.read(cypher("count_nodes")):
            result[f"nodes.{row['label']}"] = int(row["n"])
        for row in self.store.read(cypher("count_territories")):
            result[f"territories.{row['level']}"] = int(row["n"])
        for row in self.store.read(cypher("count_links")):
            result[f"links.{row['kind']}"] = int(row["n"])
        return result

    def meta_get(self, key: str) -> str | None:
        rows = self.store.read(cypher("meta_get"), id=key)
        value = rows[0]["value"] if rows else None
        return None if value is None else str(value)

    def meta_set(self, key: str, value: str, context: WriteContext) -> Written:
        statement = (cypher("meta_set"), {"id": key, "value": value})
        _, seq = self._commit(
            [statement], [ChangeEntry(ChangeKind.META, (key,))], context, "meta_set"
        )
        return Written("meta_set", (key,), 1, context, seq)

    # -- actors and aliases --------------------------------------------------------------------
    def actors_by_id(self, ids: Iterable[str]) -> dict[str, StoredActor]:
        return actors_by_id(self.store.read, ids)

    def actor_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return actor_kinds(self.store.read, ids)

    def resolve_keys(self, keys: Iterable[str]) -> dict[str, str]:
        """One record of ``[key, actor]`` pairs (``aliases_resolve_pairs``): the driver reads it
        much faster than one record per key."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        rows = self.store.read(cypher("aliases_resolve_pairs"), keys=wanted)
        return dict(rows[0]["pairs"]) if rows else {}

    def aliases_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for row in self.store.read(cypher("aliases_of_actors"), ids=sorted(set(ids))):
            found[row["actor"]].append(str(row["key"]))
        return {actor: sorted(keys) for actor, keys in found.items()}

    def places_of(self, ids: Iterable[str]) -> list[ActorPlace]:
        rows = self.store.read(cypher("places_of_actors"), ids=sorted(set(ids)))
        return [ActorPlace(row["actor"], row["relation"], row["territory"]) for row in rows]

    def write_actors(
        self,
        actors: Sequence[Actor],
        context: WriteContext,
        *,
        territories: TerritoryLookup | None = None,
        batch_size: int = 2_000,
    ) -> Written:
        stamp, seq = context.stamp(), None
        for batch in actor_batches(
            actors, stamp, self.actor_kinds, territories=territories, batch_size=batch_size
        ):
            _, seq = self._write_batch(batch, None, context, "write_actors")
        targets = tuple(a.id for a in actors)
        return Written("write_actors", targets, len(targets), context, seq)

    # -- links ---------------------------------------------------------------------------------
    def write_links(
        self, links: Iterable[Link], context: WriteContext, *, batch_size: int = 5_000
    ) -> Written:
        targets: list[str] = []
        seq = None
        for batch in link_batches(links, context.stamp(), batch_size=batch_size):
            _, seq = self._write_batch(batch, None, context, "write_links")
            targets.extend(batches.targets(batch))
        return Written("write_links", tuple(targets), len(targets), context, seq)

    def links_of_actors(self, ids: Iterable[str]) -> list[ActorLink]:
        rows = self.store.read(cypher("links_of_actors"), ids=list(dict.fromkeys(ids)))
        return [ActorLink(row["actor"], stored_link(row)) for row in rows]

    def links_of_actor(self, actor_id: str, as_of: date | None = None) -> list[StoredLink]:
        day = as_of.isoformat() if as_of is not None else None
        rows = self.store.read(cypher("links_of_actor"), id=actor_id, as_of=day)
        return [stored_link(row) for row in rows]

    def links_between(self, source: str, target: str, kind: LinkKind) -> list[StoredLink]:
        return links_between(self.store.read, source, target, kind)

    def delete_links(self, kind: LinkKind, ids: Sequence[str], context: WriteContext) -> Written:
        def entries(results: list[list[Row]]) -> list[ChangeEntry]:
            refs = tuple(
                dict.fromkeys(
                    LinkRef(r["id"], kind.value, r["source"], r["target"]) for r in results[0]
                )
            )
            return [link_entry(ChangeKind.LINK_REMOVED, refs)] if refs else []

        statement = (cypher("links_delete", link=kind), {"ids": list(ids)})
        results, seq = self._commit([statement], entries, context, "delete_links")
        return Written("delete_links", tuple(ids), len(results[0]), context, seq)

    # -- batches and edits ---------------------------------------------------------------------
    def write_batch(
        self, batch: GraphBatch, settle: Settle | None = None, *, operation: str = "import"
    ) -> Written:
        _, seq = self._write_batch(batch, settle, None, operation)
        return Written(operation, batches.targets(batch), batches.size(batch), seq=seq)

    def _write_batch(
        self,
        batch: GraphBatch,
        settle: Settle | None,
        context: WriteContext | None,
        operation: str,
    ) -> tuple[list[list[Row]], int]:
        """A batch in one transaction, its change log entries made from what the graph held
        (the links it did not create) and what the settlement rewrote."""
        outcome: dict[str, Any] = {}
        if context is None:
            context = WriteContext(run=batch.stamp.get("run"), at=batch.stamp.get("now"))

        def settling(known: KnownLinks) -> Mapping[LinkKind, list[dict[str, Any]]]:
            updates = settle(known) if settle is not None else {}
            outcome["known"], outcome["settled"] = known, updates
            return updates

        then = batches.settlement(batch, settling if settle is not None else None)
        kinds = list(batch.new_links)

        def entries(results: list[list[Row]]) -> list[ChangeEntry]:
            if "known" in outcome:
                return batch_changes(batch, outcome["known"], outcome["settled"])
            found = results[len(results) - len(kinds) :] if kinds else []
            known = {kind: rows for kind, rows in zip(kinds, found, strict=True) if rows}
            return batch_changes(batch, known)

        return self._commit(batches.statements(batch), entries, context, operation, then)

    @contextlib.contextmanager
    def edit(self, context: WriteContext) -> Iterator[BoltEdit]:
        with self.store.transaction() as tx:
            edit = BoltEdit(tx, context)
            tx.log = lambda seq: log_rows(edit.entries, seq, context, "edit")
            yield edit

    # -- territories ---------------------------------------------------------------------------
    def load_territories(
        self, reference: TerritoryReference, context: WriteContext, *, batch_size: int = 5_000
    ) -> Written:
        """Every territory, then every ``PART_OF`` (a batch a transaction, parents first)."""
        rows = territory_rows(reference)
        nodes = [{"id": r["id"], "props": r["props"]} for r in rows]
        parents = [{"id": r["id"], "parent": p} for r in rows for p in r["parents"]]
        seq = None
        for name, items in (("territories_upsert", nodes), ("territories_link_parents", parents)):
            for start in range(0, len(items), batch_size):
                chunk = items[start : start + batch_size]
                entry = ChangeEntry(
                    ChangeKind.TERRITORIES, tuple(dict.fromkeys(r["id"] for r in chunk))
                )
                statement = (cypher(name), {"rows": chunk})
                _, seq = self._commit([statement], [entry], context, "load_territories")
        return Written("load_territories", (), len(rows), context, seq)

    def ensure_territories(
        self, reference: TerritoryReference, context: WriteContext
    ) -> tuple[int, bool]:
        fingerprint = reference_fingerprint()
        if self.meta_get(TERRITORIES_META) == fingerprint:
            return len(territory_rows(reference)), False
        written = self.load_territories(reference, context)
        self.meta_set(TERRITORIES_META, fingerprint, context)
        return written.count, True

    def territory_ancestors(self, territory_id: str) -> list[TerritoryRef]:
        rows = self.store.read(cypher("territory_ancestors"), id=territory_id)
        return [TerritoryRef(row["id"], row["level"], row["name"]) for row in rows]

    def missing_territories(self, ids: Iterable[str]) -> set[str]:
        rows = self.store.read(cypher("territories_missing"), ids=list(ids))
        return {row["id"] for row in rows}

    # -- import runs ---------------------------------------------------------------------------
    def save_import_run(
        self, run_id: str, props: Mapping[str, Any], context: WriteContext
    ) -> Written:
        statement = (cypher("import_run_save"), {"id": run_id, "props": dict(props)})
        entry = ChangeEntry(ChangeKind.IMPORT_RUN, (run_id,))
        _, seq = self._commit([statement], [entry], context, "save_import_run")
        return Written("save_import_run", (run_id,), 1, context, seq)

    def import_runs(self, limit: int) -> list[ImportRunRecord]:
        rows = self.store.read(cypher("import_runs_list"), limit=limit)
        return [ImportRunRecord(str(row["id"]), python_props(row["props"])) for row in rows]

    def running_import_runs(self) -> list[ImportRunRecord]:
        rows = self.store.read(cypher("import_runs_running"))
        return [ImportRunRecord(str(row["id"]), python_props(row["props"])) for row in rows]

    def interrupt_import_runs(
        self, run_ids: Iterable[str], at: datetime, context: WriteContext
    ) -> Written:
        params = {"ids": sorted(set(run_ids)), "at": at}

        def entries(results: list[list[Row]]) -> list[ChangeEntry]:
            ids = tuple(sorted(str(row["id"]) for row in results[0]))
            return [ChangeEntry(ChangeKind.IMPORT_RUN, ids)] if ids else []

        statement = (cypher("import_runs_interrupt"), params)
        results, seq = self._commit([statement], entries, context, "interrupt_import_runs")
        marked = tuple(sorted(str(row["id"]) for row in results[0]))
        return Written("interrupt_import_runs", marked, len(marked), context, seq)

    # -- duplicate candidates ------------------------------------------------------------------
    def candidates(self, status: str | None = "pending") -> list[CandidateRecord]:
        return [
            candidate_record(r) for r in self.store.read(cypher("candidates_list"), status=status)
        ]

    def candidate(self, candidate_id: str) -> dict[str, Any] | None:
        rows = self.store.read(cypher("candidate_get"), id=candidate_id)
        return python_props(rows[0]["props"]) if rows else None

    def candidates_by_id(self, ids: Iterable[str]) -> dict[str, CandidateState]:
        rows = self.store.read(cypher("candidates_by_id"), ids=list(ids))
        return {
            row["id"]: CandidateState(row["id"], row["status"], row["actor"], row["payload_hash"])
            for row in rows
        }

    def claim_candidate(
        self, candidate_id: str, claim: str, *, at: datetime, stale: datetime
    ) -> dict[str, Any] | None:
        params = {"id": candidate_id, "claim": claim, "now": at, "stale": stale}
        entry = ChangeEntry(ChangeKind.CANDIDATES, (candidate_id,))
        statement = (cypher("candidate_claim"), params)
        rows = self._commit([statement], [entry], None, "claim_candidate")[0][0]
        return python_props(rows[0]["props"]) if rows else None

    def decide_candidate(
        self, candidate_id: str, claim: str, decision: Decision, context: WriteContext
    ) -> Written | None:
        params = {
            "id": candidate_id,
            "claim": claim,
            "status": decision.status,
            "now": context.stamp()["now"],
            "by": context.by,
            "note": decision.note,
            "result": decision.result,
            "run": decision.run,
        }
        entry = ChangeEntry(ChangeKind.CANDIDATES, (candidate_id,))
        statement = (cypher("candidate_decide"), params)
        results, seq = self._commit([statement], [entry], context, "decide_candidate")
        return Written("decide_candidate", (candidate_id,), 1, context, seq) if results[0] else None

    def release_candidate(self, candidate_id: str, claim: str) -> Written | None:
        params = {"id": candidate_id, "claim": claim}
        entry = ChangeEntry(ChangeKind.CANDIDATES, (candidate_id,))
        statement = (cypher("candidate_release"), params)
        results, seq = self._commit([statement], [entry], None, "release_candidate")
        return Written("release_candidate", (candidate_id,), 1, seq=seq) if results[0] else None

    # -- tokens --------------------------------------------------------------------------------
    def create_token(self, token: TokenRecord, token_hash: str, context: WriteContext) -> Written:
        params = {
            "id": token.id,
            "name": token.name,
            "role": token.role,
            "hash": token_hash,
            "now": context.stamp()["now"],
            "by": token.created_by if token.created_by is not None else context.by,
        }
        entry = ChangeEntry(ChangeKind.TOKEN, (token.id,))
        _, seq = self._commit([(cypher("token_create"), params)], [entry], context, "create_token")
        return Written("create_token", (token.id,), 1, context, seq)

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        rows = self.store.read(cypher("token_by_hash"), hash=token_hash)
        return token_record(rows[0]) if rows else None

    def tokens(self) -> list[TokenRecord]:
        return [token_record(row) for row in self.store.read(cypher("tokens_list"))]

    def revoke_tokens(self, reference: str, context: WriteContext) -> list[TokenRecord]:
        params = {"ref": reference, "now": context.stamp()["now"]}

        def entries(results: list[list[Row]]) -> list[ChangeEntry]:
            ids = tuple(str(row["id"]) for row in results[0])
            return [ChangeEntry(ChangeKind.TOKEN, ids)] if ids else []

        statement = (cypher("tokens_revoke"), params)
        rows = self._commit([statement], entries, context, "revoke_tokens")[0][0]
        return [token_record(row) for row in rows]

    # -- changes -------------------------------------------------------------------------------
    def changes(self, target: str | None, limit: int) -> list[ChangeRecord]:
        rows = self.store.read(cypher("changes_list"), target=target, limit=limit)
        return [change_record(row["props"]) for row in rows]

    def changes_since(self, after: int, limit: int = 10_000) -> list[ChangeRecord]:
        """Read by sequence numbers, up to the store's version, :data:`SEQUENCE_WINDOW` at a
        time (each an index lookup: 4-5 ms for a few entries here, against 40-65 ms and
        growing with the log for a range condition)."""
        newest = self.graph_version()
        found: list[ChangeRecord] = []
        first = int(after) + 1
        while first <= newest and len(found) < limit:
            last = min(newest, first + SEQUENCE_WINDOW - 1)
            rows = self.store.read(cypher("changes_at"), first=first, last=last)
            found.extend(change_record(row["props"]) for row in rows)
            first = last + 1
        return found[:limit]

    # -- what the importers read ---------------------------------------------------------------
    def name_index(self) -> Iterator[Row]:
        return self.store.read_stream(cypher("actor_name_index"))

    def actor_state(self, ids: Iterable[str]) -> dict[str, Row]:
        return {row["id"]: row for row in self.store.read(cypher("actor_state"), ids=list(ids))}

    def actors_by_name(self, name_keys: Iterable[str]) -> list[Row]:
        return self.store.read(cypher("actors_by_name"), keys=sorted(set(name_keys)))

    def existing_links(self, kind: LinkKind, ends: Iterable[tuple[str, str]]) -> list[Row]:
        rows = [{"source": s, "target": t} for s, t in ends]
        found = self.store.read(cypher("links_joining", link=kind), rows=rows)
        for row in found:
            row["since"] = python_value(row["since"])
            row["until"] = python_value(row["until"])
        return found

    def themes_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self.store.read(cypher("themes_by_id"), ids=list(ids))
        return {row["id"]: python_props(row["props"]) for row in rows}

    def methods_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self.store.read(cypher("methods_by_id"), ids=list(ids))
        return {row["id"]: python_props(row["props"]) for row in rows}

    def methods_and_events(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self.store.read(cypher("methods_and_events_by_id"), ids=list(ids))
        return {row["id"]: python_props(row["props"]) for row in rows}

    # -- the projection's pulls ----------------------------------------------------------------
    def stream_actors(self) -> Iterator[Row]:
        return self.store.read_stream(cypher("projection_actors"))

    def stream_links(self) -> Iterator[Row]:
        """Dates become ``date`` here, as everywhere the port answers (most links have none)."""
        for row in self.store.read_stream(cypher("projection_links")):
            yield _dated(row)

    def projection_actors_by_id(self, ids: Iterable[str]) -> list[Row]:
        wanted = sorted(set(ids))
        return self.store.read(cypher("projection_actors_by_id"), ids=wanted) if wanted else []

    def projection_links_by_ref(self, refs: Iterable[LinkRef]) -> list[Row]:
        by_kind: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
        for ref in refs:
            by_kind[ref.kind][ref.id] = {"id": ref.id, "source": ref.source, "target": ref.target}
        found: list[Row] = []
        for kind, rows in sorted(by_kind.items()):
            statement = cypher("projection_links_by_ref", link=LinkKind(kind))
            found.extend(
                _dated(row) for row in self.store.read(statement, rows=list(rows.values()))
            )
        return found


def _dated(row: Row) -> Row:
    """A projection link row with its dates as ``date`` (most links have none)."""
    since, until = row["since"], row["until"]
    if since is not None:
        row["since"] = python_value(since)
    if until is not None:
        row["until"] = python_value(until)
    return row


def log_rows(
    entries: Sequence[ChangeEntry], seq: int, context: WriteContext | None, operation: str
) -> list[dict[str, Any]]:
    """The ``Change`` nodes' properties of one transaction's entries."""
    context = context or WriteContext()
    at = context.stamp()["now"]
    operation = operation_of(entries, operation)
    return [
        change_props(
            entry,
            seq=seq,
            n=n,
            at=at,
            operation=operation,
            by=context.by,
            token=context.token,
            run=context.run,
        )
        for n, entry in enumerate(numbered(entries))
    ]


def open_graph(settings: StoreSettings | None = None, *, start: bool = True) -> BoltGraph:
    """The port over the store the settings name (see :func:`open_store`)."""
    return BoltGraph(open_store(settings, start=start))


def _conforms(graph: BoltGraph) -> GraphStore:
    """mypy checks here that :class:`BoltGraph` implements the whole port."""
    return graph


__all__ = ["BoltGraph", "open_graph"]
