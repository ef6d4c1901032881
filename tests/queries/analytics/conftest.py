"""Hand-built projections for the analytics tests (no database)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import networkx as nx
import pytest

from queries.projection import Projection

LINK_KINDS = ("MEMBER_OF", "COOPERATES_WITH", "CARRIES", "SUPPORTS", "FUNDS", "SITS_ON")

Build = Callable[..., Projection]


def actor(actor_id: str, kind: str = "Organisation", **attrs: Any) -> dict[str, Any]:
    """An actor record; territory defaults to Lyon (69123, 69, 84)."""
    record: dict[str, Any] = {
        "id": actor_id,
        "kind": kind,
        "name": attrs.pop("name", actor_id.replace("-", " ").title()),
        "commune": "69123",
        "departement": "69",
        "region": "84",
    }
    record.update(attrs)
    return record


def link(
    link_id: str,
    source: str,
    target: str,
    kind: str = "COOPERATES_WITH",
    since: str | None = None,
    until: str | None = None,
    **attrs: Any,
) -> dict[str, Any]:
    return {
        "id": link_id,
        "kind": kind,
        "source": source,
        "target": target,
        "since": since,
        "until": until,
        "sources": [f'{{"system": "test", "key": "{link_id}", "url": null}}'],
        **attrs,
    }


def build(
    actors: Iterable[dict[str, Any]] | Iterable[str],
    links: Iterable[dict[str, Any]] | Iterable[Sequence[str]],
    version: int = 1,
) -> Projection:
    """A projection from actors (records or bare ids) and links (records or (source, target)
    or (source, target, kind) tuples)."""
    actor_records = [a if isinstance(a, dict) else actor(a) for a in actors]
    link_records = []
    for i, item in enumerate(links):
        if isinstance(item, dict):
            link_records.append(item)
        else:
            link_records.append(link(f"l{i:04d}", *item))
    return Projection.from_records(actor_records, link_records, version=version)


def random_projection(
    n: int, m: int, seed: int, *, dated: bool = False
) -> tuple[Projection, nx.Graph]:
    """A random cooperation graph (random directions, kinds, dates) and the same ties as an
    undirected networkx graph with the same node order."""
    rng = random.Random(seed)
    simple = nx.gnm_random_graph(n, m, seed=seed)
    ids = [f"a-{i:04d}" for i in range(n)]
    actors = [actor(i, rng.choice(["Organisation", "Network", "Project"])) for i in ids]
    links = []
    for j, (u, v) in enumerate(simple.edges()):
        a, b = (ids[u], ids[v]) if rng.random() < 0.5 else (ids[v], ids[u])
        since = f"{rng.randrange(1995, 2024)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)}"
        links.append(link(f"l{j:05d}", a, b, rng.choice(LINK_KINDS), since if dated else None))
    projection = build(actors, links)
    reference = nx.Graph()
    reference.add_nodes_from(ids)
    reference.add_edges_from((ids[u], ids[v]) for u, v in simple.edges())
    return projection, reference


@pytest.fixture
def example() -> Projection:
    from queries.analytics.example import example_projection

    return example_projection()


class Graphs:
    """The builders above, handed to tests as a fixture (test modules do not import conftest)."""

    actor = staticmethod(actor)
    link = staticmethod(link)
    build = staticmethod(build)
    random = staticmethod(random_projection)


@pytest.fixture
def graphs() -> type[Graphs]:
    return Graphs
