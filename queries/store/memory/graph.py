"""The port in memory: :class:`MemoryGraph` implements :class:`graph_model.port.GraphStore` with
the semantics of the Bolt adapter on the servers (``queries.store.bolt``), without a server.

Tests of the pipeline, the API and the analytics run on it in seconds; the contract suite
(``tests/contract``) runs the same assertions on it and on each server. Every write is one
transaction under one lock: its changes are journalled (:mod:`queries.store.memory.state`) and
undone if it raises, and a committed one bumps the graph version as the servers' ``Meta
{id: 'graph'}`` node does. Reads hand out copies: no caller can change the graph behind the
port's back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from graph_model.batch import GraphBatch, Settle, actor_batches, link_batches
from graph_model.changes import (
    ChangeEntry,
    ChangeKind,
    ChangeRecord,
    LinkRef,
    batch_changes,
    link_entry,
)
from graph_model.model import Actor, Link, LinkKind
from graph_model.port import (
    ActorLink,
    ActorPlace,
    GraphStore,
    Row,
    StoredActor,
    StoredLink,
    TerritoryRef,
    WriteContext,
    Written,
)
from graph_model.stored import (
    TerritoryLookup,
    reference_fingerprint,
    territory_rows,
)
from graph_model.territories import TerritoryReference
from queries.collector import paused
from queries.store import batches
from queries.store.edit import audit_entry
from queries.store.memory import reads, writes
from queries.store.memory.accounts import MemoryAccounts, decide_proposal
from queries.store.memory.base import duplicate
from queries.store.memory.records import MemoryRecords
from queries.store.memory.state import (
    ACTOR,
    GraphState,
    Journal,
    copied,
    merged,
)

TERRITORIES_META = "territories"


class MemoryEdit:
    """A running edit transaction (see :class:`graph_model.port.GraphEdit`)."""

    def __init__(self, state: GraphState, journal: Journal, context: WriteContext) -> None:
        self._state = state
        self._journal = journal
        self.context = context

    def actors_by_id(self, ids: Iterable[str]) -> dict[str, StoredActor]:
        return reads.actors_by_id(self._state, ids)

    def actor_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return reads.actor_kinds(self._state, ids)

    def links_between(self, source: str, target: str, kind: LinkKind) -> list[StoredLink]:
        return reads.links_between(self._state, source, target, kind)

    def write(self, batch: GraphBatch) -> Written:
        """The batch; an actor it creates that exists already raises ``DuplicateError`` (the
        servers' unique constraint), before anything is written."""
        existing = reads.actor_kinds(self._state, batch.created)
        if existing:
            raise duplicate(f"actor {min(existing)}")
        writes.write_batch(self._state, self._journal, batch)
        self._journal.log(*batch_changes(batch))
        return Written("edit", batches.targets(batch), batches.size(batch), self.context)

    def _joining(self, source: str, target: str, kind: LinkKind, ids: Sequence[str]) -> list[int]:
        wanted = set(ids)
        return [
            rid
            for rid, rel in self._state.between((ACTOR, source), kind, (ACTOR, target))
            if rel.props.get("id") in wanted
        ]

    def end_links(
        self,
        source: str,
        target: str,
        kind: LinkKind,
        ids: Sequence[str],
        *,
        until: date,
        sources: Sequence[str],
    ) -> list[StoredLink]:
        stamp = self.context.stamp()
        changes = {
            "until": until,
            "sources": list(sources),
            "updated_at": stamp["now"],
            "updated_run": self.context.run,
            "updated_by": self.context.by,
        }
        ended = []
        for rid in self._joining(source, target, kind, ids):
            self._state.set_rel(self._journal, rid, merged(self._state.rels[rid].props, changes))
            props = self._state.rels[rid].props
            ended.append(reads.stored_link(writes.link_columns(props, kind, source, target)))
        refs = tuple(LinkRef(link.id, kind.value, source, target) for link in ended)
        self._journal.log(link_entry(ChangeKind.LINK_ENDED, refs))
        return ended

    def remove_links(self, source: str, target: str, kind: LinkKind, ids: Sequence[str]) -> int:
        doomed = self._joining(source, target, kind, ids)
        refs = tuple(
            LinkRef(str(self._state.rels[rid].props["id"]), kind.value, source, target)
            for rid in doomed
        )
        for rid in doomed:
            self._state.drop_rel(self._journal, rid)
        if refs:
            self._journal.log(link_entry(ChangeKind.LINK_REMOVED, refs))
        return len(doomed)

    def record_change(self, change: ChangeRecord) -> None:
        self._journal.log(audit_entry(change))

    def decide_proposal(
        self, proposal_id: str, claim: str, status: str, note: str | None, result: str | None
    ) -> bool:
        changes = {
            "status": status,
            "decided_at": self.context.stamp()["now"],
            "decided_by": self.context.by,
            "note": note,
            "result": result,
        }
        return decide_proposal(self._state, self._journal, proposal_id, claim, changes)


class MemoryGraph(MemoryRecords, MemoryAccounts):
    """The graph port in memory (thread-safe: one lock; see the module docstring)."""

    def copy(self) -> MemoryGraph:
        """An independent graph holding what this one holds (not part of the port): load a
        test dataset once, give each test its own copy (36k territories: 0.25-0.5 s here,
        against 2-3 s to load them again)."""
        other = MemoryGraph()
        with self._lock, paused():
            other._state = self._state.clone()
        return other

    # -- lifecycle and meta --------------------------------------------------------------------
    def ping(self) -> None:
        return None

    def graph_version(self) -> int:
        with self._lock:
            meta = self._state.get("Meta", "graph")
            return int(meta.get("version", 0)) if meta else 0

    def setup_schema(self) -> int:
        """Nothing to set up: the indexes are the state's own dicts."""
        return 0

    def delete_all(self) -> None:
        with self._write(None, "delete_all") as journal:
            version = self._state.get("Meta", "graph")
            self._state.clear(journal)
            if version is not None:  # kept, as on the servers: sequence numbers go on
                self._state.put(journal, "Meta", "graph", version)
            journal.log(ChangeEntry(ChangeKind.GRAPH_CLEARED))

    def close(self) -> None:
        return None

    def counts(self) -> dict[str, int]:
        with self._lock:
            return reads.counts(self._state)

    def meta_get(self, key: str) -> str | None:
        with self._lock:
            meta = self._state.get("Meta", key)
            value = meta.get("value") if meta else None
            return None if value is None else str(value)

    def meta_set(self, key: str, value: str, context: WriteContext) -> Written:
        with self._write(context, "meta_set") as journal:
            self._upsert(journal, "Meta", key, {"value": value})
            journal.log(ChangeEntry(ChangeKind.META, (key,)))
        return Written("meta_set", (key,), 1, context, journal.seq)

    # -- actors and aliases --------------------------------------------------------------------
    def actors_by_id(self, ids: Iterable[str]) -> dict[str, StoredActor]:
        with self._lock:
            return reads.actors_by_id(self._state, ids)

    def actor_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        with self._lock:
            return reads.actor_kinds(self._state, ids)

    def resolve_keys(self, keys: Iterable[str]) -> dict[str, str]:
        with self._lock:
            aliases = self._state.aliases
            return {key: aliases[key] for key in sorted(set(keys)) if key in aliases}

    def aliases_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        with self._lock:
            keys_of = self._state.keys_of
            return {a: sorted(keys_of[a]) for a in sorted(set(ids)) if a in keys_of}

    def places_of(self, ids: Iterable[str]) -> list[ActorPlace]:
        with self._lock:
            return reads.places_of(self._state, ids)

    def write_actors(
        self,
        actors: Sequence[Actor],
        context: WriteContext,
        *,
        territories: TerritoryLookup | None = None,
        batch_size: int = 2_000,
    ) -> Written:
        """One transaction a batch, as on the servers (a refused kind stops at its batch);
        under the lock throughout, so no other write slips between the kind check and the
        write."""
        seq = None
        with self._lock:
            for batch in actor_batches(
                actors,
                context.stamp(),
                lambda ids: reads.actor_kinds(self._state, ids),
                territories=territories,
                batch_size=batch_size,
            ):
                with self._write(context, "write_actors") as journal:
                    writes.write_batch(self._state, journal, batch)
                    journal.log(*batch_changes(batch))
                seq = journal.seq
        targets = tuple(a.id for a in actors)
        return Written("write_actors", targets, len(targets), context, seq)

    # -- links ---------------------------------------------------------------------------------
    def write_links(
        self, links: Iterable[Link], context: WriteContext, *, batch_size: int = 5_000
    ) -> Written:
        targets: list[str] = []
        seq = None
        for batch in link_batches(links, context.stamp(), batch_size=batch_size):
            with self._write(context, "write_links") as journal:
                known = writes.write_batch(self._state, journal, batch)
                journal.log(*batch_changes(batch, known))
            seq = journal.seq
            targets.extend(batches.targets(batch))
        return Written("write_links", tuple(targets), len(targets), context, seq)

    def links_of_actors(self, ids: Iterable[str]) -> list[ActorLink]:
        with self._lock:
            return reads.links_of_actors(self._state, ids)

    def links_of_actor(self, actor_id: str, as_of: date | None = None) -> list[StoredLink]:
        with self._lock:
            return reads.links_of_actor(self._state, actor_id, as_of)

    def links_between(self, source: str, target: str, kind: LinkKind) -> list[StoredLink]:
        with self._lock:
            return reads.links_between(self._state, source, target, kind)

    def delete_links(self, kind: LinkKind, ids: Sequence[str], context: WriteContext) -> Written:
        """Every match counts, as ``count(*)`` does on the servers: an id given twice counts
        its link twice."""
        deleted = 0
        with self._write(context, "delete_links") as journal:
            doomed: dict[int, None] = {}
            refs: dict[LinkRef, None] = {}
            for link_id in ids:
                for rid, rel in self._state.with_link_id(kind, link_id):
                    if rel.start[0] == ACTOR and rel.end[0] == ACTOR:
                        doomed[rid] = None
                        deleted += 1
                        refs[LinkRef(link_id, kind.value, rel.start[1], rel.end[1])] = None
            for rid in doomed:
                self._state.drop_rel(journal, rid)
            if refs:
                journal.log(link_entry(ChangeKind.LINK_REMOVED, tuple(refs)))
        return Written("delete_links", tuple(ids), deleted, context, journal.seq)

    # -- batches and edits ---------------------------------------------------------------------
    def write_batch(
        self, batch: GraphBatch, settle: Settle | None = None, *, operation: str = "import"
    ) -> Written:
        context = WriteContext(run=batch.stamp.get("run"), at=batch.stamp.get("now"))
        with self._write(context, operation) as journal:
            known = writes.write_batch(self._state, journal, batch)
            settled: dict[LinkKind, list[dict[str, Any]]] = {}
            if settle is not None and batch.new_links:
                for kind, rows in settle(known).items():
                    writes.links_upsert(self._state, journal, kind, rows, batch.stamp)
                    settled[kind] = rows
            journal.log(*batch_changes(batch, known, settled))
        return Written(operation, batches.targets(batch), batches.size(batch), seq=journal.seq)

    @contextlib.contextmanager
    def edit(self, context: WriteContext) -> Iterator[MemoryEdit]:
        with self._write(context, "edit") as journal:
            yield MemoryEdit(self._state, journal, context)

    # -- territories ---------------------------------------------------------------------------
    def load_territories(
        self, reference: TerritoryReference, context: WriteContext, *, batch_size: int = 5_000
    ) -> Written:
        """Every territory, then every ``PART_OF`` (a batch a transaction, parents first)."""
        rows = territory_rows(reference)
        seq = self._load(rows, batch_size, context)
        return Written("load_territories", (), len(rows), context, seq)

    def _load(
        self, rows: list[dict[str, Any]], batch_size: int, context: WriteContext
    ) -> int | None:
        nodes = [{"id": r["id"], "props": r["props"]} for r in rows]
        parents = [{"id": r["id"], "parent": p} for r in rows for p in r["parents"]]
        seq = None
        for start in range(0, len(nodes), batch_size):
            with self._write(context, "load_territories") as journal:
                chunk = nodes[start : start + batch_size]
                writes.upsert_nodes(self._state, journal, "Territory", chunk)
                ids = tuple(dict.fromkeys(r["id"] for r in chunk))
                journal.log(ChangeEntry(ChangeKind.TERRITORIES, ids))
            seq = journal.seq
        for start in range(0, len(parents), batch_size):
            with self._write(context, "load_territories") as journal:
                chunk = parents[start : start + batch_size]
                writes.territories_link_parents(self._state, journal, chunk)
                ids = tuple(dict.fromkeys(r["id"] for r in chunk))
                journal.log(ChangeEntry(ChangeKind.TERRITORIES, ids))
            seq = journal.seq
        return seq

    def ensure_territories(
        self, reference: TerritoryReference, context: WriteContext
    ) -> tuple[int, bool]:
        """As on the servers: loaded unless the meta ``territories`` names these files."""
        rows, fingerprint = territory_rows(reference), reference_fingerprint()
        loaded = self.meta_get(TERRITORIES_META) == fingerprint
        if not loaded:
            self._load(rows, 5_000, context)
            self.meta_set(TERRITORIES_META, fingerprint, context)
        return len(rows), not loaded

    def territory_ancestors(self, territory_id: str) -> list[TerritoryRef]:
        with self._lock:
            return reads.territory_ancestors(self._state, territory_id)

    def missing_territories(self, ids: Iterable[str]) -> set[str]:
        with self._lock:
            known = self._state.nodes["Territory"]
            return {t for t in ids if t not in known}

    # -- what the importers read ---------------------------------------------------------------
    def name_index(self) -> Iterator[Row]:
        with self._lock:
            actors = self._state.nodes[ACTOR].values()
            return iter([reads.columns(p, reads.NAME_INDEX) for p in actors])

    def actor_state(self, ids: Iterable[str]) -> dict[str, Row]:
        with self._lock:
            actors = self._state.nodes[ACTOR]
            return {a: reads.columns(actors[a], reads.ACTOR_STATE) for a in ids if a in actors}

    def actors_by_name(self, name_keys: Iterable[str]) -> list[Row]:
        with self._lock:
            actors, names = self._state.nodes[ACTOR], self._state.names
            return [
                {"key": key, **reads.columns(actors[a], ("id", "name", "kind", "commune"))}
                for key in sorted(set(name_keys))
                for a in names.get(key, ())
            ]

    def existing_links(self, kind: LinkKind, ends: Iterable[tuple[str, str]]) -> list[Row]:
        with self._lock:
            return reads.existing_links(self._state, kind, ends)

    def _props_of(self, labels: tuple[str, ...], ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        with self._lock:
            found: dict[str, dict[str, Any]] = {}
            for node_id in ids:
                for label in labels:
                    props = self._state.get(label, node_id)
                    if props is not None:
                        found[node_id] = copied(props)
                        break
            return found

    def themes_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return self._props_of(("Theme",), ids)

    def methods_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return self._props_of(("Method",), ids)

    def methods_and_events(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return self._props_of(("Method", "Event"), ids)

    # -- the projection's pulls ----------------------------------------------------------------
    def stream_actors(self) -> Iterator[Row]:
        with self._lock:
            actors = self._state.nodes[ACTOR].values()
            return iter([reads.columns(p, reads.PROJECTION_ACTOR) for p in actors])

    def stream_links(self) -> Iterator[Row]:
        with self._lock:
            return iter(reads.stream_links(self._state))

    def projection_actors_by_id(self, ids: Iterable[str]) -> list[Row]:
        with self._lock:
            actors = self._state.nodes[ACTOR]
            return [
                reads.columns(actors[a], reads.PROJECTION_ACTOR)
                for a in sorted(set(ids))
                if a in actors
            ]

    def projection_links_by_ref(self, refs: Iterable[LinkRef]) -> list[Row]:
        with self._lock:
            return reads.links_by_ref(self._state, refs)


def _conforms(graph: MemoryGraph) -> GraphStore:
    """mypy checks here that :class:`MemoryGraph` implements the whole port."""
    return graph
