"""Movement figures: known values and consistent sums on a generated movement."""

from __future__ import annotations

import pytest

from graph_model.errors import InvalidDates, ValidationError
from queries.analytics.figures import MovementFigures, movement_figures
from queries.projection import Projection


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
