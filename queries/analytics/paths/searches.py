"""The searches, over a neighbour index (:mod:`.neighbours`): fewest hops by bidirectional
breadth-first search (like ``networkx.shortest_path``), cheapest by bidirectional Dijkstra, and
cheapest within a hop limit by Dijkstra over (actor, hops) labels. Each may be told actors
(``blocked``) and ordered pairs (``blocked_pairs``) it may not cross: Yen's spur searches and
the explicit ``avoid`` use them."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping
from itertools import count

from queries.analytics.paths.neighbours import FilteredNeighbours, Neighbours


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
    if isinstance(neighbours, FilteredNeighbours):
        neighbours.fill(this)  # the level's actors met for the first time, tested at once
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
