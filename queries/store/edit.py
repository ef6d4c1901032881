"""One transaction of the API's edits (:meth:`BoltGraph.edit`): reads that see its writes, the
batch write every actor and link goes through, ending and removing links, the change record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, LiteralString

from graph_model.batch import GraphBatch
from graph_model.changes import (
    ChangeEntry,
    ChangeKind,
    ChangeRecord,
    LinkRef,
    batch_changes,
    link_entry,
)
from graph_model.model import LinkKind
from graph_model.port import StoredActor, StoredLink, WriteContext, Written
from queries.store import batches
from queries.store.adapter import Row, Transaction
from queries.store.catalog import cypher
from queries.store.records import python_props, stored_link

#: ``Store.read`` or ``Transaction.run``: one statement, its rows
Read = Callable[..., list[Row]]


def actors_by_id(read: Read, ids: Iterable[str]) -> dict[str, StoredActor]:
    rows = read(cypher("actors_by_id"), ids=sorted(set(ids)))
    return {
        row["id"]: StoredActor(row["id"], str(row["kind"]), python_props(row["props"]))
        for row in rows
    }


def actor_kinds(read: Read, ids: Iterable[str]) -> dict[str, str]:
    return {row["id"]: row["kind"] for row in read(cypher("actor_kinds"), ids=list(ids))}


def links_between(read: Read, source: str, target: str, kind: LinkKind) -> list[StoredLink]:
    rows = read(cypher("links_between", link=kind), source=source, target=target)
    return [stored_link(row) for row in rows]


class BoltEdit:
    """A running edit transaction (see :class:`graph_model.port.GraphEdit`)."""

    def __init__(self, tx: Transaction, context: WriteContext) -> None:
        self._tx = tx
        self.context = context
        #: the change log's entries of this transaction, in order (written at commit)
        self.entries: list[ChangeEntry] = []

    def _run(self, query: LiteralString, /, **params: Any) -> list[Row]:
        return self._tx.run(query, **params)

    def actors_by_id(self, ids: Iterable[str]) -> dict[str, StoredActor]:
        return actors_by_id(self._run, ids)

    def actor_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return actor_kinds(self._run, ids)

    def links_between(self, source: str, target: str, kind: LinkKind) -> list[StoredLink]:
        return links_between(self._run, source, target, kind)

    def write(self, batch: GraphBatch) -> Written:
        """The batch; the actors it creates are created outright first (see
        ``actors_create_new``): one that exists already raises ``DuplicateError``."""
        for kind, rows in batch.actors.items():
            ids = [row["id"] for row in rows if row["id"] in batch.created]
            if ids:
                self._tx.run(cypher("actors_create_new", kind=kind), ids=ids, **batch.stamp)
        for query, params in batches.statements(batch):
            self._tx.run(query, **params)
        self.entries.extend(batch_changes(batch))
        return Written("edit", batches.targets(batch), batches.size(batch), self.context)

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
        rows = self._tx.run(
            cypher("links_end", link=kind),
            source=source,
            target=target,
            ids=list(ids),
            until=until,
            sources=list(sources),
            now=self.context.stamp()["now"],
            run=self.context.run,
            by=self.context.by,
        )
        ended = [stored_link(row) for row in rows]
        self.entries.append(link_entry(ChangeKind.LINK_ENDED, _refs(ended)))
        return ended

    def remove_links(self, source: str, target: str, kind: LinkKind, ids: Sequence[str]) -> int:
        rows = self._tx.run(
            cypher("links_remove", link=kind), source=source, target=target, ids=list(ids)
        )
        refs = tuple(LinkRef(str(row["id"]), kind.value, source, target) for row in rows)
        if refs:
            self.entries.append(link_entry(ChangeKind.LINK_REMOVED, refs))
        return len(refs)

    def record_change(self, change: ChangeRecord) -> None:
        self.entries.append(audit_entry(change))

    def decide_proposal(
        self, proposal_id: str, claim: str, status: str, note: str | None, result: str | None
    ) -> bool:
        rows = self._tx.run(
            cypher("proposal_decide"),
            id=proposal_id,
            claim=claim,
            status=status,
            now=self.context.stamp()["now"],
            by=self.context.by,
            note=note,
            result=result,
        )
        self.entries.append(ChangeEntry(ChangeKind.PROPOSAL, (proposal_id,)))
        return bool(rows)


def audit_entry(change: ChangeRecord) -> ChangeEntry:
    """The change log's ``edit`` entry of an API audit record (it keeps its id and target)."""
    return ChangeEntry(
        ChangeKind.EDIT,
        (change.target,),
        detail=change.detail,
        id=change.id,
        target=change.target,
        at=change.at,
        operation=change.operation,
    )


def _refs(links: list[StoredLink]) -> tuple[LinkRef, ...]:
    return tuple(LinkRef(link.id, link.kind, link.source, link.target) for link in links)
