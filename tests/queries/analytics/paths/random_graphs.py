"""Random movements for the paths' tests: parallel, reciprocal and dated links, actors not in
id order; and the simple filter, link by link, the views are checked against."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from queries.analytics.paths.adjacency import all_neighbours
from queries.analytics.paths.neighbours import usable
from queries.projection import Projection

KINDS = ("MEMBER_OF", "COOPERATES_WITH", "CARRIES", "SUPPORTS", "FUNDS", "SITS_ON")
ACTOR_KINDS = ("Organisation", "Network", "Project", "AdvocacyBody")


def random_movement(n: int, m: int, seed: int) -> Projection:
    """``n`` actors, ``m`` links between random pairs: some pairs joined several times, in
    both directions; dates missing, open or closed."""
    rng = random.Random(seed)
    ids = [f"a-{rng.randrange(10**6):06d}-{i}" for i in range(n)]  # not in id order
    actors = [
        {
            "id": a,
            "kind": rng.choice(ACTOR_KINDS),
            "name": a,
            "level": rng.choice([None, "national", "regional"]),
        }
        for a in ids
    ]
    links: list[dict[str, Any]] = []
    pairs: list[tuple[str, str]] = []
    for j in range(m):
        if pairs and rng.random() < 0.25:  # the same pair again, either direction
            a, b = rng.choice(pairs)
            if rng.random() < 0.5:
                a, b = b, a
        else:
            a, b = rng.sample(ids, 2)
            pairs.append((a, b))
        since = None if rng.random() < 0.2 else date(rng.randrange(1995, 2024), 1, 1)
        until = None
        if rng.random() < 0.3:
            until = date(rng.randrange(2000, 2030), rng.randrange(1, 13), 1)
        links.append(
            {
                "id": f"l-{rng.randrange(10**6):06d}-{j}",
                "kind": rng.choice(KINDS),
                "source": a,
                "target": b,
                "since": since,
                "until": until,
            }
        )
    return Projection.from_records(actors, links, version=1)


def simple_links(projection: Projection, u: str, v: str) -> tuple[Any, ...]:
    graph = projection.graph
    return tuple(
        (d["kind"], d["since"], d["until"])
        for adjacency in (graph._succ[u], graph._pred[u])
        for d in adjacency.get(v, {}).values()
    )


def simple_filtered(
    projection: Projection,
    kinds: frozenset[str] | None,
    day: date | None,
    excluded: frozenset[str],
) -> dict[str, tuple[str, ...]]:
    """The usable neighbours of every actor, link by link: the reference."""
    base = all_neighbours(projection)
    return {
        u: tuple(
            v
            for v in around
            if v not in excluded and usable(simple_links(projection, u, v), kinds, day)
        )
        for u, around in base.items()
    }
