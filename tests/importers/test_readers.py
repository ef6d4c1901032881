"""Reading each format (no server): detection, fields, statuses, vocabularies, bad files."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from graph_model.errors import ImportFailure
from graph_model.model import ActorKind, LinkKind
from importers.formats import (
    EssGlobalReader,
    GoGoCartoReader,
    LinksReader,
    MovementReader,
    MurmurationsReader,
    SireneReader,
    SpreadsheetReader,
)
from importers.formats.movement import MovementDataset, json_schema
from importers.records import ActorRecord, LinkRecord
from importers.tabular import TableMapping, load_mapping


def actors(reader: object) -> list[ActorRecord]:
    assert hasattr(reader, "records")
    return [r for r in reader.records() if isinstance(r, ActorRecord)]


# -- spreadsheets ---------------------------------------------------------------------------
def test_cp1252_semicolons_and_title_rows_are_detected(fixtures: Path) -> None:
    reader = SpreadsheetReader(fixtures / "members_cp1252.csv")
    reader.prepare()
    assert (reader.table.encoding, reader.table.delimiter) == ("cp1252", ";")
    assert reader.table.header_line == 3
    assert reader.system == "sheet-members-cp1252"
    rows = actors(reader)
    first = rows[0]
    assert first.name == "Ressourcerie La Fabrique de Colombelles"
    assert first.siren == "812 345 676"  # checked by the pipeline, spaces allowed
    assert [m.network for m in first.memberships] == [
        "Mouvement pour l'Economie Solidaire",
        "Réseau des ressourceries normandes",
    ]
    assert first.memberships[0].since == date(2018, 3, 15)
    assert first.place.area == "Calvados"
    assert [t.id for t in first.themes] == ["maillage:reemploi"]
    assert rows[1].memberships[0].since == date(2019, 1, 1)  # a year alone
    assert rows[2].place.postcode == "1440"
    assert rows[3].name == "Café associatif Créteil Village"  # mojibake repaired
    assert rows[4].skip == "empty row"


def test_utf8_bom_commas_and_kinds(fixtures: Path) -> None:
    reader = SpreadsheetReader(fixtures / "partners_utf8_bom.csv", system="partenaires")
    reader.prepare()
    assert (reader.table.encoding, reader.table.delimiter) == ("utf-8-sig", ",")
    rows = actors(reader)
    assert rows[0].siret == "81234567600017"
    assert rows[0].kind_explicit and rows[0].kind is ActorKind.ORGANISATION
    assert rows[3].place.latitude == pytest.approx(49.2583)
    network = next(r for r in rows if r.name == "Réseau des Ressourceries Normandes")
    assert network.kind is ActorKind.NETWORK and network.kind_explicit
    assert rows[-1].name == "Les Amis de la Terre, groupe local"


def test_xlsx_with_excel_types(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Adhérents"
    sheet.append(["Adhérents du réseau, export du 12/01/2024"])
    sheet.append(["Structure", "SIRET", "CP", "Commune", "Membre depuis", "Réseau"])
    sheet.append(
        ["Épicerie de Viriat", 81234567600017, 1440, "Viriat", datetime(2020, 5, 4), "MES"]
    )
    sheet.append([None, None, None, None, None, None])
    workbook.save(tmp_path / "adherents.xlsx")
    reader = SpreadsheetReader(tmp_path / "adherents.xlsx")
    reader.prepare()
    records = list(reader.records())
    first = records[0]
    assert isinstance(first, ActorRecord)
    assert first.siret == "81234567600017" and first.place.postcode == "1440"
    assert first.memberships[0].since == date(2020, 5, 4)
    assert records[1].skip == "empty row"


def test_a_mapping_file_names_the_columns(tmp_path: Path) -> None:
    (tmp_path / "liste.csv").write_text(
        "Qui;Où;Zone\nLa Ferme du Bec;14000;France entière\n", encoding="utf-8"
    )
    (tmp_path / "m.yaml").write_text(
        "columns:\n  name: Qui\n  postcode: Où\n  area: Zone\nsource: reseau-test\n"
        "defaults:\n  network: Réseau test\n",
        encoding="utf-8",
    )
    mapping = load_mapping(tmp_path / "m.yaml")
    reader = SpreadsheetReader(tmp_path / "liste.csv", mapping=mapping)
    reader.prepare()
    (record,) = actors(reader)
    assert reader.system == "reseau-test"
    assert (record.name, record.place.postcode, record.place.area) == (
        "La Ferme du Bec",
        "14000",
        "France entière",
    )
    assert [m.network for m in record.memberships] == ["Réseau test"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02binary\x00", "not a text table"),
        (b"Foo;Bar\n1;2\n", "no column for name"),
        (b"", "empty"),
    ],
)
def test_unreadable_tables_fail_before_anything(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailure, match=message):
        SpreadsheetReader(path).prepare()


def test_bad_mapping_and_old_excel_files(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("colonnes: {}\n", encoding="utf-8")
    with pytest.raises(ImportFailure, match="mapping file"):
        load_mapping(tmp_path / "m.yaml")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportFailure, match=r"save it as \.xlsx"):
        SpreadsheetReader(tmp_path / "old.xls").prepare()
    (tmp_path / "x.csv").write_text("Nom\nA\n", encoding="utf-8")
    with pytest.raises(ImportFailure, match="unknown encoding"):
        SpreadsheetReader(tmp_path / "x.csv", mapping=TableMapping(encoding="klingon")).prepare()


# -- links ----------------------------------------------------------------------------------
def test_links_rows(fixtures: Path) -> None:
    reader = LinksReader(fixtures / "links.csv")
    reader.prepare()
    rows = [r for r in reader.records() if isinstance(r, LinkRecord)]
    assert rows[0].kind is LinkKind.MEMBER_OF and rows[0].sources[0].url
    assert (rows[1].kind, rows[1].subkind) == (LinkKind.COOPERATES_WITH, "partenariat")
    assert rows[1].since == date(2020, 9, 1)
    assert rows[5].kind is LinkKind.SUPPORTS  # "accompagne"
    assert rows[6].skip == "empty row"
    assert rows[7].error and "not recognised" in rows[7].error
    assert rows[8].kind is LinkKind.MEMBER_OF  # "adhérent"


# -- GoGoCarto --------------------------------------------------------------------------------
def test_gogofull_statuses_categories_and_places(fixtures: Path) -> None:
    reader = GoGoCartoReader(fixtures / "gogocarto_full.json", system="transiscope")
    reader.prepare()
    assert reader.system == "gogocarto-transiscope"
    records = actors(reader)
    skipped = {r.source.key: r.skip for r in records if r.skip}
    assert set(skipped) == {"c3d4", "e5f6", "g7h8"}  # deleted, duplicate, refused
    assert "deleted" in skipped["c3d4"] and "duplicate" in skipped["e5f6"]
    live = {r.source.key: r for r in records if not r.skip}
    assert "k1l2" in live  # -1: a pending modification of a live element
    fabrique = live["a1b2"]
    assert [m.network for m in fabrique.memberships] == [
        "Réseau National des Ressourceries et Recycleries"
    ]
    assert [t.label_fr for t in fabrique.themes] == ["Réemploi"]
    assert fabrique.email is None  # GoGoCarto's "private"
    assert (fabrique.place.postcode, fabrique.place.latitude) == ("14460", 49.2006)
    panier = live["i9j0"]
    assert [m.network for m in panier.memberships] == ["CRID"]


def test_gogocompact_with_taxonomy(fixtures: Path) -> None:
    reader = GoGoCartoReader(
        fixtures / "gogocarto_compact.json", taxonomy=fixtures / "gogocarto_taxonomy.json"
    )
    reader.prepare()
    records = actors(reader)
    creil, deleted, velo = records
    assert creil.name == "Recyclerie de Creil" and not creil.skip
    assert [m.network for m in creil.memberships] == ["Réseau des Ressourceries d'Île-de-France"]
    assert [t.label_fr for t in creil.themes] == ["Réemploi"]
    assert deleted.skip
    assert [t.label_fr for t in velo.themes] == ["Mobilité"]
    assert any("category 99" in f for f in velo.flags)


def test_truncated_json_is_an_import_failure(fixtures: Path) -> None:
    with pytest.raises(ImportFailure, match="truncated"):
        GoGoCartoReader(fixtures / "gogocarto_truncated.json").prepare()
    with pytest.raises(ImportFailure, match="truncated"):
        MurmurationsReader(fixtures / "gogocarto_truncated.json").prepare()


# -- ESSGlobal, Murmurations, SIRENE -----------------------------------------------------------
def test_essglobal_vocabulary(fixtures: Path) -> None:
    reader = EssGlobalReader(fixtures / "essglobal_standard.csv")
    reader.prepare()
    records = actors(reader)
    livre, union, rennaise, missing = records
    assert livre.legal_form == "Coopérative de travailleurs (sociétariat : travailleurs)"
    assert [(t.id, t.label_fr, t.label_en) for t in livre.themes] == [
        ("essglobal:AM10", "Arts, médias, culture et loisirs", "Arts, Media, Culture & Leisure"),
        ("essglobal:AM40", "Éducation", "Education"),
        ("essglobal:AM70", "Biens et services", "Goods & Services"),
    ]
    assert union.kind is ActorKind.NETWORK  # OS240, a cooperative of cooperatives
    assert union.legal_form and "producteurs" in union.legal_form  # the label "Producers"
    assert union.place.latitude is None  # a Geo Container point is not the actor's
    assert any("OS999" in f for f in rennaise.flags)
    assert missing.error


def test_murmurations_profiles(fixtures: Path) -> None:
    reader = MurmurationsReader(fixtures / "murmurations_profiles.json")
    reader.prepare()
    opencoop, fablab, communs, cancelled, nourl = actors(reader)
    assert opencoop.source.alias == "murmurations:opencoop.example.fr"
    assert (opencoop.place.postcode, opencoop.place.commune, opencoop.place.area) == (
        "75011",
        "Paris",
        "national",
    )
    assert opencoop.email == "bonjour@opencoop.example.fr"
    assert [(r.kind, r.target, r.reverse) for r in fablab.relations] == [
        (LinkKind.MEMBER_OF, "https://opencoop.example.fr", False),
        (LinkKind.MEMBER_OF, "https://inconnu.example.org", False),
    ]
    assert any("knows" in f for f in fablab.flags)
    assert communs.relations[0].reverse  # schema:member — the object is the member
    assert cancelled.skip and nourl.error


def test_a_single_murmurations_profile(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(
        json.dumps({"linked_schemas": ["organizations_schema-v1.0.0"], "name": "X",
                    "primary_url": "https://x.example.org"}),
        encoding="utf-8",
    )  # fmt: skip
    reader = MurmurationsReader(tmp_path / "p.json")
    reader.prepare()
    assert reader.total == 1


def test_sirene_rows(fixtures: Path) -> None:
    reader = SireneReader(fixtures / "sirene_unites_legales.csv", ess_only=True)
    reader.prepare()
    records = {r.siren or r.source.key: r for r in actors(reader)}
    fabrique = records["812345676"]
    assert fabrique.legal_form == "SARL coopérative ouvrière de production (SCOP)"
    assert fabrique.siret == "81234567600017" and not fabrique.fuzzy
    bray = records["798765434"]
    assert bray.name == "ASSOCIATION POUR L'ECONOMIE SOLIDAIRE EN BRAY (AESB)"
    assert bray.rna == "W601234567" and bray.place.commune is None
    assert "ESS" in (records["534123450"].skip or "")  # --ess-only
    assert "ceased" in (records["444555668"].skip or "")
    assert "natural person" in (records["888123452"].skip or "")
    assert "not public" in (records["501234561"].skip or "")


# -- the movement dataset ---------------------------------------------------------------------
def test_the_shipped_movement_dataset_is_valid_and_sourced() -> None:
    reader = MovementReader()
    reader.prepare()
    data = reader.data
    ids = {a.id for a in data.actors}
    assert {"net-mes", "adv-ess-france", "adv-csess", "adv-ripess", "adv-ripess-europe",
            "adv-ctc", "adv-transiscope", "adv-cac", "prj-generateur-bfc", "prj-ajiter",
            "prj-tzcld-colombelles", "prj-ijmmb-normandie"} <= ids  # fmt: skip
    axes = [t.id for t in data.themes if t.scheme == "mes-axis"]
    assert axes == ["mes-axis:1", "mes-axis:2", "mes-axis:3", "mes-axis:4"]
    assert {m.name for m in data.methods} == {"EVALUMIP", "VISES", "ESS'perluette"}
    events = {e.id: e for e in data.events}
    assert events["evt-ag-mes-2019"].start == date(2019, 7, 3)
    assert events["evt-ag-mes-2019"].commune == "13055"  # Marseille
    seminar = events["evt-seminaire-coconstruire-2019"]
    assert (seminar.start, seminar.end) == (date(2019, 12, 2), date(2019, 12, 4))
    tzcld = next(a for a in data.actors if a.id == "prj-tzcld-colombelles")
    assert tzcld.commune == "14167"  # Colombelles (14174 is Condé-en-Normandie)
    links = {(link.source, link.kind.value, link.target) for link in data.links}
    assert ("net-mes", "MEMBER_OF", "adv-ess-france") in links
    assert ("net-mes", "SITS_ON", "adv-csess") in links
    assert ("adv-ripess-europe", "MEMBER_OF", "adv-ripess") in links
    for link in data.links:  # every fact cites a source the file defines
        assert link.sources and all(s in data.sources for s in link.sources)


def test_the_movement_schema_file_is_up_to_date() -> None:
    shipped = Path(__file__).resolve().parents[2] / "importers" / "data" / "movement.schema.json"
    assert shipped.read_text(encoding="utf-8") == json_schema(), (
        "regenerate it: python -c 'from importers.formats.movement import json_schema; "
        'print(json_schema(), end="")\' > importers/data/movement.schema.json'
    )


def test_the_movement_schema_refuses_unsourced_or_badly_named_facts() -> None:
    base = {"schema": "maillage-movement/1", "sources": {"doc": {"title": "Doc"}}}
    with pytest.raises(ValueError, match="'net-' and a slug"):
        MovementDataset.model_validate(
            {
                **base,
                "actors": [{"id": "mes", "kind": "Network", "name": "MES", "sources": ["doc"]}],
            }
        )
    with pytest.raises(ValueError, match="unknown source"):
        MovementDataset.model_validate(
            {
                **base,
                "actors": [
                    {"id": "net-mes", "kind": "Network", "name": "MES", "sources": ["ailleurs"]}
                ],
            }
        )
    with pytest.raises(ValueError, match="at least 1"):
        MovementDataset.model_validate(
            {**base, "actors": [{"id": "net-mes", "kind": "Network", "name": "MES", "sources": []}]}
        )
