"""The soak's figures (:mod:`bench.soak`): memory, the acknowledged writes read back, the report."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.api_bench import Connection
from bench.soak_clients import ANSWER_LIMIT, Soak, Tally, request

#: the issue's targets: memory at the end within this fraction of the start, reader p99 under
#: load at most this many times the idle one
MEMORY_DRIFT = 0.10
P99_RATIO = 2.0
BATCH = 25


@dataclass
class Memory:
    """Resident memory in MB of the API process and of the graph server (JVM)."""

    api: float
    server: float


def rss_mb(pid: int) -> float:
    """The resident set size of ``pid`` in MB (NaN when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


async def _query(port: int, query: str) -> dict[str, object]:
    import asyncio

    connection = await asyncio.wait_for(Connection.open(port), ANSWER_LIMIT)
    try:
        _, body = await asyncio.wait_for(
            connection.request(request("/graphql", {"query": query})), ANSWER_LIMIT
        )
    finally:
        connection.close()
    decoded = json.loads(body)
    data = decoded.get("data") if isinstance(decoded, dict) else None
    return data if isinstance(data, dict) else {}


async def lost_writes(soak: Soak) -> dict[str, int]:
    """Every acknowledged actor and link read back: how many are found, and links stored twice."""
    actor_ids = sorted(soak.acked_actors)
    found_actors = 0
    for start in range(0, len(actor_ids), BATCH):
        part = actor_ids[start : start + BATCH]
        query = " ".join(f"a{i}: actor(id: {json.dumps(a)}) {{ id }}" for i, a in enumerate(part))
        data = await _query(soak.port, f"{{ {query} }}")
        found_actors += sum(1 for value in data.values() if value)
    pairs = sorted(soak.acked_links)
    found_links = doubled = 0
    for start in range(0, len(pairs), BATCH):
        ends = pairs[start : start + BATCH]
        query = " ".join(
            f"l{i}: actor(id: {json.dumps(a)}) {{ links(first: 100) {{ edges {{ node {{ kind "
            "to { id } } } } }"
            for i, (a, _) in enumerate(ends)
        )
        data = await _query(soak.port, f"{{ {query} }}")
        for i, (_, b) in enumerate(ends):
            actor = data.get(f"l{i}")
            edges = actor.get("links", {}).get("edges", []) if isinstance(actor, dict) else []
            same = [
                e
                for e in edges
                if e["node"]["kind"] == "COOPERATES_WITH" and e["node"]["to"]["id"] == b
            ]
            found_links += bool(same)
            doubled += len(same) > 1
    return {
        "actors acknowledged": len(actor_ids),
        "actors found": found_actors,
        "links acknowledged": len(pairs),
        "links found": found_links,
        "links stored twice": doubled,
    }


def _rows(tallies: dict[str, Tally]) -> list[str]:
    lines = [
        "| client | requests | p50 ms | p99 ms | answers | unexpected |",
        "|---|---:|---:|---:|---|---|",
    ]
    for tally in tallies.values():
        answers = ", ".join(f"{k} {v}" for k, v in tally.answers.most_common())
        unexpected = ", ".join(f"{k} {v}" for k, v in tally.unexpected.most_common()) or "0"
        lines.append(
            f"| {tally.kind} | {tally.requests} | {tally.percentile(0.5):.1f} | "
            f"{tally.percentile(0.99):.1f} | {answers} | {unexpected} |"
        )
    return lines


def _drift(before: float, after: float) -> float:
    return (after - before) / before if before and not math.isnan(before) else math.nan


def report(
    soak: Soak,
    args: argparse.Namespace,
    *,
    start: Memory,
    end: Memory,
    lost: dict[str, int],
    tracebacks: int,
) -> tuple[str, bool]:
    """The figures as a Markdown section, and whether the issue's targets hold."""
    idle = soak.tallies.get("idle reader")
    loaded = soak.tallies.get("reader")
    idle_p99 = idle.percentile(0.99) if idle else math.nan
    load_p99 = loaded.percentile(0.99) if loaded else math.nan
    unexpected = sum(sum(t.unexpected.values()) for t in soak.tallies.values())
    missing = (lost["actors acknowledged"] - lost["actors found"]) + (
        lost["links acknowledged"] - lost["links found"]
    )
    api_drift = _drift(start.api, end.api)
    recovery = (
        f"{soak.recovered_at - soak.killed_at:.1f} s"
        if soak.killed_at is not None and soak.recovered_at is not None
        else "not measured"
    )
    targets = {
        "0 unexpected errors": unexpected == 0,
        "0 acknowledged writes lost": missing == 0 and lost["links stored twice"] == 0,
        "API memory at the end within 10 % of the start": abs(api_drift) <= MEMORY_DRIFT,
        "reader p99 under load ≤ 2× idle": load_p99 <= P99_RATIO * idle_p99,
    }
    lines = [
        f"## Soak (issue 15) ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, `python -m bench.soak "
        f"--minutes {args.minutes:g} --actors {args.actors} --readers {args.readers} "
        f"--writers {args.writers} --idle-seconds {args.idle_seconds:g}`)",
        "",
        f"{args.actors:,} actors (shared generator, seed {args.seed}), embedded ArcadeDB, "
        f"`maillage serve` (one worker) on 127.0.0.1; {args.readers} readers, {args.writers} "
        f"writers (bursts of identical mutations), one hostile client, one `kill -9` of the "
        f"graph server half-way; {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs.",
        "",
        *_rows(soak.tallies),
        "",
        f"- reader p99: idle {idle_p99:.1f} ms, under load {load_p99:.1f} ms "
        f"({load_p99 / idle_p99:.2f}×); readers answered again {recovery} after the kill",
        f"- memory (RSS): API {start.api:.0f} → {end.api:.0f} MB ({api_drift:+.1%}); graph "
        f"server {start.server:.0f} → {end.server:.0f} MB (a new process after the kill)",
        "- writes: " + ", ".join(f"{k} {v}" for k, v in lost.items()),
        f"- tracebacks in the API's log: {tracebacks}",
        "- targets: " + "; ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in targets.items()),
    ]
    return "\n".join(lines) + "\n", all(targets.values())
