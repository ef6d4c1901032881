"""The graph held in memory: nodes by label and id, relationships with the indexes the port's
operations look them up by, and the undo journal that makes a write all or nothing.

Nodes are dicts of properties replaced whole on every write (never changed in place), so undoing
a write is putting the old dict back. Every change goes through a primitive here (:meth:`put`,
:meth:`set_alias`, :meth:`add_rel`, :meth:`drop_rel`, :meth:`set_rel`), which keeps the indexes
and records its inverse in the running :class:`Journal`; a write that raises plays the journal
backwards. Properties follow Cypher's rules: a ``null`` value is never stored (``SET n += {k:
null}`` removes ``k``), lists are copied in and out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from graph_model.changes import ChangeEntry

Props = dict[str, Any]
K = TypeVar("K")
#: a node: (label it is kept under, id)
Ref = tuple[str, str]

ACTOR = "Actor"
TERRITORY = "Territory"
#: the labels a node is kept under (an actor also carries its kind label: :attr:`GraphState.kinds`)
LABELS = (
    ACTOR,
    TERRITORY,
    "Theme",
    "Method",
    "Event",
    "ImportRun",
    "DuplicateCandidate",
    "Meta",
    "ApiToken",
    "Change",
    "User",
    "SignInLink",
    "Session",
    "Proposal",
)
#: the cooperation graph's link types (the only ones the link reads and the projection see)
COOPERATION = frozenset({"MEMBER_OF", "COOPERATES_WITH", "CARRIES", "SUPPORTS", "FUNDS", "SITS_ON"})


_SEQUENCES = (list, tuple)


def stored(value: Any) -> Any:
    """A value as a property holds it: lists are copied so no caller shares them."""
    return list(value) if type(value) in _SEQUENCES else value


def merged(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> Props:
    """``SET n += new`` on properties ``old``: ``null`` removes, anything else replaces."""
    out = dict(old) if old else {}
    for key, value in new.items():  # inlined `stored`: 36k territories go through here
        if value is None:
            out.pop(key, None)
        elif type(value) in _SEQUENCES:
            out[key] = list(value)
        else:
            out[key] = value
    return out


def created(props: Mapping[str, Any]) -> Props:
    """``CREATE (n {…})``: the ``null`` values are not stored."""
    if not props:
        return {}
    return {k: stored(v) for k, v in props.items() if v is not None}


def copied(props: Mapping[str, Any]) -> Props:
    """Properties handed out: a fresh dict with fresh lists."""
    return {k: list(v) if type(v) is list else v for k, v in props.items()}


@dataclass(slots=True)
class Rel:
    kind: str
    start: Ref
    end: Ref
    props: Props


class Journal:
    """The inverses of one write's changes, played backwards on :meth:`rollback`."""

    def __init__(self) -> None:
        self.undo: list[Callable[[], None]] = []
        #: the change log's entries of this write, recorded when it commits
        self.entries: list[ChangeEntry] = []
        #: its sequence number, once committed
        self.seq: int | None = None

    def log(self, *entries: ChangeEntry) -> None:
        self.entries.extend(entries)

    def rollback(self) -> None:
        while self.undo:
            self.undo.pop()()


class GraphState:
    """Nodes, aliases, relationships and their indexes (not thread-safe: the port locks)."""

    def __init__(self) -> None:
        self._fresh()

    def _fresh(self) -> None:
        self.nodes: dict[str, dict[str, Props]] = {label: {} for label in LABELS}
        #: actor id → the kind label it was created with (fixed, as on the servers)
        self.kinds: dict[str, str] = {}
        #: folded name → actor ids (insertion ordered)
        self.names: dict[str, dict[str, None]] = {}
        #: alias key → actor id; actor id → its keys
        self.aliases: dict[str, str] = {}
        self.keys_of: dict[str, dict[str, None]] = {}
        self.rels: dict[int, Rel] = {}
        self.out: dict[Ref, dict[int, None]] = {}
        self.inc: dict[Ref, dict[int, None]] = {}
        self.pairs: dict[tuple[Ref, str, Ref], dict[int, None]] = {}
        #: (type, link id) → relationships (links are deleted by id)
        self.by_link_id: dict[tuple[str, str], dict[int, None]] = {}
        self.next_rel = 0

    # -- the whole graph ---------------------------------------------------------------------
    def clone(self) -> GraphState:
        """An independent copy, in O(size) dict copies: property dicts are never changed in
        place (every write puts a new one), so the copies share them safely."""
        other = GraphState.__new__(GraphState)
        other.nodes = {label: dict(table) for label, table in self.nodes.items()}
        other.kinds = dict(self.kinds)
        other.names = {key: dict(ids) for key, ids in self.names.items()}
        other.aliases = dict(self.aliases)
        other.keys_of = {actor: dict(keys) for actor, keys in self.keys_of.items()}
        other.rels = {rid: Rel(r.kind, r.start, r.end, r.props) for rid, r in self.rels.items()}
        other.out = {ref: dict(rids) for ref, rids in self.out.items()}
        other.inc = {ref: dict(rids) for ref, rids in self.inc.items()}
        other.pairs = {key: dict(rids) for key, rids in self.pairs.items()}
        other.by_link_id = {key: dict(rids) for key, rids in self.by_link_id.items()}
        other.next_rel = self.next_rel
        return other

    def clear(self, journal: Journal) -> None:
        before = dict(self.__dict__)
        self._fresh()
        journal.undo.append(lambda: self.__dict__.update(before))

    # -- nodes -------------------------------------------------------------------------------
    def get(self, label: str, node_id: str) -> Props | None:
        return self.nodes[label].get(node_id)

    def put(self, journal: Journal, label: str, node_id: str, props: Props) -> None:
        """Store ``props`` (a dict of its own) as the node's properties, creating it if
        needed."""
        table = self.nodes[label]
        old = table.get(node_id)
        table[node_id] = props
        if label == ACTOR:
            self._rename(node_id, old, props)
        if old is None:
            journal.undo.append(lambda: self._unput(label, node_id))
        else:
            journal.undo.append(lambda: self._reput(label, node_id, old))

    def _unput(self, label: str, node_id: str) -> None:
        props = self.nodes[label].pop(node_id)
        if label == ACTOR:
            self._rename(node_id, props, None)
            self.kinds.pop(node_id, None)

    def _reput(self, label: str, node_id: str, old: Props) -> None:
        current = self.nodes[label][node_id]
        self.nodes[label][node_id] = old
        if label == ACTOR:
            self._rename(node_id, current, old)

    def _rename(self, actor: str, old: Props | None, new: Props | None) -> None:
        before = old.get("name_key") if old else None
        after = new.get("name_key") if new else None
        if before == after:
            return
        if before is not None:
            ids = self.names.get(before)
            if ids is not None:
                ids.pop(actor, None)
                if not ids:
                    del self.names[before]
        if after is not None:
            self.names.setdefault(after, {})[actor] = None

    def create_actor(self, journal: Journal, actor: str, kind: str, props: Props) -> None:
        self.kinds[actor] = str(kind)
        self.put(journal, ACTOR, actor, props)  # its undo forgets the kind too

    # -- aliases -----------------------------------------------------------------------------
    def set_alias(self, journal: Journal, key: str, actor: str) -> None:
        old = self.aliases.get(key)
        self._point(key, old, actor)
        journal.undo.append(lambda: self._point(key, actor, old))

    def _point(self, key: str, old: str | None, new: str | None) -> None:
        if old is not None:
            keys = self.keys_of.get(old)
            if keys is not None:
                keys.pop(key, None)
                if not keys:
                    del self.keys_of[old]
        if new is None:
            self.aliases.pop(key, None)
        else:
            self.aliases[key] = new
            self.keys_of.setdefault(new, {})[key] = None

    # -- relationships -----------------------------------------------------------------------
    def rels_out(self, start: Ref) -> Iterator[tuple[int, Rel]]:
        for rid in self.out.get(start, ()):
            yield rid, self.rels[rid]

    def rels_in(self, end: Ref) -> Iterator[tuple[int, Rel]]:
        for rid in self.inc.get(end, ()):
            yield rid, self.rels[rid]

    def between(self, start: Ref, kind: str, end: Ref) -> list[tuple[int, Rel]]:
        return [(rid, self.rels[rid]) for rid in self.pairs.get((start, kind, end), ())]

    def with_link_id(self, kind: str, link_id: str) -> list[tuple[int, Rel]]:
        return [(rid, self.rels[rid]) for rid in self.by_link_id.get((kind, link_id), ())]

    def add_rel(self, journal: Journal, kind: str, start: Ref, end: Ref, props: Props) -> int:
        rid = self.next_rel
        self.next_rel += 1
        self._link(rid, Rel(str(kind), start, end, props))  # a LinkKind is kept as its name
        journal.undo.append(lambda: self._forget(rid))
        return rid

    def drop_rel(self, journal: Journal, rid: int) -> None:
        rel = self._unlink(rid)

        def undo() -> None:
            self._link(rid, rel)

        journal.undo.append(undo)

    def set_rel(self, journal: Journal, rid: int, props: Props) -> None:
        rel = self.rels[rid]
        old = rel.props
        self._relabel(rid, rel, props)
        journal.undo.append(lambda: self._relabel(rid, rel, old))

    def _relabel(self, rid: int, rel: Rel, props: Props) -> None:
        before, after = rel.props.get("id"), props.get("id")
        if before != after:
            self._index_id(rid, rel.kind, before, add=False)
            self._index_id(rid, rel.kind, after, add=True)
        rel.props = props

    def _index_id(self, rid: int, kind: str, link_id: Any, *, add: bool) -> None:
        if link_id is None:
            return
        key = (kind, str(link_id))
        if add:
            self.by_link_id.setdefault(key, {})[rid] = None
            return
        rids = self.by_link_id.get(key)
        if rids is not None:
            rids.pop(rid, None)
            if not rids:
                del self.by_link_id[key]

    def _link(self, rid: int, rel: Rel) -> None:
        self.rels[rid] = rel
        self.out.setdefault(rel.start, {})[rid] = None
        self.inc.setdefault(rel.end, {})[rid] = None
        self.pairs.setdefault((rel.start, rel.kind, rel.end), {})[rid] = None
        self._index_id(rid, rel.kind, rel.props.get("id"), add=True)

    def _unlink(self, rid: int) -> Rel:
        rel = self.rels.pop(rid)
        _discard(self.out, rel.start, rid)
        _discard(self.inc, rel.end, rid)
        _discard(self.pairs, (rel.start, rel.kind, rel.end), rid)
        self._index_id(rid, rel.kind, rel.props.get("id"), add=False)
        return rel

    def _forget(self, rid: int) -> None:
        self._unlink(rid)


def _discard(index: dict[K, dict[int, None]], key: K, rid: int) -> None:
    rids = index[key]
    del rids[rid]
    if not rids:
        del index[key]
