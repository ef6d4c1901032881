"""The neighbour index the path searches walk, built once per projection, and its memoised
filtered views.

* :func:`all_neighbours`: each actor's distinct neighbours, either link direction, in canonical
  order; :func:`pair_summaries`: aligned with them, the links joining each pair as plain
  (kind, since, until) tuples;
* :class:`FilteredNeighbours` (link kinds, a day, actors of avoided kinds left out) and
  :class:`CostedNeighbours` (the same, with crossing costs) work out an actor's usable
  neighbours the first time a search reaches it and keep them, so that repeated questions
  under the same constraints run at unconstrained speed; a projection keeps the last
  :data:`RECENT_CONSTRAINT_SETS` of them (:func:`recent_sets`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from queries.analytics.memo import RecentlyUsed
from queries.analytics.paths.costs import PairCost, PairLinks
from queries.projection import Projection

Neighbours = Mapping[str, tuple[str, ...]]
Summaries = Mapping[str, tuple[PairLinks, ...]]


def all_neighbours(projection: Projection) -> dict[str, tuple[str, ...]]:
    """Each actor's distinct neighbours, either link direction, in canonical order."""
    succ, pred = projection.graph._succ, projection.graph._pred
    return {u: tuple(dict.fromkeys([*succ[u], *pred[u]])) for u in succ}


def pair_summaries(projection: Projection) -> dict[str, tuple[PairLinks, ...]]:
    """For each actor, aligned with its neighbours, the links joining them as plain
    (kind, since, until) tuples: what a constraint set's filtering reads."""
    succ, pred = projection.graph._succ, projection.graph._pred
    neighbours = projection.derived("neighbours", all_neighbours)
    shared: dict[tuple[str, str], PairLinks] = {}
    result: dict[str, tuple[PairLinks, ...]] = {}
    for u, around in neighbours.items():
        out, into = succ[u], pred[u]
        row = []
        for v in around:
            links = shared.pop((v, u), None)  # built from the other end already: same links
            if links is None:
                found = [(d["kind"], d["since"], d["until"]) for d in out.get(v, {}).values()]
                if v in into:
                    found += [(d["kind"], d["since"], d["until"]) for d in into[v].values()]
                links = tuple(found)
                shared[(u, v)] = links
            row.append(links)
        result[u] = tuple(row)
    return result


def usable(links: PairLinks, kinds: frozenset[str] | None, day: date | None) -> bool:
    for kind, since, until in links:
        if (
            (kinds is None or kind in kinds)
            and (day is None or since is None or since <= day)
            and (day is None or until is None or day <= until)
        ):
            return True
    return False


class FilteredNeighbours(Mapping[str, tuple[str, ...]]):
    """Each actor's neighbours through at least one link of the allowed ``kinds`` valid on
    ``day``, less the ``excluded`` actors (avoided kinds), computed for an actor the first time
    a search reaches it and then kept: later searches with the same constraints run as fast as
    unconstrained ones."""

    def __init__(
        self,
        neighbours: Neighbours,
        summaries: Summaries,
        kinds: frozenset[str] | None,
        day: date | None,
        excluded: frozenset[str] = frozenset(),
    ) -> None:
        self._neighbours, self._summaries = neighbours, summaries
        self._kinds, self._day, self._excluded = kinds, day, excluded
        self._memo: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, actor: str) -> tuple[str, ...]:
        kept = self._memo.get(actor)
        if kept is None:
            kinds, day, excluded = self._kinds, self._day, self._excluded
            usable = []
            for v, links in zip(self._neighbours[actor], self._summaries[actor], strict=True):
                if v in excluded:
                    continue
                for kind, since, until in links:  # usable(), written out: once per neighbour
                    if (kinds is None or kind in kinds) and (
                        day is None
                        or ((since is None or since <= day) and (until is None or day <= until))
                    ):
                        usable.append(v)
                        break
            kept = tuple(usable)
            self._memo[actor] = kept  # racing threads compute the same value: harmless
        return kept

    def __iter__(self) -> Iterator[str]:
        return iter(self._neighbours)

    def __len__(self) -> int:
        return len(self._neighbours)


class CostedNeighbours(Mapping[str, tuple[tuple[str, float], ...]]):
    """Each actor's usable neighbours with the cost of crossing to them, computed on first use
    and kept (for the weighted searches of one reference day and constraint set)."""

    def __init__(
        self,
        neighbours: Neighbours,
        summaries: Summaries,
        pair_cost: PairCost,
        excluded: frozenset[str] = frozenset(),
    ) -> None:
        self._neighbours, self._summaries, self._pair_cost = neighbours, summaries, pair_cost
        self._excluded = excluded
        self._memo: dict[str, tuple[tuple[str, float], ...]] = {}

    def __getitem__(self, actor: str) -> tuple[tuple[str, float], ...]:
        kept = self._memo.get(actor)
        if kept is None:
            costs = []
            for v, links in zip(self._neighbours[actor], self._summaries[actor], strict=True):
                if v in self._excluded:
                    continue
                step = self._pair_cost(links)
                if step is not None:
                    costs.append((v, step))
            kept = tuple(costs)
            self._memo[actor] = kept
        return kept

    def __iter__(self) -> Iterator[str]:
        return iter(self._neighbours)

    def __len__(self) -> int:
        return len(self._neighbours)


#: constraint sets whose filtered adjacency a projection keeps (each at most a few tens of MB)
RECENT_CONSTRAINT_SETS = 8


def recent_sets(_: Projection) -> RecentlyUsed:
    return RecentlyUsed(RECENT_CONSTRAINT_SETS, exclusive=True)


def kind_groups(projection: Projection) -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for actor_id, attrs in projection.graph.nodes(data=True):
        groups.setdefault(attrs["kind"], set()).add(actor_id)
        if attrs["level"]:
            groups.setdefault(f"{attrs['kind']}:{attrs['level']}", set()).add(actor_id)
    return {key: frozenset(ids) for key, ids in groups.items()}
