"""A path question resolved against a projection (:class:`Question`): the constraint set as the
searches need it, the adjacency they walk and the cost of a hop. :func:`make_question` builds
it from the answer's :class:`~queries.analytics.paths.answers.PathConstraints`."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from queries.analytics.paths.adjacency import neighbour_index
from queries.analytics.paths.answers import PathConstraints
from queries.analytics.paths.costs import PairCost, pair_cost_function
from queries.analytics.paths.neighbours import (
    CostedNeighbours,
    FilteredNeighbours,
    Neighbours,
    columns_of,
    groups_of,
    usable,
    views_of,
)
from queries.analytics.paths.searches import bfs_path, dijkstra_path, hop_limited_dijkstra_path
from queries.projection import Projection


@dataclass(frozen=True)
class Question:
    """One search's constraint set, resolved against a projection: what may be crossed, the
    adjacency to walk (memoised per constraint set) and how a hop is costed."""

    projection: Projection
    kinds: frozenset[str] | None
    day: date | None
    #: actors not to cross, checked as the search goes (explicit ``avoid``, Yen's roots…)
    blocked: frozenset[str]
    #: avoided kinds (``avoid_kinds``) left out of the memoised adjacency, and their actors
    excluded_key: tuple[str, ...]
    excluded: frozenset[str]
    max_hops: int | None
    weighted: bool
    reference: date

    @cached_property
    def pair_cost(self) -> PairCost:
        return pair_cost_function(self.reference, self.kinds, self.day)

    @cached_property
    def neighbours(self) -> Neighbours:
        """The adjacency the hop search walks: all neighbours, or the constraint set's."""
        base = neighbour_index(self.projection)
        if self.kinds is None and self.day is None and not self.excluded:
            return base
        columns = columns_of(self.projection)
        key = ("hops", self.kinds, self.day, self.excluded_key)
        return views_of(self.projection).get(
            key, lambda: FilteredNeighbours(base, columns, self.kinds, self.day, self.excluded)
        )

    @cached_property
    def costed(self) -> Mapping[str, tuple[tuple[str, float], ...]]:
        """The adjacency the weighted search walks, with crossing costs."""
        base = neighbour_index(self.projection)
        columns = columns_of(self.projection)
        key = ("weighted", self.reference, self.kinds, self.day, self.excluded_key)
        return views_of(self.projection).get(
            key,
            lambda: CostedNeighbours(
                base,
                columns,
                reference=self.reference,
                kinds=self.kinds,
                day=self.day,
                excluded=self.excluded,
            ),
        )

    def link_ok(self, attrs: Mapping[str, Any]) -> bool:
        return usable(((attrs["kind"], attrs["since"], attrs["until"]),), self.kinds, self.day)

    def search(
        self,
        source: str,
        target: str,
        *,
        extra_blocked: Collection[str] = (),
        blocked_pairs: Collection[tuple[str, str]] = (),
        max_hops: int | None = None,
    ) -> tuple[float, list[str]] | None:
        blocked: Collection[str] = self.blocked
        if extra_blocked:
            blocked = self.blocked | frozenset(extra_blocked)
        limit = self.max_hops if max_hops is None else max_hops
        if self.weighted:
            found = dijkstra_path(
                self.costed, source, target, blocked=blocked, blocked_pairs=blocked_pairs
            )
            if found is None or limit is None or len(found[1]) - 1 <= limit:
                return found  # the cheapest path overall is within the limit: it is the answer
            return hop_limited_dijkstra_path(
                self.costed,
                source,
                target,
                max_hops=limit,
                blocked=blocked,
                blocked_pairs=blocked_pairs,
            )
        path = bfs_path(
            self.neighbours,
            source,
            target,
            blocked=blocked,
            blocked_pairs=blocked_pairs,
            max_hops=limit,
        )
        return None if path is None else (float(len(path) - 1), path)

    def hop_cost(self, u: str, v: str) -> float:
        if not self.weighted:
            return 1.0
        graph = self.projection.graph
        links = tuple(
            (d["kind"], d["since"], d["until"])
            for adjacency in (graph._succ[u], graph._pred[u])
            for d in adjacency.get(v, {}).values()
        )
        cost = self.pair_cost(links)
        return cost if cost is not None else float("inf")


def make_question(
    projection: Projection, constraints: PathConstraints, source: str, target: str
) -> Question:
    """The :class:`Question` for ``constraints`` between two resolved actors: avoided kinds
    are left out of the memoised adjacency unless an end is of such a kind (the ends are never
    avoided)."""
    blocked: set[str] = set(constraints.avoid)
    excluded: frozenset[str] = frozenset()
    excluded_key: tuple[str, ...] = ()
    if constraints.avoid_kinds:
        groups = groups_of(projection)
        members = [groups.get(key, frozenset()) for key in constraints.avoid_kinds]
        avoided = members[0] if len(members) == 1 else frozenset().union(*members)
        if source in avoided or target in avoided:
            blocked |= avoided  # an end of an avoided kind: the ends are exempt, checked below
        else:  # the common case: left out of the memoised adjacency once for all queries
            excluded, excluded_key = avoided, constraints.avoid_kinds
    blocked.discard(source)
    blocked.discard(target)
    kinds = frozenset(constraints.kinds) if constraints.kinds is not None else None
    return Question(
        projection=projection,
        kinds=kinds,
        day=constraints.as_of,
        blocked=frozenset(blocked),
        excluded_key=excluded_key,
        excluded=excluded,
        max_hops=constraints.max_hops,
        weighted=constraints.weighted,
        reference=constraints.as_of or date.today(),
    )
