"""The change log: what every committed write changed, in the order the writes committed.

Every write transaction through the port moves the graph version by one; that new version is
the transaction's **sequence number** (``seq``), and the changes it made are recorded, in the
same transaction, as ``Change`` nodes numbered ``(seq, n)``. So "what changed since N" is the
changes whose ``seq`` is above N, in ``(seq, n)`` order, on both servers and in memory; the
sequence has no holes (a hole means part of the log is gone: the reader must rebuild).

A change says *what* (``kind``: actor created/updated, link created/updated/ended/removed,
aliases, places, territories…), *which* (``targets``: actor ids, link ids…; for links, their
ends, so a reader can fetch them again without scanning), *who* (``by``, ``token``, ``run``)
and *when* (``at``). The API's edits add an ``edit`` entry with the before/after ``detail``
(their audit, kept under its own id).

>>> from graph_model.batch import GraphBatch
>>> from graph_model.model import Actor, ActorKind
>>> batch = GraphBatch()
>>> batch.add_actor(Actor(id="org-a", kind=ActorKind.ORGANISATION, name="A"), {"name": "A"},
...                 [], new=True)
>>> [(e.kind.value, e.targets) for e in batch_changes(batch)]
[('actor.created', ('org-a',))]

Imports nothing else of the project but the model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from graph_model.model import LinkKind

if TYPE_CHECKING:  # the batch imports nothing of the log; only its type is named here
    from graph_model.batch import GraphBatch


class ChangeKind(StrEnum):
    """What a change did."""

    ACTOR_CREATED = "actor.created"
    ACTOR_UPDATED = "actor.updated"
    ACTOR_REMOVED = "actor.removed"
    LINK_CREATED = "link.created"
    LINK_UPDATED = "link.updated"
    LINK_ENDED = "link.ended"
    LINK_REMOVED = "link.removed"
    ALIASES = "aliases"
    PLACES = "places"
    THEMES = "themes"
    TERRITORIES = "territories"
    METHODS = "methods"
    CANDIDATES = "candidates"
    IMPORT_RUN = "import_run"
    TOKEN = "token"  # noqa: S105 - the kind of change, not a secret
    META = "meta"
    GRAPH_CLEARED = "graph.cleared"
    #: a write that changed nothing the other kinds name (every sequence number has an entry)
    WRITE = "write"
    #: the API's audit of one mutation (before/after in ``detail``)
    EDIT = "edit"
    #: accounts: a user created or changed, a sign-in link made or used, a session opened or
    #: closed (their targets are ids; no secret, hash or password is ever in ``detail``)
    USER = "user"
    SIGN_IN_LINK = "sign_in_link"
    SESSION = "session"
    #: a proposal made, claimed, decided or released
    PROPOSAL = "proposal"


#: the kinds whose targets are actors, and links: what the analytics projection follows
ACTOR_KINDS = frozenset(
    {ChangeKind.ACTOR_CREATED, ChangeKind.ACTOR_UPDATED, ChangeKind.ACTOR_REMOVED}
)
LINK_KINDS = frozenset(
    {
        ChangeKind.LINK_CREATED,
        ChangeKind.LINK_UPDATED,
        ChangeKind.LINK_ENDED,
        ChangeKind.LINK_REMOVED,
    }
)
_SEP = "\x1f"  # the unit separator: refused in every stored text (graph_model.limits)


@dataclass(frozen=True)
class LinkRef:
    """An actor-to-actor link by its id, type and ends: enough to read it again by its ends'
    indexed ids."""

    id: str
    kind: str
    source: str
    target: str

    def encode(self) -> str:
        return _SEP.join((self.kind, self.source, self.target, self.id))

    @classmethod
    def decode(cls, text: str) -> LinkRef:
        kind, source, target, link_id = text.split(_SEP, 3)
        return cls(link_id, kind, source, target)


@dataclass(frozen=True)
class ChangeEntry:
    """What one write changed, before the log numbers it."""

    kind: ChangeKind
    targets: tuple[str, ...] = ()
    links: tuple[LinkRef, ...] = ()
    detail: str = "{}"
    #: the API's audit records keep the id they were given (and name one target)
    id: str | None = None
    target: str | None = None
    at: datetime | None = None
    #: the API's audit records name the mutation: the whole transaction's operation
    operation: str | None = None


@dataclass(frozen=True)
class ChangeRecord:
    """One recorded change (see the module docstring): its place in the log (``seq``, ``n``),
    who (``by``, ``token``, ``run``), when, what (``operation``: the write that made it,
    ``kind``, ``targets``, ``links``, ``detail`` as JSON)."""

    id: str
    at: datetime
    by: str
    operation: str
    target: str
    token: str | None = None
    detail: str = "{}"
    seq: int = 0
    n: int = 0
    kind: str = ChangeKind.EDIT.value
    targets: tuple[str, ...] = ()
    links: tuple[LinkRef, ...] = ()
    run: str | None = None

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> ChangeRecord:
        """The record of a stored ``Change`` node's properties (Python values)."""
        return cls(
            id=str(props["id"]),
            at=props["at"],
            by=str(props.get("by") or ""),
            operation=str(props.get("operation") or ""),
            target=str(props.get("target") or ""),
            token=props.get("token"),
            detail=str(props.get("detail") or "{}"),
            seq=int(props.get("seq") or 0),
            n=int(props.get("n") or 0),
            kind=str(props.get("kind") or ChangeKind.EDIT.value),
            targets=tuple(str(t) for t in props.get("targets") or ()),
            links=tuple(LinkRef.decode(str(t)) for t in props.get("links") or ()),
            run=props.get("run"),
        )


def numbered(entries: Sequence[ChangeEntry]) -> list[ChangeEntry]:
    """A transaction's entries in the order they are numbered: the first one (``n = 0``) always
    takes the id ``chg-<seq>-0``, whose uniqueness refuses a second transaction with the same
    sequence number, so the entries that keep an id of their own (the API's audit records)
    come after the others, and a transaction that logged nothing logs a ``write``."""
    ordered = sorted(entries, key=lambda e: e.id is not None)
    if not ordered or ordered[0].id is not None:
        ordered.insert(0, ChangeEntry(ChangeKind.WRITE))
    return ordered


def operation_of(entries: Iterable[ChangeEntry], default: str) -> str:
    """A transaction's operation: the one its audit record names, else ``default``."""
    return next((e.operation for e in entries if e.operation), default)


def change_props(
    entry: ChangeEntry,
    *,
    seq: int,
    n: int,
    at: datetime,
    operation: str,
    by: str | None,
    token: str | None,
    run: str | None,
) -> dict[str, Any]:
    """The stored properties of an entry numbered ``(seq, n)``."""
    return {
        "id": entry.id or f"chg-{seq}-{n}",
        "seq": seq,
        "n": n,
        "at": entry.at or at,
        "by": by or "",
        "token": token,
        "run": run,
        "operation": operation,
        "kind": entry.kind.value,
        "target": entry.target,
        "targets": list(entry.targets),
        "links": [ref.encode() for ref in entry.links],
        "detail": entry.detail,
    }


def link_refs(kind: LinkKind | str, rows: Iterable[Mapping[str, Any]]) -> tuple[LinkRef, ...]:
    """The refs of link rows (``{id, source, target, …}``) of one type."""
    kind_name = str(kind)
    return tuple(LinkRef(str(r["id"]), kind_name, str(r["source"]), str(r["target"])) for r in rows)


def link_entry(kind: ChangeKind, refs: tuple[LinkRef, ...]) -> ChangeEntry:
    return ChangeEntry(kind, tuple(ref.id for ref in refs), refs)


def batch_changes(
    batch: GraphBatch,
    known: Mapping[LinkKind, Iterable[Mapping[str, Any]]] | None = None,
    settled: Mapping[LinkKind, Iterable[Mapping[str, Any]]] | None = None,
) -> list[ChangeEntry]:
    """The changes a batch makes. ``known``: what its links created unless known found (rows
    ``{id, …}``: those were not created); ``settled``: the link rows its settlement step
    rewrote."""
    entries = _node_changes(batch)
    entries.extend(_link_changes(batch, known, settled))
    if batch.candidates:
        ids = tuple(r["id"] for r in batch.candidates)
        entries.append(ChangeEntry(ChangeKind.CANDIDATES, ids))
    return [entry for entry in entries if entry.targets]


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _node_changes(batch: GraphBatch) -> list[ChangeEntry]:
    actor_ids = _ids(row["id"] for rows in batch.actors.values() for row in rows)
    placed = [
        r["actor"] for r in (*batch.located, *batch.active, *batch.unlocated, *batch.works_on)
    ]
    return [
        ChangeEntry(ChangeKind.TERRITORIES, _ids(r["id"] for r in batch.territories)),
        ChangeEntry(ChangeKind.TERRITORIES, _ids(r["id"] for r in batch.parents)),
        ChangeEntry(ChangeKind.THEMES, tuple(batch.themes)),
        ChangeEntry(ChangeKind.METHODS, _ids(r["id"] for r in (*batch.methods, *batch.events))),
        ChangeEntry(ChangeKind.ACTOR_CREATED, tuple(a for a in actor_ids if a in batch.created)),
        ChangeEntry(
            ChangeKind.ACTOR_UPDATED, tuple(a for a in actor_ids if a not in batch.created)
        ),
        ChangeEntry(ChangeKind.ALIASES, _ids(batch.aliases.values())),
        ChangeEntry(ChangeKind.PLACES, _ids([*placed, *batch.cleared_areas])),
    ]


def _link_changes(
    batch: GraphBatch,
    known: Mapping[LinkKind, Iterable[Mapping[str, Any]]] | None,
    settled: Mapping[LinkKind, Iterable[Mapping[str, Any]]] | None,
) -> list[ChangeEntry]:
    updated: list[LinkRef] = []
    created: list[LinkRef] = []
    for kind, written in batch.links.items():
        for ref in link_refs(kind, written):
            (created if ref.id in batch.created else updated).append(ref)
    for kind, rows in (settled or {}).items():
        updated.extend(link_refs(kind, rows))
    found = {str(row["id"]) for rows in (known or {}).values() for row in rows}
    for kind, rows in batch.new_links.items():
        created.extend(ref for ref in link_refs(kind, rows) if ref.id not in found)
    return [
        link_entry(ChangeKind.LINK_CREATED, tuple(dict.fromkeys(created))),
        link_entry(ChangeKind.LINK_UPDATED, tuple(dict.fromkeys(updated))),
    ]


def detail(**values: Any) -> str:
    """A change's ``detail``: JSON, keys sorted, non-JSON values as text."""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


__all__ = [
    "ACTOR_KINDS",
    "LINK_KINDS",
    "ChangeEntry",
    "ChangeKind",
    "ChangeRecord",
    "LinkRef",
    "batch_changes",
    "change_props",
    "detail",
    "link_entry",
    "link_refs",
    "numbered",
    "operation_of",
]
