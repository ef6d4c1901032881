"""Brokers (betweenness against networkx), isolated actors, neighbourhoods."""

from __future__ import annotations

import importlib
import math
from typing import TYPE_CHECKING, Any
from unittest import mock

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings

from graph_model.errors import NotFound, ValidationError
from queries.analytics.brokers import brokers, hoeffding_bound
from queries.analytics.isolated import isolated_actors
from queries.analytics.neighbourhood import neighbourhood
from queries.deltas import follow
from queries.projection import Projection, build_projection
from tests.queries.live import follow_plan, make_actor, plans, start_graph, write_actors

if TYPE_CHECKING:
    from tests.queries.analytics.conftest import Graphs


@pytest.mark.parametrize("seed", range(4))
def test_exact_betweenness_equals_networkx(graphs: type[Graphs], seed: int) -> None:
    projection, reference = graphs.random(80, 160, seed)
    expected = nx.betweenness_centrality(reference)
    ranking = brokers(projection, limit=80)
    assert ranking.exact
    assert ranking.error_bound == 0.0
    assert len(ranking.actors) == sum(1 for v in expected.values() if round(v, 6) > 0)
    for broker in ranking.actors:
        assert broker.score == pytest.approx(expected[broker.actor.id], abs=1e-6)
        assert broker.stderr == 0.0
    scores = [b.score for b in ranking.actors]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("seed", range(3))
def test_sampled_betweenness_equals_networkx_with_the_same_pivots(
    graphs: type[Graphs], seed: int
) -> None:
    projection, reference = graphs.random(120, 300, seed)
    # networkx draws its pivots as random.Random(seed).sample(nodes, k), in node order: the same
    expected = nx.betweenness_centrality(reference, k=30, seed=seed)
    ranking = brokers(projection, limit=120, exact_limit=50, pivots=30, seed=seed)
    assert not ranking.exact
    assert ranking.pivots == 30
    assert ranking.error_bound == pytest.approx(math.sqrt(math.log(40) / 60))
    for broker in ranking.actors:
        assert broker.score == pytest.approx(expected[broker.actor.id], abs=1e-6)
        assert broker.stderr >= 0.0
    exact = nx.betweenness_centrality(reference)
    errors = [abs(b.score - exact[b.actor.id]) for b in ranking.actors]
    assert max(errors) <= ranking.error_bound


def test_hoeffding_bound_shrinks_with_pivots() -> None:
    assert hoeffding_bound(400) == pytest.approx(hoeffding_bound(100) / 2)


def test_brokers_within_a_scope(example: Projection) -> None:
    ranking = brokers(example, "69", known_codes={"departement": {"69"}})
    assert ranking.scope == "departement:69"
    assert ranking.actors_in_scope == 4
    # a triangle and an isolated actor: no shortest path goes through anyone
    assert ranking.actors == ()
    with pytest.raises(ValidationError) as caught:
        brokers(example, limit=0)
    assert caught.value.field == "limit"


def test_brokers_lists_no_actor_of_score_zero(example: Projection) -> None:
    ranking = brokers(example, limit=100)
    assert ranking.actors
    assert all(b.score > 0 for b in ranking.actors)
    assert ranking.actors_in_scope > len(ranking.actors)  # the others broker nothing


def test_isolated_actors(example: Projection, graphs: type[Graphs]) -> None:
    assert [a.id for a in isolated_actors(example).actors] == ["org-seule"]
    # before 2012 nobody in the example was linked
    assert len(isolated_actors(example, as_of="2011-12-31").actors) == 7
    within = isolated_actors(
        example, "departement:13", within_scope=True, known_codes={"departement": {"13"}}
    )
    assert within.actors == ()
    # ESS France alone in Paris: linked, but to nobody in Paris
    paris = isolated_actors(
        example, "departement:75", within_scope=True, known_codes={"departement": {"75"}}
    )
    assert [a.id for a in paris.actors] == ["ab-ess-france"]
    assert [
        a.id for a in isolated_actors(example, "75", known_codes={"departement": {"75"}}).actors
    ] == []


def test_neighbourhood(example: Projection) -> None:
    two = neighbourhood(example, "org-marseille", depth=2)
    assert [(n.actor.id, n.distance) for n in two.actors] == [
        ("org-marseille", 0),
        ("ab-ess-france", 1),
        ("prj-graines", 1),
        ("net-aura", 2),
        ("org-atelier", 2),
    ]
    assert [link.id for link in two.links] == ["l2", "l4", "l5", "l6", "l7"]
    assert not two.truncated
    carries = neighbourhood(example, "org-marseille", depth=3, kinds=["CARRIES"])
    assert [n.actor.id for n in carries.actors] == ["org-marseille", "prj-graines"]
    cut = neighbourhood(example, "org-marseille", depth=3, limit=3)
    assert cut.truncated
    assert [n.actor.id for n in cut.actors] == ["org-marseille", "ab-ess-france", "prj-graines"]


@pytest.mark.parametrize(
    ("kwargs", "field", "error"),
    [
        ({"depth": 0}, "depth", ValidationError),
        ({"depth": 4}, "depth", ValidationError),
        ({"as_of": "yesterday"}, "as_of", ValidationError),
        ({"kinds": ["KNOWS"]}, "kinds", ValidationError),
    ],
)
def test_neighbourhood_bad_parameters(
    example: Projection, kwargs: dict[str, object], field: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        neighbourhood(example, "org-marseille", **kwargs)  # type: ignore[arg-type]
    assert getattr(caught.value, "field", None) == field
    with pytest.raises(NotFound, match=r"^actor ?:"):
        neighbourhood(example, "org-ghost")


def test_brokers_and_figures_are_computed_once_per_graph_version(graphs: type[Graphs]) -> None:
    """National brokers take seconds on a large graph: the same question on the same
    projection is answered from memory; a new projection (after a write) computes afresh."""
    from queries.analytics import memo as common
    from queries.analytics.figures import movement_figures

    projection, _ = graphs.random(60, 120, 1)
    first = brokers(projection, limit=10)
    assert brokers(projection, limit=10) is first
    assert brokers(projection, limit=5) is not first  # another question
    assert brokers(projection, limit=5).actors == first.actors[:5]
    figures = movement_figures(projection)
    assert movement_figures(projection) is figures
    assert movement_figures(projection, as_of="2015-01-01") is not figures

    rebuilt, _ = graphs.random(60, 120, 1)  # the same graph, as a new version would load it
    again = brokers(rebuilt, limit=10)
    assert again is not first and again == first

    for limit in range(100, 100 + common.ANSWERS_KEPT):  # newer questions push it out
        brokers(projection, limit=limit)
    assert brokers(projection, limit=10) is not first


# -- the live graph ------------------------------------------------------------------------------
SCOPES = (None, "region:84", "departement:13", "commune:69123", "14")
#: the module (the package's ``brokers`` is the function)
brokers_module = importlib.import_module("queries.analytics.brokers")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_kept_rankings_equal_those_of_the_rebuilt_projection(plan: list[Any]) -> None:
    def ask(projection: Projection) -> list[Any]:
        return [brokers(projection, s, exact_limit=4, pivots=3, seed=1) for s in SCOPES]

    def check(followed: Projection, rebuilt: Projection) -> None:
        assert ask(followed) == ask(rebuilt)

    follow_plan(plan, ask, no_build=[], check=check)


def test_a_change_keeps_the_rankings_of_the_scopes_it_does_not_touch() -> None:
    graph = start_graph()
    projection = build_projection(graph)
    first = {s: brokers(projection, s) for s in SCOPES}
    write_actors(graph, [make_actor(5, 12)])  # an actor of Caen renamed
    followed = follow(projection, graph).projection
    with mock.patch.object(brokers_module, "_rank", side_effect=AssertionError("ran")):
        for scope in ("region:84", "departement:13", "commune:69123"):
            assert brokers(followed, scope) is first[scope]
    assert brokers(followed, None) == brokers(build_projection(graph), None)
