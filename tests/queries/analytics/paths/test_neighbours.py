"""The filtered neighbour views (link columns, a level filled at once) against the simple test,
link by link, on random graphs with parallel, reciprocal and dated links."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from queries.analytics.paths import cooperation_paths, neighbours
from queries.analytics.paths.columns import link_columns
from queries.analytics.paths.costs import pair_cost_function
from queries.analytics.paths.neighbours import (
    CostedNeighbours,
    FilteredNeighbours,
    all_neighbours,
    kind_groups,
    usable,
)
from queries.analytics.paths.searches import bfs_path, dijkstra_path
from queries.projection import Projection

KINDS = ("MEMBER_OF", "COOPERATES_WITH", "CARRIES", "SUPPORTS", "FUNDS", "SITS_ON")
ACTOR_KINDS = ("Organisation", "Network", "Project", "AdvocacyBody")


def random_movement(n: int, m: int, seed: int) -> Projection:
    """``n`` actors, ``m`` links between random pairs: some pairs joined several times, in
    both directions; dates missing, open or closed."""
    rng = random.Random(seed)
    ids = [f"a-{rng.randrange(10**6):06d}-{i}" for i in range(n)]  # not in id order
    actors = [
        {
            "id": a,
            "kind": rng.choice(ACTOR_KINDS),
            "name": a,
            "level": rng.choice([None, "national", "regional"]),
        }
        for a in ids
    ]
    links: list[dict[str, Any]] = []
    pairs: list[tuple[str, str]] = []
    for j in range(m):
        if pairs and rng.random() < 0.25:  # the same pair again, either direction
            a, b = rng.choice(pairs)
            if rng.random() < 0.5:
                a, b = b, a
        else:
            a, b = rng.sample(ids, 2)
            pairs.append((a, b))
        since = None if rng.random() < 0.2 else date(rng.randrange(1995, 2024), 1, 1)
        until = None
        if rng.random() < 0.3:
            until = date(rng.randrange(2000, 2030), rng.randrange(1, 13), 1)
        links.append(
            {
                "id": f"l-{rng.randrange(10**6):06d}-{j}",
                "kind": rng.choice(KINDS),
                "source": a,
                "target": b,
                "since": since,
                "until": until,
            }
        )
    return Projection.from_records(actors, links, version=1)


def simple_links(projection: Projection, u: str, v: str) -> tuple[Any, ...]:
    graph = projection.graph
    return tuple(
        (d["kind"], d["since"], d["until"])
        for adjacency in (graph._succ[u], graph._pred[u])
        for d in adjacency.get(v, {}).values()
    )


def simple_filtered(
    projection: Projection,
    kinds: frozenset[str] | None,
    day: date | None,
    excluded: frozenset[str],
) -> dict[str, tuple[str, ...]]:
    """The usable neighbours of every actor, link by link: the reference."""
    base = all_neighbours(projection)
    return {
        u: tuple(
            v
            for v in around
            if v not in excluded and usable(simple_links(projection, u, v), kinds, day)
        )
        for u, around in base.items()
    }


CONSTRAINTS = [
    (None, date(2010, 6, 1), ()),
    (frozenset({"COOPERATES_WITH", "MEMBER_OF", "SUPPORTS", "CARRIES"}), None, ()),
    (frozenset({"FUNDS"}), date(2024, 1, 1), ("Network",)),
    (frozenset({"MEMBER_OF", "SITS_ON"}), date(2000, 1, 1), ("AdvocacyBody:national",)),
    (None, None, ("Organisation", "Project")),
    (frozenset({"LIKES"}), None, ()),  # a kind no link has
]


def _excluded(projection: Projection, keys: tuple[str, ...]) -> frozenset[str]:
    groups = kind_groups(projection)
    return frozenset().union(*(groups.get(k, frozenset()) for k in keys))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(
    ("batch_from", "everywhere_from"), [(1, 10**9), (4, 10**9), (10**9, 10**9), (4, 0)]
)
def test_filtered_neighbours_equal_the_simple_filter(
    seed: int, batch_from: int, everywhere_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Level by level (numpy, or Python below ``batch_from`` actors), or every pair at once
    (once ``everywhere_from`` actors were filled), the same neighbours as link by link."""
    monkeypatch.setattr(neighbours, "BATCH_FROM", batch_from)
    monkeypatch.setattr(neighbours, "EVERYWHERE_FLOOR", everywhere_from)
    monkeypatch.setattr(neighbours, "EVERYWHERE_SHARE", 0.0)
    projection = random_movement(80, 300, seed)
    base = projection.derived("neighbours", all_neighbours)
    columns = projection.derived("link_columns", link_columns)
    rng = random.Random(seed)
    actors = list(base)
    for kinds, day, keys in CONSTRAINTS:
        excluded = _excluded(projection, keys)
        expected = simple_filtered(projection, kinds, day, excluded)
        view = FilteredNeighbours(base, columns, kinds, day, excluded)
        rng.shuffle(actors)
        for start in range(0, len(actors), 7):  # levels of a search: some actors twice
            view.fill(actors[start : start + 7] + actors[start : start + 2])
        assert {u: view[u] for u in actors} == expected
        fresh = FilteredNeighbours(base, columns, kinds, day, excluded)
        assert {u: fresh[u] for u in actors} == expected  # one actor at a time


@pytest.mark.parametrize("seed", range(4))
def test_costed_neighbours_equal_the_pair_costs(seed: int) -> None:
    projection = random_movement(60, 250, seed)
    base = projection.derived("neighbours", all_neighbours)
    columns = projection.derived("link_columns", link_columns)
    for kinds, day, keys in CONSTRAINTS:
        excluded = _excluded(projection, keys)
        reference = day or date(2025, 1, 1)
        cost = pair_cost_function(reference, kinds, day)
        view = CostedNeighbours(
            base, columns, reference=reference, kinds=kinds, day=day, excluded=excluded
        )
        for u, around in base.items():
            expected = []
            for v in around:
                step = cost(simple_links(projection, u, v))
                if v not in excluded and step is not None:
                    expected.append((v, step))
            assert view[u] == tuple(expected)  # the same floats, exactly


@pytest.mark.parametrize("seed", range(6))
def test_paths_equal_searches_over_the_simple_filter(seed: int) -> None:
    """The answers are the paths the searches give over the simple filter: same actors, in
    the same order (the ties broken the same way)."""
    projection = random_movement(300, 700, seed)
    rng = random.Random(seed)
    actors = list(projection.graph)
    groups = kind_groups(projection)
    kinds = frozenset({"COOPERATES_WITH", "MEMBER_OF", "SUPPORTS", "CARRIES"})
    day = date(2012, 6, 1)
    references: dict[frozenset[str], dict[str, tuple[str, ...]]] = {}
    cost = pair_cost_function(day, None, day)
    costed = {
        u: tuple((v, c) for v in around if (c := cost(simple_links(projection, u, v))) is not None)
        for u, around in all_neighbours(projection).items()
    }
    for _ in range(60):
        source, target = rng.sample(actors, 2)
        excluded = groups["Network"] - {source, target}  # the ends are never avoided
        if excluded not in references:
            references[excluded] = simple_filtered(projection, kinds, day, excluded)
        hop_ref = references[excluded]
        answer = cooperation_paths(
            projection, source, target, as_of=day, kinds=kinds, avoid_kinds=["Network"]
        )
        expected = bfs_path(hop_ref, source, target)
        assert (answer.paths[0].actor_ids if answer.found else None) == (
            None if expected is None else tuple(expected)
        )
        weighted = cooperation_paths(projection, source, target, weighted=True, as_of=day)
        best = dijkstra_path(costed, source, target)
        assert (weighted.paths[0].actor_ids if weighted.found else None) == (
            None if best is None else tuple(best[1])
        )
