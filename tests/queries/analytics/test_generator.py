"""The shared benchmark generator: deterministic, realistic enough, and its CSV writers."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.generator import (
    SIRENE_COLUMNS,
    generate,
    write_links_csv,
    write_sirene_csv,
    write_spreadsheet_csv,
)
from graph_model.identifiers import check_actor_id, is_valid_siren, normalise_rna


@pytest.fixture(scope="module")
def movement() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    actors, links = [], []
    for actor, outgoing in generate(4_000, links_per_actor=5.0, seed=9).both():
        actors.append(actor)
        links.extend(outgoing)
    return actors, links


def test_deterministic_for_a_seed() -> None:
    first = list(generate(300, 3.0, seed=1).links())
    assert first == list(generate(300, 3.0, seed=1).links())
    assert first != list(generate(300, 3.0, seed=2).links())
    assert list(generate(300, 3.0, seed=1).actors()) == [
        a for a, _ in generate(300, 3.0, seed=1).both()
    ]


def test_the_mix(movement: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    actors, links = movement
    kinds = Counter(a["kind"] for a in actors)
    share = {k: n / len(actors) for k, n in kinds.items()}
    assert 0.035 < share["Network"] < 0.07
    assert 0.77 < share["Organisation"] < 0.87
    assert 0.09 < share["Project"] < 0.15
    assert 0.003 < share["AdvocacyBody"] < 0.02
    assert len({a["id"] for a in actors}) == len(actors)
    for actor in actors:
        check_actor_id(str(actor["id"]))
        if actor["siren"]:
            assert is_valid_siren(str(actor["siren"]))
            assert actor["id"] == f"siren-{actor['siren']}"
        if actor["rna"]:
            assert normalise_rna(str(actor["rna"])) == actor["rna"]
        assert actor["commune"] and actor["departement"] and actor["region"]
    organisations = [a for a in actors if a["kind"] == "Organisation"]
    with_siren = sum(1 for a in organisations if a["siren"]) / len(organisations)
    assert 0.5 < with_siren < 0.7
    assert 0.9 * 4_000 * 5 < len(links) < 1.1 * 4_000 * 5
    where = {a["id"]: (a["departement"], a["region"]) for a in actors}
    same_dep = sum(1 for link in links if where[link["source"]][0] == where[link["target"]][0])
    across = sum(1 for link in links if where[link["source"]][1] != where[link["target"]][1])
    assert same_dep / len(links) > 0.4
    assert 0.03 < across / len(links) < 0.2
    kinds_of = {a["id"]: a["kind"] for a in actors}
    for link in links:
        assert link["source"] != link["target"]
        assert link["since"] is not None
        assert link["until"] is None or link["until"] >= link["since"]
        if link["kind"] == "MEMBER_OF":
            assert kinds_of[link["target"]] == "Network"
        if link["kind"] == "CARRIES":
            assert kinds_of[link["target"]] == "Project"
    assert len({link["id"] for link in links}) == len(links)
    in_degree = Counter(link["target"] for link in links)
    assert in_degree.most_common(1)[0][1] > 20 * len(links) / len(actors)  # a few hubs


def test_writers(
    tmp_path: Path, movement: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    actors, links = movement
    sheet = tmp_path / "membres.csv"
    assert write_spreadsheet_csv(actors[:200], sheet) == 200
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with sheet.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    assert rows[0] == [
        "Nom", "SIREN", "RNA", "Forme juridique", "Code postal", "Commune", "Réseaux",
        "Adhésion depuis", "Thématiques",
    ]  # fmt: skip
    assert len(rows) == 201
    dated = [r for r in rows[1:] if r[7]]
    assert dated
    assert all(len(r[7]) == 10 and r[7][2] == "/" for r in dated)
    assert any(" " in r[1] for r in rows[1:] if r[1])  # some SIRENs typed with spaces
    links_path = tmp_path / "liens.csv"
    assert write_links_csv(links[:50], links_path) == 50
    with links_path.open(encoding="utf-8-sig", newline="") as stream:
        link_rows = list(csv.reader(stream, delimiter=";"))
    assert link_rows[0] == ["de", "vers", "type", "depuis", "jusqu'à", "source"]
    sirene = tmp_path / "StockUniteLegale.csv"
    written = write_sirene_csv(actors, sirene)
    assert written == sum(1 for a in actors if a["siren"])
    with sirene.open(encoding="utf-8", newline="") as stream:
        records = list(csv.DictReader(stream))
    assert tuple(records[0]) == SIRENE_COLUMNS
    assert all(is_valid_siren(r["siren"]) for r in records)
    assert {r["economieSocialeSolidaireUniteLegale"] for r in records} == {"O"}
