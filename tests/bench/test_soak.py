"""The soak (``python -m bench.soak``) runs end to end on a tiny movement and prints its figures.

A smoke test of the command, not of the server: the targets (0 unexpected errors, memory, p99)
are what the soak measures, so whether they hold does not decide this test; that it runs, stops
by itself, and says every figure the issue asks for does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from queries.store.embedded import EmbeddedServer

pytestmark = [pytest.mark.slow, pytest.mark.arcadedb]

ROOT = Path(__file__).resolve().parents[2]


def test_the_soak_prints_its_figures(tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "bench.soak", "--minutes", "0.2", "--idle-seconds", "2",
        "--actors", "200", "--readers", "2", "--data-dir", str(tmp_path),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
        )
    finally:
        EmbeddedServer(tmp_path).stop()  # whatever happened, no server left behind
    out = done.stdout
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "## Soak (issue 15)" in out, out[-3000:]
    for figure in (
        "| idle reader |",
        "| reader |",
        "| writer |",
        "| hostile |",
        "killed the graph server",
        "reader p99: idle",
        "memory (RSS): API",
        "writes: actors acknowledged",
        "links stored twice",
        "targets: 0 unexpected errors",
    ):
        assert figure in out, (figure, out[-3000:])
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
