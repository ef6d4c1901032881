"""Cooperation paths: how one actor can reach another through the cooperation graph.

A path may use any cooperation link in either direction (a member reaches its network, and the
network its member); each hop says which links join the two actors, in which direction, since
and until when, and from which sources. Constraints: ``max_hops``; allowed link ``kinds``;
``as_of`` (only links valid on that day); ``avoid`` given actors, or ``avoid_kinds`` (a kind,
or a kind and level such as ``"AdvocacyBody:national"``; the two ends are never avoided);
``k`` alternatives (the k shortest *simple* paths, Yen's algorithm).

When no path exists the answer says so, lists the constraints it was searched within and which
of them, lifted alone, would let a path through (:attr:`PathAnswer.blocking`).

**Weight** (``weighted=True``): a path's cost is the sum of its hops' costs; lower is stronger.

* a link's cost is ``KIND_COST[kind] / (1 + min(years, 10) / 5)``: the kind's base cost
  (1.0 for ``COOPERATES_WITH`` and ``CARRIES``, working together; 1.5 for ``MEMBER_OF`` and
  ``SUPPORTS``; 2.0 for ``FUNDS`` and ``SITS_ON``, the most formal ties), divided by a
  duration factor: ``years`` is how long the link has lasted, from ``since`` to ``until`` or
  to the reference day (``as_of``, else today), 0 when ``since`` is unknown. A ten-year link
  costs a third of a new one; the cost is in [1/3, 2];
* two actors joined by several valid links (either direction) form one hop whose cost is
  ``1 / sum(1 / cost(link))``: parallel links strengthen the tie, like parallel conductors;
* the hop count (``weighted=False``) is the cost of every hop being 1.

Ties are broken deterministically: the projection is canonical (actors and links in id order)
and neighbours are visited in that order, so the same graph always gives the same path among
equally short ones; the paths of an answer are ordered by cost, then hop count, then the
sequence of actor ids.

Speed: no graph is copied or viewed per query. Searches walk a neighbour index built once per
projection (each actor's distinct neighbours, either direction); with link kinds or a date,
an actor's usable neighbours are worked out the first time a search reaches it and kept for
that constraint set (:class:`FilteredNeighbours`; the last few sets are kept), so repeated
questions under the same constraints, and Yen's many spur searches, run at unconstrained
speed; avoided actors are a set checked as the search goes. Hop searches are bidirectional
breadth-first, like ``networkx.shortest_path``; weighted searches are bidirectional Dijkstra
(over (actor, hops) labels when the cheapest path exceeds ``max_hops``, so the answer is the
cheapest path *within* the limit).

>>> from queries.analytics.common import example_projection
>>> p = example_projection()
>>> answer = cooperation_paths(p, "org-collectif", "org-marseille", k=2)
>>> [path.actor_ids for path in answer.paths]
[('org-collectif', 'net-aura', 'ab-ess-france', 'org-marseille'), \
('org-collectif', 'org-atelier', 'ab-ess-france', 'org-marseille')]
>>> hop = answer.paths[0].hops[0]
>>> hop.links[0].kind, hop.links[0].direction, hop.links[0].since.isoformat()
('MEMBER_OF', 'forward', '2015-01-01')
>>> none = cooperation_paths(p, "org-collectif", "org-marseille",
...                          avoid_kinds=["AdvocacyBody:national"])
>>> none.found, none.blocking
(False, ('avoid_kinds',))
>>> print(none.explanation)
No cooperation path from Collectif Lyonnais (org-collectif) to La Recyclerie de Marseille \
(org-marseille) avoiding actors of kind AdvocacyBody (level national). Lifting avoid_kinds \
alone gives a path.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import count, pairwise
from typing import Any, Literal, TypeVar

from graph_model.errors import ValidationError
from queries.analytics.common import (
    ActorRef,
    RecentlyUsed,
    SourceInfo,
    actor_ref,
    check_actor_kind,
    check_int,
    check_level,
    check_link_kinds,
    parse_day,
    parse_source,
    resolve_actor,
)
from queries.projection import Projection

T = TypeVar("T")

MAX_HOPS = 12
MAX_K = 20

#: base cost of one link of each kind (see the module docstring)
KIND_COST: Mapping[str, float] = {
    "COOPERATES_WITH": 1.0,
    "CARRIES": 1.0,
    "MEMBER_OF": 1.5,
    "SUPPORTS": 1.5,
    "FUNDS": 2.0,
    "SITS_ON": 2.0,
}
_YEAR = 365.25


@dataclass(frozen=True, slots=True)
class LinkStep:
    """One link used by a hop: its kind, its direction along the path, dates and sources.

    ``direction`` is ``"forward"`` when the link points from the hop's first actor to its
    second (A MEMBER_OF B, walking A → B), ``"backward"`` otherwise.
    """

    id: str
    kind: str
    subkind: str | None
    direction: Literal["forward", "backward"]
    since: date | None
    until: date | None
    sources: tuple[SourceInfo, ...]


@dataclass(frozen=True, slots=True)
class Hop:
    """Two consecutive actors of a path and every valid link joining them."""

    source: ActorRef
    target: ActorRef
    links: tuple[LinkStep, ...]
    cost: float


@dataclass(frozen=True, slots=True)
class CooperationPath:
    """A path: its actors in order, its hops, its hop count and its cost."""

    actors: tuple[ActorRef, ...]
    hops: tuple[Hop, ...]
    cost: float

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)


@dataclass(frozen=True, slots=True)
class PathConstraints:
    """The constraints a search ran within, as given (normalised)."""

    weighted: bool
    max_hops: int | None
    kinds: tuple[str, ...] | None
    as_of: date | None
    avoid: tuple[str, ...]
    avoid_kinds: tuple[str, ...]
    k: int

    def describe(self) -> str:
        """The constraints in words (empty when there are none)."""
        parts = []
        if self.max_hops is not None:
            parts.append(f"within {self.max_hops} hop{'s' if self.max_hops > 1 else ''}")
        if self.kinds is not None:
            parts.append(f"using only {', '.join(self.kinds)} links")
        if self.as_of is not None:
            parts.append(f"with links valid on {self.as_of.isoformat()}")
        if self.avoid:
            parts.append(f"avoiding {', '.join(self.avoid)}")
        if self.avoid_kinds:
            described = [
                f"{k.split(':')[0]} (level {k.split(':')[1]})" if ":" in k else k
                for k in self.avoid_kinds
            ]
            parts.append(f"avoiding actors of kind {', '.join(described)}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class PathAnswer:
    """The answer to a path question: the paths found (best first, at most ``k``), or none and
    why (:attr:`explanation`, :attr:`blocking`)."""

    source: ActorRef
    target: ActorRef
    constraints: PathConstraints
    paths: tuple[CooperationPath, ...]
    explanation: str
    #: constraints that, lifted alone, would let a path through (when none was found)
    blocking: tuple[str, ...]

    @property
    def found(self) -> bool:
        return bool(self.paths)


# -- the searches: over neighbour indexes built once per projection ---------------------------
Neighbours = Mapping[str, tuple[str, ...]]
#: the links between two neighbours, either direction: (kind, since, until) each
PairLinks = tuple[tuple[str, date | None, date | None], ...]
Summaries = Mapping[str, tuple[PairLinks, ...]]
PairCost = Callable[[PairLinks], "float | None"]


def _neighbours(projection: Projection) -> dict[str, tuple[str, ...]]:
    """Each actor's distinct neighbours, either link direction, in canonical order."""
    succ, pred = projection.graph._succ, projection.graph._pred
    return {u: tuple(dict.fromkeys([*succ[u], *pred[u]])) for u in succ}


def _summaries(projection: Projection) -> dict[str, tuple[PairLinks, ...]]:
    """For each actor, aligned with its neighbours, the links joining them as plain
    (kind, since, until) tuples: what a constraint set's filtering reads."""
    succ, pred = projection.graph._succ, projection.graph._pred
    neighbours = projection.derived("neighbours", _neighbours)
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


def _usable(links: PairLinks, kinds: frozenset[str] | None, day: date | None) -> bool:
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
                for kind, since, until in links:  # _usable, written out: once per neighbour
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


def _recent(_: Projection) -> RecentlyUsed:
    return RecentlyUsed(RECENT_CONSTRAINT_SETS, exclusive=True)


def bfs_path(
    neighbours: Neighbours,
    source: str,
    target: str,
    *,
    blocked: Collection[str] = (),
    blocked_pairs: Collection[tuple[str, str]] = (),
    max_hops: int | None = None,
) -> list[str] | None:
    """Fewest-hops path by bidirectional breadth-first search, or ``None``.

    ``neighbours`` may be a :class:`FilteredNeighbours` (link kinds, date); ``blocked`` actors
    and ``blocked_pairs`` (ordered pairs, give both orders) may not be crossed.
    """
    if source == target:
        return [source]
    forward: dict[str, str | None] = {source: None}
    reverse: dict[str, str | None] = {target: None}
    forward_fringe, reverse_fringe = [source], [target]
    depth = 0
    fringe: list[str]
    while forward_fringe and reverse_fringe:
        if max_hops is not None and depth >= max_hops:
            return None
        depth += 1
        if len(forward_fringe) <= len(reverse_fringe):
            this, seen, other = forward_fringe, forward, reverse
            forward_fringe = fringe = []
        else:
            this, seen, other = reverse_fringe, reverse, forward
            reverse_fringe = fringe = []
        meet = _expand(
            this,
            neighbours,
            seen=seen,
            other=other,
            fringe=fringe,
            blocked=blocked,
            blocked_pairs=blocked_pairs,
        )
        if meet is not None:
            return _join(forward, reverse, meet)
    return None


def _expand(
    this: list[str],
    neighbours: Neighbours,
    *,
    seen: dict[str, str | None],
    other: dict[str, str | None],
    fringe: list[str],
    blocked: Collection[str],
    blocked_pairs: Collection[tuple[str, str]],
) -> str | None:
    """Expand one level of a breadth-first search; return where it meets the other side."""
    if not blocked and not blocked_pairs:
        for u in this:  # the unconstrained loop, as lean as networkx's own
            for v in neighbours[u]:
                if v not in seen:
                    seen[v] = u
                    if v in other:
                        return v
                    fringe.append(v)
        return None
    for u in this:
        for v in neighbours[u]:
            if v in seen or v in blocked:
                continue
            if blocked_pairs and (u, v) in blocked_pairs:
                continue
            seen[v] = u
            if v in other:
                return v
            fringe.append(v)
    return None


def _join(forward: dict[str, str | None], reverse: dict[str, str | None], meet: str) -> list[str]:
    path: list[str] = []
    node: str | None = meet
    while node is not None:
        path.append(node)
        node = forward[node]
    path.reverse()
    node = reverse[meet]
    while node is not None:
        path.append(node)
        node = reverse[node]
    return path


def link_cost(attrs: Mapping[str, Any], reference: date) -> float:
    """The cost of one link (see the module docstring).

    >>> link_cost({"kind": "COOPERATES_WITH", "since": date(2010, 1, 1), "until": None},
    ...           date(2025, 1, 1))
    0.3333333333333333
    >>> link_cost({"kind": "FUNDS", "since": None, "until": None}, date(2025, 1, 1))
    2.0
    """
    return _cost(attrs["kind"], attrs["since"], attrs["until"], reference)


def _cost(kind: str, since: date | None, until: date | None, reference: date) -> float:
    years = 0.0
    if since is not None:
        end = until if until is not None and until < reference else reference
        years = max((end - since).days, 0) / _YEAR
    return KIND_COST.get(kind, 2.0) / (1.0 + min(years, 10.0) / 5.0)


def pair_cost_function(
    reference: date, kinds: frozenset[str] | None = None, day: date | None = None
) -> PairCost:
    """The cost of crossing between two neighbours from the links joining them (``None``
    when no link is allowed and valid): ``1 / sum(1 / link cost)``."""

    def cost(links: PairLinks) -> float | None:
        conductance = 0.0
        for kind, since, until in links:
            if (
                (kinds is None or kind in kinds)
                and (day is None or since is None or since <= day)
                and (day is None or until is None or day <= until)
            ):
                conductance += 1.0 / _cost(kind, since, until, reference)
        return 1.0 / conductance if conductance else None

    return cost


def dijkstra_path(
    costed: Mapping[str, tuple[tuple[str, float], ...]],
    source: str,
    target: str,
    *,
    blocked: Collection[str] = (),
    blocked_pairs: Collection[tuple[str, str]] = (),
) -> tuple[float, list[str]] | None:
    """Cheapest path by bidirectional Dijkstra (costs are symmetric), or ``None``.

    ``costed[u]`` lists ``u``'s usable neighbours with the cost of crossing to each
    (a :class:`CostedNeighbours`).
    """
    if source == target:
        return 0.0, [source]
    tie = count()
    settled: list[dict[str, float]] = [{}, {}]
    reached: list[dict[str, float]] = [{source: 0.0}, {target: 0.0}]
    parents: list[dict[str, str | None]] = [{source: None}, {target: None}]
    fringes: list[list[tuple[float, int, str]]] = [
        [(0.0, next(tie), source)],
        [(0.0, next(tie), target)],
    ]
    best: tuple[float, str] | None = None
    side = 1
    while fringes[0] and fringes[1]:
        side = 1 - side
        cost, _, u = heapq.heappop(fringes[side])
        mine, theirs = settled[side], settled[1 - side]
        if u in mine:
            continue
        mine[u] = cost
        if u in theirs:
            break  # settled from both sides: no cheaper meeting remains
        seen, parent, fringe = reached[side], parents[side], fringes[side]
        other_seen = reached[1 - side]
        for v, step in costed[u]:
            if v in mine or v in blocked:
                continue
            if blocked_pairs and (u, v) in blocked_pairs:
                continue
            new = cost + step
            if v not in seen or new < seen[v]:
                seen[v] = new
                parent[v] = u
                heapq.heappush(fringe, (new, next(tie), v))
                if v in other_seen:
                    total = new + other_seen[v]
                    if best is None or total < best[0]:
                        best = (total, v)
    if best is None:
        return None
    return best[0], _join(parents[0], parents[1], best[1])


def hop_limited_dijkstra_path(
    costed: Mapping[str, tuple[tuple[str, float], ...]],
    source: str,
    target: str,
    *,
    max_hops: int,
    blocked: Collection[str] = (),
    blocked_pairs: Collection[tuple[str, str]] = (),
) -> tuple[float, list[str]] | None:
    """Cheapest path of at most ``max_hops`` hops: Dijkstra over (actor, hops) labels, an
    actor being expanded again only when reached with fewer hops than before."""
    tie = count()
    heap: list[tuple[float, int, str, int]] = [(0.0, next(tie), source, 0)]
    parent: dict[tuple[str, int], tuple[str, int] | None] = {(source, 0): None}
    best: dict[tuple[str, int], float] = {(source, 0): 0.0}
    settled: dict[str, int] = {}  # the fewest hops with which an actor was settled
    while heap:
        cost, _, u, hops = heapq.heappop(heap)
        if u in settled and settled[u] <= hops:
            continue  # settled before, cheaper and with no more hops: dominated
        settled[u] = hops
        if u == target:
            path: list[str] = []
            label: tuple[str, int] | None = (u, hops)
            while label is not None:
                path.append(label[0])
                label = parent[label]
            path.reverse()
            return cost, path
        if hops >= max_hops:
            continue
        for v, step in costed[u]:
            if v in blocked or (v in settled and settled[v] <= hops + 1):
                continue
            if blocked_pairs and (u, v) in blocked_pairs:
                continue
            key, new = (v, hops + 1), cost + step
            if key not in best or new < best[key]:
                best[key] = new
                parent[key] = (u, hops)
                heapq.heappush(heap, (new, next(tie), v, hops + 1))
    return None


# -- the question ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Query:
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
        base = self.projection.derived("neighbours", _neighbours)
        if self.kinds is None and self.day is None and not self.excluded:
            return base
        summaries = self.projection.derived("pair_summaries", _summaries)
        key = ("hops", self.kinds, self.day, self.excluded_key)
        return self.projection.derived("recent_constraints", _recent).get(
            key, lambda: FilteredNeighbours(base, summaries, self.kinds, self.day, self.excluded)
        )

    @cached_property
    def costed(self) -> Mapping[str, tuple[tuple[str, float], ...]]:
        """The adjacency the weighted search walks, with crossing costs."""
        base = self.projection.derived("neighbours", _neighbours)
        summaries = self.projection.derived("pair_summaries", _summaries)
        key = ("weighted", self.reference, self.kinds, self.day, self.excluded_key)
        return self.projection.derived("recent_constraints", _recent).get(
            key, lambda: CostedNeighbours(base, summaries, self.pair_cost, self.excluded)
        )

    def link_ok(self, attrs: Mapping[str, Any]) -> bool:
        return _usable(((attrs["kind"], attrs["since"], attrs["until"]),), self.kinds, self.day)

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

    def k_shortest(self, source: str, target: str, k: int) -> list[tuple[float, list[str]]]:
        """Yen's k shortest simple paths over :meth:`search`."""
        first = self.search(source, target)
        if first is None:
            return []
        found = [first]
        seen = {tuple(first[1])}
        candidates: list[tuple[float, int, tuple[str, ...]]] = []
        while len(found) < k:
            _, previous = found[-1]
            root_cost = 0.0
            for i in range(len(previous) - 1):
                spur, root = previous[i], previous[: i + 1]
                pairs: set[tuple[str, str]] = set()
                for _, path in found:
                    if len(path) > i + 1 and path[: i + 1] == root:
                        pairs.add((path[i], path[i + 1]))
                        pairs.add((path[i + 1], path[i]))
                budget = None if self.max_hops is None else self.max_hops - i
                if budget is None or budget > 0:
                    spur_found = self.search(
                        spur, target, extra_blocked=root[:-1], blocked_pairs=pairs, max_hops=budget
                    )
                    if spur_found is not None:
                        total = tuple(root[:-1] + spur_found[1])
                        if total not in seen:
                            seen.add(total)
                            heapq.heappush(
                                candidates, (round(root_cost + spur_found[0], 9), len(total), total)
                            )
                root_cost += self.hop_cost(previous[i], previous[i + 1])
            if not candidates:
                break
            cost, _, path_tuple = heapq.heappop(candidates)
            found.append((cost, list(path_tuple)))
        return found


def _kind_groups(projection: Projection) -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for actor_id, attrs in projection.graph.nodes(data=True):
        groups.setdefault(attrs["kind"], set()).add(actor_id)
        if attrs["level"]:
            groups.setdefault(f"{attrs['kind']}:{attrs['level']}", set()).add(actor_id)
    return {key: frozenset(ids) for key, ids in groups.items()}


def _check_avoid_kinds(values: Iterable[str]) -> tuple[str, ...]:
    result = []
    for value in [values] if isinstance(values, str) else values:
        kind_text, _, level_text = str(value).partition(":")
        kind = check_actor_kind(kind_text, field="avoid_kinds")
        if level_text:
            if kind != "AdvocacyBody":
                raise ValidationError(
                    f"avoid_kinds: only AdvocacyBody has a level, not {kind}", field="avoid_kinds"
                )
            kind = f"{kind}:{check_level(level_text, field='avoid_kinds')}"
        result.append(kind)
    return tuple(sorted(set(result)))


def _explain_hop(projection: Projection, u: str, v: str, query: _Query) -> Hop:
    steps = []
    graph = projection.graph
    for adjacency, direction in ((graph._succ, "forward"), (graph._pred, "backward")):
        for link_id, attrs in adjacency[u].get(v, {}).items():
            if query.link_ok(attrs):
                steps.append(
                    LinkStep(
                        id=link_id,
                        kind=attrs["kind"],
                        subkind=attrs["subkind"],
                        direction=direction,  # type: ignore[arg-type]
                        since=attrs["since"],
                        until=attrs["until"],
                        sources=tuple(parse_source(s) for s in attrs["sources"]),
                    )
                )
    steps.sort(key=lambda s: (s.kind, s.id))
    return Hop(
        source=actor_ref(projection, u),
        target=actor_ref(projection, v),
        links=tuple(steps),
        cost=round(query.hop_cost(u, v), 9),
    )


def cooperation_paths(
    projection: Projection,
    source: str,
    target: str,
    *,
    weighted: bool = False,
    max_hops: int | None = None,
    kinds: Iterable[str] | None = None,
    as_of: date | str | None = None,
    avoid: Iterable[str] = (),
    avoid_kinds: Iterable[str] = (),
    k: int = 1,
) -> PathAnswer:
    """Cooperation paths from ``source`` to ``target`` (ids or exact names).

    Parameters
    ----------
    projection : Projection
        The cooperation graph.
    source, target : str
        The two actors.
    weighted : bool
        Cheapest paths by the documented weight instead of fewest hops.
    max_hops : int, optional
        At most this many hops (1 to 12).
    kinds : iterable of str, optional
        Link kinds a path may use (default: all cooperation links).
    as_of : date or str, optional
        Use only links valid on that day (``YYYY-MM-DD``).
    avoid : iterable of str
        Actors (ids or names) a path may not go through.
    avoid_kinds : iterable of str
        Actor kinds a path may not go through: ``"AdvocacyBody"``, ``"AdvocacyBody:national"``.
        The two ends are never avoided.
    k : int
        How many alternatives (the k shortest simple paths, 1 to 20).

    Returns
    -------
    PathAnswer
        Paths best first; when none, an explanation naming the constraints.

    Raises
    ------
    NotFound, AmbiguousReference
        An unknown or ambiguous actor (``source``, ``target``, ``avoid``).
    ValidationError
        A parameter out of range or malformed; ``field`` names it.

    Examples
    --------
    >>> from queries.analytics.common import example_projection
    >>> p = example_projection()
    >>> cooperation_paths(p, "org-collectif", "org-marseille", as_of="2019-06-01").paths[0].length
    4
    >>> cooperation_paths(p, "org-collectif", "org-marseille", max_hops=0)
    Traceback (most recent call last):
    ...
    graph_model.errors.ValidationError: max_hops: 0 is out of range (an integer from 1 to 12)
    """
    source_id = resolve_actor(projection, source, field="source")
    target_id = resolve_actor(projection, target, field="target")
    if source_id == target_id:
        raise ValidationError("target: it is the same actor as source", field="target")
    if max_hops is not None:
        check_int(max_hops, field="max_hops", low=1, high=MAX_HOPS)
    check_int(k, field="k", low=1, high=MAX_K)
    allowed = check_link_kinds(kinds)
    day = parse_day(as_of, field="as_of")
    avoided = tuple(
        sorted(
            {
                resolve_actor(projection, a, field="avoid")
                for a in ([avoid] if isinstance(avoid, str) else avoid)
            }
        )
    )
    if source_id in avoided or target_id in avoided:
        raise ValidationError("avoid: a path cannot avoid its own source or target", field="avoid")
    avoided_kinds = _check_avoid_kinds(avoid_kinds)
    constraints = PathConstraints(
        weighted=bool(weighted),
        max_hops=max_hops,
        kinds=tuple(sorted(allowed)) if allowed is not None else None,
        as_of=day,
        avoid=avoided,
        avoid_kinds=avoided_kinds,
        k=k,
    )
    query = _make_query(projection, constraints, source_id, target_id)
    found = (
        query.k_shortest(source_id, target_id, k) if k > 1 else _one(query, source_id, target_id)
    )
    found.sort(key=lambda item: (round(item[0], 9), len(item[1]), item[1]))
    source_ref, target_ref = actor_ref(projection, source_id), actor_ref(projection, target_id)
    if found:
        paths = tuple(_explain(projection, query, cost, path) for cost, path in found)
        best = paths[0]
        explanation = (
            f"{len(paths)} path{'s' if len(paths) > 1 else ''} from {source_ref.name} to "
            f"{target_ref.name}; the best has {best.length} hop{'s' if best.length > 1 else ''}"
        )
        described = constraints.describe()
        return PathAnswer(
            source=source_ref,
            target=target_ref,
            constraints=constraints,
            paths=paths,
            explanation=f"{explanation} ({described})." if described else f"{explanation}.",
            blocking=(),
        )
    blocking = _blocking(projection, constraints, source_id, target_id)
    return PathAnswer(
        source=source_ref,
        target=target_ref,
        constraints=constraints,
        paths=(),
        explanation=_no_path_text(source_ref, target_ref, constraints, blocking),
        blocking=blocking,
    )


def _one(query: _Query, source: str, target: str) -> list[tuple[float, list[str]]]:
    found = query.search(source, target)
    return [] if found is None else [found]


def _make_query(
    projection: Projection, constraints: PathConstraints, source: str, target: str
) -> _Query:
    blocked: set[str] = set(constraints.avoid)
    excluded: frozenset[str] = frozenset()
    excluded_key: tuple[str, ...] = ()
    if constraints.avoid_kinds:
        groups = projection.derived("kind_groups", _kind_groups)
        members = [groups.get(key, frozenset()) for key in constraints.avoid_kinds]
        avoided = members[0] if len(members) == 1 else frozenset().union(*members)
        if source in avoided or target in avoided:
            blocked |= avoided  # an end of an avoided kind: the ends are exempt, checked below
        else:  # the common case: left out of the memoised adjacency once for all queries
            excluded, excluded_key = avoided, constraints.avoid_kinds
    blocked.discard(source)
    blocked.discard(target)
    kinds = frozenset(constraints.kinds) if constraints.kinds is not None else None
    return _Query(
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


def _explain(
    projection: Projection, query: _Query, cost: float, path: list[str]
) -> CooperationPath:
    hops = tuple(_explain_hop(projection, u, v, query) for u, v in pairwise(path))
    return CooperationPath(
        actors=tuple(actor_ref(projection, a) for a in path),
        hops=hops,
        cost=round(cost, 9),
    )


#: each constraint and its lifted value
_RELAXED: dict[str, Any] = {
    "max_hops": None,
    "kinds": None,
    "as_of": None,
    "avoid": (),
    "avoid_kinds": (),
}


def _blocking(
    projection: Projection, constraints: PathConstraints, source: str, target: str
) -> tuple[str, ...]:
    """The constraints that, lifted alone, let a path through."""
    active = [name for name in _RELAXED if getattr(constraints, name) not in (None, ())]
    if not active:
        return ()
    if len(active) > 1:  # first: are the two connected at all? (often the quick answer: no)
        free = dataclasses.replace(constraints, **{name: _RELAXED[name] for name in active})
        if _make_query(projection, free, source, target).search(source, target) is None:
            return ()
    blocking = []
    for name in active:
        relaxed = dataclasses.replace(constraints, **{name: _RELAXED[name]})
        if _make_query(projection, relaxed, source, target).search(source, target) is not None:
            blocking.append(name)
    return tuple(blocking)


def _no_path_text(
    source: ActorRef, target: ActorRef, constraints: PathConstraints, blocking: tuple[str, ...]
) -> str:
    described = constraints.describe()
    text = f"No cooperation path from {source.name} ({source.id}) to {target.name} ({target.id})"
    text += f" {described}." if described else "."
    if blocking:
        text += f" Lifting {' or '.join(blocking)} alone gives a path."
    elif described:
        text += " No single constraint explains it: lift several, or the two are not connected."
    else:
        text += " They are not connected in the cooperation graph."
    return text
