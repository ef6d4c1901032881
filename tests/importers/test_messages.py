"""What an import tells a French-speaking team, in French by default: a file refused whole says
what is wrong and what to do, rejected and skipped rows give their reason in the report and the
summary, and nothing names a Python class."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import importing
from graph_model.errors import ImportFailure
from graph_model.i18n import use_language
from graph_model.port import GraphStore
from importers.formats import GoGoCartoReader, LinksReader, SireneReader
from importers.report import Summary
from queries.store.memory import MemoryGraph
from tests.importers.helpers import run

pytestmark = pytest.mark.memory


def test_a_truncated_file_is_refused_in_french_with_what_to_do(fixtures: Path) -> None:
    with pytest.raises(ImportFailure) as caught:
        run(MemoryGraph(), GoGoCartoReader(fixtures / "gogocarto_truncated.json"))
    message = str(caught.value)
    assert "JSON invalide" in message and "téléchargez-le à nouveau" in message
    with use_language("en"), pytest.raises(ImportFailure, match="download it again"):
        run(MemoryGraph(), GoGoCartoReader(fixtures / "gogocarto_truncated.json"))


def test_reject_reasons_are_in_french_in_the_report(fixtures: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "rejets.csv"
    run(MemoryGraph(), LinksReader(fixtures / "links.csv"), rejects=rejects)
    with rejects.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream, delimiter=";"))
    reasons = " | ".join(row["reason"] for row in rows)
    assert rows and {row["status"] for row in rows} <= {"rejected", "skipped", "flagged"}
    assert "type de lien" in reasons or "pas d'acteur" in reasons or "ligne vide" in reasons, (
        reasons
    )


def test_the_summary_counts_skipped_rows_by_reason_in_french(fixtures: Path) -> None:
    summary = run(
        MemoryGraph(), SireneReader(fixtures / "sirene_unites_legales.csv", ess_only=True)
    )
    table = dict(summary.table())
    assert "lignes lues" in table and "créé" in table
    assert any("hors ESS (--ess-only)" in what for what in table)
    # the run keeps the reason's stable English key
    assert "not in the ESS (--ess-only)" in summary.skipped_by


def test_the_import_command_says_what_failed_without_a_class_name(
    fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import contextlib
    from collections.abc import Iterator

    graph: GraphStore = MemoryGraph()

    @contextlib.contextmanager
    def opened(start: bool = True) -> Iterator[GraphStore]:
        yield graph

    monkeypatch.setattr(importing, "graph", opened)
    result = CliRunner().invoke(
        importing.app, ["gogocarto", str(fixtures / "gogocarto_truncated.json")]
    )
    assert result.exit_code == 1
    words = " ".join(result.output.split())
    assert "le fichier ne peut pas être importé : gogocarto_truncated.json : JSON invalide" in words
    assert "ImportFailure" not in result.output
    ok = CliRunner().invoke(importing.app, ["sirene", str(fixtures / "sirene_unites_legales.csv")])
    assert ok.exit_code == 0, ok.output
    assert "lignes lues" in ok.output


def test_summary_words_follow_the_language() -> None:
    summary = Summary(format="spreadsheet", file_name="membres.csv", rows=3)
    with use_language("en"):
        assert summary.table()[0] == ("rows read", "3")
    with use_language("fr"):
        assert summary.table()[0] == ("lignes lues", "3")
