"""Movement figures: known values and consistent sums on a generated movement; along the live
graph, the figures of untouched scopes kept and equal to those of the rebuilt projection."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings

import queries.analytics.figures as figures_module
from graph_model.errors import InvalidDates, ValidationError
from queries.analytics.figures import MovementFigures, movement_figures
from queries.deltas import follow
from queries.projection import Projection, build_projection
from tests.queries.live import follow_plan, make_actor, plans, start_graph, write_actors


@pytest.fixture(scope="module")
def generated() -> Projection:
    from bench.generator import generate

    movement = generate(1_500, links_per_actor=4.0, seed=3)
    actors, links = [], []
    for actor, outgoing in movement.both():
        actors.append(actor)
        links.extend(outgoing)
    return Projection.from_records(actors, links, version=1)


def check_sums(figures: MovementFigures) -> None:
    assert sum(c.count for c in figures.by_kind) == figures.actors
    assert sum(c.count for c in figures.by_legal_form) == figures.actors
    assert sum(c.count for c in figures.links_by_kind) == figures.links_touching
    assert (
        figures.same_departement
        + figures.same_region_other_departement
        + figures.across_regions
        + figures.unknown_territory
        == figures.links_touching
    )
    assert figures.same_commune <= figures.same_departement
    matrix = sum(cell.links for cell in figures.region_matrix)
    assert matrix == figures.links_touching - figures.unknown_territory
    diagonal = sum(c.links for c in figures.region_matrix if c.region_a == c.region_b)
    assert diagonal == figures.same_departement + figures.same_region_other_departement
    assert figures.links_inside <= figures.links_touching
    assert 0.0 <= figures.density <= 1.0
    assert all(c.region_a <= c.region_b for c in figures.region_matrix)


def test_known_figures(example: Projection) -> None:
    figures = movement_figures(example)
    assert figures.scope == "FR"
    assert figures.actors == 7
    assert figures.links_inside == figures.links_touching == 7
    assert figures.same_commune == 2  # l3 in Lyon, l7 in Marseille
    assert figures.same_departement == 4
    assert figures.same_region_other_departement == 0
    assert figures.across_regions == 3
    assert figures.density == round(7 / 21, 6)
    assert [(c.key, c.count) for c in figures.by_legal_form] == [
        ("association loi 1901", 3),
        ("unknown", 3),
        ("SCOP", 1),
    ]
    check_sums(figures)


def test_sums_are_consistent_on_a_generated_movement(generated: Projection) -> None:
    whole = movement_figures(generated)
    check_sums(whole)
    assert whole.links_touching == generated.graph.number_of_edges()
    assert whole.actors == generated.graph.number_of_nodes()
    # most links stay within a département, about 5% cross régions (the generator's mix)
    assert whole.same_departement > whole.across_regions
    assert 0.02 < whole.across_regions / whole.links_touching < 0.25
    dated = movement_figures(generated, as_of="2005-01-01")
    check_sums(dated)
    assert dated.links_touching < whole.links_touching
    departement = max(
        {d for _, d in generated.graph.nodes(data="departement") if d},
        key=lambda d: sum(1 for _, x in generated.graph.nodes(data="departement") if x == d),
    )
    local = movement_figures(generated, f"departement:{departement}")
    check_sums(local)
    assert local.actors < whole.actors
    assert local.links_inside < local.links_touching


def test_bad_parameters(example: Projection) -> None:
    with pytest.raises(InvalidDates) as date_error:
        movement_figures(example, as_of="2019-02-30")
    assert date_error.value.field == "as_of"
    with pytest.raises(ValidationError) as scope_error:
        movement_figures(example, "region:99", known_codes={"region": {"84"}})
    assert scope_error.value.field == "scope"


# -- the live graph ------------------------------------------------------------------------------
SCOPES = (None, "region:84", "departement:13", "commune:69123", "14", "75")
DAYS = (None, "2017-06-01")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_kept_figures_equal_those_of_the_rebuilt_projection(plan: list[Any]) -> None:
    def ask(projection: Projection) -> list[MovementFigures]:
        return [movement_figures(projection, s, as_of=d) for s in SCOPES for d in DAYS]

    def check(followed: Projection, rebuilt: Projection) -> None:
        assert ask(followed) == ask(rebuilt)

    follow_plan(plan, ask, no_build=[], check=check)


def test_a_change_keeps_the_figures_of_the_scopes_it_does_not_touch() -> None:
    graph = start_graph()
    projection = build_projection(graph)
    first = {s: movement_figures(projection, s) for s in SCOPES}
    write_actors(graph, [make_actor(5, 12)])  # an actor of Caen renamed
    followed = follow(projection, graph).projection
    untouched = [s for s in SCOPES if s not in (None, "14")]
    with mock.patch.object(figures_module, "_figures", side_effect=AssertionError("ran")):
        for scope in untouched:
            assert movement_figures(followed, scope) is first[scope]
    assert movement_figures(followed, "14") == movement_figures(build_projection(graph), "14")
    # a moved actor changes how far its neighbours' links reach: their scopes are touched
    write_actors(graph, [make_actor(1, 5)])  # Villeurbanne -> Caen, linked to Lyon actors
    moved = follow(followed, graph).projection
    assert movement_figures(moved, "commune:69123") == movement_figures(
        build_projection(graph), "commune:69123"
    )
