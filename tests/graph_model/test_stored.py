"""How an actor's territories and point are derived from what the sources say (no database)."""

from __future__ import annotations

import pytest

from graph_model.model import Actor, LocationPrecision
from graph_model.stored import TerritoryLookup, actor_properties, territory_lookup
from graph_model.territories import load_reference


@pytest.fixture(scope="module")
def lookup() -> TerritoryLookup:
    return territory_lookup(load_reference())


def _props(lookup: TerritoryLookup, **fields: object) -> dict[str, object]:
    return actor_properties(Actor(id="prj-x", kind="Project", name="X", **fields), lookup)


def test_a_seat_gives_every_level_and_the_commune_centre(lookup: TerritoryLookup) -> None:
    props = _props(lookup, commune="14167")  # Colombelles
    assert (props["departement"], props["region"]) == ("14", "28")
    assert props["epci"]
    assert props["location_precision"] == LocationPrecision.COMMUNE.value


def test_source_coordinates_are_exact(lookup: TerritoryLookup) -> None:
    props = _props(lookup, commune="14167", latitude=49.2, longitude=-0.3)
    assert props["latitude"] == 49.2
    assert props["location_precision"] == "exact"


def test_a_regional_project_without_seat_belongs_to_its_region(lookup: TerritoryLookup) -> None:
    props = _props(lookup, active_in=["region:27"])  # Bourgogne-Franche-Comté
    assert (props["region"], props["departement"]) == ("27", None)
    assert props["location_precision"] == "region"
    assert 46 < float(props["latitude"]) < 48.5  # type: ignore[arg-type]


def test_an_area_across_regions_or_the_whole_country_places_nothing(
    lookup: TerritoryLookup,
) -> None:
    # CC d'Aire-sur-l'Adour: Gers and Landes, two régions
    for area in (["region:27", "region:76"], ["FR"], ["epci:200030435"]):
        props = _props(lookup, active_in=area)
        assert props["region"] is None, area
        assert props["latitude"] is None, area
        assert props["location_precision"] is None, area


def test_a_departement_alone_gives_its_region_and_centre(lookup: TerritoryLookup) -> None:
    props = _props(lookup, departement="974")
    assert props["region"] == "04"
    assert props["location_precision"] == "departement"


def test_an_epci_counts_as_the_departements_of_its_members(lookup: TerritoryLookup) -> None:
    props = _props(lookup, active_in=["epci:200046977"])  # Métropole de Lyon, all in the Rhône
    assert (props["departement"], props["region"]) == ("69", "84")
    assert props["location_precision"] == "departement"
    props = _props(lookup, active_in=["epci:200030526"])  # Ried de Marckolsheim: 67 and 68
    assert (props["departement"], props["region"]) == (None, "44")
    assert props["location_precision"] == "region"
