"""Finding the clusters: Leiden on the scope's tie graph (python-igraph, modularity), clusters
listed in a canonical order, ids kept from the previous clustering, figures for each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from queries.analytics.clusters.answers import Clustering
from queries.analytics.clusters.figures import ClusterFigures
from queries.analytics.clusters.ids import assign_ids
from queries.analytics.clusters.query import ClusterQuery
from queries.analytics.engine import Engine, IntArray, engine_of, seeded, subgraph
from queries.analytics.scope import KnownCodes, Scope, select
from queries.projection import Projection


def _leiden(
    engine: Engine, vertices: IntArray, resolution: float, seed: int
) -> tuple[list[int], float]:
    graph = subgraph(engine, vertices)
    if graph.ecount() == 0:
        return list(range(graph.vcount())), 0.0
    with seeded(seed):
        partition = graph.community_leiden(objective_function="modularity", resolution=resolution)
    membership = list(partition.membership)
    return membership, float(graph.modularity(membership, resolution=resolution))


def hubs_of(projection: Projection, actors: frozenset[str]) -> frozenset[str]:
    """The actors outside ``actors`` linked to at least two of them: the hubs through which
    members of a list that link only to their network are tied to each other."""
    graph = projection.graph
    seen: dict[str, int] = {}
    for actor in actors:
        if actor not in graph:
            continue
        for other in set(graph._succ[actor]) | set(graph._pred[actor]):
            if other not in actors:
                seen[other] = seen.get(other, 0) + 1
    return frozenset(hub for hub, n in seen.items() if n >= 2)


def _through_hubs(
    projection: Projection,
    engine: Engine,
    vertices: IntArray,
    actors: frozenset[str],
    query: ClusterQuery,
) -> tuple[IntArray, float]:
    """Leiden on the scope and its hubs together; the members' groups, renumbered from 0 (the
    hubs are no members)."""
    hubs = engine.vertices(hubs_of(projection, actors))
    together = np.union1d(vertices, hubs)
    groups, modularity = _leiden(engine, together, query.resolution, query.seed)
    mine = np.array(groups, dtype=np.int64)[np.searchsorted(together, vertices)]
    _, compact = np.unique(mine, return_inverse=True)
    return compact.astype(np.int64), modularity


def _canonical_order(groups: list[IntArray]) -> list[int]:
    return sorted(range(len(groups)), key=lambda i: (-len(groups[i]), int(groups[i][0])))


def territorial_clusters(
    projection: Projection,
    scope: str | Sequence[str] | Scope | None = None,
    *,
    previous: Clustering | None = None,
    known_codes: KnownCodes | None = None,
    **options: Any,
) -> Clustering:
    """Communities of the cooperation graph within ``scope``; the options are those of
    :meth:`ClusterQuery.build`, declared there once.

    Parameters
    ----------
    projection : Projection
        The cooperation graph.
    scope : str or list of str, optional
        Whole graph (default), ``"region:84"``, ``"69"``, ``"epci:…"``, communes
        (see :mod:`queries.analytics.scope`).
    resolution : float
        Modularity resolution, from 0.01 to 100; higher gives smaller clusters.
    seed : int
        Seed of the Leiden algorithm.
    previous : Clustering, optional
        The previous clustering of the same question, whose ids are kept where clusters overlap.
    min_size : int
        Smallest cluster listed.
    min_jaccard : float
        Smallest overlap for a cluster to keep a previous id.
    top : int
        How many central actors and themes per cluster.
    commune_limit : int
        How many communes per cluster footprint (the largest shares).
    known_codes : mapping, optional
        Territory codes that exist, when the territories reference is not to be used.

    Returns
    -------
    Clustering

    Examples
    --------
    >>> from queries.analytics.example import example_projection
    >>> c = territorial_clusters(example_projection(), "departement:69", seed=1,
    ...                          known_codes={"departement": {"69"}})
    >>> [(x.id, x.members) for x in c.clusters]
    [('c1', ('net-aura', 'org-atelier', 'org-collectif'))]
    >>> c.clusters[0].density, c.clusters[0].external_links
    (1.0, 2)
    """
    query = ClusterQuery.build(scope, **options)
    return find_clusters(projection, query, previous=previous, known_codes=known_codes)


def find_clusters(
    projection: Projection,
    query: ClusterQuery,
    *,
    previous: Clustering | None = None,
    known_codes: KnownCodes | None = None,
) -> Clustering:
    """The clustering a built :class:`ClusterQuery` asks for (``previous``, ``known_codes``:
    see :func:`territorial_clusters`)."""
    selection = select(projection, query.scope, known_codes=known_codes)
    engine = engine_of(projection)
    vertices = engine.vertices(selection.actors)
    if query.through_hubs and selection.actors is not None:
        membership, modularity = _through_hubs(
            projection, engine, vertices, selection.actors, query
        )
    else:
        membership_list, modularity = _leiden(engine, vertices, query.resolution, query.seed)
        membership = np.array(membership_list, dtype=np.int64)
    n_groups = int(membership.max()) + 1 if len(membership) else 0
    order = np.argsort(membership, kind="stable")
    bounds = np.searchsorted(membership[order], np.arange(n_groups + 1))
    groups = [vertices[order[bounds[g] : bounds[g + 1]]] for g in range(n_groups)]
    kept = [g for g in _canonical_order(groups) if len(groups[g]) >= query.min_size]
    member_ids = [tuple(engine.ids[v] for v in groups[g]) for g in kept]
    ids, next_id = assign_ids(member_ids, previous, min_jaccard=query.min_jaccard)
    stats = ClusterFigures(engine, vertices, membership, n_groups)
    clusters = [
        stats.cluster(
            projection, cluster_id, g, members, top=query.top, commune_limit=query.commune_limit
        )
        for cluster_id, g, members in zip(ids, kept, member_ids, strict=True)
    ]
    return Clustering(
        scope=selection.scope.label,
        version=projection.version,
        resolution=query.resolution,
        seed=query.seed,
        modularity=round(modularity, 6),
        actors=len(vertices),
        clusters=tuple(clusters),
        unclustered=int(len(vertices) - sum(c.size for c in clusters)),
        next_id=next_id,
    )
