"""Import benchmark: the full pipeline against a bare batched ``UNWIND … MERGE`` of the same rows.

``python -m bench.import_bench --actors N [--links-per-actor 5] [--seed 0] [--keep DIR]``

1. The shared generator (:mod:`bench.generator`) writes N actors as a member spreadsheet (CSV,
   ``;``, UTF-8 BOM, French dates), their ~5·N links as a links CSV and the actors with a SIREN
   as a SIRENE *unités légales* extract — generation is not timed.
2. **Pipeline**: a fresh embedded server (schema and territories loaded first, not timed) imports
   the spreadsheet, then the SIRENE file, then the links, through :class:`importers.Pipeline`
   (read, normalise, resolve territory, resolve identity, load, reject report).
3. **Bare load**: another fresh server (same set-up) receives the same rows with no pipeline:
   actor rows built straight from the generator's records (properties, aliases, seat, themes,
   memberships), the SIRENE rows as a second pass on the same actors, and the links — with the
   same index-backed statements the pipeline's batches use (``actors_upsert``,
   ``aliases_upsert``, ``actor_places_upsert``, ``actor_themes_link``, ``links_upsert``), batched
   ``UNWIND $rows … MERGE`` straight through the driver (the store under the port), nothing else.

Printed per phase: rows, wall time, rows/s, the CPU time of this Python process and of the graph
server (the machine may be shared: CPU time is the steadier figure), and the peak resident
memory of this process (sampled every 50 ms). Then the totals and the ratio pipeline/bare.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.generator import (
    THEMES,
    Generated,
    generate,
    write_links_csv,
    write_sirene_csv,
    write_spreadsheet_csv,
)
from graph_model.identifiers import fold
from graph_model.model import ActorKind, LinkKind
from graph_model.port import WriteContext
from graph_model.territories import load_reference
from importers import ImportOptions, LinksReader, Pipeline, SireneReader, SpreadsheetReader
from importers.formats.sirene import legal_form_label
from queries.store import BoltGraph, Store, StoreSettings, open_graph
from queries.store.adapter import now
from queries.store.catalog import cypher
from queries.store.embedded import EmbeddedServer

_TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb() -> float:
    """Resident memory of this process, in MiB (Linux ``/proc``)."""
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux ``/proc``), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass
class Phase:
    """One measured phase: wall time, CPU of this process and of the server, peak memory."""

    name: str
    server_pid: int
    rows: int = 0
    seconds: float = 0.0
    python_cpu: float = 0.0
    server_cpu: float = 0.0
    start_mb: float = 0.0
    peak_mb: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, rss_mb())
            self._stop.wait(0.05)

    def __enter__(self) -> Phase:
        gc.collect()
        self.start_mb = self.peak_mb = rss_mb()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        self._t0, self._c0 = time.perf_counter(), time.process_time()
        self._s0 = cpu_seconds(self.server_pid)
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t0
        self.python_cpu = time.process_time() - self._c0
        self.server_cpu = cpu_seconds(self.server_pid) - self._s0
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, rss_mb())

    def line(self, label: str) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (
            f"  {label:<8} {self.name:<12} {self.rows:>9} rows {self.seconds:8.1f} s "
            f"{rate:>9,.0f} rows/s  cpu py {self.python_cpu:6.1f} s  server "
            f"{self.server_cpu:6.1f} s  peak {self.peak_mb:5.0f} MiB "
            f"(+{self.peak_mb - self.start_mb:.0f})"
        )


def fresh_graph(directory: Path) -> tuple[BoltGraph, int]:
    graph = open_graph(StoreSettings(data_dir=directory))
    graph.setup_schema()
    graph.ensure_territories(load_reference(), WriteContext())
    state = EmbeddedServer(directory).running_state()
    return graph, state.pid if state else 0


def stop(graph: BoltGraph, directory: Path) -> None:
    graph.close()
    EmbeddedServer(directory).stop()


def run_pipeline(graph: BoltGraph, pid: int, files: dict[str, Path], work: Path) -> list[Phase]:
    phases = []
    readers = (
        ("spreadsheet", SpreadsheetReader(files["spreadsheet"], system="bench-membres")),
        ("sirene", SireneReader(files["sirene"])),
        ("links", LinksReader(files["links"], system="bench-liens")),
    )
    for name, reader in readers:
        with Phase(name, pid) as phase:
            options = ImportOptions(rejects=work / f"{name}-rejects.csv")
            summary = Pipeline(graph, reader, options).run()
        phase.rows = summary.rows
        phase.notes = {k.value: v for k, v in summary.outcomes.items()}
        if summary.links:
            phase.notes["links from rows"] = {k.value: v for k, v in summary.links.items()}
        print(phase.line("pipeline"), phase.notes, flush=True)
        phases.append(phase)
    return phases


# -- the bare load ------------------------------------------------------------------------------
def _actor_rows(actor: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    props = {
        "name": actor["name"],
        "name_key": fold(actor["name"]),
        "legal_form": actor.get("legal_form"),
        "level": actor.get("level"),
        "siren": actor.get("siren"),
        "rna": actor.get("rna"),
        "commune": actor["commune"],
        "departement": actor["departement"],
        "region": actor["region"],
        "epci": actor.get("epci"),
        "latitude": actor["latitude"],
        "longitude": actor["longitude"],
        "location_precision": "commune",
        "themes": [f"maillage:{t}" for t in actor["themes"]],
        "sources": [json.dumps({"system": "bench-membres", "key": actor["id"], "url": None})],
    }
    keys = [f"id:{actor['id']}", f"bench-membres:{actor['id']}"]
    keys += [f"siren:{actor['siren']}"] if actor.get("siren") else []
    keys += [f"rna:{actor['rna']}"] if actor.get("rna") else []
    return {k: v for k, v in props.items() if v is not None}, keys


def _flush_actors(store: Store, batch: dict[str, list[Any]], stamp: dict[str, Any]) -> None:
    statements: list[Any] = []
    for kind in ActorKind:
        rows = batch.pop(kind.value, None)
        if rows:
            statements.append((cypher("actors_upsert", kind=kind), {"rows": rows, **stamp}))
    for name, key in (("aliases", "aliases_upsert"), ("works", "actor_themes_link")):
        rows = batch.pop(name, None)
        if rows:
            statements.append((cypher(key), {"rows": rows}))
    rows = batch.pop("located", None)
    if rows:
        link = LinkKind.LOCATED_IN
        statements.append((cypher("actor_places_upsert", link=link), {"rows": rows}))
    if statements:
        store.write(statements)


def bare_actors(store: Store, movement: Generated, stamp: dict[str, Any]) -> int:
    themes = [
        {"id": f"maillage:{k}", "props": {"label_fr": v, "scheme": "maillage"}}
        for k, v in THEMES.items()
    ]
    store.write([(cypher("themes_upsert"), {"rows": themes})])
    batch: dict[str, list[Any]] = defaultdict(list)
    memberships: list[dict[str, Any]] = []
    count = 0
    for actor in movement.actors():
        props, keys = _actor_rows(actor)
        batch[actor["kind"]].append({"id": actor["id"], "props": props})
        batch["aliases"].extend({"key": k, "actor": actor["id"]} for k in keys)
        territory = f"commune:{actor['commune']}"
        batch["located"].append({"actor": actor["id"], "territory": territory, "props": {}})
        batch["works"].extend({"actor": actor["id"], "theme": t} for t in props["themes"])
        for network, _, since in actor["networks"]:
            digest = hashlib.sha256(f"{actor['id']}|{network}|{since}".encode()).hexdigest()
            memberships.append(
                {
                    "source": actor["id"],
                    "target": network,
                    "id": f"lnk-{digest[:16]}",
                    "props": {"since": since, "sources": ['{"system":"bench-membres"}']},
                }
            )
        count += 1
        if count % 2_000 == 0:
            _flush_actors(store, batch, stamp)
    _flush_actors(store, batch, stamp)
    member_of = cypher("links_upsert", link=LinkKind.MEMBER_OF)
    for start in range(0, len(memberships), 5_000):  # a member may come before its network
        store.write([(member_of, {"rows": memberships[start : start + 5_000], **stamp})])
    return count


def bare_sirene(store: Store, movement: Generated, stamp: dict[str, Any]) -> int:
    count = 0
    rows: dict[str, list[Any]] = defaultdict(list)

    def flush() -> None:
        store.write(
            [
                (cypher("actors_upsert", kind=ActorKind(kind)), {"rows": r, **stamp})
                for kind, r in rows.items()
            ]
        )
        rows.clear()

    for actor in movement.actors():
        if not actor.get("siren"):
            continue
        props = {
            "legal_form": legal_form_label("9220"),
            "description": f"Activité principale (NAF) : {actor.get('naf')}",
        }
        rows[actor["kind"]].append({"id": actor["id"], "props": props})
        count += 1
        if count % 5_000 == 0:
            flush()
    if rows:
        flush()
    return count


def bare_links(store: Store, movement: Generated, stamp: dict[str, Any]) -> int:
    count = 0
    pending: dict[str, list[Any]] = defaultdict(list)

    def flush() -> None:
        store.write(
            [
                (cypher("links_upsert", link=LinkKind(kind)), {"rows": r, **stamp})
                for kind, r in pending.items()
            ]
        )
        pending.clear()

    for link in movement.links():
        props = {
            "subkind": link["subkind"],
            "since": link["since"],
            "until": link["until"],
            "sources": list(link["sources"]),
        }
        pending[link["kind"]].append(
            {"source": link["source"], "target": link["target"], "id": link["id"], "props": props}
        )
        count += 1
        if count % 5_000 == 0:
            flush()
    if pending:
        flush()
    return count


def run_bare(store: Store, pid: int, movement: Generated) -> list[Phase]:
    """The same rows, written with nothing but batched UNWIND … MERGE statements (the
    catalogue's, sent straight to the store under the port: what the bare load measures)."""
    stamp = {"now": now(), "run": "bare"}
    phases = []
    for name, load in (("actors", bare_actors), ("sirene", bare_sirene), ("links", bare_links)):
        with Phase(name, pid) as phase:
            phase.rows = load(store, movement, stamp)
        print(phase.line("bare"), flush=True)
        phases.append(phase)
    return phases


def _total(phases: list[Phase]) -> tuple[int, float, float, float]:
    return (
        sum(p.rows for p in phases),
        sum(p.seconds for p in phases),
        sum(p.python_cpu for p in phases),
        sum(p.server_cpu for p in phases),
    )


def _report(pipeline: list[Phase], bare: list[Phase], figures: dict[str, int]) -> None:
    rows, wall, py, server = _total(pipeline)
    b_rows, b_wall, b_py, b_server = _total(bare)
    print()
    print(
        f"pipeline: {rows} rows in {wall:.1f} s = {rows / wall:,.0f} rows/s "
        f"(cpu: python {py:.1f} s, server {server:.1f} s)"
    )
    print(
        f"bare:     {b_rows} rows in {b_wall:.1f} s = {b_rows / b_wall:,.0f} rows/s "
        f"(cpu: python {b_py:.1f} s, server {b_server:.1f} s)"
    )
    cpu_ratio = (py + server) / (b_py + b_server)
    print(f"ratio pipeline/bare: wall {wall / b_wall:.2f}, cpu {cpu_ratio:.2f}")
    peak, b_peak = max(p.peak_mb for p in pipeline), max(p.peak_mb for p in bare)
    print(f"peak RSS of this process: pipeline {peak:.0f} MiB, bare {b_peak:.0f} MiB")
    actors = figures.get("nodes.Actor", 0)
    links = sum(v for k, v in figures.items() if k.startswith("links."))
    print(f"graph after the pipeline: {actors} actors, {links} links (all types)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--actors", type=int, required=True)
    parser.add_argument("--links-per-actor", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep the generated files and reports here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("neo4j").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory(prefix="maillage-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        movement = generate(args.actors, args.links_per_actor, args.seed)
        files = {
            "spreadsheet": work / "membres.csv",
            "sirene": work / "sirene.csv",
            "links": work / "liens.csv",
        }
        started = time.perf_counter()
        write_spreadsheet_csv(movement.actors(), files["spreadsheet"])
        write_sirene_csv(movement.actors(), files["sirene"])
        n_links = write_links_csv(movement.links(), files["links"])
        print(
            f"generated {args.actors} actors, {n_links} links "
            f"({time.perf_counter() - started:.1f} s, places: {movement.places_origin})",
            flush=True,
        )
        pipeline_dir, bare_dir = Path(tmp) / "pipeline-db", Path(tmp) / "bare-db"
        graph, pid = fresh_graph(pipeline_dir)
        try:
            pipeline = run_pipeline(graph, pid, files, work)
            figures = graph.counts()
        finally:
            stop(graph, pipeline_dir)
        graph, pid = fresh_graph(bare_dir)
        try:
            bare = run_bare(graph.store, pid, movement)
        finally:
            stop(graph, bare_dir)
    _report(pipeline, bare, figures)


if __name__ == "__main__":
    main()
