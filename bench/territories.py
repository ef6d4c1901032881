"""Benchmark of the territory figures (issue 13) on a generated movement.

Usage::

    python -m bench.territories --actors 20000 --links-per-actor 4 --seed 1

Prints, each against a baseline measured in the same run on the same projection:

- ``territory_figures`` of France on a day against ``movement_figures`` of France on the same
  day (the figures of before, one pass over the links as well): the ratio is what the dated
  presence of actors, the families, themes, crossing links and networks cost;
- a table of the 101 départements and of the 1,255 EPCI of France (one ``territory_figures`` a
  row), against the same number of ``movement_figures`` calls on the same scopes;
- a remembered answer (the same question again: ``memo.remembered``);
- the territory sheet of a région (PDF, matplotlib) and its size.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from bench.generator import generate
from queries.analytics.figures import movement_figures
from queries.analytics.territories import (
    child_territories,
    resolve_territory,
    territory_figures,
    territory_table,
)
from queries.projection import Projection


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _projection(actors: int, links_per_actor: float, seed: int) -> Projection:
    movement = generate(actors, links_per_actor=links_per_actor, seed=seed)
    records, links = [], []
    for actor, outgoing in movement.both():
        records.append(actor)
        links.extend(outgoing)
    return Projection.from_records(records, links, version=1)


def _table(p: Projection, level: Any, day: str) -> None:
    scopes = [t.id for t in child_territories(resolve_territory("FR"), level)]
    base, _ = _timed(lambda: [movement_figures(p, s, as_of=day) for s in scopes])
    ours, rows = _timed(lambda: territory_table(p, "FR", level, as_of=day))
    print(
        f"table FR → {level}: {len(rows)} rows in {ours:.3f} s, movement_figures on the same "
        f"scopes {base:.3f} s, ratio {ours / base:.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=20_000)
    parser.add_argument("--links-per-actor", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--day", default="2024-01-01")
    args = parser.parse_args(argv)
    from api.sheet import render_territory_sheet

    def fresh() -> Projection:  # a new projection: nothing remembered
        return _projection(args.actors, args.links_per_actor, args.seed)

    p = fresh()
    print(f"{p.graph.number_of_nodes()} actors, {p.graph.number_of_edges()} links, day {args.day}")
    base, _ = _timed(lambda: movement_figures(p, "FR", as_of=args.day))
    ours, _ = _timed(lambda: territory_figures(p, "FR", as_of=args.day))
    again, _ = _timed(lambda: territory_figures(p, "FR", as_of=args.day))
    print(f"France: territory_figures {ours:.3f} s, movement_figures {base:.3f} s, "
          f"ratio {ours / base:.2f}; remembered {again * 1000:.3f} ms")  # fmt: skip
    for level in ("departement", "epci"):
        _table(fresh(), level, args.day)
    p = fresh()
    took, pdf = _timed(lambda: render_territory_sheet(p, "region:84"))
    print(f"sheet of region:84: {took:.3f} s, {len(pdf) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
