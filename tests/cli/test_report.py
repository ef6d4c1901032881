"""``maillage report territory``: the PDF renders (A4 pages, the text is there and in French),
an empty territory or a day before the record gives a sheet that says so, a bad code or date
is one clear line."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

import cli.report as cli_report
from cli.main import app
from queries.projection import Projection

A4_POINTS = (595.0, 842.0)


@pytest.fixture
def runner(example: Projection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    @contextmanager
    def projection() -> Iterator[Projection]:
        yield example

    monkeypatch.setattr(cli_report, "projection", projection)
    labels = {"alimentation": "Alimentation durable", "reemploi": "Réemploi"}
    monkeypatch.setattr(cli_report, "theme_labels", lambda ids: {i: labels.get(i, i) for i in ids})
    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(tmp_path))
    return CliRunner()


def _text(path: Path) -> tuple[int, str, list[tuple[float, float]]]:
    reader = PdfReader(path)
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split()), sizes


def test_the_sheet_of_a_region_renders_in_french(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "fiche.pdf"
    result = runner.invoke(
        app, ["report", "territory", "region:84", "--as-of", "2025-01-01", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Auvergne-Rhône-Alpes" in result.output
    pages, text, sizes = _text(out)
    assert pages == 2
    assert all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in sizes)
    for words in (
        "Fiche territoire",
        "Auvergne-Rhône-Alpes",
        "01/01/2025",
        "Chiffres clés",
        "Acteurs par famille juridique",
        "associations",
        "coopératives",
        "Réemploi",  # the theme's label, not its id
        "Réseau ESS AURA",  # a network present, a cluster's central actor
        "Sources des données",
        "année par année",
    ):
        assert words in text, words
    if shutil.which("pdftotext"):  # poppler reads it too
        plain = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "Auvergne-Rhône-Alpes" in plain


def test_the_sheet_in_english_on_request(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    result = runner.invoke(app, ["--lang", "en", "report", "territory", "69", "-o", str(out)])
    assert result.exit_code == 0, result.output
    _pages, text, _sizes = _text(out)
    assert "Territory sheet" in text
    assert "Rhône" in text


def test_an_empty_territory_gives_a_sheet_that_says_so(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "vide.pdf"
    result = runner.invoke(app, ["report", "territory", "region:53", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pages, text, _sizes = _text(out)
    assert pages == 1
    assert "Bretagne" in text
    assert "Aucun acteur" in text


def test_a_day_before_the_record_says_so(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "avant.pdf"
    result = runner.invoke(
        app, ["report", "territory", "region:84", "--as-of", "1990-01-01", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    _pages, text, _sizes = _text(out)
    assert "avant le premier fait daté" in text
    assert "01/01/2012" in text


def test_a_bad_code_or_date_is_one_clear_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "territory", "region:99", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "aucun territoire" in result.output
    assert "region:CODE" in result.output
    assert not (tmp_path / "x").exists()
    result = runner.invoke(app, ["report", "territory", "FR", "--as-of", "demain"])
    assert result.exit_code == 1
    assert "AAAA-MM-JJ" in result.output or "YYYY-MM-DD" in result.output
