"""Actor references and exact names follow the live graph: carried along the change log, they
equal what a build gives on the rebuilt projection, without a build."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

import queries.analytics.actors as actors_module
from queries.analytics.actors import actor_ref, name_index, resolve_actor
from queries.deltas import Delta, apply_delta, follow
from queries.projection import Projection, build_projection
from tests.queries.live import IDS, follow_plan, make_actor, plans, start_graph, write_actors


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_the_name_index_is_carried_and_equals_a_build(plan: list[Any]) -> None:
    def check(followed: Projection, rebuilt: Projection) -> None:
        assert name_index(followed) == actors_module._names(rebuilt)

    follow_plan(plan, name_index, no_build=[(actors_module, "_names")], check=check)


def test_refs_of_changed_actors_are_made_again_the_others_shared() -> None:
    graph = start_graph()
    projection = build_projection(graph)
    before = {a: actor_ref(projection, a) for a in IDS[:6]}
    write_actors(graph, [make_actor(0, 4)])  # renamed, moved to Marseille
    followed = follow(projection, graph).projection
    after = {a: actor_ref(followed, a) for a in IDS[:6]}
    assert after[IDS[0]] != before[IDS[0]] and after[IDS[0]].commune == "13055"
    assert all(after[a] is before[a] for a in IDS[1:6])  # carried, not made again
    assert actor_ref(projection, IDS[0]) is before[IDS[0]]  # the old projection unchanged
    name = followed.graph.nodes[IDS[0]]["name"]
    assert resolve_actor(followed, name.upper(), field="actor") == IDS[0]


def test_a_removed_actor_leaves_the_name_index() -> None:
    # the port removes no actor; a delta may (an actor merged away)
    projection = build_projection(start_graph())
    name_index(projection)
    new, _ = apply_delta(projection, Delta(projection.version + 1, {IDS[3]: None}))
    assert name_index(new) == actors_module._names(new)
    assert IDS[3] in {a for ids in name_index(projection).values() for a in ids}
