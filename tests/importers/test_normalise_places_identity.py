"""Normalisation, territory resolution and identity scoring: pure functions, no server."""

from __future__ import annotations

import json
from datetime import date

import pytest

from graph_model.errors import InvalidDates
from graph_model.model import SourceRef
from graph_model.stored import source_json
from importers.blocking import NameIndex
from importers.merge import leads, source_priority
from importers.names import Entry, Probe, TermStats
from importers.normalise import (
    clean_text,
    distinctive_domain,
    normalise_postcode,
    parse_date,
    repair_mojibake,
    split_list,
    website_domain,
)
from importers.places import PlaceInput, shared_resolver
from importers.scoring import CANDIDATE_THRESHOLD, MERGE_THRESHOLD, Scored, shared_geo
from importers.scoring import score as compare


# -- normalise ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Les   Jardins\u00a0du Bocage ", "Les Jardins du Bocage"),
        ("CrÃ©teil", "Créteil"),
        ("Ã‰conomie solidaire", "Économie solidaire"),
        ("Association Ã\u00a0 but non lucratif", "Association à but non lucratif"),
        ("", None),
        ("   ", None),
        (None, None),
        (14000.0, "14000"),
        ("\tRéseau\r\n Cocagne  ", "Réseau Cocagne"),
        ("\tLa  Ruche\x1f\n", "La Ruche"),  # ASCII text: the same spaces as any other
        ("Cafe\u0301 des  possibles", "Café des possibles"),  # NFC
        (" \u00a0\u2009 ", None),
    ],
)
def test_clean_text(raw: object, clean: str | None) -> None:
    assert clean_text(raw) == clean


def test_mojibake_repair_leaves_genuine_text_alone() -> None:
    for text in ("Ã la carte", "Château de Bois Luzy", "ESS'perluette", "naïve"):
        assert repair_mojibake(text) == text


@pytest.mark.parametrize(
    ("raw", "end", "expected"),
    [
        ("03/07/2019", False, date(2019, 7, 3)),
        ("3/7/2019", False, date(2019, 7, 3)),
        ("02.12.2019", False, date(2019, 12, 2)),
        ("2019-12-04", False, date(2019, 12, 4)),
        ("2019-06-01T10:00:00+02:00", False, date(2019, 6, 1)),
        ("2019", False, date(2019, 1, 1)),
        ("2019", True, date(2019, 12, 31)),
        ("", False, None),
        ("  03/07/2019 ", False, date(2019, 7, 3)),
        (2019.0, True, date(2019, 12, 31)),
        (None, False, None),
    ],
)
def test_parse_date(raw: object, end: bool, expected: date | None) -> None:
    assert parse_date(raw, end=end) == expected


@pytest.mark.parametrize("raw", ["31/02/2021", "demain", "13/13/2020"])
def test_parse_date_refuses_what_is_not_a_date(raw: str) -> None:
    with pytest.raises(InvalidDates, match="is not a date"):
        parse_date(raw)
    with pytest.raises(InvalidDates, match="is not a date"):  # also when asked again
        parse_date(raw)


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("membres:42", None),
        ('ligne "3"\\bis', "https://exemple.org/a?b=1&c=é"),
        ("Créteil\n\t\x00\u2028😀", None),
    ],
)
def test_source_json_is_the_text_graphs_already_hold(key: str, url: str | None) -> None:
    """Stored sources are compared as text on re-import: the hand-written JSON must be
    exactly what ``json.dumps`` wrote before it."""
    source = SourceRef(system="reseau-bfc", key=key, url=url)
    expected = json.dumps(
        {"system": "reseau-bfc", "key": key, "url": url},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    assert source_json(source) == expected
    assert json.loads(source_json(source)) == {"system": "reseau-bfc", "key": key, "url": url}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1440", "01440"), (1440, "01440"), (1440.0, "01440"), ("97411", "97411"),
     ("75 011", "75011"), ("CEDEX", None), ("123", None)],
)  # fmt: skip
def test_postcodes_get_their_leading_zero_back(raw: object, expected: str | None) -> None:
    assert normalise_postcode(raw) == expected


def test_domains_and_lists() -> None:
    assert website_domain("www.Fabrique-Colombelles.fr/contact") == "fabrique-colombelles.fr"
    assert distinctive_domain("orange.fr") is None
    assert distinctive_domain("monasso.wordpress.com") is None
    assert distinctive_domain("le-mes.org") == "le-mes.org"
    # a directory's page is not the actor's site: the MES's BDIS, a GoGoCarto map
    assert distinctive_domain("modulebdis.exemole.fr") is None
    assert distinctive_domain("presdecheznous.gogocarto.fr") is None
    assert distinctive_domain("capoupascap.info") is None
    assert split_list("MES, RIPESS | CRID;\nTransiscope") == [
        "MES",
        "RIPESS",
        "CRID",
        "Transiscope",
    ]


# -- places ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("place", "commune"),
    [
        (PlaceInput(postcode="1440", commune="Viriat"), "01451"),  # lost leading zero
        (PlaceInput(postcode="14460", commune="Colombeles"), "14167"),  # typo
        (PlaceInput(commune="St Etienne"), "42218"),  # St → Saint, unique in France
        (PlaceInput(commune="st-étienne"), "42218"),
        (PlaceInput(commune="Mans (Le)"), "72181"),  # INSEE-style article
        (PlaceInput(postcode="97400"), "97411"),  # outre-mer: Saint-Denis de La Réunion
        (PlaceInput(postcode="97490", commune="Saint-Denis"), "97411"),
        (PlaceInput(postcode="93200", commune="Saint-Denis"), "93066"),
        (PlaceInput(insee="13055"), "13055"),
        (PlaceInput(insee="14152"), "14174"),  # a former code resolves to the current commune
        (PlaceInput(postcode="75700", commune="Paris Cedex 07"), "75056"),
        (PlaceInput(commune="Marseille 12e arrondissement"), "13055"),
        (PlaceInput(latitude=49.2006, longitude=-0.2989), "14167"),
        (PlaceInput(latitude=-20.8823, longitude=55.4504), "97411"),
    ],
)
def test_places_resolve_to_communes(place: PlaceInput, commune: str) -> None:
    assert shared_resolver().resolve(place).commune == commune


def test_an_ambiguous_commune_name_is_not_forced() -> None:
    result = shared_resolver().resolve(PlaceInput(commune="Saint-Denis"))
    assert result.commune is None
    assert "ambiguous" in result.flags[0]


def test_a_postcode_for_several_communes_keeps_the_departement() -> None:
    # 14100 serves Lisieux and 22 other communes of the Calvados
    result = shared_resolver().resolve(PlaceInput(postcode="14100"))
    assert result.commune is None
    assert (result.departement, result.region) == ("14", "28")
    assert "23 communes" in result.flags[0]
    named = shared_resolver().resolve(PlaceInput(postcode="14100", commune="LISIEUX"))
    assert named.commune == "14366"


def test_postcode_and_coordinates_that_disagree_are_both_kept_and_flagged() -> None:
    result = shared_resolver().resolve(
        PlaceInput(postcode="75011", latitude=43.2965, longitude=5.3698)
    )
    assert result.commune == "75056"
    assert "km apart" in result.flags[0]


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("France entière", ["FR"]),
        ("Partout", []),
        ("Bassin creillois", []),
        ("Occitanie", ["region:76"]),
        ("Calvados (14)", ["departement:14"]),
        ("Hauts-de-France, Normandie", ["region:32", "region:28"]),
        ("region:27", ["region:27"]),
        ("International", []),
    ],
)
def test_vague_areas_get_the_widest_certain_territory(area: str, expected: list[str]) -> None:
    assert shared_resolver().areas(area) == expected


def test_a_foreign_place_has_no_french_territory() -> None:
    result = shared_resolver().resolve(PlaceInput(commune="Bruxelles", country="BE"))
    assert (result.commune, result.departement, result.region) == (None, None, None)


# -- identity -------------------------------------------------------------------------------
def _entry(
    name: str,
    commune: str | None = None,
    dep: str | None = None,
    *,
    siren: str | None = None,
    web: str | None = None,
) -> Entry:
    return Entry("mai-1", "Organisation", name, commune, dep, siren=siren, web=web)


def score(probe: Probe, entry: Entry) -> tuple[float, str] | None:
    found: Scored | None = compare(probe, entry, TermStats(), shared_geo())
    return None if found is None else (found.probability, found.explain())


def test_same_name_in_two_communes_is_two_actors() -> None:
    probe = Probe(name="Recyclerie du Pays", commune="76540", departement="76")
    scored = score(probe, _entry("Recyclerie du Pays", "60175", "60"))
    assert scored is not None and scored[0] < CANDIDATE_THRESHOLD, scored


def test_different_legal_identifiers_are_different_actors() -> None:
    probe = Probe(name="Les Jardins", commune="14118", departement="14", siren="812345676")
    assert score(probe, _entry("Les Jardins", "14118", "14", siren="798765434")) is None


@pytest.mark.parametrize(
    ("probe", "entry", "verdict"),
    [
        (Probe("Ressourcerie du Pays Creillois", "60175", "60"),
         _entry("La Ressourcerie du Pays Creillois", "60175", "60"), "merge"),
        (Probe("Ressourcerie du Pays Creilois", "60175", "60"),  # typo
         _entry("Ressourcerie du Pays Creillois", "60175", "60"), "merge"),
        (Probe("Maison des Jardins du Bocage", "14118", "14"),  # a kind word added
         _entry("Les Jardins du Bocage", "14118", "14"), "merge"),
        (Probe("Jardins du Bocage", None, None),  # no place on one side only
         _entry("Les Jardins du Bocage", "14118", "14"), "candidate"),
        (Probe("Le Bocage", None, None),  # no place on one side, another word on the other
         _entry("Les Jardins du Bocage", "14118", "14"), "candidate"),
        (Probe("Réseau des ressourceries normandes"),  # national-level: no place either side
         _entry("Réseau des Ressourceries Normandes"), "merge"),
        (Probe("Atelier Vélo", "14118", "14", web="velo.example.fr"),
         _entry("Atelier Vélo", "14118", "14", web="autre.example.fr"), "candidate"),
        (Probe("Café des Possibles", "14118", "14"),
         _entry("Épicerie des Possibles", "14118", "14"), "new"),
    ],
)  # fmt: skip
def test_scores_fall_on_the_right_side_of_the_thresholds(
    probe: Probe, entry: Entry, verdict: str
) -> None:
    scored = score(probe, entry)
    value = scored[0] if scored else 0.0
    got = (
        "merge"
        if value >= MERGE_THRESHOLD
        else "candidate"
        if value >= CANDIDATE_THRESHOLD
        else "new"
    )
    assert got == verdict, scored


def test_a_stated_kind_that_differs_is_never_merged_automatically() -> None:
    scored = score(
        Probe("Réseau des ressourceries normandes", kind="Network"),
        Entry("mai-1", "Organisation", "Réseau des ressourceries normandes"),
    )
    assert scored is not None and CANDIDATE_THRESHOLD <= scored[0] < MERGE_THRESHOLD


def test_the_index_finds_candidates_among_many_actors() -> None:
    index = NameIndex()
    for i in range(3_000):
        index.add(Entry(f"mai-{i}", "Organisation", f"Les Jardins solidaires {i}", None, "75"))
    index.add(Entry("mai-x", "Organisation", "La Recyclerie du Quartier", "75056", "75"))
    best = index.best(Probe("Recyclerie du Quartier", "75056", "75"))
    assert best is not None and best.actor_id == "mai-x"


def test_source_priority_and_leading_source() -> None:
    assert source_priority("movement") < source_priority("sheet-x") < source_priority("sirene")
    assert source_priority("gogocarto-transiscope") == source_priority("gogocarto")
    movement = SourceRef(system="movement", key="net-mes")
    sheet = SourceRef(system="sheet-membres", key="1")
    assert leads(movement, [sheet]) and not leads(sheet, [movement])
    assert leads(sheet, [sheet])  # a source alone leads
