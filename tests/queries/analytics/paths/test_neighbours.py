"""The filtered neighbour views (link columns, a level filled at once) against the simple test,
link by link, on random graphs with parallel, reciprocal and dated links."""

from __future__ import annotations

import random
from datetime import date

import pytest

from queries.analytics.paths import cooperation_paths, neighbours
from queries.analytics.paths.adjacency import all_neighbours
from queries.analytics.paths.columns import link_columns
from queries.analytics.paths.costs import pair_cost_function
from queries.analytics.paths.neighbours import (
    CostedNeighbours,
    FilteredNeighbours,
    kind_groups,
)
from queries.analytics.paths.searches import bfs_path, dijkstra_path
from queries.projection import Projection
from tests.queries.analytics.paths.random_graphs import (
    random_movement,
    simple_filtered,
    simple_links,
)

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
