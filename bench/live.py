"""Live graph benchmark (issue 16): how soon a write reaches the analytics, in the worker that
made it and in another one, and what the readers feel meanwhile.

``python -m bench.live --actors 100000`` loads the shared synthetic movement into an embedded
server of its own data directory (reused when already loaded), starts **two API processes** on
that one store — two workers, each with its own projection following the change log, as
``maillage serve --workers 2`` runs them, but each on its own port so that the benchmark can ask
a given worker — and then:

1. the *idle* phase: ``--readers`` readers (paths, an actor's links, search; half on each
   worker) for ``--idle-seconds``: their p50/p99 are the reference;
2. the *live* phase: the same readers, and one writer making ``--writes`` mixed writes
   (``upsertActor`` of an existing actor, ``linkActors`` between two random actors) at
   ``--rate`` per second on worker A. For each write it records the mutation's round trip
   (the change is in A's projection when the mutation answers: A catches up before it
   answers), then polls B's ``/ready`` until B's projection reached A's sequence: the
   *visible in the other worker* latency, counted from the mutation's answer;
3. prints p50/p95/p99 of both (and of the writing worker's own time, its ``Server-Timing``),
   the readers' p50/p99 under writes against idle (ratio), the full rebuilds each worker made
   during the run (``/ready``), each worker's memory (RSS) before and after (read once the load
   has passed, ``SETTLE`` seconds later), and the time of one full rebuild of the projection
   from the store for comparison; then the verdict against the issue's targets.

Everything it starts is stopped at the end. Exit status 0 when the targets hold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.api_bench import _free_port, _prepare_store, _wait_ready, server_ms
from bench.soak import _api, _editor_token, _movement
from bench.soak_check import rss_mb
from bench.soak_clients import Soak, _ask, classify, reader, request
from queries.store.embedded import EmbeddedServer

#: seconds the workers are left alone after the writes before their memory is read
SETTLE = 3.0

UPSERT = """mutation($input: ActorInput!) { upsertActor(input: $input) {
  __typename ... on ActorSaved { created } ... on Problem { code message } } }"""
LINK = """mutation($input: LinkInput!) { linkActors(input: $input) {
  __typename ... on LinkSaved { link { id } } ... on Problem { code message } } }"""
SOURCE = {"system": "bench-live", "key": "live"}


@dataclass
class Measured:
    """What the live phase measured: write round trips on A, visible-in-B delays, writes
    refused, reader latencies idle and under writes, one full rebuild's time."""

    own: list[float]
    other: list[float]
    problems: list[str]
    #: the writing worker's own time of each write and of its phases (its Server-Timing:
    #: ``app``, ``store``, ``follow``), seconds
    own_server: dict[str, list[float]]
    idle: list[float]
    busy: list[float]
    rebuild: float


@dataclass
class Worker:
    name: str
    port: int
    pid: int
    rss_before: float = 0.0
    rss_after: float = 0.0
    ready_before: dict[str, Any] = field(default_factory=dict)
    ready_after: dict[str, Any] = field(default_factory=dict)


def _get(port: int, path: str) -> dict[str, Any]:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
        body: dict[str, Any] = json.loads(answer.read())
    return body


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _readers(soaks: list[Soak], seconds: float, count: int) -> None:
    for soak in soaks:
        soak.stop = asyncio.Event()
    tasks = [asyncio.create_task(reader(soaks[n % len(soaks)], n, "reader")) for n in range(count)]
    await asyncio.sleep(seconds)
    for soak in soaks:
        soak.stop.set()
    await asyncio.gather(*tasks)


async def _version(port: int) -> int:
    body = await asyncio.to_thread(_get, port, "/ready")
    return int(body.get("projectionVersion") or 0)


Written = tuple[list[float], list[float], list[str], dict[str, list[float]]]
#: the phases of a write's Server-Timing the report breaks its time into
PHASES = ("app", "store", "follow")


async def _writer(a: Soak, b_port: int, args: argparse.Namespace, ids: list[str]) -> Written:
    """The writes, paced at ``args.rate``; (round trips on A, visible-in-B delays, problems,
    A's own time of each write as its Server-Timing gives it). Run in a thread of its own,
    with its own event loop: the readers' answers, parsed in the main loop, must not delay
    the writer's clock."""
    rng = random.Random(time.time_ns())  # new pairs each run: a link made before is refused
    own: list[float] = []
    other: list[float] = []
    problems: list[str] = []
    own_server: dict[str, list[float]] = {name: [] for name in PHASES}
    connection = None
    pace = 1.0 / args.rate
    started = time.monotonic()
    for n in range(args.writes):
        await asyncio.sleep(max(0.0, started + n * pace - time.monotonic()))
        if n % 2 == 0:
            actor = rng.choice(ids)
            payload = {
                "query": UPSERT,
                "variables": {"input": {"id": actor, "kind": "ORGANISATION", "name": f"Live {n}"}},
            }
        else:
            source, target = rng.sample(ids, 2)
            link = {"from": source, "to": target, "kind": "COOPERATES_WITH", "source": SOURCE}
            payload = {"query": LINK, "variables": {"input": link}}
        sent = time.monotonic()
        connection, status, body = await _ask(
            connection, a.port, request("/graphql", payload, a.token)
        )
        answered = time.monotonic()
        what, decoded = classify(status, body)
        if what != "ok":
            problems.append(what)
            continue
        result: dict[str, Any] = next(iter((decoded.get("data") or {}).values()), {}) or {}
        if result.get("__typename") not in {"ActorSaved", "LinkSaved", "KindChangeRefused"}:
            problems.append(str(result.get("__typename") or result))
        own.append(answered - sent)
        for name in PHASES:
            server = server_ms(connection.head, name)
            own_server[name].append((server or 0.0) / 1000)
        target_version = await _version(a.port)
        while await _version(b_port) < target_version:
            await asyncio.sleep(0.005)
        other.append(time.monotonic() - answered)
    if connection is not None:
        connection.close()
    return own, other, problems, own_server


def _rebuild_seconds(data_dir: Path) -> float:
    from queries.projection import build_projection
    from queries.store import StoreSettings, open_graph

    graph = open_graph(StoreSettings(data_dir=data_dir))
    try:
        started = time.monotonic()
        build_projection(graph)
        return time.monotonic() - started
    finally:
        graph.close()


@contextlib.contextmanager
def _workers(data_dir: Path) -> Iterator[list[Worker]]:
    ports = [_free_port(), _free_port()]
    with _api(data_dir, ports[0], "live-a.log") as a, _api(data_dir, ports[1], "live-b.log") as b:
        for port, server in zip(ports, (a, b), strict=True):
            _wait_ready(port, 900.0, server)
        yield [Worker("A", ports[0], a.pid), Worker("B", ports[1], b.pid)]


def _organisations(args: argparse.Namespace) -> list[str]:
    """The generated organisations (what the writer renames and links)."""
    from bench.generator import generate

    movement = generate(args.actors, args.links_per_actor, args.seed)
    return [a["id"] for a in movement.actors() if a["kind"] == "Organisation"]


def live(args: argparse.Namespace) -> int:
    _prepare_store(args)
    token = _editor_token(args.data_dir)
    ids, words = _movement(args)
    organisations = _organisations(args)
    try:
        with _workers(args.data_dir) as workers:
            soaks = [Soak(w.port, token, ids, words, args.data_dir) for w in workers]
            asyncio.run(_readers(soaks, args.idle_seconds, args.readers))
            # the tallies keep milliseconds
            idle = [t / 1000 for s in soaks for t in s.tally("reader").latencies]
            for s in soaks:
                s.tallies.clear()
            # memory once warm: the readers' first requests built the indexes they use
            for w in workers:
                w.rss_before, w.ready_before = rss_mb(w.pid), _get(w.port, "/ready")

            async def phase() -> Written:
                writing = asyncio.create_task(
                    asyncio.to_thread(
                        asyncio.run, _writer(soaks[0], workers[1].port, args, organisations)
                    )
                )
                loading = asyncio.create_task(
                    _readers(soaks, args.writes / args.rate, args.readers)
                )
                result = await writing
                await loading
                return result

            own, other, problems, own_server = asyncio.run(phase())
            busy = [t / 1000 for s in soaks for t in s.tally("reader").latencies]
            time.sleep(SETTLE)  # memory once the load has passed: what a running server keeps
            for w in workers:
                w.rss_after, w.ready_after = rss_mb(w.pid), _get(w.port, "/ready")
        rebuild = _rebuild_seconds(args.data_dir)
    finally:
        EmbeddedServer(args.data_dir).stop()
    return _report(args, workers, Measured(own, other, problems, own_server, idle, busy, rebuild))


def _spread(seconds: list[float]) -> str:
    return (
        f"p50 {_pct(seconds, 0.5) * 1000:.0f} ms, p95 {_pct(seconds, 0.95) * 1000:.0f} ms, "
        f"p99 {_pct(seconds, 0.99) * 1000:.0f} ms"
    )


def _moved(worker: Worker, what: str) -> int:
    after = int(worker.ready_after.get("projection", {}).get(what, 0))
    return after - int(worker.ready_before.get("projection", {}).get(what, 0))


def _report(args: argparse.Namespace, workers: list[Worker], m: Measured) -> int:
    own, other, problems, own_server, idle, busy, rebuild = (
        m.own,
        m.other,
        m.problems,
        m.own_server,
        m.idle,
        m.busy,
        m.rebuild,
    )
    ms = 1000.0
    rebuilds = sum(_moved(w, "rebuilds") for w in workers)
    growth = max((w.rss_after - w.rss_before) / w.rss_before for w in workers if w.rss_before)
    idle_p99, busy_p99 = _pct(idle, 0.99), _pct(busy, 0.99)
    lines = [
        f"### bench.live — {args.actors:,} actors, {args.writes} writes at {args.rate}/s, "
        f"{args.readers} readers",
        "",
        f"- write → visible in the writing worker (mutation round trip): p50 "
        f"{_pct(own, 0.5) * ms:.0f} ms, p95 {_pct(own, 0.95) * ms:.0f} ms, p99 "
        f"{_pct(own, 0.99) * ms:.0f} ms ({len(own)} writes, {len(problems)} refused: "
        f"{sorted(set(problems))[:3]})",
        f"- the same, the writing worker's own time (Server-Timing: request in → answer out, "
        f"commit and projection included): {_spread(own_server['app'])}; of which the store's "
        f"calls {_spread(own_server['store'])}, following the log "
        f"{_spread(own_server['follow'])}",
        f"- write → visible in the other worker (after the answer): p50 "
        f"{_pct(other, 0.5) * ms:.0f} ms, p95 {_pct(other, 0.95) * ms:.0f} ms, p99 "
        f"{_pct(other, 0.99) * ms:.0f} ms",
        f"- readers idle: p50 {_pct(idle, 0.5) * ms:.0f} ms, p99 {idle_p99 * ms:.0f} ms "
        f"({len(idle)} requests); under writes: p50 {_pct(busy, 0.5) * ms:.0f} ms, p99 "
        f"{busy_p99 * ms:.0f} ms ({len(busy)} requests): p99 ratio {busy_p99 / idle_p99:.2f}×",
        f"- full rebuilds during the run: {rebuilds} (deltas: "
        + ", ".join(f"{w.name} {_moved(w, 'deltas')}" for w in workers)
        + ")",
        "- memory (RSS): "
        + ", ".join(f"{w.name} {w.rss_before:.0f} → {w.rss_after:.0f} MB" for w in workers)
        + f" (largest growth {growth:+.1%})",
        f"- one full rebuild of the projection from the store, for comparison: {rebuild:.1f} s",
        "- following the log, per delta (the API's own timing, /ready): "
        + ", ".join(
            f"{w.name} p50 {w.ready_after.get('projection', {}).get('followMsP50', '?')} ms, "
            f"p95 {w.ready_after.get('projection', {}).get('followMsP95', '?')} ms"
            for w in workers
        ),
        f"- mean write round trip {statistics.fmean(own) * ms:.0f} ms" if own else "- no write",
    ]
    checks = {
        "writing worker p95 ≤ 50 ms": _pct(own, 0.95) <= 0.050,
        "other worker p95 ≤ 250 ms": _pct(other, 0.95) <= 0.250,
        "reader p99 ≤ 1.2× idle": busy_p99 <= 1.2 * idle_p99,
        "zero full rebuilds": rebuilds == 0,
        "memory growth ≤ 5 %": growth <= 0.05,
    }
    lines.append(
        "- targets: " + "; ".join(f"{k}: {'met' if ok else 'NOT met'}" for k, ok in checks.items())
    )
    text = "\n".join(lines)
    print()
    print(text)
    if args.write:
        results = Path(__file__).resolve().with_name("RESULTS.md")
        with results.open("a", encoding="utf-8") as stream:
            stream.write("\n" + text + "\n")
    return 0 if all(checks.values()) else 1


def warm_start(args: argparse.Namespace) -> int:
    """A restart after ``--writes`` writes: load the projection's snapshot and replay the
    log's tail, against loading the snapshot alone and a full rebuild (in memory: the store's
    own pulls are not what is measured here)."""
    from api.listing import listing_index
    from api.search import search_index
    from bench.api_bench import load_generated
    from graph_model.model import Actor, ActorKind, Link, LinkKind
    from graph_model.port import WriteContext
    from queries.deltas import follow
    from queries.projection import build_projection, load_snapshot, save_snapshot
    from queries.store.memory import MemoryGraph

    graph = MemoryGraph()
    started = time.monotonic()
    load_generated(graph, args.actors, args.links_per_actor, args.seed)
    print(f"generated {args.actors:,} actors in {time.monotonic() - started:.0f} s", flush=True)
    projection = build_projection(graph)
    path = args.data_dir / "warm-start.snapshot"
    path.parent.mkdir(parents=True, exist_ok=True)
    save_snapshot(projection, path)
    nodes = projection.graph.nodes(data="kind")
    ids = [actor for actor, kind in nodes if kind == ActorKind.ORGANISATION.value]
    rng = random.Random(args.seed)
    context = WriteContext(run="bench-live", by="bench")
    for n in range(args.writes):
        a, b = rng.sample(ids, 2)
        if n % 2:
            link = Link(source_id=a, target_id=b, kind=LinkKind.COOPERATES_WITH, subkind=f"w{n}")
            graph.write_links([link], context)
        else:
            graph.write_actors([Actor(id=a, kind=ActorKind.ORGANISATION, name=f"Nom {n}")], context)
    timings: dict[str, float] = {}
    clock = time.monotonic()
    saved = load_snapshot(path)
    timings["load the snapshot"] = time.monotonic() - clock
    assert saved is not None
    clock = time.monotonic()
    followed = follow(saved, graph).projection
    timings[f"replay the log's tail ({args.writes} writes)"] = time.monotonic() - clock
    clock = time.monotonic()
    listing_index(followed), search_index(followed)
    timings["build the search and list indexes"] = time.monotonic() - clock
    clock = time.monotonic()
    rebuilt = build_projection(graph)
    timings["a full rebuild from the store, for comparison"] = time.monotonic() - clock
    assert rebuilt.graph.number_of_edges() == followed.graph.number_of_edges()
    path.unlink()
    title = f"bench.live --warm-start — {args.actors:,} actors, {args.writes} writes after"
    print(f"\n### {title} the snapshot\n")
    for what, seconds in timings.items():
        print(f"- {what}: {seconds:.2f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.live", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--links-per-actor", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--writes", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=20.0, help="writes per second")
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--write", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument(
        "--warm-start",
        action="store_true",
        help="measure a restart instead: snapshot, then the log's tail replayed",
    )
    args = parser.parse_args(argv)
    args.data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"maillage-soak-{args.actors}"
    return warm_start(args) if args.warm_start else live(args)


if __name__ == "__main__":
    raise SystemExit(main())
