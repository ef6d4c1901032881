"""``maillage review --status all`` shows the decisions' history (who, when, why), and
``maillage review revert RUN ACTOR`` undoes what one import changed on one actor."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from graph_model.port import GraphStore
from importers.formats import SpreadsheetReader
from importers.pipeline import ImportOptions, Pipeline

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"


def test_the_history_shows_who_decided_and_why(memory_graph: GraphStore) -> None:
    for name in ("members_cp1252.csv", "partners_utf8_bom.csv"):
        Pipeline(memory_graph, SpreadsheetReader(FIXTURES / name), ImportOptions()).run()
    (candidate,) = memory_graph.candidates("pending")
    runner = CliRunner()
    result = runner.invoke(
        app, ["review", "reject", candidate.id, "--by", "camille", "--note", "deux lieux"]
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["review", "--status", "all"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "camille" in listed.output and "deux lieux" in listed.output


def test_revert_undoes_one_run_on_one_actor(memory_graph: GraphStore, tmp_path: Path) -> None:
    first, later = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("Identifiant;Nom;Code postal\n7;Les Jardins;14400\n", encoding="utf-8")
    later.write_text(
        "Identifiant;Nom;Code postal;Site web\n7;Les Jardins;14400;jardins.example.org\n",
        encoding="utf-8",
    )
    Pipeline(memory_graph, SpreadsheetReader(first, system="reseau"), ImportOptions()).run()
    summary = Pipeline(
        memory_graph, SpreadsheetReader(later, system="reseau"), ImportOptions()
    ).run()
    (actor,) = memory_graph.resolve_keys(["reseau:7"]).values()
    assert memory_graph.actors_by_id([actor])[actor].props.get("website")
    result = CliRunner().invoke(app, ["review", "revert", str(summary.run_id), actor])
    assert result.exit_code == 0, result.output
    assert "website" in result.output
    assert memory_graph.actors_by_id([actor])[actor].props.get("website") is None
    again = CliRunner().invoke(app, ["review", "revert", "run-nothing", actor])
    assert again.exit_code != 0
