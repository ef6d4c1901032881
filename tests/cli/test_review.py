"""``maillage review``: short ids that fit an 80-column terminal, decided by a unique prefix."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from cli.review import short_ids
from graph_model.port import GraphStore
from importers.formats import SpreadsheetReader
from importers.pipeline import ImportOptions, Pipeline

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"


def _held(graph: GraphStore) -> str:
    for name in ("members_cp1252.csv", "partners_utf8_bom.csv"):
        Pipeline(graph, SpreadsheetReader(FIXTURES / name), ImportOptions()).run()
    (candidate,) = graph.candidates("pending")
    return candidate.id


def test_the_list_shows_a_short_id_whole_in_80_columns(memory_graph: GraphStore) -> None:
    full = _held(memory_graph)
    result = CliRunner().invoke(app, ["review"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    short = short_ids([full])[full]
    assert short in result.output  # the id column never wraps
    assert "Candidats doublons (en attente)" in result.output
    assert "l'id court suffit" in " ".join(result.output.split())


def test_a_unique_prefix_decides_the_candidate(memory_graph: GraphStore) -> None:
    full = _held(memory_graph)
    runner = CliRunner()
    short = short_ids([full])[full]
    result = runner.invoke(app, ["review", "reject", short, "--note", "deux structures"])
    assert result.exit_code == 0, result.output
    assert f"{full} rejeté : la fiche a été créée comme" in " ".join(result.output.split())
    # without dup-, in English
    again = runner.invoke(app, ["--lang", "en", "review", "accept", full[4:12]])
    assert again.exit_code == 1
    assert "already decided" in again.output or "decided" in again.output
    assert "ValidationError" not in again.output
    unknown = runner.invoke(app, ["review", "accept", "dup-ffffffffffff"])
    assert unknown.exit_code == 1 and "aucun candidat doublon" in unknown.output


def test_short_ids_grow_until_they_are_unique() -> None:
    ids = ["dup-aaaaaaaa11111111", "dup-aaaaaaaa22222222", "dup-bbbbbbbb33333333"]
    shown = short_ids(ids)
    assert shown == {
        "dup-aaaaaaaa11111111": "dup-aaaaaaaa1",
        "dup-aaaaaaaa22222222": "dup-aaaaaaaa2",
        "dup-bbbbbbbb33333333": "dup-bbbbbbbb",
    }
    assert len(set(shown.values())) == len(ids)
