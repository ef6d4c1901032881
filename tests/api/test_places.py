"""What the actor form looks up as one types: communes by name or postcode, and a SIREN/SIRET
known from a real SIRENE import (on the memory port and the embedded ArcadeDB, the same
answers), through the port and through the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.identifiers_lookup import lookup
from graph_model.errors import InvalidIdentifier
from graph_model.identifiers import is_valid_siret
from graph_model.port import GraphStore
from importers.formats.sirene import SireneReader
from importers.formats.spreadsheet import SpreadsheetReader
from importers.pipeline import ImportOptions, Pipeline
from tests.api.conftest import data, gql, start, wait_ready

SIRENE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "importers" / "sirene_unites_legales.csv"
)
COLOMBELLES = "812345676"  # LA FABRIQUE DE COLOMBELLES, a SCOP, seat 00017


def _other_establishment(siren: str) -> str:
    """A valid SIRET of ``siren`` that is not its seat's."""
    return next(f"{siren}{n:05d}" for n in range(18, 99_999) if is_valid_siret(f"{siren}{n:05d}"))


def test_a_number_from_a_sirene_import_names_its_actor(graph: GraphStore, tmp_path: Path) -> None:
    Pipeline(graph, SireneReader(SIRENE), ImportOptions()).run()
    by_siren = lookup(graph, "812 345 676")
    assert by_siren.actor == f"siren-{COLOMBELLES}" and by_siren.from_sirene
    assert by_siren.props["name"] == "LA FABRIQUE DE COLOMBELLES"
    assert "SCOP" in by_siren.props["legal_form"]
    assert lookup(graph, f"{COLOMBELLES}00017").actor == by_siren.actor  # the seat
    other = lookup(graph, _other_establishment(COLOMBELLES))
    assert other.actor == by_siren.actor and other.siret != by_siren.props.get("siret")
    unknown = lookup(graph, "732829320")  # valid, in no file here
    assert unknown.actor is None and not unknown.from_sirene
    for wrong in ("812345677", "12345", "abc"):
        with pytest.raises(InvalidIdentifier):
            lookup(graph, wrong)


MEMBERS = "\n".join(
    [
        "Raison sociale;N° SIREN;Forme juridique;Code postal;Ville;Latitude;Longitude",
        "Fabrique de Colombelles;812 345 676;SCOP;14460;Colombelles;49.2;-0.29",
    ]
)
LOOKUP = """query($n: String!) { sirene(number: $n) { siren siret known fromSirene name legalForm
  commune { code name } latitude longitude actor { id name } } }"""
COMMUNES = """query($s: String!, $f: Int) { communes(search: $s, first: $f) { code name postcodes
  departement departementName population latitude longitude } }"""


@pytest.fixture(scope="module")
def client(dataset: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    Pipeline(dataset, SireneReader(SIRENE), ImportOptions()).run()
    sheet = tmp_path_factory.mktemp("places") / "members.csv"
    sheet.write_text(MEMBERS, encoding="utf-8")
    Pipeline(dataset, SpreadsheetReader(sheet, system="sheet-places"), ImportOptions()).run()
    with start(dataset) as opened:
        wait_ready(opened)
        yield opened


@pytest.mark.memory
def test_the_form_is_prefilled_and_told_the_actor_exists(client: httpx.Client) -> None:
    found = data(client, LOOKUP, {"n": "81234567600017"})["sirene"]
    assert found["known"] is True and found["fromSirene"] is True
    assert found["actor"]["id"] == f"siren-{COLOMBELLES}"
    # the register's legal form wins; the member list gave the commune and the point
    assert "SCOP" in found["legalForm"]
    assert found["commune"] == {"code": "14167", "name": "Colombelles"}
    assert (found["latitude"], found["longitude"]) == (49.2, -0.29)
    unknown = data(client, LOOKUP, {"n": "732 829 320"})["sirene"]
    assert unknown == {
        "siren": "732829320", "siret": None, "known": False, "fromSirene": False, "name": None,
        "legalForm": None, "commune": None, "latitude": None, "longitude": None, "actor": None,
    }  # fmt: skip
    refused = gql(client, LOOKUP, {"n": "812345677"}, status=None)
    assert "Luhn" in refused["errors"][0]["message"]


@pytest.mark.memory
@pytest.mark.parametrize(
    ("search", "first"),
    [
        ("herouville", ["14327"]),  # Hérouville-Saint-Clair, accents forgiven
        ("HÉROUVILLE st clair", ["14327"]),
        ("14000", ["14118"]),  # Caen's postcode
        ("1446", ["14167"]),  # a postcode prefix: Colombelles (14460)
        ("saint-denis", ["97411", "93066"]),  # the exact name, the larger first
        ("75011", ["75056", "75111"]),  # Paris, then its 11th arrondissement
    ],
)
def test_communes_by_name_or_postcode(client: httpx.Client, search: str, first: list[str]) -> None:
    found = data(client, COMMUNES, {"s": search, "f": 5})["communes"]
    assert [c["code"] for c in found[: len(first)]] == first, found


@pytest.mark.memory
def test_a_commune_comes_with_its_centre_and_postcodes(client: httpx.Client) -> None:
    (caen,) = data(client, COMMUNES, {"s": "Caen", "f": 1})["communes"]
    assert caen["name"] == "Caen" and caen["postcodes"] == ["14000"]
    assert caen["departement"] == "14" and caen["departementName"] == "Calvados"
    assert caen["population"] > 100_000 and 49 < caen["latitude"] < 49.3
    assert data(client, COMMUNES, {"s": "x"})["communes"] == []  # too short to search
    assert len(data(client, COMMUNES, {"s": "saint", "f": 100})["communes"]) == 50  # capped


@pytest.mark.memory
def test_no_public_read_no_lookup(dataset: GraphStore) -> None:
    with start(dataset, public_read=False) as closed:
        wait_ready(closed)
        refused = gql(closed, COMMUNES, {"s": "Caen"}, status=401)
        assert refused["errors"][0]["extensions"]["code"] == "unauthenticated"
