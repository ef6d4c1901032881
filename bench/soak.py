"""Soak of the API (issue 15): readers, writers, a hostile client and a kill -9, for minutes.

``python -m bench.soak --minutes 10`` loads the shared synthetic movement into an embedded server
of its own data directory (:func:`bench.api_bench._prepare_store`, reused when already loaded),
creates an editor token for the run, starts ``maillage serve`` on 127.0.0.1 (a subprocess, its
log in the data directory), and then:

1. measures the readers alone (``--idle-seconds``): their p99 is the *idle* reference;
2. runs for ``--minutes`` the readers (paths, an actor's links, search), the writers (bursts of
   identical ``upsertActor`` and ``linkActors``, :mod:`bench.soak_clients`) and the hostile
   client (oversized bodies, deep queries, slow sends, :mod:`bench.soak_hostile`), and half-way
   kills the graph server (the embedded ArcadeDB JVM) with SIGKILL — the API restarts it;
3. queries back every write that was acknowledged, and prints the figures: requests, answers and
   unexpected ones by kind, p50/p99 by client kind, the API's and the graph server's memory
   (RSS) at the start and the end of the load, and the verdict against the issue's targets
   (0 unexpected errors, 0 acknowledged writes lost, memory at the end within 10 % of the start,
   the readers' p99 under load at most twice the idle one).

Everything it starts is stopped at the end (the API by SIGINT then SIGKILL, the graph server by
``EmbeddedServer.stop``); every loop is bounded by the run's clock. Exit status 0 when the
targets hold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.api_bench import ROOT, _free_port, _prepare_store, _wait_ready
from bench.generator import generate
from bench.soak_check import Memory, lost_writes, report, rss_mb
from bench.soak_clients import Soak, Tally, reader, writer
from bench.soak_hostile import hostile
from queries.store.embedded import EmbeddedServer


@dataclass
class Phase:
    """How long the run's phases last, in seconds."""

    warmup: float
    idle: float
    load: float


#: seconds after the readers are answered again that still count as the recovery window
RECOVERY_TAIL = 30.0
#: seconds between two samples of the API's memory during the load
MEMORY_EVERY = 10.0


class _PhasedTally(Tally):
    """The load's readers, also counted by phase: before the kill, the recovery window (from
    the kill to :data:`RECOVERY_TAIL` seconds after the readers are answered again), and the
    steady state after it, so an outage's slow answers are told from steady ones."""

    def __init__(self, soak: PhasedSoak) -> None:
        super().__init__("reader")
        self.soak = soak

    def note(self, what: str, started: float, *, expected: bool) -> None:
        super().note(what, started, expected=expected)
        soak = self.soak
        if soak.killed_at is None or started < soak.killed_at:
            phase = "reader: before the kill"
        elif soak.recovered_at is None or started < soak.recovered_at + RECOVERY_TAIL:
            phase = "reader: recovery window"
        else:
            phase = "reader: after recovery"
        soak.tally(phase).note(what, started, expected=expected)


class PhasedSoak(Soak):
    """A run whose loaded readers are also tallied by phase (:class:`_PhasedTally`)."""

    def tally(self, kind: str) -> Tally:
        if kind == "reader" and "reader" not in self.tallies:
            self.tallies["reader"] = _PhasedTally(self)
        return super().tally(kind)


def _movement(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """The ids of the generated actors, and words of their names to search for."""
    movement = generate(args.actors, args.links_per_actor, args.seed)
    actors = list(movement.actors())
    ids = [a["id"] for a in actors]
    words = sorted({w for a in actors[:2_000] for w in a["name"].split() if len(w) > 3})
    return ids, words or ["association"]


def _editor_token(data_dir: Path) -> str:
    from api.auth import Role, create_token
    from queries.store import StoreSettings, open_graph

    graph = open_graph(StoreSettings(data_dir=data_dir))
    try:
        name = f"soak-{datetime.now(UTC):%Y%m%dT%H%M%S}"
        return create_token(graph, name=name, role=Role.EDITOR)[1]
    finally:
        graph.close()


@contextlib.contextmanager
def _api(
    data_dir: Path, port: int, log_name: str = "soak-api.log"
) -> Iterator[subprocess.Popen[bytes]]:
    """``maillage serve`` on 127.0.0.1 (its output in ``log_name`` of the data directory),
    stopped on exit."""
    env = {
        **os.environ,
        "MAILLAGE_DATA_DIR": str(data_dir),
        "MAILLAGE_BACKEND": "embedded",
        "MAILLAGE_BOOTSTRAP": "false",
        "MAILLAGE_HOST": "127.0.0.1",
    }
    command = [sys.executable, "-c", "from cli.main import app; app()"]
    with (data_dir / log_name).open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield server
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


async def _run_for(soak: Soak, seconds: float, *, load: bool, readers: int, writers: int) -> None:
    """The clients for ``seconds``; with ``load``, writers, the hostile client and the kill."""
    soak.stop = asyncio.Event()  # one per phase: an event belongs to the loop that made it
    tasks = [
        asyncio.create_task(reader(soak, n, "reader" if load else "idle reader"))
        for n in range(readers)
    ]
    if load:
        tasks += [asyncio.create_task(writer(soak, n)) for n in range(writers)]
        tasks.append(asyncio.create_task(hostile(soak)))
        tasks.append(asyncio.create_task(_kill_half_way(soak, seconds)))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(soak.stop.wait(), seconds)
    soak.stop.set()
    done, pending = await asyncio.wait(tasks, timeout=60)
    for task in pending:
        task.cancel()
    for task in done:
        if task.exception() is not None:
            soak.tally("soak").unexpected[f"client crashed: {task.exception()!r}"] += 1


async def _kill_half_way(soak: Soak, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(soak.stop.wait(), seconds / 2)
    if soak.stop.is_set():
        return
    state = EmbeddedServer(soak.data_dir).running_state()
    if state is None:
        soak.tally("soak").unexpected["no graph server to kill"] += 1
        return
    soak.killed_at = time.monotonic()
    os.kill(state.pid, signal.SIGKILL)
    print(f"  killed the graph server (pid {state.pid}) with SIGKILL", flush=True)


def _memory(api: subprocess.Popen[bytes], data_dir: Path) -> Memory:
    state = EmbeddedServer(data_dir).running_state()
    return Memory(api=rss_mb(api.pid), server=rss_mb(state.pid) if state else float("nan"))


@contextlib.contextmanager
def _sampling(api: subprocess.Popen[bytes], every: float) -> Iterator[list[str]]:
    """The API's RSS every ``every`` seconds while the block runs (``"t: MB"`` strings)."""
    samples: list[str] = []
    done = threading.Event()
    began = time.monotonic()

    def sample() -> None:
        while not done.wait(every):
            samples.append(f"{time.monotonic() - began:.0f}: {rss_mb(api.pid):.0f}")

    thread = threading.Thread(target=sample, name="soak-memory", daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        done.set()
        thread.join(timeout=5)


def _drive(
    args: argparse.Namespace, port: int, token: str, ids: list[str], words: list[str]
) -> tuple[Soak, Memory, Memory, dict[str, int], int]:
    """The API started, the idle readers, the load, the writes read back; the API stopped."""
    phase = Phase(
        warmup=min(3.0, args.idle_seconds), idle=args.idle_seconds, load=args.minutes * 60
    )
    with _api(args.data_dir, port) as api:
        print(f"API pid {api.pid} on 127.0.0.1:{port}; waiting for /ready …", flush=True)
        _wait_ready(port, 900, api)
        run = PhasedSoak(port=port, token=token, actor_ids=ids, words=words, data_dir=args.data_dir)
        readers = args.readers
        asyncio.run(_run_for(run, phase.warmup, load=False, readers=readers, writers=0))
        run.tallies.clear()
        print(f"idle readers for {phase.idle:g} s …", flush=True)
        asyncio.run(_run_for(run, phase.idle, load=False, readers=readers, writers=0))
        start = _memory(api, args.data_dir)
        print(f"load for {phase.load:g} s …", flush=True)
        with _sampling(api, MEMORY_EVERY) as samples:
            asyncio.run(_run_for(run, phase.load, load=True, readers=readers, writers=args.writers))
        print("API memory during the load (s: MB): " + ", ".join(samples), flush=True)
        _wait_ready(port, 180, api)
        time.sleep(2.0)  # the last requests' garbage
        end = _memory(api, args.data_dir)
        lost = asyncio.run(lost_writes(run))
        log = (args.data_dir / "soak-api.log").read_text(errors="replace")
    return run, start, end, lost, log.count("Traceback")


def soak(args: argparse.Namespace) -> int:
    _prepare_store(args)
    token = _editor_token(args.data_dir)
    ids, words = _movement(args)
    port = _free_port()
    try:
        run, start, end, lost, tracebacks = _drive(args, port, token, ids, words)
    finally:
        if not args.keep_server:
            EmbeddedServer(args.data_dir).stop()  # the graph server, restarted by the API
    text, ok = report(run, args, start=start, end=end, lost=lost, tracebacks=tracebacks)
    print()
    print(text)
    if args.write:
        results = Path(__file__).resolve().with_name("RESULTS.md")
        with results.open("a", encoding="utf-8") as stream:
            stream.write("\n" + text)
        print(f"appended to {results}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the load")
    parser.add_argument("--idle-seconds", type=float, default=30.0, help="readers alone, first")
    parser.add_argument("--actors", type=int, default=20_000)
    parser.add_argument("--links-per-actor", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="default: /tmp/maillage-soak-<actors>"
    )
    parser.add_argument("--keep-server", action="store_true", help="leave the graph server running")
    parser.add_argument(
        "--write", action="store_true", help="append the figures to bench/RESULTS.md"
    )
    args = parser.parse_args(argv)
    args.data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"maillage-soak-{args.actors}"
    return soak(args)


if __name__ == "__main__":
    raise SystemExit(main())
