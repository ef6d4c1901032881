"""What ``maillage serve``'s first start spends its time on, step by step, then a second start.

    python -m bench.startup [--runs 1]

On a fresh data directory (a temporary one, removed at the end) it times what the first start
does in order — importing the app's modules, starting the embedded graph server until Bolt
answers, the schema, reading the shipped territories, writing them, the movement reference
dataset, the first projection — then the same sequence again on the now-loaded graph with the
server stopped (a second ``maillage serve``: nothing to load, only checks). It prints each step,
its seconds and its share of the total; the baseline is the second start, measured in the same
run. No figure is asserted: the machine's load changes them.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _timed(steps: list[tuple[str, float]], name: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    steps.append((name, time.perf_counter() - started))
    return result


def _start(data_dir: Path, fresh_modules: bool) -> list[tuple[str, float]]:
    steps: list[tuple[str, float]] = []
    if fresh_modules:
        _timed(steps, "import the app's modules", lambda: importlib.import_module("api.app"))
    from api.bootstrap import ensure_movement
    from graph_model.port import WriteContext
    from graph_model.territories import load_reference
    from importers.runs import interrupt_abandoned
    from queries.projection import build_projection
    from queries.store import BoltGraph, StoreSettings, open_store
    from queries.store.settings import Backend

    settings = StoreSettings(backend=Backend.EMBEDDED, data_dir=data_dir, embedded_heap="768m")
    store = _timed(steps, "start the graph server (JVM, Bolt)", lambda: open_store(settings))
    graph = BoltGraph(store)
    try:
        _timed(steps, "schema (constraints, indexes)", graph.setup_schema)
        reference = _timed(steps, "read the shipped territories", load_reference)
        _timed(
            steps,
            "write the territories (36,405)",
            lambda: graph.ensure_territories(reference, WriteContext()),
        )
        _timed(steps, "mark abandoned import runs", lambda: interrupt_abandoned(graph))
        _timed(steps, "movement reference dataset", lambda: ensure_movement(graph))
        _timed(steps, "first projection", lambda: build_projection(graph))
    finally:
        graph.close()
    return steps


def _stop(data_dir: Path) -> None:
    from queries.store.embedded import EmbeddedServer

    EmbeddedServer(data_dir).stop()


def _print(title: str, steps: list[tuple[str, float]]) -> float:
    total = sum(seconds for _, seconds in steps)
    print(f"\n{title}: {total:.1f} s")
    for name, seconds in steps:
        print(f"  {name:<40} {seconds:7.2f} s  {seconds / total:6.1%}")
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="first starts measured")
    args = parser.parse_args(argv)
    for run in range(args.runs):
        data_dir = Path(tempfile.mkdtemp(prefix="maillage-startup-"))
        try:
            first = _start(data_dir, fresh_modules=run == 0)
            _stop(data_dir)
            second = _start(data_dir, fresh_modules=False)
            _stop(data_dir)
        finally:
            _stop(data_dir)
            shutil.rmtree(data_dir, ignore_errors=True)
        a = _print(f"first start (run {run + 1})", first)
        b = _print("second start, same graph (baseline)", second)
        print(f"\nfirst / second: {a / b:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
