"""The fast engine behind clusters and brokers: an igraph copy of the projection, and numpy
columns of its actors, built once per projection (graph version) and shared by every request.

The igraph graph is undirected and simple: one edge per pair of actors joined by at least one
cooperation link (a *tie*), vertices in the projection's canonical (id) order, edges sorted; so
the same graph gives the same igraph graph, and a seeded algorithm the same result. It is built
from an edge list (faster than ``igraph.Graph.from_networkx``).

>>> from queries.analytics.example import example_projection
>>> engine = engine_of(example_projection())
>>> engine.graph.vcount(), engine.graph.ecount()
(7, 7)
>>> engine.ids[:2]
('ab-ess-france', 'net-aura')
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import igraph as ig
import numpy as np
import numpy.typing as npt

from queries.projection import Projection

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_RNG_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class Engine:
    """igraph graph and numpy columns of one projection (see the module docstring)."""

    graph: ig.Graph
    ids: tuple[str, ...]
    index: dict[str, int]
    #: ends of every tie (``sources[i] < targets[i]``), same order as the igraph edges
    sources: IntArray
    targets: IntArray
    #: ties of each actor in the whole graph
    degree: IntArray
    lat: FloatArray
    lon: FloatArray
    #: territory columns: an index into the matching ``*_codes`` tuple, -1 when unknown
    departement: IntArray
    departement_codes: tuple[str, ...]
    commune: IntArray
    commune_codes: tuple[str, ...]
    region: IntArray
    region_codes: tuple[str, ...]
    #: actor × theme incidence: parallel arrays (actor index, theme index)
    theme_actor: IntArray
    theme_index: IntArray
    theme_codes: tuple[str, ...]

    def vertices(self, actors: frozenset[str] | None) -> IntArray:
        """Sorted vertex indices of ``actors`` (all vertices for ``None``)."""
        if actors is None:
            return np.arange(len(self.ids), dtype=np.int64)
        index = self.index
        return np.array(sorted(index[a] for a in actors if a in index), dtype=np.int64)


def _categories(values: list[str | None]) -> tuple[IntArray, tuple[str, ...]]:
    codes = tuple(sorted({v for v in values if v}))
    position = {code: i for i, code in enumerate(codes)}
    return np.array([position[v] if v else -1 for v in values], dtype=np.int64), codes


def _build(projection: Projection) -> Engine:
    graph = projection.graph
    ids = tuple(graph)  # canonical: the projection adds actors in id order
    index = {actor: i for i, actor in enumerate(ids)}
    ends: list[int] = []
    for u, targets in graph._succ.items():  # the raw dict: no view per actor
        iu = index[u]
        for v in targets:
            iv = index[v]
            ends.append(iu * len(ids) + iv if iu < iv else iv * len(ids) + iu)
    keys = np.unique(np.array(ends, dtype=np.int64))
    sources, targets = keys // max(len(ids), 1), keys % max(len(ids), 1)
    ig_graph = ig.Graph(n=len(ids), edges=np.column_stack((sources, targets)).tolist())
    degree = np.bincount(np.concatenate((sources, targets)), minlength=len(ids))
    nodes = graph._node
    attrs = [nodes[a] for a in ids]
    lat = np.array([a["lat"] if a["lat"] is not None else np.nan for a in attrs], dtype=np.float64)
    lon = np.array([a["lon"] if a["lon"] is not None else np.nan for a in attrs], dtype=np.float64)
    departement, departement_codes = _categories([a["departement"] for a in attrs])
    commune, commune_codes = _categories([a["commune"] for a in attrs])
    region, region_codes = _categories([a["region"] for a in attrs])
    theme_codes = tuple(sorted({t for a in attrs for t in a["themes"]}))
    theme_position = {t: i for i, t in enumerate(theme_codes)}
    pairs = [(i, theme_position[t]) for i, a in enumerate(attrs) for t in a["themes"]]
    theme_actor = np.array([i for i, _ in pairs], dtype=np.int64)
    theme_index = np.array([t for _, t in pairs], dtype=np.int64)
    return Engine(
        graph=ig_graph,
        ids=ids,
        index=index,
        sources=sources,
        targets=targets,
        degree=degree,
        lat=lat,
        lon=lon,
        departement=departement,
        departement_codes=departement_codes,
        commune=commune,
        commune_codes=commune_codes,
        region=region,
        region_codes=region_codes,
        theme_actor=theme_actor,
        theme_index=theme_index,
        theme_codes=theme_codes,
    )


def engine_of(projection: Projection) -> Engine:
    """The engine of a projection, built on first use and kept with it."""
    return projection.derived("engine", _build)


def subgraph(engine: Engine, vertices: IntArray) -> ig.Graph:
    """The tie graph induced by ``vertices`` (the whole graph when they are all of them)."""
    if len(vertices) == len(engine.ids):
        return engine.graph
    return engine.graph.induced_subgraph(vertices.tolist(), implementation="create_from_scratch")


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run igraph's randomised algorithms from ``seed``: same seed, same result.

    igraph draws from one process-wide generator; it is swapped for a seeded one under a lock
    and put back after, so concurrent requests neither disturb each other nor the caller's
    ``random`` module.
    """
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))  # noqa: S311 - reproducible on purpose
        try:
            yield
        finally:
            ig.set_random_number_generator(random)
