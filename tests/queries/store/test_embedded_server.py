"""The embedded ArcadeDB server, driven through the real ``maillage db`` commands."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_model.port import WriteContext
from queries.store import StoreSettings, open_graph
from queries.store.embedded import EmbeddedServer
from queries.store.settings import Backend
from tests.contract.data import sample_actors

pytestmark = pytest.mark.arcadedb


def maillage(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MAILLAGE_DATA_DIR": str(data_dir),
        "MAILLAGE_BACKEND": "embedded",
        "COLUMNS": "200",
        "MAILLAGE_LANG": "en",  # the words checked are the English ones
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}


def test_start_status_stop(fresh_data_dir: Path) -> None:
    started = maillage(fresh_data_dir, "db", "start")
    assert started.returncode == 0, started.stderr
    assert "Bolt on bolt://127.0.0.1:" in started.stdout
    status = maillage(fresh_data_dir, "db", "status")
    assert status.returncode == 0 and "running" in status.stdout

    state = EmbeddedServer(fresh_data_dir).running_state()
    assert state is not None
    assert _listening_addresses(state.bolt_port) <= LOOPBACK
    assert _listening_addresses(state.bolt_port), "nothing listens on the Bolt port"

    stopped = maillage(fresh_data_dir, "db", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    after = maillage(fresh_data_dir, "db", "status")
    assert after.returncode == 3 and "stopped" in after.stdout


def test_second_start_is_refused_cleanly(fresh_data_dir: Path) -> None:
    assert maillage(fresh_data_dir, "db", "start").returncode == 0
    again = maillage(fresh_data_dir, "db", "start")
    assert again.returncode == 1
    assert "already runs" in again.stderr
    assert "Traceback" not in again.stderr
    assert maillage(fresh_data_dir, "db", "status").returncode == 0


def test_secrets_are_private_and_not_on_the_command_line(fresh_data_dir: Path) -> None:
    assert maillage(fresh_data_dir, "db", "start").returncode == 0
    server = EmbeddedServer(fresh_data_dir)
    password = server.password()
    assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(server.password_file.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((server.home / "jvm.args").stat().st_mode) == 0o600
    state = server.running_state()
    assert state is not None
    cmdline = Path(f"/proc/{state.pid}/cmdline").read_bytes().decode()
    assert password not in cmdline
    assert "-Xmx1g" in (server.home / "jvm.args").read_text()  # the heap is capped


def test_the_data_directory_is_the_owners_only(fresh_data_dir: Path) -> None:
    fresh_data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(fresh_data_dir, 0o755)  # as mkdir made it before: narrowed at start
    assert maillage(fresh_data_dir, "db", "start").returncode == 0
    assert stat.S_IMODE(fresh_data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((fresh_data_dir / "arcadedb").stat().st_mode) == 0o700
    below = [p for p in fresh_data_dir.rglob("*") if not p.is_symlink()]
    assert any(p.is_file() for p in (fresh_data_dir / "arcadedb" / "databases").rglob("*"))
    readable = [p for p in below if p.stat().st_mode & stat.S_IRWXO]
    assert not readable, [f"{p}: {oct(stat.S_IMODE(p.stat().st_mode))}" for p in readable]


def test_restart_keeps_the_data(fresh_data_dir: Path) -> None:
    settings = StoreSettings(backend=Backend.EMBEDDED, data_dir=fresh_data_dir)
    with contextlib.closing(open_graph(settings)) as graph:
        graph.setup_schema()
        graph.write_actors(sample_actors(), WriteContext())
    assert maillage(fresh_data_dir, "db", "stop").returncode == 0
    assert maillage(fresh_data_dir, "db", "start").returncode == 0
    with contextlib.closing(open_graph(settings, start=False)) as graph:
        assert graph.counts()["nodes.Actor"] == len(sample_actors())


def test_kill_9_then_status_tells_the_truth_and_start_recovers(fresh_data_dir: Path) -> None:
    settings = StoreSettings(backend=Backend.EMBEDDED, data_dir=fresh_data_dir)
    with contextlib.closing(open_graph(settings)) as graph:
        graph.setup_schema()
        graph.write_actors(sample_actors(), WriteContext())  # committed before the crash
    state = EmbeddedServer(fresh_data_dir).running_state()
    assert state is not None
    os.kill(state.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{state.pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)

    status = maillage(fresh_data_dir, "db", "status")
    assert status.returncode == 3
    assert "stopped" in status.stdout and "stale" in status.stdout

    restarted = maillage(fresh_data_dir, "db", "start")
    assert restarted.returncode == 0, restarted.stderr
    with contextlib.closing(open_graph(settings, start=False)) as graph:
        assert graph.counts()["nodes.Actor"] == len(sample_actors())
        assert graph.resolve_keys(["movement:test"]) == {"movement:test": "net-mes"}


def test_store_says_how_to_start_a_stopped_server(fresh_data_dir: Path) -> None:
    from graph_model.errors import StoreUnavailable

    settings = StoreSettings(backend=Backend.EMBEDDED, data_dir=fresh_data_dir)
    with (
        contextlib.closing(open_graph(settings, start=False)) as graph,
        pytest.raises(StoreUnavailable, match="maillage db start"),
    ):
        graph.ping()
