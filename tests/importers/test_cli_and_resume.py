"""The CLI commands, and an import killed midway (``kill -9``) then run again.

Both reach the session's embedded server through its data directory
(``MAILLAGE_DATA_DIR``), as a user's shell would: integration tests of the server (marker
``arcadedb``), not run in the fast lane.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.importing import app as import_app
from cli.review import app as review_app
from importers.formats import SpreadsheetReader
from importers.records import Outcome
from queries.store import BoltGraph, Store
from tests.importers.helpers import report_rows, run, snapshot, write_members

pytestmark = pytest.mark.arcadedb

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_env(embedded_store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    assert embedded_store.embedded is not None
    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(embedded_store.embedded.data_dir))
    monkeypatch.setenv("MAILLAGE_BACKEND", "embedded")
    return embedded_store


def test_import_commands(cli_env: Store, fixtures: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(import_app, ["movement"])
    assert result.exit_code == 0, result.output
    assert "created" in result.output and "import run run-" in result.output

    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(
        import_app,
        ["spreadsheet", str(fixtures / "members_cp1252.csv"), "--source", "reseau-normand",
         "--rejects", str(rejects), "--dry-run"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "DRY RUN" in result.output
    assert not cli_env.read("MATCH (a:Actor {id: 'siren-812345676'}) RETURN a.id AS id")
    assert report_rows(rejects)

    for args in (
        ["spreadsheet", str(fixtures / "members_cp1252.csv"), "--source", "reseau-normand"],
        ["spreadsheet", str(fixtures / "partners_utf8_bom.csv")],
        ["gogocarto", str(fixtures / "gogocarto_compact.json"),
         "--taxonomy", str(fixtures / "gogocarto_taxonomy.json")],
        ["essglobal", str(fixtures / "essglobal_standard.csv")],
        ["murmurations", str(fixtures / "murmurations_profiles.json")],
        ["sirene", str(fixtures / "sirene_unites_legales.csv"), "--ess-only"],
        ["links", str(fixtures / "links.csv"), "--rejects", str(rejects)],
    ):  # fmt: skip
        result = runner.invoke(import_app, args)
        assert result.exit_code == 0, (args, result.output)
    assert any("names 2 actors" in r["reason"] for r in report_rows(rejects))

    result = runner.invoke(import_app, ["gogocarto", str(fixtures / "gogocarto_truncated.json")])
    assert result.exit_code == 1
    # what failed, in words, and what to do — never the exception's class name
    assert "cannot be imported" in result.output and "truncated" in result.output
    assert "ImportFailure" not in result.output


def test_review_commands(cli_env: Store, fixtures: Path) -> None:
    run(BoltGraph(cli_env), SpreadsheetReader(fixtures / "members_cp1252.csv"))
    run(BoltGraph(cli_env), SpreadsheetReader(fixtures / "partners_utf8_bom.csv"))
    runner = CliRunner()
    result = runner.invoke(review_app, [])
    assert result.exit_code == 0, result.output
    assert "Maison" in result.output and "Bocage" in result.output
    candidate = cli_env.read("MATCH (c:DuplicateCandidate) RETURN c.id AS id")[0]["id"]
    result = runner.invoke(review_app, ["reject", candidate, "--note", "deux structures"])
    assert result.exit_code == 0, result.output
    assert "created as" in result.output
    result = runner.invoke(review_app, ["accept", candidate])
    assert result.exit_code == 1 and "already decided" in result.output
    result = runner.invoke(review_app, ["--status", "all"])
    assert "rejected" in result.output


def test_an_import_killed_midway_ends_like_an_uninterrupted_one(
    embedded_store: Store, tmp_path: Path
) -> None:
    assert embedded_store.embedded is not None
    path = tmp_path / "membres.csv"
    write_members(path, 1_800)

    graph = BoltGraph(embedded_store)
    run(graph, SpreadsheetReader(path, system="membres"))
    uninterrupted = snapshot(graph)

    graph.delete_all()
    env = {
        **os.environ,
        "MAILLAGE_DATA_DIR": str(embedded_store.embedded.data_dir),
        "MAILLAGE_BACKEND": "embedded",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-c", "from cli.importing import app; app()", "spreadsheet",
               str(path), "--source", "membres", "--batch-size", "50"]  # fmt: skip
    log = (tmp_path / "import.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 90
    written = 0
    while time.monotonic() < deadline and process.poll() is None:
        written = embedded_store.read("MATCH (a:Actor) RETURN count(a) AS n")[0]["n"]
        if written >= 300:
            break
        time.sleep(0.05)
    ended = process.poll()
    if ended is None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    log.close()
    output = (tmp_path / "import.log").read_text(errors="replace")
    assert ended is None, f"the import ended ({ended}) before it could be killed:\n{output}"
    partial = embedded_store.read("MATCH (a:Actor) RETURN count(a) AS n")[0]["n"]
    assert 300 <= partial < len(uninterrupted["actors"])
    # no half-written actor: every actor committed has its aliases and its seat
    ids = {r["id"] for r in embedded_store.read("MATCH (a:Actor) RETURN a.id AS id")}
    aliased = {r["a"] for r in embedded_store.read("MATCH (al:Alias) RETURN al.actor AS a")}
    assert ids <= aliased

    resumed = run(graph, SpreadsheetReader(path, system="membres"))
    assert (
        resumed.outcomes.get(Outcome.UNCHANGED, 0) >= partial - 100
    )  # batches in flight were lost
    resumed_graph = snapshot(graph)
    for part in ("actors", "links", "nodes"):
        assert resumed_graph[part] == uninterrupted[part], part
    got = {(a["key"], a["actor"]) for a in resumed_graph["aliases"]}
    want = {(a["key"], a["actor"]) for a in uninterrupted["aliases"]}
    assert got == want, (sorted(got - want)[:5], sorted(want - got)[:5])
    runs = embedded_store.read(
        "MATCH (r:ImportRun) RETURN r.status AS status, r.pid AS pid, "
        "r.interrupted_at IS NOT NULL AS stamped ORDER BY r.started_at"
    )
    # the killed run shows, marked interrupted (with when) by the next import: its pid is gone
    killed, resumed_run = runs[-2:]
    assert (killed["status"], killed["stamped"], killed["pid"]) == (
        "interrupted",
        True,
        str(process.pid),
    )
    assert resumed_run["status"] == "finished"
