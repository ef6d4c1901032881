"""A dataset actor seated abroad (``seat_abroad``: city, ISO 3166-1 country, the city centre's
coordinates): it gets that point and no French territory — not even the French commune nearest
the point —, the map shows it, and a bad seat is refused with its line, in French first."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_model.errors import ImportFailure
from graph_model.i18n import use_language
from importers.formats.movement import MovementReader
from importers.pipeline import ImportOptions, Pipeline
from queries.analytics.scope import select
from queries.analytics.territories import territory_figures
from queries.projection import build_projection
from queries.store.memory import MemoryGraph
from tests.api.conftest import data, start, wait_ready

#: Esch-sur-Alzette (RIPESS Europe's seat) lies a few kilometres from Audun-le-Tiche
#: (Moselle): the resolver's nearest-commune rule (15 km) would seat it in France
ESCH = {"city": "Esch-sur-Alzette", "country": "LU", "latitude": 49.4969, "longitude": 5.9806}
HEADER = """schema: maillage-movement/1
sources:
  statuts:
    title: Statuts (a page stating the seat)
    url: https://example.org/statuts
  metz:
    title: A French neighbour's page
    url: https://example.org/metz
actors:
  - id: net-french-neighbour
    kind: Network
    name: Réseau mosellan
    commune: '57463'
    sources: [metz]
"""


def _dataset(tmp_path: Path, seat: dict[str, object], extra: str = "") -> Path:
    lines = [f"      {key}: {value}" for key, value in seat.items()]
    text = (
        HEADER
        + "  - id: adv-abroad\n    kind: AdvocacyBody\n    name: Réseau européen\n"
        + extra
        + "    seat_abroad:\n"
        + "\n".join(lines)
        + "\n    sources: [statuts]\n"
    )
    path = tmp_path / "movement.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _imported(tmp_path: Path, seat: dict[str, object]) -> MemoryGraph:
    graph = MemoryGraph()
    reader = MovementReader(_dataset(tmp_path, seat))
    Pipeline(graph, reader, ImportOptions(rejects=tmp_path / "rejects.csv")).run()
    return graph


def test_a_seat_abroad_is_the_actor_s_point_and_no_french_territory(tmp_path: Path) -> None:
    graph = _imported(tmp_path, ESCH)
    props = graph.actors_by_id(["adv-abroad"])["adv-abroad"].props
    assert (props["latitude"], props["longitude"]) == (49.4969, 5.9806)
    # the city's centre, not an address: the map does not say « adresse exacte »
    assert props["location_precision"] == "commune"
    # not attached to Audun-le-Tiche or Russange by the nearest-commune rule, nor placed in
    # the Moselle, the Grand Est or any French territory
    assert props.get("commune") is None
    assert props.get("departement") is None and props.get("region") is None
    projection = build_projection(graph)
    for scope in ("departement:57", "region:44"):
        selected = select(projection, scope).actors
        assert selected is not None
        assert "net-french-neighbour" in selected and "adv-abroad" not in selected
        assert territory_figures(projection, scope).actors == 1


def test_the_map_shows_the_actor_seated_abroad(tmp_path: Path) -> None:
    graph = _imported(tmp_path, ESCH)
    query = """query ($id: ID!) { actor(id: $id) { name location { latitude longitude precision }
        territories { id } } }"""
    with start(graph) as client:
        wait_ready(client)
        actor = data(client, query, {"id": "adv-abroad"})["actor"]
    assert actor["location"] == {"latitude": 49.4969, "longitude": 5.9806, "precision": "COMMUNE"}
    assert actor["territories"] == []


def _refusal(path: Path, language: str = "fr") -> str:
    with use_language(language), pytest.raises(ImportFailure) as caught:
        MovementReader(path).prepare()
    return str(caught.value)


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_bad_country_code_is_refused_with_its_line_in_french_first(tmp_path: Path) -> None:
    path = _dataset(tmp_path, {**ESCH, "country": "XL"})
    line = _line_of(path, "seat_abroad:")
    message = _refusal(path)
    assert f"movement.yaml : ligne {line} :" in message
    assert "'XL' n'est pas un code de pays ISO 3166-1" in message
    english = _refusal(path, "en")
    assert f"movement.yaml: line {line}:" in english and "'XL' is not an ISO 3166-1" in english


@pytest.mark.parametrize(
    ("seat", "expected"),
    [
        ({**ESCH, "latitude": 149.5}, "(149.5, 5.9806) n'est pas un point de la Terre"),
        ({**ESCH, "longitude": -190}, "(49.4969, -190.0) n'est pas un point de la Terre"),
        ({**ESCH, "country": "FR"}, "FR est la France ; un siège en France est une commune"),
    ],
)
def test_a_seat_abroad_off_the_earth_or_in_france_is_refused(
    tmp_path: Path, seat: dict[str, object], expected: str
) -> None:
    path = _dataset(tmp_path, seat)
    message = _refusal(path)
    assert expected in message
    assert f"ligne {_line_of(path, 'seat_abroad:')} :" in message


def test_a_seat_abroad_with_a_french_commune_is_refused(tmp_path: Path) -> None:
    path = _dataset(tmp_path, ESCH, extra="    commune: '57038'\n")
    message = _refusal(path)
    assert "adv-abroad : un acteur dont le siège est à l'étranger n'a ni commune" in message
    assert f"ligne {_line_of(path, '- id: adv-abroad')} :" in message


def test_the_shipped_seats_abroad_are_foreign_points(tmp_path: Path) -> None:
    reader = MovementReader()
    reader.prepare()
    abroad = {a.id: a.seat_abroad for a in reader.data.actors if a.seat_abroad}
    assert len(abroad) >= 6
    assert abroad["adv-ripess-europe"] is not None
    assert abroad["adv-ripess-europe"].city == "Esch-sur-Alzette"
    assert all(seat is not None and seat.country != "FR" for seat in abroad.values())
