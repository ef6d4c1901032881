"""History benchmark: finding an actor's entries in a long change log.

``python -m bench.history [--actors 2000] [--imports 20] [--edits 10000] [--samples 40]
[--memory] [--data-dir DIR]``

The change log's ``Change`` nodes list what they touched in ``targets``, a list no server
indexes; the API's audit entries also name their one ``target``, which is indexed
(``change_target``), and every entry has its indexed ``seq``. ``GraphStore.history`` reads an
actor's audit entries by ``target`` and looks for the other entries (imports) among the last
``scan`` sequence numbers only (a range on ``seq``). This builds a log of the shape a live
graph has — ``--imports`` rounds re-importing every actor in batches of 500 (each batch one
transaction whose entries list 500 targets), then ``--edits`` API edits of random actors (one
audit entry each) — on the embedded ArcadeDB (default) or in memory, then times, for
``--samples`` random actors, the history read with ``scan`` = 0 (audit entries only), 1,000,
10,000 and 50,000, against the **baseline** of the same read scanning the whole log (what an
unbounded ``$id IN c.targets`` costs). Printed: the log's size, median and p95 per variant,
the ratio to the baseline, and how many entries each found.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from graph_model.changes import ChangeRecord
from graph_model.model import Actor, ActorKind, SourceRef
from graph_model.port import GraphStore, WriteContext

SCANS = (0, 1_000, 10_000, 50_000)
UNBOUNDED = 10**12


def _build(graph: GraphStore, args: argparse.Namespace) -> list[str]:
    source = [SourceRef(system="bench", key="history")]
    ids = [f"org-hist-{i:06d}" for i in range(args.actors)]
    started = time.monotonic()
    for round_ in range(args.imports):
        actors = [
            Actor(id=i, kind=ActorKind.ORGANISATION, name=f"Coop {i} {round_}", sources=source)
            for i in ids
        ]
        graph.write_actors(actors, WriteContext(run=f"run-{round_}"), batch_size=500)
    rng = random.Random(args.seed)
    for number in range(args.edits):
        target = rng.choice(ids)
        with graph.edit(WriteContext(by="bench")) as tx:
            tx.record_change(
                ChangeRecord(
                    id=f"chg-bench-{number:07d}",
                    at=datetime.now(UTC),
                    by="bench",
                    operation="update_actor",
                    target=target,
                    detail='{"before": {"name": "a"}, "after": {"name": "b"}}',
                )
            )
    print(
        f"built: {args.actors:,} actors, {args.imports} import rounds, {args.edits:,} edits in "
        f"{time.monotonic() - started:.0f} s; log version {graph.graph_version():,}",
        flush=True,
    )
    return ids


def _time(graph: GraphStore, targets: list[str], scan: int) -> tuple[list[float], float]:
    times, found = [], 0
    for target in targets:
        started = time.perf_counter()
        entries = graph.history(target, limit=50, scan=scan)
        times.append((time.perf_counter() - started) * 1000)
        found += len(entries)
    return times, found / len(targets)


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.95) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=2_000)
    parser.add_argument("--imports", type=int, default=20)
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--memory", action="store_true", help="the in-memory store")
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="maillage-history-") as scratch:
        graph: GraphStore
        if args.memory:
            from queries.store.memory import MemoryGraph

            graph = MemoryGraph()
        else:
            from queries.store import StoreSettings, open_graph

            graph = open_graph(StoreSettings(data_dir=args.data_dir or Path(scratch)))
        try:
            graph.setup_schema()
            graph.delete_all()
            ids = _build(graph, args)
            counts = graph.counts()
            rng = random.Random(args.seed + 1)
            targets = rng.sample(ids, min(args.samples, len(ids)))
            _time(graph, targets[:3], 0)  # warm the statements
            base, base_found = _time(graph, targets, UNBOUNDED)
            base_median = statistics.median(base)
            print(f"{'scan':>12} {'median ms':>10} {'p95 ms':>8} {'x baseline':>10} found")
            print(
                f"{'whole log':>12} {base_median:10.2f} {_p95(base):8.2f} {1.0:10.2f} "
                f"{base_found:.1f}  (baseline)"
            )
            for scan in SCANS:
                times, found = _time(graph, targets, scan)
                median = statistics.median(times)
                print(
                    f"{scan:>12,} {median:10.2f} {_p95(times):8.2f} "
                    f"{median / base_median:10.2f} {found:.1f}"
                )
            print(f"nodes: {counts.get('nodes.Actor', 0):,} actors", flush=True)
        finally:
            server = getattr(graph, "embedded", None)
            graph.close()
            if server is not None and args.data_dir is None:
                server.stop()  # its scratch folder goes with the run
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
