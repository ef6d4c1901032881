"""Movement figures for a scope: who is there, how densely they are linked, and how far their
links reach (same département, same région, across régions), with a région × région matrix.

Definitions (``links`` are cooperation links; with ``as_of``, only those valid that day):

* ``actors``: actors of the scope; ``by_kind`` and ``by_legal_form`` each sum to it
  (``"unknown"`` when an actor has no legal form);
* ``links_inside``: links with both ends in the scope; ``links_touching``: links with at least
  one end in it (the whole graph: both are every link); ``links_by_kind`` counts the latter;
* ``density``: pairs of actors of the scope joined by at least one link inside, over all
  possible pairs;
* territorial reach, over ``links_touching``: ``same_departement`` (both ends in one
  département), ``same_region_other_departement``, ``across_regions``, and
  ``unknown_territory`` (an end without a known région); these four sum to
  ``links_touching``; ``same_commune`` is the part of ``same_departement`` within one commune;
* ``region_matrix``: links by unordered pair of régions (``region_a <= region_b``; the
  diagonal is links within a région), summing to ``links_touching - unknown_territory``.

The figures of the last questions (scope, day) are kept with the projection; along the live
graph (:mod:`queries.deltas`) those of the scopes a change does not touch are kept for the next
projection (see :func:`~queries.analytics.scope.touched_places`), the others computed again
when asked.

>>> from queries.analytics.example import example_projection
>>> f = movement_figures(example_projection())
>>> f.actors, f.links_touching, f.same_departement, f.across_regions
(7, 7, 4, 3)
>>> [(c.region_a, c.region_b, c.links) for c in f.region_matrix]
[('11', '84', 2), ('11', '93', 1), ('84', '84', 3), ('93', '93', 1)]
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from queries.analytics.checks import parse_day
from queries.analytics.counts import Count
from queries.analytics.links import valid_on
from queries.analytics.scope import (
    KnownCodes,
    Place,
    Scope,
    ScopeSelection,
    scope_places,
    select,
    touched_places,
)
from queries.projection import Projection

if TYPE_CHECKING:
    from queries.deltas import Applied


@dataclass(frozen=True, slots=True)
class RegionCell:
    region_a: str
    region_b: str
    links: int


@dataclass(frozen=True, slots=True)
class MovementFigures:
    """Figures of a scope (see the module docstring for each)."""

    scope: str
    as_of: date | None
    actors: int
    by_kind: tuple[Count, ...]
    by_legal_form: tuple[Count, ...]
    links_inside: int
    links_touching: int
    links_by_kind: tuple[Count, ...]
    density: float
    same_commune: int
    same_departement: int
    same_region_other_departement: int
    across_regions: int
    unknown_territory: int
    region_matrix: tuple[RegionCell, ...]


def _counts(counter: Counter[str]) -> tuple[Count, ...]:
    return tuple(Count(k, n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _reach(region: str | None, departement: str | None, commune: str | None, other: Any) -> str:
    """How far a link reaches, from an actor's territory to the other end's attributes."""
    if not region or not other["region"]:
        return "unknown"
    if region != other["region"]:
        return "across"
    if departement and departement == other["departement"]:
        return "commune" if commune and commune == other["commune"] else "departement"
    return "region"


@dataclass
class _Tally:
    link_kinds: dict[str, int]
    matrix: dict[tuple[str, str], int]
    reach: dict[str, int]
    links_inside: int
    pairs_inside: int


def _tally(
    projection: Projection,
    members: list[str],
    inside: frozenset[str] | None,
    day: date | None,
) -> _Tally:
    """Count the links touching the scope by kind, reach and pair of régions."""
    graph = projection.graph
    nodes, succ, pred = graph._node, graph._succ, graph._pred  # raw dicts: one pass over links
    link_kinds: dict[str, int] = {}
    matrix: dict[tuple[str, str], int] = {}
    reach = {"unknown": 0, "across": 0, "commune": 0, "departement": 0, "region": 0}
    links_inside = pairs_inside = 0
    # one pass, written out: it runs for every link of the scope (500k for all of France)
    for u in members:
        a = nodes[u]
        ra, da, ca = a["region"], a["departement"], a["commune"]
        outgoing = [(u, v, links, True) for v, links in succ[u].items()]
        if inside is not None:  # links coming from outside the scope
            outgoing += [(v, u, links, False) for v, links in pred[u].items() if v not in inside]
        for source, target, links, from_member in outgoing:
            other = target if from_member else source
            if day is None:
                valid = [d["kind"] for d in links.values()]
            else:
                valid = [d["kind"] for d in links.values() if valid_on(d, day)]
            if not valid:
                continue
            b = nodes[other]
            rb = b["region"]
            where = _reach(ra, da, ca, b)
            n = len(valid)
            reach[where] += n
            for kind in valid:
                link_kinds[kind] = link_kinds.get(kind, 0) + 1
            if ra and rb:
                key = (ra, rb) if ra <= rb else (rb, ra)
                matrix[key] = matrix.get(key, 0) + n
            if from_member and (inside is None or other in inside):
                links_inside += n
                # a pair linked both ways is counted once, from its smaller end
                back = succ[other].get(u)
                if (
                    u < other
                    or not back
                    or (day is not None and not any(valid_on(d, day) for d in back.values()))
                ):
                    pairs_inside += 1
    return _Tally(link_kinds, matrix, reach, links_inside, pairs_inside)


def movement_figures(
    projection: Projection,
    scope: str | Sequence[str] | Scope | None = None,
    *,
    as_of: date | str | None = None,
    known_codes: KnownCodes | None = None,
) -> MovementFigures:
    """The figures of ``scope`` (see the module docstring).

    Examples
    --------
    >>> from queries.analytics.example import example_projection
    >>> f = movement_figures(example_projection(), "departement:69", as_of="2019-06-01",
    ...                      known_codes={"departement": {"69"}})
    >>> f.actors, f.links_inside, f.links_touching, f.density
    (4, 2, 3, 0.333333)
    >>> f.by_kind
    (Count(key='Organisation', count=3), Count(key='Network', count=1))
    """
    day = parse_day(as_of, field="as_of")
    selection = select(projection, scope, known_codes=known_codes)
    kept = projection.derived("figures", _no_figures, _carry_figures)
    return kept.get(selection.scope, day, lambda: _figures(projection, selection, day))


#: figures kept per projection (by scope and day)
FIGURES_KEPT = 64


class _Kept:
    """The figures of the last :data:`FIGURES_KEPT` questions on one projection, each with the
    territories it reads; a change keeps those it does not touch (:func:`_carry_figures`)."""

    def __init__(self, items: OrderedDict[tuple[str, date | None], _Entry] | None = None) -> None:
        self._items: OrderedDict[tuple[str, date | None], _Entry] = items or OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, scope: Scope, day: date | None, make: Callable[[], MovementFigures]
    ) -> MovementFigures:
        key = (scope.label, day)
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self._items.move_to_end(key)
                return entry.figures
        figures = make()
        with self._lock:
            self._items[key] = _Entry(scope_places(scope), figures)
            while len(self._items) > FIGURES_KEPT:
                self._items.popitem(last=False)
        return figures

    def keys(self) -> list[tuple[str, date | None]]:
        with self._lock:
            return list(self._items)

    def after(self, touched: frozenset[Place]) -> _Kept:
        with self._lock:
            items = OrderedDict(
                (key, entry)
                for key, entry in self._items.items()
                if entry.places is not None and entry.places.isdisjoint(touched)
            )
        return _Kept(items)


@dataclass(frozen=True, slots=True)
class _Entry:
    #: the territories the figures read (None: all of France)
    places: frozenset[Place] | None
    figures: MovementFigures


def _no_figures(_: Projection) -> _Kept:
    return _Kept()


def _carry_figures(kept: _Kept, applied: Applied) -> _Kept:
    """The figures of the scopes the change does not touch (:func:`touched_places`: the
    territories of the actors it changed, of the ends of the links it changed, and of a moved
    actor's neighbours, whose links now reach elsewhere); all of France is always touched."""
    if not applied.actors and not applied.links:
        return kept
    return kept.after(touched_places(applied))


def _figures(
    projection: Projection, selection: ScopeSelection, day: date | None
) -> MovementFigures:
    graph = projection.graph
    nodes = graph._node
    members = list(graph) if selection.actors is None else sorted(selection.actors)
    inside = selection.actors
    by_kind: Counter[str] = Counter()
    by_form: Counter[str] = Counter()
    for actor in members:
        attrs = nodes[actor]
        by_kind[attrs["kind"]] += 1
        by_form[attrs["legal_form"] or "unknown"] += 1
    tally = _tally(projection, members, inside, day)
    link_kinds, matrix, reach = tally.link_kinds, tally.matrix, tally.reach
    links_inside, pairs_inside = tally.links_inside, tally.pairs_inside
    n = len(members)
    possible = n * (n - 1) // 2
    same_departement = reach["departement"] + reach["commune"]
    return MovementFigures(
        scope=selection.scope.label,
        as_of=day,
        actors=n,
        by_kind=_counts(by_kind),
        by_legal_form=_counts(by_form),
        links_inside=links_inside,
        links_touching=sum(reach.values()),
        links_by_kind=_counts(Counter(link_kinds)),
        density=round(pairs_inside / possible, 6) if possible else 0.0,
        same_commune=reach["commune"],
        same_departement=same_departement,
        same_region_other_departement=reach["region"],
        across_regions=reach["across"],
        unknown_territory=reach["unknown"],
        region_matrix=tuple(RegionCell(a, b, count) for (a, b), count in sorted(matrix.items())),
    )
