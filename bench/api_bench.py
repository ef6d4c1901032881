"""Benchmark of the API: GraphQL against a plain FastAPI JSON route of the same app.

``python -m bench.api_bench`` (``--help`` for the options) loads the shared synthetic movement
(:mod:`bench.generator`, 100,000 actors / 500,000 links by default) into an embedded server of
its own data directory, starts ``maillage serve``'s app with uvicorn on 127.0.0.1 in a child
process, and drives it from another process with 16 concurrent clients for a bounded time per
scenario:

* ``actor(id){links}``: GraphQL ``actor(id) { … links(first: 100) { … } }`` vs
  ``GET /bench/actor/{id}/links`` (the same resolvers' data, serialised by FastAPI);
* ``cooperationPaths``: GraphQL ``cooperationPaths(from, to, k: 3)`` vs ``GET /bench/paths``.

It prints throughput and p50/p99 latencies and appends them to ``bench/RESULTS.md`` with
``--write``. The plain routes and the stock router are the benchmark's own
(:mod:`bench.api_routes`, mounted on the product's app by the server it starts).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.generator import generate
from graph_model.errors import MaillageError
from graph_model.model import Actor, Link, LinkKind, SourceRef
from graph_model.port import GraphStore, WriteContext
from graph_model.stored import territory_lookup
from graph_model.territories import load_reference
from queries.store import StoreSettings, open_graph
from queries.store.embedded import EmbeddedServer

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("RESULTS.md")


# -- loading the generated movement ---------------------------------------------------------
def _actor(record: dict[str, Any], seed: int) -> Actor:
    return Actor(
        id=record["id"],
        kind=record["kind"],
        name=record["name"],
        legal_form=record.get("legal_form"),
        level=record.get("level"),
        siren=record.get("siren"),
        rna=record.get("rna"),
        commune=record.get("commune"),
        latitude=record.get("latitude"),
        longitude=record.get("longitude"),
        location_precision=record.get("location_precision"),
        themes=list(record.get("themes") or ()),
        methods=list(record.get("methods") or ()),
        sources=[SourceRef(system="bench", key=f"{seed}:{record['id']}")],
    )


def _link(record: dict[str, Any]) -> Link:
    return Link(
        kind=LinkKind(record["kind"]),
        source_id=record["source"],
        target_id=record["target"],
        subkind=record.get("subkind"),
        since=record.get("since"),
        until=record.get("until"),
        sources=[SourceRef(system="bench", key=record["id"])],
    )


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load_generated(
    graph: GraphStore,
    n_actors: int,
    links_per_actor: float = 5.0,
    seed: int = 0,
    *,
    progress: bool = False,
) -> tuple[int, int]:
    """Write the generated movement into the graph (idempotent); returns (actors, links).

    Through the store's port, the one write path of actors and of links: actors first (every
    link end must exist), in batches of 5,000 (created or updated by id, with their aliases and
    seats), then the links in batches of 50,000.
    """
    context = WriteContext(run="bench", by="bench")
    lookup = territory_lookup(load_reference())
    movement = generate(n_actors, links_per_actor, seed)
    actors = 0
    started = time.monotonic()
    for chunk in _chunks(movement.actors(), 5_000):
        graph.write_actors(
            [_actor(r, seed) for r in chunk], context, territories=lookup, batch_size=5_000
        )
        actors += len(chunk)
        if progress:
            print(f"  actors {actors:,} ({time.monotonic() - started:.0f} s)", flush=True)
    links = 0
    for chunk in _chunks(movement.links(), 50_000):
        graph.write_links([_link(r) for r in chunk], context, batch_size=50_000)
        links += len(chunk)
        if progress:
            print(f"  links {links:,} ({time.monotonic() - started:.0f} s)", flush=True)
    return actors, links


# -- a minimal HTTP/1.1 keep-alive client ---------------------------------------------------------
# Each of the 16 clients holds one connection and sends its next request when the answer came
# back (closed loop). Hand-written on asyncio streams: an HTTP library's own overhead would cap
# the load on a 2-core machine before the server does.
class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        #: the head of the last answer (status line and headers)
        self.head = b""

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        self.head = head
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


def server_ms(head: bytes, name: str = "app") -> float | None:
    """One figure of an answer's ``Server-Timing`` (``app;dur=…, store;dur=…``), in ms: the
    server's own time by default, else the phase ``name`` (``None`` when not given)."""
    for line in head.split(b"\r\n"):
        header, _, value = line.partition(b":")
        if header.strip().lower() != b"server-timing":
            continue
        for entry in value.split(b","):
            metric, _, rest = entry.strip().partition(b";")
            if metric.decode(errors="replace") == name and b"dur=" in rest:
                try:
                    return float(rest.split(b"dur=", 1)[1].split(b";")[0])
                except ValueError:
                    return None
    return None


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def post_json(path: str, payload: dict[str, Any]) -> bytes:
    body = json.dumps(payload).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


ACTOR_LINKS = """query ActorLinks($id: ID!) {
  actor(id: $id) {
    id name kind
    links(first: 100) {
      totalCount
      edges { node { id kind since until from { id } to { id } } }
    }
  }
}"""

PATHS = """query Paths($from: ID!, $to: ID!) {
  cooperationPaths(from: $from, to: $to, k: 3) {
    found
    paths { length actors { id name } hops { links { id kind } } }
  }
}"""


@dataclass
class Scenario:
    name: str
    requests: list[bytes]


@dataclass
class Outcome:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _drive(
    port: int, scenario: Scenario, clients: int, duration: float, warmup: float
) -> Outcome:
    latencies: list[float] = []
    errors = 0
    done = 0
    stop_at = time.perf_counter() + warmup + duration
    measure_from = time.perf_counter() + warmup

    async def client(index: int) -> None:
        nonlocal errors, done
        connection = await Connection.open(port)
        rng = random.Random(index)
        try:
            while True:
                raw = scenario.requests[rng.randrange(len(scenario.requests))]
                started = time.perf_counter()
                if started >= stop_at:
                    return
                status, body = await connection.request(raw)
                finished = time.perf_counter()
                if started >= measure_from:
                    done += 1
                    latencies.append(finished - started)
                    if status != 200 or b'"errors"' in body:
                        errors += 1
        finally:
            connection.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    return Outcome(scenario.name, done, errors, duration, latencies)


def _drive_in_process(args: tuple[int, Scenario, int, float, float]) -> Outcome:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - asyncio's loop is enough, a little slower
        pass
    return asyncio.run(_drive(*args))


# -- the run ------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, timeout: float, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout

    async def ask() -> int:
        connection = await Connection.open(port)
        try:
            status, _ = await connection.request(get("/ready"))
            return status
        finally:
            connection.close()

    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the API server exited with code {server.returncode}")
        try:
            if asyncio.run(ask()) == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the API was not ready within {timeout:.0f} s")


def _scenarios(movement_args: tuple[int, float, int], samples: int) -> list[Scenario]:
    n_actors, links_per_actor, seed = movement_args
    movement = generate(n_actors, links_per_actor, seed)
    rng = random.Random(seed + 1)
    indices = rng.sample(range(n_actors), min(samples, n_actors))
    ids = [movement._core(i).id for i in indices]
    by_region: dict[str, list[str]] = defaultdict(list)
    for index, actor_id in zip(indices, ids, strict=True):
        by_region[movement.place_of(index).region].append(actor_id)
    pairs = []
    for members in by_region.values():
        for _ in range(max(1, len(members) // 2)):
            if len(members) >= 2:
                a, b = rng.sample(members, 2)
                pairs.append((a, b))
    return [
        Scenario(
            "actor(id){links} GraphQL",
            [post_json("/graphql", {"query": ACTOR_LINKS, "variables": {"id": i}}) for i in ids],
        ),
        Scenario("actor(id){links} plain JSON", [get(f"/bench/actor/{i}/links") for i in ids]),
        Scenario(
            "actor(id){links} GraphQL, stock router",
            [
                post_json("/bench/stock-graphql", {"query": ACTOR_LINKS, "variables": {"id": i}})
                for i in ids
            ],
        ),
        Scenario(
            "cooperationPaths GraphQL",
            [
                post_json("/graphql", {"query": PATHS, "variables": {"from": a, "to": b}})
                for a, b in pairs
            ],
        ),
        Scenario(
            "cooperationPaths plain JSON",
            [get(f"/bench/paths?from={a}&to={b}&k=3") for a, b in pairs],
        ),
        Scenario(
            "cooperationPaths GraphQL, stock router",
            [
                post_json(
                    "/bench/stock-graphql", {"query": PATHS, "variables": {"from": a, "to": b}}
                )
                for a, b in pairs
            ],
        ),
    ]


def _prepare_store(args: argparse.Namespace) -> StoreSettings:
    from api.bootstrap import bootstrap

    settings = StoreSettings(data_dir=args.data_dir)
    graph = open_graph(settings)
    try:
        marker = f"{args.actors}:{args.links_per_actor}:{args.seed}"
        if graph.meta_get("bench-dataset") == marker:
            print(f"dataset already loaded in {args.data_dir} ({marker})", flush=True)
            return settings
        started = time.monotonic()
        print(f"loading {args.actors:,} actors into {args.data_dir} …", flush=True)
        bootstrap(graph)
        actors, links = load_generated(
            graph, args.actors, args.links_per_actor, args.seed, progress=True
        )
        graph.meta_set("bench-dataset", marker, WriteContext(run="bench"))
        print(f"loaded {actors:,} actors, {links:,} links in {time.monotonic() - started:.0f} s")
    finally:
        graph.close()
    return settings


def _report(outcomes: list[Outcome], args: argparse.Namespace, notes: str) -> str:
    by_name = {o.name: o for o in outcomes}
    lines = [
        f"## API: GraphQL vs plain JSON ({datetime.now(UTC):%Y-%m-%d}, "
        f"`python -m bench.api_bench --actors {args.actors} --clients {args.clients} "
        f"--duration {args.duration:g} --rounds {args.rounds}`)",
        "",
        f"{args.actors:,} actors / ~{int(args.actors * args.links_per_actor):,} links (shared "
        f"generator, seed {args.seed}), embedded ArcadeDB, one uvicorn worker on 127.0.0.1, "
        f"{args.clients} concurrent keep-alive clients (closed loop) in another process, "
        f"{args.duration:g} s per scenario in {args.rounds} interleaved rounds, after "
        f"{args.warmup:g} s of warm-up; "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs.",
        "",
        "| scenario | req/s | p50 ms | p99 ms | errors | GraphQL / plain |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for outcome in outcomes:
        ratio = ""
        if "GraphQL" in outcome.name:
            base = outcome.name.split(" GraphQL")[0]
            plain = by_name.get(f"{base} plain JSON")
            if plain and outcome.throughput:
                ratio = f"{plain.throughput / outcome.throughput:.2f}× slower"
        lines.append(
            f"| {outcome.name} | {outcome.throughput:,.0f} | {outcome.percentile(0.5):.1f} | "
            f"{outcome.percentile(0.99):.1f} | {outcome.errors} | {ratio} |"
        )
    if notes:
        lines += ["", notes]
    return "\n".join(lines) + "\n"


def _run(port: int, scenarios: list[Scenario], args: argparse.Namespace) -> list[Outcome]:
    """Drive every scenario; they take turns (rounds of duration / rounds seconds each), so a
    change in the machine's load during the run weighs on all of them alike."""
    totals: dict[str, Outcome] = {s.name: Outcome(s.name, 0, 0, 0.0, []) for s in scenarios}
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        for round_ in range(args.rounds):
            for scenario in scenarios:
                warmup = args.warmup if round_ == 0 else 0.5
                part = pool.apply(
                    _drive_in_process,
                    ((port, scenario, args.clients, args.duration / args.rounds, warmup),),
                )
                total = totals[scenario.name]
                total.requests += part.requests
                total.errors += part.errors
                total.seconds += part.seconds
                total.latencies.extend(part.latencies)
            print(f"round {round_ + 1}/{args.rounds} done", flush=True)
    outcomes = list(totals.values())
    for outcome in outcomes:
        print(
            f"{outcome.name:40} {outcome.throughput:8,.0f} req/s  p50 "
            f"{outcome.percentile(0.5):6.1f} ms  p99 {outcome.percentile(0.99):6.1f} ms  "
            f"errors {outcome.errors}",
            flush=True,
        )
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.api_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--links-per-actor", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--rounds", type=int, default=4, help="the scenarios take turns, this many times"
    )
    parser.add_argument("--samples", type=int, default=2_000, help="distinct actors asked for")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="embedded data directory (default: /tmp/maillage-bench-<actors>)",
    )
    parser.add_argument("--only", default=None, help="run the scenarios whose name contains this")
    parser.add_argument(
        "--write", action="store_true", help="append the figures to bench/RESULTS.md"
    )
    parser.add_argument("--notes", default="", help="a paragraph to add under the table")
    args = parser.parse_args(argv)
    args.data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"maillage-bench-{args.actors}"
    try:
        _prepare_store(args)
    except MaillageError as exc:
        print(f"cannot prepare the store: {exc}", file=sys.stderr)
        return 1
    port = _free_port()
    env = {
        **os.environ,
        "MAILLAGE_DATA_DIR": str(args.data_dir),
        "MAILLAGE_BACKEND": "embedded",
        "MAILLAGE_BOOTSTRAP": "false",
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable, "-m", "uvicorn", "bench.api_routes:create_bench_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        print(f"API server pid {server.pid} on port {port}; waiting for /ready …", flush=True)
        _wait_ready(port, 900, server)
        scenarios = _scenarios((args.actors, args.links_per_actor, args.seed), args.samples)
        if args.only:
            scenarios = [s for s in scenarios if args.only.lower() in s.name.lower()]
        outcomes = _run(port, scenarios, args)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        # the graph server outlives the API (it is shared by workers): stop it too, so that no
        # idle JVM weighs on what is measured next; the loaded data stays for the next run
        EmbeddedServer(args.data_dir).stop()
    report = _report(outcomes, args, args.notes)
    print()
    print(report)
    if args.write:
        with RESULTS.open("a", encoding="utf-8") as stream:
            stream.write("\n" + report)
        print(f"appended to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
