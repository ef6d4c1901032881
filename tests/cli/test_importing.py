"""``maillage import``: what a newcomer's first mistakes get, in French."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from graph_model.port import GraphStore


def test_a_missing_import_file_is_refused_in_french_before_the_store_is_opened(
    memory_graph: GraphStore, tmp_path: Path
) -> None:
    missing = tmp_path / "membres.csv"
    result = CliRunner().invoke(app, ["import", "spreadsheet", str(missing)])
    assert result.exit_code == 1
    words = " ".join(result.output.split())
    assert f"le fichier ne peut pas être importé : {missing} : ce fichier n'existe pas" in words
    assert "Invalid value" not in result.output and "Error" not in result.output
