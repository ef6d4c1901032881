"""The shipped French territories reference data (graph_model/reference), read by the loader.

No database: these tests read the files in the repository only.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from graph_model.territories import (
    REFERENCE_DIR,
    Departement,
    Region,
    TerritoryReference,
    load_reference,
    read_reference,
)

METROPOLITAN_REGIONS = {
    "11",
    "24",
    "27",
    "28",
    "32",
    "44",
    "52",
    "53",
    "75",
    "76",
    "84",
    "93",
    "94",
}
DROM = {"971": "01", "972": "02", "973": "03", "974": "04", "976": "06"}
COM = {"975", "977", "978", "984", "986", "987", "988", "989"}


@pytest.fixture(scope="module")
def ref() -> TerritoryReference:
    return load_reference()


def test_load_reference_is_cached(ref: TerritoryReference) -> None:
    assert load_reference() is ref


def test_counts(ref: TerritoryReference) -> None:
    regions = [r for r in ref.regions.values() if r.zone != "com"]
    departements = [d for d in ref.departements.values() if d.zone != "com"]
    assert len(regions) == 18
    assert {r.code for r in regions} == METROPOLITAN_REGIONS | set(DROM.values())
    assert len(departements) == 101
    assert sum(1 for d in departements if d.zone == "metro") == 96
    communes = [c for c in ref.communes.values() if c.kind == "commune"]
    arrondissements = [c for c in ref.communes.values() if c.kind == "arrondissement"]
    assert 34_000 <= len(communes) <= 36_000
    assert len(arrondissements) == 45  # 20 Paris + 9 Lyon + 16 Marseille
    assert 1_150 <= len(ref.epcis) <= 1_350
    assert len(ref.old_codes) > 3_000


def test_outre_mer_is_included(ref: TerritoryReference) -> None:
    for departement, region in DROM.items():
        assert ref.departements[departement].region == region
        assert ref.departements[departement].zone == "drom"
        assert ref.regions[region].zone == "drom"
    # The collectivités d'outre-mer are listed as both région and département (zone "com").
    assert {c for c, d in ref.departements.items() if d.zone == "com"} == COM
    assert {c for c, r in ref.regions.items() if r.zone == "com"} == COM
    saint_denis = ref.communes["97411"]
    assert saint_denis.name == "Saint-Denis"
    assert (saint_denis.departement, saint_denis.region) == ("974", "04")
    assert "97400" in saint_denis.postcodes
    assert ref.communes_by_postcode["97400"] == ("97411",)
    assert ref.communes["98735"].name == "Papeete"


@pytest.mark.parametrize(
    ("code", "name", "departement", "region", "arrondissements"),
    [
        ("75056", "Paris", "75", "11", 20),
        ("69123", "Lyon", "69", "84", 9),
        ("13055", "Marseille", "13", "93", 16),
    ],
)
def test_cities_with_arrondissements(
    ref: TerritoryReference,
    code: str,
    name: str,
    departement: str,
    region: str,
    arrondissements: int,
) -> None:
    city = ref.communes[code]
    assert (city.name, city.kind, city.departement, city.region) == (
        name,
        "commune",
        departement,
        region,
    )
    children = [c for c in ref.communes.values() if c.parent == code]
    assert len(children) == arrondissements
    for child in children:
        assert child.kind == "arrondissement"
        assert (child.departement, child.region, child.epci) == (
            departement,
            region,
            city.epci,
        )
        for postcode in child.postcodes:
            assert ref.communes_by_postcode[postcode] == (code,)
            assert child.code in ref.arrondissements_by_postcode[postcode]


def test_paris_11e_resolves_from_its_postcode(ref: TerritoryReference) -> None:
    assert ref.communes_by_postcode["75011"] == ("75056",)
    assert ref.arrondissements_by_postcode["75011"] == ("75111",)
    assert ref.communes["75111"].parent == "75056"


def test_every_commune_sits_in_a_known_departement_and_region(ref: TerritoryReference) -> None:
    for commune in ref.communes.values():
        departement = ref.departements[commune.departement]
        assert departement.region == commune.region, commune.code
        assert commune.region in ref.regions, commune.code
        if commune.kind == "arrondissement":
            assert commune.parent is not None
            assert ref.communes[commune.parent].kind == "commune"
        else:
            assert commune.parent is None


def test_epci_membership(ref: TerritoryReference) -> None:
    for commune in ref.communes.values():
        if commune.epci is not None:
            assert commune.epci in ref.epcis, commune.code
    for code, epci in ref.epcis.items():
        members = ref.communes_by_epci.get(code, ())
        assert members, f"EPCI {code} has no member"
        for member in members:
            assert ref.communes[member].epci == code
        assert epci.departements == tuple(sorted({ref.communes[m].departement for m in members}))
    assert ref.epcis[ref.communes["69123"].epci or ""].type == "MET69"


def test_postcodes_resolve_to_their_communes(ref: TerritoryReference) -> None:
    assert ref.communes_by_postcode["01440"] == ("01451",)
    assert ref.communes["01451"].name == "Viriat"
    # A postcode shared by several communes lists them all, sorted.
    shared = {p: codes for p, codes in ref.communes_by_postcode.items() if len(codes) > 1}
    assert len(shared) > 1_000
    for postcode, codes in shared.items():
        assert codes == tuple(sorted(codes))
        for code in codes:
            assert postcode in ref.communes[code].postcodes
            assert ref.communes[code].kind == "commune"


def test_old_codes_resolve_to_current_communes(ref: TerritoryReference) -> None:
    for old, current in ref.old_codes.items():
        assert old not in ref.communes
        assert old in ref.communes[current].old_codes
    resolved = ref.resolve_commune("01340")
    assert resolved is not None
    assert resolved.code == "01015"
    assert ref.resolve_commune("75056") is ref.communes["75056"]
    assert ref.resolve_commune("00000") is None


def test_coordinates_are_plausible_and_marked(ref: TerritoryReference) -> None:
    for commune in ref.communes.values():
        if commune.lat is None or commune.lon is None:
            assert commune.lat is None
            assert commune.lon is None
            assert commune.coord_precision is None
            assert commune.departement == "984", commune.code
            continue
        assert commune.coord_precision in ("commune", "departement"), commune.code
        assert commune.lon is not None
        assert -90 <= commune.lat <= 90
        assert -180 <= commune.lon <= 180
        if ref.departements[commune.departement].zone == "metro":
            # Metropolitan France and Corsica.
            assert 41.3 <= commune.lat <= 51.1, commune.code
            assert -5.2 <= commune.lon <= 9.6, commune.code
    precise = sum(
        1 for c in ref.communes.values() if c.kind == "commune" and c.coord_precision == "commune"
    )
    assert precise >= 34_500
    paris = ref.communes["75056"]
    assert paris.lat is not None
    assert paris.lon is not None
    assert abs(paris.lat - 48.86) < 0.05
    assert abs(paris.lon - 2.35) < 0.05


def test_regions_and_departements_have_points(ref: TerritoryReference) -> None:
    territories: list[Region | Departement] = [*ref.regions.values(), *ref.departements.values()]
    for territory in territories:
        if territory.code == "984":
            continue
        assert territory.lat is not None, territory.code
        assert territory.lon is not None, territory.code


@pytest.mark.parametrize(
    ("name", "features"),
    [("regions-simplifiees-2018.geojson", 13), ("departements-simplifies-2018.geojson", 96)],
)
def test_geojson_outlines(ref: TerritoryReference, name: str, features: int) -> None:
    collection = json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == features
    known = ref.regions if features == 13 else ref.departements
    for feature in collection["features"]:
        properties = feature["properties"]
        assert properties["code"] in known
        assert properties["nom"]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_files_are_sorted_and_the_archive_is_reproducible() -> None:
    raw = (REFERENCE_DIR / "communes.csv.gz").read_bytes()
    assert raw[4:8] == b"\0\0\0\0", "gzip mtime must be 0"
    assert len(raw) < 2_000_000
    for name in ("regions.csv", "departements.csv", "epci.csv"):
        with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as stream:
            codes = [row["code"] for row in csv.DictReader(stream)]
        assert codes == sorted(codes), name
    text = gzip.decompress(raw).decode("utf-8")
    codes = [row["code"] for row in csv.DictReader(text.splitlines())]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))


def test_readme_documents_every_file() -> None:
    readme = (REFERENCE_DIR / "README.md").read_text(encoding="utf-8")
    for path in REFERENCE_DIR.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, path.name
    assert "python scripts/build_reference_data.py" in readme
    assert "Licence Ouverte" in readme


def test_read_reference_from_another_directory(tmp_path: Path) -> None:
    for path in REFERENCE_DIR.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    copy = read_reference(tmp_path)
    assert copy.communes["75056"].name == "Paris"
    assert copy is not load_reference()
