"""The port's writes over Bolt (:class:`graph_model.port.GraphWrites`): each write is one
transaction (one a batch for the batched ones) of catalogue statements, values as parameters
only, with its change log entries in the same transaction. Batches go as ``UNWIND $rows``
(:mod:`queries.store.batches`): no per-row round trip."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from graph_model.batch import GraphBatch, KnownLinks, Settle, actor_batches, link_batches
from graph_model.changes import ChangeEntry, ChangeKind, LinkRef, batch_changes, link_entry
from graph_model.model import Actor, Link, LinkKind
from graph_model.port import Decision, Row, TokenRecord, WriteContext, Written
from graph_model.stored import TerritoryLookup, reference_fingerprint, territory_rows
from graph_model.territories import TerritoryReference
from queries.store import batches
from queries.store.bolt_core import log_rows
from queries.store.bolt_reads import BoltReads
from queries.store.catalog import cypher
from queries.store.edit import BoltEdit
from queries.store.records import python_props, token_record

TERRITORIES_META = "territories"


class BoltWrites(BoltReads):
    """The port's writes over one :class:`~queries.store.adapter.Store` (they read too: an
    actor's kind before its batch, the territories' fingerprint)."""

    def delete_all(self) -> None:
        entry = ChangeEntry(ChangeKind.GRAPH_CLEARED)
        self._commit([(cypher("delete_all"), {})], [entry], None, "delete_all")

    def meta_set(self, key: str, value: str, context: WriteContext) -> Written:
        statement = (cypher("meta_set"), {"id": key, "value": value})
        _, seq = self._commit(
            [statement], [ChangeEntry(ChangeKind.META, (key,))], context, "meta_set"
        )
        return Written("meta_set", (key,), 1, context, seq)

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

    def write_links(
        self, links: Iterable[Link], context: WriteContext, *, batch_size: int = 5_000
    ) -> Written:
        targets: list[str] = []
        seq = None
        for batch in link_batches(links, context.stamp(), batch_size=batch_size):
            _, seq = self._write_batch(batch, None, context, "write_links")
            targets.extend(batches.targets(batch))
        return Written("write_links", tuple(targets), len(targets), context, seq)

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

    def save_import_run(
        self, run_id: str, props: Mapping[str, Any], context: WriteContext
    ) -> Written:
        statement = (cypher("import_run_save"), {"id": run_id, "props": dict(props)})
        entry = ChangeEntry(ChangeKind.IMPORT_RUN, (run_id,))
        _, seq = self._commit([statement], [entry], context, "save_import_run")
        return Written("save_import_run", (run_id,), 1, context, seq)

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

    def revoke_tokens(self, reference: str, context: WriteContext) -> list[TokenRecord]:
        params = {"ref": reference, "now": context.stamp()["now"]}

        def entries(results: list[list[Row]]) -> list[ChangeEntry]:
            ids = tuple(str(row["id"]) for row in results[0])
            return [ChangeEntry(ChangeKind.TOKEN, ids)] if ids else []

        statement = (cypher("tokens_revoke"), params)
        rows = self._commit([statement], entries, context, "revoke_tokens")[0][0]
        return [token_record(row) for row in rows]
