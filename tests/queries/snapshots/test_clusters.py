"""Cluster results along the live graph: kept per scope and version, a change marks stale only
the scopes whose territories it touches; a kept answer equals the one computed on the rebuilt
projection, and ids stay as stable as when every version is computed."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings

import queries.snapshots.clusters as clusters_module
from queries.analytics.clusters import ClusterQuery, find_clusters
from queries.deltas import follow
from queries.projection import build_projection
from queries.snapshots import ClusterCache
from tests.queries.live import apply_write, make_actor, plans, start_graph, write_actors

SCOPES = (None, "region:84", "departement:13", "commune:69123", "14", "75")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_kept_and_computed_clusterings_equal_those_of_rebuilt_projections(
    plan: list[Any],
) -> None:
    graph = start_graph()
    projection = build_projection(graph)
    ours, reference = ClusterCache(), ClusterCache()  # reference: a rebuild at every version
    for step, look in [*plan, (("noop",), True)]:
        if step[0] != "noop":
            apply_write(graph, step)
        if not look:
            continue
        projection = follow(projection, graph).projection
        rebuilt = build_projection(graph)
        for scope in SCOPES:
            assert ours.get(projection, scope, seed=2) == reference.get(rebuilt, scope, seed=2)
            hubs: dict[str, Any] = {"seed": 2, "through_hubs": True}
            assert ours.get(projection, scope, **hubs) == reference.get(rebuilt, scope, **hubs)
    assert reference.kept == 0


def test_a_change_marks_stale_only_the_scopes_it_touches() -> None:
    graph = start_graph()
    projection = build_projection(graph)
    cache = ClusterCache()
    first = {scope: cache.get(projection, scope) for scope in SCOPES}
    assert cache.computed == len(SCOPES)
    write_actors(graph, [make_actor(5, 12)])  # an actor of Caen renamed
    followed = follow(projection, graph).projection
    untouched = [s for s in SCOPES if s not in (None, "14")]
    with mock.patch.object(clusters_module, "find_clusters", side_effect=AssertionError("ran")):
        for scope in untouched:
            kept = cache.get(followed, scope)
            assert kept.version == followed.version
            assert kept.clusters == first[scope].clusters
    assert cache.kept == len(untouched) and cache.computed == len(SCOPES)
    for touched in (None, "14"):
        again = cache.get(followed, touched)
        assert again == find_clusters(
            followed, ClusterQuery.build(touched), previous=first[touched]
        )
    assert cache.computed == len(SCOPES) + 2
    # the answer at the old version is still the old one
    assert cache.get(projection, "14") is first["14"]
    # through hubs, the ties among hubs anywhere count: any change makes it stale
    cache.get(projection, "commune:69123", through_hubs=True)
    computed = cache.computed
    cache.get(followed, "commune:69123", through_hubs=True)
    assert cache.computed == computed + 1
