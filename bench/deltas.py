"""What a write costs the derived indexes of the live projection: one change (an actor made and
two links from it) applied with every index carried, against a rebuild of the projection and of
the same indexes, on the benchmark movement (:mod:`bench.generator`).

Indexes built before the change (what a serving process holds after some traffic): the folded
names, the search and listing indexes, the territory index and marks, the exact names, some
actor refs, the peer index, the igraph engine, figures of a few scopes and a cluster cache
holding all of France and a few départements. Then, for ``--rounds`` changes in a row (each on
the previous projection, as the log is followed):

* ``apply_delta`` with every carry (median and max), and each carry alone on the same change;
* after a change: a cluster question on an untouched département (kept), on the touched one
  and on all of France (computed: the engine caught up first), against bare igraph Leiden on
  the same tie graph, and the engine's catch-up against a build;
* the baseline, in the same run: ``Projection.from_records`` and every index built again (the
  store pull a real rebuild adds, ~9 s over Bolt at 100k, is not counted).

    python -m bench.deltas --actors 100000
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import igraph as ig

from api.listing import listing_index
from api.search import folded_names, search_index
from bench.generator import generate
from queries.analytics.actors import actor_ref, name_index
from queries.analytics.engine import _build, engine_of
from queries.analytics.figures import movement_figures
from queries.analytics.peer_index import peer_index
from queries.analytics.scope import territory_changes, territory_index
from queries.deltas import Delta, apply_delta
from queries.projection import Projection, carriers, settle
from queries.snapshots import ClusterCache


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _say(label: str, value: str) -> None:
    print(f"  {label:<62} {value}", flush=True)


def build_indexes(projection: Projection) -> None:
    """Every derived index a serving process holds, built on ``projection``."""
    folded_names(projection)
    search_index(projection)
    listing_index(projection)
    territory_index(projection)
    territory_changes(projection)
    name_index(projection)
    for actor in list(projection.graph)[:2_000]:
        actor_ref(projection, actor)
    peer_index(projection)
    engine_of(projection)


def ask(projection: Projection, scopes: list[str | None], cache: ClusterCache) -> None:
    """The answers kept per scope: figures and clusters."""
    for scope in scopes:
        movement_figures(projection, scope)
        cache.get(projection, scope)


def one_change(
    projection: Projection, rng: random.Random, n: int, template: dict[str, Any]
) -> Delta:
    """An actor made (in ``template``'s commune) and two links from it to actors of the graph."""
    actor = f"mai-bench-{n:06d}"
    row = {**template, "id": actor, "name": f"Atelier partagé {n}", "themes": ["reemploi"]}
    links: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for k, end in enumerate(rng.sample(list(projection.graph._node), 2)):
        link = f"lnk-bench-{n:06d}-{k}"
        row_of_link = {"id": link, "kind": "COOPERATES_WITH", "source": actor, "target": end}
        links[link] = (actor, end, {**row_of_link, "since": "2024-01-01", "sources": []})
    return Delta(projection.version + 1, {actor: row}, links)


@dataclass
class Run:
    projection: Projection
    cache: ClusterCache
    touched: str
    untouched: str
    template: dict[str, Any]
    engine_build: float = 0.0
    rebuild: float = 0.0


def baseline(actors: list[dict[str, Any]], links: list[dict[str, Any]]) -> Run:
    """A rebuild of the projection and its indexes, timed; the answers kept per scope asked."""
    print("baseline: a rebuild of the projection and its indexes", flush=True)
    rebuild_projection, projection = _timed(lambda: Projection.from_records(actors, links, 1))
    settle()
    by_departement: dict[str, list[dict[str, Any]]] = {}
    for row in actors:
        if row.get("departement") and row.get("commune"):
            by_departement.setdefault(str(row["departement"]), []).append(row)
    largest = sorted(by_departement, key=lambda d: -len(by_departement[d]))
    keys = ("commune", "departement", "region", "epci", "latitude", "longitude")
    template = {k: by_departement[largest[0]][0].get(k) for k in keys}
    template.update(kind="Organisation", location_precision="commune")
    run = Run(projection, ClusterCache(), largest[0], largest[1], template)
    rebuild_indexes, _ = _timed(lambda: build_indexes(projection))
    run.engine_build, _ = _timed(lambda: _build(projection))
    scopes: list[str | None] = [None, f"departement:{run.touched}", f"departement:{run.untouched}"]
    answers, _ = _timed(lambda: ask(projection, scopes, run.cache))
    _say("Projection.from_records (s)", f"{rebuild_projection:.2f}")
    _say("every derived index built (s)", f"{rebuild_indexes:.2f}")
    _say(
        "  of which the engine (igraph + numpy columns), built again (s)", f"{run.engine_build:.2f}"
    )
    run.rebuild = rebuild_projection + rebuild_indexes
    _say("rebuild: projection + indexes (s)", f"{run.rebuild:.2f}")
    _say("then figures and clusters of France and 2 départements (s)", f"{answers:.2f}")
    return run


def changes(run: Run, rounds: int, seed: int) -> None:
    """``rounds`` changes in a row through ``apply_delta``, and each carry alone."""
    print(f"one change (1 actor + 2 links) through apply_delta, {rounds} in a row", flush=True)
    rng = random.Random(seed)
    times: list[float] = []
    per_index: dict[str, list[float]] = {}
    for n in range(rounds):
        old = run.projection
        delta = one_change(old, rng, n, run.template)
        start = time.perf_counter()
        run.projection, applied = apply_delta(old, delta)
        times.append(time.perf_counter() - start)
        known = carriers()
        for name, value in old.derived_items():
            if name in known:
                start = time.perf_counter()
                known[name](value, applied)
                per_index.setdefault(name, []).append(time.perf_counter() - start)
    bare: list[float] = []
    for n in range(rounds, 2 * rounds):  # the same change on a projection without indexes
        plain = Projection(graph=run.projection.graph, version=run.projection.version)
        delta = one_change(plain, rng, n, run.template)
        start = time.perf_counter()
        apply_delta(plain, delta)
        bare.append(time.perf_counter() - start)
    carried = sorted(name for name, _ in run.projection.derived_items())
    _say("indexes carried", ", ".join(carried))
    median = statistics.median(times)
    _say("apply_delta, every index carried: median / max (ms)",
         f"{median * 1e3:.1f} / {max(times) * 1e3:.1f}")  # fmt: skip
    _say("apply_delta, no index (the graph's own sharing): median (ms)",
         f"{statistics.median(bare) * 1e3:.1f}")  # fmt: skip
    for name, spent in sorted(per_index.items(), key=lambda item: -statistics.median(item[1])):
        _say(f"  carry {name} alone, median (ms)", f"{statistics.median(spent) * 1e3:.2f}")
    _say("ratio rebuild / one change", f"{run.rebuild / median:,.0f}x")


def _cluster_round(run: Run, rng: random.Random, n: int) -> tuple[float, ...]:
    """One change, then: untouched département, catch-up, touched département, all of France,
    bare Leiden (seconds each)."""
    run.projection, _ = apply_delta(
        run.projection, one_change(run.projection, rng, 1_000 + n, run.template)
    )
    projection, cache = run.projection, run.cache
    kept, _ = _timed(lambda: cache.get(projection, f"departement:{run.untouched}"))
    catch_up, engine = _timed(lambda: engine_of(projection))
    touched, _ = _timed(lambda: cache.get(projection, f"departement:{run.touched}"))
    national, _ = _timed(lambda: cache.get(projection, None))
    ig.set_random_number_generator(random.Random(0))
    bare, _ = _timed(lambda: engine.graph.community_leiden(objective_function="modularity"))
    ig.set_random_number_generator(random)
    return kept, catch_up, touched, national, bare


def clusters(run: Run, rounds: int, seed: int) -> None:
    """Cluster questions after a change, ``rounds`` times (a new change each): an untouched
    département (kept), the engine caught up, the touched département and all of France
    (computed), and bare igraph Leiden on the same tie graph; medians."""
    print(f"after a change: cluster questions, median of {rounds} changes", flush=True)
    rng = random.Random(seed + 1)
    samples = [_cluster_round(run, rng, n) for n in range(rounds)]
    kept, catch_up, touched, national, bare = (
        statistics.median(column) for column in zip(*samples, strict=True)
    )
    both = statistics.median([s[1] + s[3] for s in samples])
    _say(f"département {run.untouched}, untouched: kept (ms)", f"{kept * 1e3:.2f}")
    _say("engine caught up from the previous one (s)", f"{catch_up:.3f}")
    _say("  against a build (s)", f"{run.engine_build:.3f}")
    _say(f"département {run.touched}, touched: computed (s)", f"{touched:.3f}")
    _say("all of France, computed (s)", f"{national:.3f}")
    _say("bare igraph community_leiden on the same ties (s)", f"{bare:.3f}")
    _say("ratio (catch-up + national) / bare", f"{both / bare:.2f}x")
    _say("ratio national alone / bare (engine caught up)", f"{national / bare:.2f}x")
    _say("cluster cache: computed / kept", f"{run.cache.computed} / {run.cache.kept}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.deltas", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=None, help="default: 5 per actor")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5, help="changes in a row")
    parser.add_argument("--cluster-rounds", type=int, default=3, help="changes, then clusters")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    links_total = args.links if args.links is not None else 5 * args.actors
    print(f"python -m bench.deltas {' '.join(sys.argv[1:] if argv is None else argv)}")
    print(f"python {sys.version.split()[0]}, igraph {ig.__version__}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    movement = generate(args.actors, links_per_actor=links_total / args.actors, seed=args.seed)
    actors: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for actor, outgoing in movement.both():
        actors.append(actor)
        links.extend(outgoing)
    print("generation", flush=True)
    _say("actors / links", f"{len(actors):,} / {len(links):,}")
    run = baseline(actors, links)
    del actors, links
    changes(run, args.rounds, args.seed)
    clusters(run, args.cluster_rounds, args.seed)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
