"""The engine follows the live graph without a build: a change leaves it behind (nothing done
per write), the first cluster or broker question catches it up from the previous engine, and
what it gives equals a build on the rebuilt projection — vertices, ties in order, columns,
category codes — so clusters and brokers agree too."""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings

import queries.analytics.engine as engine_module
from queries.analytics.brokers import brokers
from queries.analytics.clusters import territorial_clusters
from queries.analytics.engine import Engine, _Behind, engine_of
from queries.deltas import Delta, apply_delta, follow
from queries.projection import Projection, build_projection
from tests.queries.live import (
    IDS,
    apply_write,
    follow_plan,
    make_actor,
    plans,
    start_graph,
    write_actors,
)


def same_engine(carried: Engine, built: Engine) -> None:
    assert carried.ids == built.ids and carried.index == built.index
    assert carried.graph.vcount() == built.graph.vcount()
    assert carried.graph.get_edgelist() == built.graph.get_edgelist()
    for name in ("sources", "targets", "degree", "departement", "commune", "region"):
        assert np.array_equal(getattr(carried, name), getattr(built, name)), name
        assert getattr(carried, name).dtype == getattr(built, name).dtype, name
    for name in ("lat", "lon"):
        assert np.array_equal(getattr(carried, name), getattr(built, name), equal_nan=True)
    for name in ("departement_codes", "commune_codes", "region_codes", "theme_codes"):
        assert getattr(carried, name) == getattr(built, name), name
    pairs = sorted(zip(carried.theme_actor.tolist(), carried.theme_index.tolist(), strict=True))
    assert pairs == sorted(zip(built.theme_actor.tolist(), built.theme_index.tolist(), strict=True))
    assert np.all(np.diff(carried.theme_actor) >= 0)  # grouped by actor, as a build has them


def _check(followed: Projection, rebuilt: Projection) -> None:
    same_engine(engine_of(followed), engine_module._build(rebuilt))
    for scope in (None, "region:84"):
        assert territorial_clusters(followed, scope, seed=3) == territorial_clusters(
            rebuilt, scope, seed=3
        )
    assert brokers(followed) == brokers(rebuilt)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_the_engine_is_caught_up_and_equals_a_build(plan: list[Any]) -> None:
    follow_plan(plan, engine_of, no_build=[(engine_module, "_build")], check=_check)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_an_engine_several_changes_behind_is_caught_up_at_once(plan: list[Any]) -> None:
    """Changes followed one by one with no question between them: the engine is left behind
    at each (a chain, nothing caught up), then caught up once."""
    graph = start_graph()
    projection = build_projection(graph)
    engine_of(projection)
    for step, _ in plan:
        apply_write(graph, step)
        projection = follow(projection, graph).projection
        assert isinstance(dict(projection.derived_items())["engine"], Engine | _Behind)
    with mock.patch.object(engine_module, "_build", side_effect=AssertionError("built")):
        caught_up = engine_of(projection)
    same_engine(caught_up, engine_module._build(build_projection(graph)))
    assert engine_of(projection) is caught_up  # once


def test_actors_made_and_removed_renumber_the_vertices() -> None:
    graph = start_graph()
    projection = build_projection(graph)
    engine_of(projection)
    write_actors(graph, [make_actor(n, n + 3) for n in (6, 7, 0)])  # two new, one moved
    followed = follow(projection, graph).projection
    gone = Delta(followed.version + 1, {IDS[1]: None, IDS[6]: None})
    removed, _ = apply_delta(followed, gone)
    assert isinstance(dict(removed.derived_items())["engine"], _Behind)
    same_engine(engine_of(removed), engine_module._build(removed))
    same_engine(engine_of(followed), engine_module._build(followed))


def test_an_engine_caught_up_on_an_older_projection_serves_the_newer_ones() -> None:
    graph = start_graph()
    projection = build_projection(graph)
    engine_of(projection)
    write_actors(graph, [make_actor(6, 1)])
    middle = follow(projection, graph).projection
    write_actors(graph, [make_actor(7, 2)])
    last = follow(middle, graph).projection  # carried from middle's _Behind: a chain of two
    same_engine(engine_of(middle), engine_module._build(middle))  # middle caught up first
    behind = dict(last.derived_items())["engine"]
    assert isinstance(behind, _Behind) and behind.parent is not None and behind.parent._made
    with mock.patch.object(engine_module, "_catch_up", wraps=engine_module._catch_up) as spy:
        same_engine(engine_of(last), engine_module._build(last))
    assert spy.call_args.args[0] is engine_of(middle)  # from middle's engine, one change
