"""Live projection: the change log applied to a projection, instead of a rebuild.

The store's change log (:mod:`graph_model.changes`) names, for every committed write, the
actors and links it touched. :func:`follow` reads the log after a projection's version, reads
those actors and links again from the store (by id; links by their ends' ids) and
:func:`apply_delta` makes the projection at the new sequence number from the old one:

* **structural sharing**: the new graph's outer dicts (nodes, successors, predecessors) are
  shallow copies, and only the adjacency dicts of the actors a change touches are copied; every
  other dict is shared with the old projection, which is never changed (requests still
  answering from it see it whole). A delta costs the copy of three dicts of N entries plus
  what it touches, not a pull of the graph;
* **canonical, as a rebuild**: actors stay in id order, each actor's neighbours in the order a
  rebuild gives (by the smallest link id joining them), the links of a pair in id order, so the
  delta-applied projection equals the rebuilt one — order included, which the engine's vertex
  numbering and the path searches' tie-breaking rely on;
* **all or nothing**: the new projection is published only once whole; a delta that fails
  leaves the old one serving (the caller rebuilds);
* **derived indexes follow**: an index registered with a *carry* function
  (:meth:`Projection.derived`) is handed the :class:`Applied` change and returns its updated
  copy (or ``None``: dropped, rebuilt on first use); indexes without one are dropped.

:func:`follow` returns ``None`` when the log cannot bring the projection up to date — a hole in
the sequence (part of the log is gone, or a write bypassed the port), the graph cleared, the
store behind the projection — and the caller then rebuilds (the recovery path, logged).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Protocol, TypeVar, runtime_checkable

import networkx as nx

from graph_model.changes import ACTOR_KINDS, LINK_KINDS, ChangeKind, ChangeRecord, LinkRef
from queries.collector import paused
from queries.projection import GraphSource, Projection, _edge, _Interner, _node, carriers

logger = logging.getLogger(__name__)

#: entries read from the log per round trip
PAGE = 5_000
#: ids read again per round trip
CHUNK = 5_000
#: a change naming more actors and links than this (a whole import) is followed by a rebuild:
#: one pull of the graph is then cheaper than reading each of them again by id
LARGE = 200_000

Attrs = dict[str, Any]
T = TypeVar("T")
#: a link as the projection holds it: (source, target, attributes)
EdgeState = tuple[str, str, Attrs]


@runtime_checkable
class LogSource(GraphSource, Protocol):
    """What following the log reads of the port (:class:`graph_model.port.GraphStore`)."""

    def changes_since(self, after: int, limit: int = 10_000) -> list[ChangeRecord]: ...

    def projection_actors_by_id(self, ids: Iterable[str]) -> list[dict[str, Any]]: ...

    def projection_links_by_ref(self, refs: Iterable[LinkRef]) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Delta:
    """What to change to reach ``version``: actors (id → projection row, ``None``: removed)
    and links (id → their ends and row, ``None``: removed)."""

    version: int
    actors: Mapping[str, Mapping[str, Any] | None] = field(default_factory=dict)
    links: Mapping[str, tuple[str, str, Mapping[str, Any] | None]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.actors or self.links)


@dataclass(frozen=True)
class Applied:
    """What a delta changed in a projection, for the derived indexes' carry functions: the old
    and new projections, the actors whose attributes changed (before, after; ``None``: absent)
    and the links (before, after as ``(source, target, attributes)``)."""

    old: Projection
    new: Projection
    actors: Mapping[str, tuple[Attrs | None, Attrs | None]]
    links: Mapping[str, tuple[EdgeState | None, EdgeState | None]]

    @property
    def touched(self) -> frozenset[str]:
        """The actors changed, and the ends of the links changed."""
        ends = {
            end
            for before, after in self.links.values()
            for state in (before, after)
            if state is not None
            for end in state[:2]
        }
        return frozenset(self.actors) | ends

    @property
    def actors_added(self) -> bool:
        return any(before is None for before, _ in self.actors.values())

    @property
    def actors_removed(self) -> bool:
        return any(after is None for _, after in self.actors.values())


class _Graph:
    """The new graph being made from the old one, copying a dict the first time it changes."""

    def __init__(self, old: nx.MultiDiGraph) -> None:
        self.old = old
        self.node: dict[str, Attrs] = dict(old._node)
        self.succ: dict[str, dict[str, dict[str, Attrs]]] = dict(old._succ)
        self.pred: dict[str, dict[str, dict[str, Attrs]]] = dict(old._pred)
        self._own_succ: set[str] = set()
        self._own_pred: set[str] = set()
        self._own_keys: set[tuple[str, str]] = set()
        self.order_nodes = False

    def succ_of(self, u: str) -> dict[str, dict[str, Attrs]]:
        if u not in self._own_succ:
            self.succ[u] = dict(self.succ[u])
            self._own_succ.add(u)
        return self.succ[u]

    def pred_of(self, v: str) -> dict[str, dict[str, Attrs]]:
        if v not in self._own_pred:
            self.pred[v] = dict(self.pred[v])
            self._own_pred.add(v)
        return self.pred[v]

    def keys_of(self, u: str, v: str) -> dict[str, Attrs]:
        """The links from ``u`` to ``v`` (one dict, shared by ``succ[u][v]`` and
        ``pred[v][u]`` as networkx has it), created empty if there is none."""
        if (u, v) not in self._own_keys:
            current = self.succ[u].get(v)
            keys = dict(current) if current is not None else {}
            self.succ_of(u)[v] = keys
            self.pred_of(v)[u] = keys
            self._own_keys.add((u, v))
        return self.succ[u][v]

    # -- changes ---------------------------------------------------------------------------
    def set_node(self, actor: str, attrs: Attrs) -> None:
        if actor not in self.node:
            self.succ[actor], self.pred[actor] = {}, {}
            self._own_succ.add(actor)
            self._own_pred.add(actor)
            self.order_nodes = True
        self.node[actor] = attrs

    def drop_node(self, actor: str) -> None:
        if actor not in self.node:
            return
        for v in list(self.succ[actor]):
            if v != actor:
                del self.pred_of(v)[actor]
        for u in list(self.pred[actor]):
            if u != actor:
                del self.succ_of(u)[actor]
        del self.node[actor], self.succ[actor], self.pred[actor]

    def set_edge(self, u: str, v: str, key: str, attrs: Attrs) -> None:
        self.keys_of(u, v)[key] = attrs

    def drop_edge(self, u: str, v: str, key: str) -> None:
        if u not in self.succ or key not in self.succ[u].get(v, {}):
            return
        keys = self.keys_of(u, v)
        del keys[key]
        if not keys:
            del self.succ_of(u)[v]
            del self.pred_of(v)[u]
            self._own_keys.discard((u, v))

    # -- the result ------------------------------------------------------------------------
    def graph(self) -> nx.MultiDiGraph:
        """The new graph, in canonical order where it changed."""
        for u, v in self._own_keys:
            keys = self.succ.get(u, {}).get(v)
            if keys is not None and len(keys) > 1:
                ordered = dict(sorted(keys.items()))
                keys.clear()
                keys.update(ordered)
        for u in self._own_succ:
            if u in self.succ:
                self.succ[u] = _by_first_link(self.succ[u])
        for v in self._own_pred:
            if v in self.pred:
                self.pred[v] = _by_first_link(self.pred[v])
        node, succ, pred = self.node, self.succ, self.pred
        if self.order_nodes:  # an actor was added: the dicts again in id order (C loops)
            order = sorted(node)
            node = _in_order(node, order)
            succ = _in_order(succ, order)
            pred = _in_order(pred, order)
        graph = nx.MultiDiGraph()
        graph.graph = self.old.graph
        graph._node, graph._succ, graph._pred = node, succ, pred
        graph._adj = graph._succ
        return graph


def _in_order(values: dict[str, T], order: list[str]) -> dict[str, T]:
    """``values`` with its keys in ``order`` (every key of it): ``itemgetter`` and ``zip`` keep
    the loop in C, several times faster than a comprehension over 100k keys."""
    if len(order) == 1:
        return {order[0]: values[order[0]]}
    return dict(zip(order, itemgetter(*order)(values), strict=True))


def _by_first_link(neighbours: dict[str, dict[str, Attrs]]) -> dict[str, dict[str, Attrs]]:
    """An actor's neighbours in the order a rebuild adds them: by the smallest id of the links
    joining them (links are added in id order)."""
    if len(neighbours) < 2:
        return neighbours
    return dict(sorted(neighbours.items(), key=lambda item: min(item[1])))


def apply_delta(projection: Projection, delta: Delta) -> tuple[Projection, Applied]:
    """The projection at ``delta.version``: ``projection`` with the delta applied (see the
    module docstring). ``projection`` is left as it was."""
    interner = _Interner()
    with paused():
        work = _Graph(projection.graph)
        actor_changes: dict[str, tuple[Attrs | None, Attrs | None]] = {}
        link_changes: dict[str, tuple[EdgeState | None, EdgeState | None]] = {}
        old_nodes = projection.graph._node
        for actor, row in sorted(delta.actors.items()):
            before = old_nodes.get(actor)
            if row is None:
                if before is not None:
                    link_changes.update(_incident(projection.graph, actor))
                    work.drop_node(actor)
                    actor_changes[actor] = (before, None)
                continue
            after = _node(row, interner)
            if after != before:
                work.set_node(actor, after)
                actor_changes[actor] = (before, after)
        for link_id, (source, target, row) in sorted(delta.links.items()):
            change = _apply_link(
                work, projection.graph, link_id, (source, target), row, interner=interner
            )
            if change is not None:
                link_changes[link_id] = change
        new = Projection(graph=work.graph(), version=int(delta.version))
    applied = Applied(projection, new, actor_changes, link_changes)
    _carry(applied)
    return new, applied


def _apply_link(
    work: _Graph,
    old: nx.MultiDiGraph,
    link_id: str,
    ends: tuple[str, str],
    row: Mapping[str, Any] | None,
    *,
    interner: _Interner,
) -> tuple[EdgeState | None, EdgeState | None] | None:
    """One link made as the store holds it now; (before, after) when that changed it."""
    before = _edge_state(old, ends[0], ends[1], link_id)
    after = None
    if row is not None:
        source, target = str(row["source"]), str(row["target"])
        if source in work.node and target in work.node and source != target:
            after = (source, target, _edge(row, interner))
    moved = after is None or (before is not None and before[:2] != after[:2])
    if before is not None and moved and before[0] in work.node and before[1] in work.node:
        work.drop_edge(before[0], before[1], link_id)
    if after is not None:
        work.set_edge(after[0], after[1], link_id, after[2])
    return None if before == after else (before, after)


def _incident(graph: nx.MultiDiGraph, actor: str) -> Iterator[tuple[str, tuple[EdgeState, None]]]:
    for v, keys in graph._succ[actor].items():
        for key, attrs in keys.items():
            yield key, ((actor, v, attrs), None)
    for u, keys in graph._pred[actor].items():
        for key, attrs in keys.items():
            yield key, ((u, actor, attrs), None)


def _edge_state(graph: nx.MultiDiGraph, source: str, target: str, key: str) -> EdgeState | None:
    attrs = graph._succ.get(source, {}).get(target, {}).get(key)
    return None if attrs is None else (source, target, attrs)


def _carry(applied: Applied) -> None:
    """Hand the derived indexes of the old projection to their carry functions."""
    known = carriers()
    for name, value in list(applied.old.derived_items()):
        carry = known.get(name)
        if carry is None:
            continue
        try:
            carried = carry(value, applied)
        except Exception:  # an index that cannot follow is rebuilt, never served wrong
            logger.exception("derived index %r could not follow the change: dropped", name)
            continue
        if carried is not None:
            applied.new.keep(name, carried)


# -- following the log ---------------------------------------------------------------------------
class LogGap(Exception):
    """The log cannot bring the projection up to date (the caller rebuilds); says why."""


def read_log(source: LogSource, after: int) -> list[ChangeRecord]:
    """Every change after ``after`` up to the newest, checked whole: one entry at least for
    each sequence number, from ``after + 1`` on, without a hole (:class:`LogGap` otherwise)."""
    changes: list[ChangeRecord] = []
    cursor = after
    while True:
        page = source.changes_since(cursor, PAGE)
        if len(page) < PAGE:
            changes.extend(page)
            break
        last = page[-1].seq
        whole = [c for c in page if c.seq < last]
        if not whole:  # one transaction of more than a page: read it whole
            whole = source.changes_since(last - 1, 1_000_000)
            whole = [c for c in whole if c.seq == last]
        changes.extend(whole)
        cursor = whole[-1].seq
    expected = after + 1
    for change in changes:
        if change.seq == expected - 1:
            continue
        if change.seq != expected:
            raise LogGap(f"the log jumps from sequence {expected - 1} to {change.seq}")
        expected += 1
    return changes


def delta_of(source: LogSource, changes: Sequence[ChangeRecord], version: int) -> Delta:
    """The delta of ``changes``: the actors and links they name, as the store holds them
    now."""
    if any(c.kind == ChangeKind.GRAPH_CLEARED for c in changes):
        raise LogGap("the graph was cleared")
    actor_ids: dict[str, None] = {}
    refs: dict[str, LinkRef] = {}
    for change in changes:
        if change.kind in ACTOR_KINDS:
            actor_ids.update(dict.fromkeys(change.targets))
        elif change.kind in LINK_KINDS:
            refs.update((ref.id, ref) for ref in change.links)
    if len(actor_ids) + len(refs) > LARGE:
        raise LogGap(
            f"the changes name {len(actor_ids):,} actors and {len(refs):,} links: a rebuild "
            "is faster than reading each again"
        )
    actors: dict[str, Mapping[str, Any] | None] = dict.fromkeys(actor_ids)
    ids = list(actor_ids)
    for start in range(0, len(ids), CHUNK):
        for row in source.projection_actors_by_id(ids[start : start + CHUNK]):
            actors[str(row["id"])] = row
    links: dict[str, tuple[str, str, Mapping[str, Any] | None]] = {
        link_id: (ref.source, ref.target, None) for link_id, ref in refs.items()
    }
    wanted = list(refs.values())
    for start in range(0, len(wanted), CHUNK):
        for row in source.projection_links_by_ref(wanted[start : start + CHUNK]):
            link_id = str(row["id"])
            ref = refs[link_id]
            links[link_id] = (ref.source, ref.target, row)
    return Delta(version, actors, links)


@dataclass(frozen=True)
class Followed:
    """A projection brought up to date by the log, and the changes that did it."""

    projection: Projection
    changes: list[ChangeRecord]
    applied: Applied | None


def follow(projection: Projection, source: LogSource, version: int | None = None) -> Followed:
    """``projection`` brought up to the store's newest sequence through the log (``version``:
    the store's version when the caller just read it). Raises :class:`LogGap` when only a
    rebuild can do it. Reads the log first: when it holds something, the store's version is
    not asked (one round trip less for a mutation catching up)."""
    if version is not None and version < projection.version:
        raise LogGap(
            f"the store is at sequence {version}, behind the projection ({projection.version})"
        )
    if version is not None and version == projection.version:
        return Followed(projection, [], None)
    changes = read_log(source, projection.version)
    if not changes:
        # nothing after the projection: up to date, unless the store's version says otherwise
        target = source.graph_version() if version is None else version
        if target == projection.version:
            return Followed(projection, [], None)
        if target > projection.version:
            # a write may have committed between reading the log and reading the version: its
            # entries are there now (they commit with the version), so the log is read again
            changes = read_log(source, projection.version)
        if not changes:  # entries gone, or a store that went back: only a rebuild can tell
            raise LogGap(
                f"the log holds nothing after {projection.version}, the store is at {target}"
            )
    reached = changes[-1].seq
    delta = delta_of(source, changes, reached)
    if not delta:
        return Followed(projection.moved_to(reached), changes, None)
    new, applied = apply_delta(projection, delta)
    return Followed(new, changes, applied)


__all__ = [
    "Applied",
    "Delta",
    "Followed",
    "LogGap",
    "LogSource",
    "apply_delta",
    "delta_of",
    "follow",
    "read_log",
]
