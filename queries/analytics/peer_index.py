"""The peer index of a projection: each actor's facets (themes, methods, networks, the kinds of
what carries it) and the postings of each item (who holds it, how rare it is), built once and
carried along the live graph's changes (:mod:`queries.deltas`) instead of being built again."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from queries.analytics.layered import GONE, layered
from queries.analytics.links import valid_on
from queries.projection import Projection

if TYPE_CHECKING:
    from queries.deltas import Applied


@dataclass(frozen=True, slots=True)
class _Facets:
    themes: frozenset[str]
    methods: frozenset[str]
    networks: frozenset[str]
    carrier_kinds: frozenset[str]


def _facets(projection: Projection, actor: str, day: date | None) -> _Facets:
    graph = projection.graph
    attrs = graph._node[actor]
    networks = frozenset(
        v
        for v, links in graph._succ[actor].items()
        if any(
            d["kind"] == "MEMBER_OF" and (day is None or valid_on(d, day)) for d in links.values()
        )
    )
    carriers = frozenset(
        graph._node[u]["kind"]
        for u, links in graph._pred[actor].items()
        if any(d["kind"] == "CARRIES" and (day is None or valid_on(d, day)) for d in links.values())
    )
    return _Facets(attrs["themes"], attrs["methods"], networks, carriers)


class _Rarity(Mapping[str, float]):
    """Item -> its rarity (see the module docstring), worked out from the holders' counts when
    asked: a change of the number of actors moves every rarity, and nothing is made again."""

    __slots__ = ("_counts", "_total")

    def __init__(self, counts: Mapping[str, int], total: int) -> None:
        self._counts = counts
        self._total = total

    def __getitem__(self, item: str) -> float:
        return rarity(self._counts[item], self._total)

    def get(self, item: str, default: Any = None) -> Any:
        holders = self._counts.get(item)
        return default if holders is None else rarity(holders, self._total)

    def __iter__(self) -> Iterator[str]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)


#: the facets whose items index candidates (carrier kinds do not)
_POSTED = ("themes", "methods", "networks")


@dataclass(frozen=True, slots=True)
class _Index:
    """Every actor's facets (links of any date), and the actors by theme, method, network."""

    #: (a :class:`~queries.analytics.layered.Layered` once carried: no copy per change)
    facets: Mapping[str, _Facets]
    #: facet -> item -> the actors holding it (id order)
    postings: dict[str, dict[str, tuple[str, ...]]]
    #: facet -> item -> how many actors hold it
    counts: dict[str, dict[str, int]]

    @property
    def rarity(self) -> dict[str, _Rarity]:
        """facet -> item -> its rarity in [0, 1] (see the module docstring)."""
        total = len(self.facets)
        return {facet: _Rarity(items, total) for facet, items in self.counts.items()}


def _index(projection: Projection) -> _Index:
    graph = projection.graph
    nodes = graph._node
    networks: dict[str, set[str]] = {}
    carriers: dict[str, set[str]] = {}
    for u, targets in graph._succ.items():  # one pass over the links
        for v, links in targets.items():
            for d in links.values():
                if d["kind"] == "MEMBER_OF":
                    networks.setdefault(u, set()).add(v)
                elif d["kind"] == "CARRIES":
                    carriers.setdefault(v, set()).add(nodes[u]["kind"])
    empty: frozenset[str] = frozenset()
    facets = {
        actor: _Facets(
            attrs["themes"],
            attrs["methods"],
            frozenset(networks[actor]) if actor in networks else empty,
            frozenset(carriers[actor]) if actor in carriers else empty,
        )
        for actor, attrs in nodes.items()
    }
    postings: dict[str, dict[str, list[str]]] = {facet: {} for facet in _POSTED}
    for actor, mine in facets.items():
        for facet, items in postings.items():
            for item in getattr(mine, facet):
                items.setdefault(item, []).append(actor)
    kinds: dict[str, int] = {}
    for mine in facets.values():
        for kind in mine.carrier_kinds:
            kinds[kind] = kinds.get(kind, 0) + 1
    counts = {f: {k: len(v) for k, v in items.items()} for f, items in postings.items()}
    counts["carrier_kinds"] = kinds
    return _Index(
        facets=facets,
        postings={f: {k: tuple(v) for k, v in items.items()} for f, items in postings.items()},
        counts=counts,
    )


def _moved(index: _Index, applied: Applied) -> list[tuple[str, _Facets | None, _Facets | None]]:
    """The actors whose facets a change moved (those it touched, and those an actor whose kind
    changed carries), with their facets before and after (``None``: absent)."""
    old, new = applied.old.graph, applied.new.graph
    again = set(applied.touched)
    for actor, (before, after) in applied.actors.items():
        if before is not None and after is not None and before["kind"] != after["kind"]:
            for graph in (old, new):  # their carrier kinds changed
                again.update(graph._succ.get(actor, ()))
    moved = []
    for actor in sorted(again):
        before_facets = index.facets.get(actor)
        after_facets = _facets(applied.new, actor, None) if actor in new._node else None
        if before_facets != after_facets:
            moved.append((actor, before_facets, after_facets))
    return moved


def _carry_index(index: _Index, applied: Applied) -> _Index:
    """The index after a change: the facets of the actors it moved are read again
    (:func:`_moved`) and laid over the old ones (:class:`~queries.analytics.layered.Layered`);
    the postings and counts are copied by facet (their items: themes, methods, networks), and
    the holders of the items the actors lost or took made again."""
    moved = _moved(index, applied)
    if not moved:  # a link no facet reads (a cooperation, a support…)
        return index
    facets: dict[str, Any] = {}
    postings = {facet: dict(items) for facet, items in index.postings.items()}
    counts = {facet: dict(items) for facet, items in index.counts.items()}
    empty: frozenset[str] = frozenset()
    for actor, before_facets, after_facets in moved:
        facets[actor] = GONE if after_facets is None else after_facets
        for facet in (*_POSTED, "carrier_kinds"):
            had = getattr(before_facets, facet) if before_facets is not None else empty
            has = getattr(after_facets, facet) if after_facets is not None else empty
            for item in had - has:
                _count(counts[facet], item, -1)
                if facet in postings:
                    _unpost(postings[facet], item, actor)
            for item in has - had:
                _count(counts[facet], item, 1)
                if facet in postings:
                    holders = list(postings[facet].get(item, ()))
                    bisect.insort(holders, actor)
                    postings[facet][item] = tuple(holders)
    return _Index(facets=layered(index.facets).changed(facets), postings=postings, counts=counts)


def _count(counts: dict[str, int], item: str, step: int) -> None:
    holders = counts.get(item, 0) + step
    if holders > 0:
        counts[item] = holders
    else:
        counts.pop(item, None)


def _unpost(items: dict[str, tuple[str, ...]], item: str, actor: str) -> None:
    left = tuple(a for a in items.get(item, ()) if a != actor)
    if left:
        items[item] = left
    else:
        items.pop(item, None)


def peer_index(projection: Projection) -> _Index:
    """The facets and postings of a projection, once, carried along the live graph's
    changes."""
    return projection.derived("peer_index", _index, _carry_index)


def rarity(holders: int, actors: int) -> float:
    """How rare an item held by ``holders`` of ``actors`` is: 1 when at most two hold it, 0 when
    all do (``ln(N / df) / ln(N / 2)``, clamped).

    >>> rarity(2, 1000), round(rarity(100, 1000), 3), round(rarity(900, 1000), 3)
    (1.0, 0.371, 0.017)
    """
    if actors <= 2 or holders <= 2:
        return 1.0
    return max(0.0, min(1.0, math.log(actors / holders) / math.log(actors / 2)))
