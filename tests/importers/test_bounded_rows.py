"""Rows breaking the model's bounds (:mod:`graph_model.limits`) are rejects with their reason:
the import goes on with the other rows, nothing crashes (issue 15, "inputs bounded")."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph_model.port import GraphStore
from importers.formats import SpreadsheetReader
from importers.records import Outcome
from tests.importers.helpers import report_rows, run

pytestmark = pytest.mark.memory

ROWS = [
    ("Coop\x1b[31mRouge", "", "", "name"),  # NUL: the whole file is refused
    ("Evil\u202egnp.exe", "", "", "name"),
    ("Coop longue", "x" * 20_000, "", "description"),
    ("Coop web", "", "javascript:alert(document.cookie)", "website"),
    ("Œuvre d’entraide « L’Île » — cœur", "Une ligne.", "https://exemple.fr", ""),
]


def test_hostile_rows_are_rejects_naming_the_field(graph: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "membres.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Nom", "Description", "Site internet"])
        writer.writerows(row[:3] for row in ROWS)
    summary = run(graph, SpreadsheetReader(path, system="membres"), tmp_path)
    assert summary.outcomes[Outcome.CREATED] == 1
    reasons = " | ".join(r["reason"] for r in report_rows(tmp_path / "spreadsheet-rejects.csv"))
    for _, _, _, field in ROWS[:-1]:
        assert f"{field}:" in reasons, reasons
