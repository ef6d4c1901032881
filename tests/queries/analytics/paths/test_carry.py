"""The paths' derived indexes follow a change applied to the projection (queries.deltas): after
random changes — actors added, removed, changing kind; links added, removed, redated, parallel or
reciprocal — each carried index equals the one built afresh on the new projection, and the
answers are the same."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from queries.analytics.memo import remembered
from queries.analytics.paths import columns as columns_module
from queries.analytics.paths import cooperation_paths
from queries.analytics.paths.adjacency import all_neighbours
from queries.analytics.paths.columns import LinkColumns, link_columns
from queries.analytics.paths.costs import pair_cost_function
from queries.analytics.paths.neighbours import (
    CostedNeighbours,
    FilteredNeighbours,
    kind_groups,
)
from queries.deltas import Delta, apply_delta
from queries.projection import Projection
from tests.queries.analytics.paths.random_graphs import (
    ACTOR_KINDS,
    KINDS,
    random_movement,
    simple_filtered,
    simple_links,
)

DAY = date(2012, 6, 1)
QUESTIONS: list[dict[str, Any]] = [
    {"as_of": DAY, "kinds": ["COOPERATES_WITH", "MEMBER_OF", "SUPPORTS", "CARRIES"]},
    {"as_of": DAY, "avoid_kinds": ["Network"]},
    {"kinds": ["FUNDS", "SITS_ON"], "avoid_kinds": ["AdvocacyBody:national"]},
    {"weighted": True, "as_of": DAY},
]


def _warm(projection: Projection, rng: random.Random) -> None:
    """Build the indexes as questions do, with something known in every view."""
    actors = list(projection.graph)
    for _ in range(25):
        source, target = rng.sample(actors, 2)
        for options in QUESTIONS:
            cooperation_paths(projection, source, target, **options)
    remembered(projection, ("some answer",), lambda: 42)


def _random_delta(projection: Projection, rng: random.Random, version: int) -> Delta:
    graph = projection.graph
    actors = list(graph)
    delta_actors: dict[str, dict[str, Any] | None] = {}
    for actor in rng.sample(actors, 4):  # new kind, level or name
        delta_actors[actor] = {
            "id": actor,
            "kind": rng.choice(ACTOR_KINDS),
            "name": f"{actor} v{version}",
            "level": rng.choice([None, "national", "regional"]),
        }
    for actor in rng.sample(actors, 2):  # removed, with their links
        delta_actors[actor] = None
    added = [f"a-new-{version}-{i}" for i in range(3)]
    for actor in added:
        delta_actors[actor] = {"id": actor, "kind": rng.choice(ACTOR_KINDS), "name": actor}
    alive = [a for a in actors if delta_actors.get(a, True) is not None] + added
    links: dict[str, tuple[str, str, dict[str, Any] | None]] = {}
    existing = [
        (u, v, key, attrs)
        for u, nbrs in graph._succ.items()
        for v, keyed in nbrs.items()
        for key, attrs in keyed.items()
    ]
    for u, v, key, _ in rng.sample(existing, 5):  # removed
        links[key] = (u, v, None)
    for u, v, key, attrs in rng.sample(existing, 5):  # redated or of another kind
        links[key] = (u, v, _link(key, u, v, rng, kind=rng.choice([attrs["kind"], *KINDS])))
    for i in range(12):  # new: between any actors, some parallel to or against existing ones
        if i % 3 == 0:
            u, v, _, _ = rng.choice(existing)
            if rng.random() < 0.5:
                u, v = v, u
        else:
            u, v = rng.sample(alive, 2)
        key = f"l-{version:03d}-{i:03d}"
        links[key] = (u, v, _link(key, u, v, rng))
    return Delta(version=version, actors=delta_actors, links=links)


def _link(key: str, u: str, v: str, rng: random.Random, kind: str | None = None) -> dict[str, Any]:
    since = None if rng.random() < 0.2 else date(rng.randrange(1995, 2024), 1, 1)
    until = date(rng.randrange(2000, 2030), 1, 1) if rng.random() < 0.3 else None
    return {
        "id": key,
        "kind": kind or rng.choice(KINDS),
        "source": u,
        "target": v,
        "since": since,
        "until": until,
    }


def _ends(columns: LinkColumns, actor: str) -> list[tuple[str, int, int, int]]:
    kinds, since, until, slots = columns.ends_of(actor)
    return sorted(zip([columns.kinds[k] for k in kinds], since, until, slots, strict=True))


def _check(new: Projection) -> None:
    """Every carried index of ``new`` equals the one built afresh."""
    carried = dict(new.derived_items())
    fresh = Projection(graph=new.graph, version=new.version)
    assert carried["neighbours"] == all_neighbours(fresh)
    assert carried["kind_groups"] == kind_groups(fresh)
    columns = carried.get("link_columns")
    if columns is not None:
        rebuilt = link_columns(fresh)
        for actor in new.graph:
            assert _ends(columns, actor) == _ends(rebuilt, actor)
    groups = kind_groups(fresh)
    views = carried.get("recent_constraints")
    if views is None:
        return
    for key, view in views._items.items():
        excluded_key = key[-1]
        excluded = frozenset().union(*(groups.get(k, frozenset()) for k in excluded_key))
        if isinstance(view, FilteredNeighbours):
            _, kinds, day, _ = key
            expected = simple_filtered(fresh, kinds, day, excluded)
            assert {a: view[a] for a in new.graph} == expected
        else:
            assert isinstance(view, CostedNeighbours)
            _, reference, kinds, day, _ = key
            cost = pair_cost_function(reference, kinds, day)
            for actor, around in all_neighbours(fresh).items():
                expected_costs = []
                for v in around:
                    step = cost(simple_links(fresh, actor, v))
                    if v not in excluded and step is not None:
                        expected_costs.append((v, step))
                assert view[actor] == tuple(expected_costs)


@pytest.mark.parametrize("seed", range(4))
def test_carried_indexes_equal_fresh_ones(seed: int) -> None:
    rng = random.Random(seed)
    projection = random_movement(150, 450, seed)
    _warm(projection, rng)
    for version in range(2, 6):  # one change after another: the patches pile up
        new, _ = apply_delta(projection, _random_delta(projection, rng, version))
        carried = dict(new.derived_items())
        assert {"neighbours", "kind_groups", "link_columns", "recent_constraints"} <= carried.keys()
        assert any(view._memo for view in carried["recent_constraints"]._items.values())
        assert carried["link_columns"].patched  # carried, not rebuilt
        assert "answers" not in carried  # dropped: answers may change
        _check(new)
        _warm(new, rng)  # new questions fill the carried views further
        _check(new)
        projection = new


@pytest.mark.parametrize("seed", range(3))
def test_answers_after_a_change_equal_a_fresh_projection(seed: int) -> None:
    rng = random.Random(100 + seed)
    projection = random_movement(200, 600, seed)
    _warm(projection, rng)
    for version in range(2, 5):
        projection, _ = apply_delta(projection, _random_delta(projection, rng, version))
        fresh = Projection(graph=projection.graph, version=projection.version)
        actors = list(projection.graph)
        for _ in range(30):
            source, target = rng.sample(actors, 2)
            for options in QUESTIONS:
                ours = cooperation_paths(projection, source, target, **options)
                again = cooperation_paths(fresh, source, target, **options)
                assert [p.actor_ids for p in ours.paths] == [p.actor_ids for p in again.paths]
                assert ours.blocking == again.blocking


def test_columns_past_their_patch_limit_are_built_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns_module, "PATCHED_FLOOR", 0)
    monkeypatch.setattr(columns_module, "PATCHED_SHARE", 0.0)
    rng = random.Random(7)
    projection = random_movement(100, 300, 7)
    _warm(projection, rng)
    new, _ = apply_delta(projection, _random_delta(projection, rng, 2))
    carried = dict(new.derived_items())
    assert "link_columns" not in carried  # dropped: built again on first use
    assert "recent_constraints" not in carried  # the views over them too
    _warm(new, rng)
    _check(new)


def test_a_view_is_dropped_when_its_avoided_kind_gains_an_actor() -> None:
    rng = random.Random(3)
    projection = random_movement(100, 300, 3)
    _warm(projection, rng)
    someone = next(a for a, d in projection.graph.nodes(data=True) if d["kind"] != "Network")
    delta = Delta(version=2, actors={someone: {"id": someone, "kind": "Network", "name": "N"}})
    new, _ = apply_delta(projection, delta)
    keys = [key[-1] for key in dict(new.derived_items())["recent_constraints"]._items]
    assert ("Network",) not in keys  # its excluded set changed: dropped
    assert () in keys  # the others follow
    _check(new)
