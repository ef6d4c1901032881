"""Territorial clusters: communities of the cooperation graph within a scope.

Communities are found by the Leiden algorithm optimising modularity (python-igraph,
``objective_function="modularity"``) on the scope's *tie graph* (one edge per pair of actors
joined by at least one cooperation link), from a seed: the same graph, scope, resolution and
seed give the same clusters. ``resolution`` above 1 gives more, smaller clusters.

**Stable ids.** Pass the previous clustering (same scope, resolution and seed, older graph
version) as ``previous`` and each new cluster takes the id of the previous cluster it overlaps
most, by Jaccard index (|A ∩ B| / |A ∪ B|), greedily from the best overlapping pair down,
each id used once and only for an overlap of at least ``min_jaccard``; the other clusters are
genuinely new and get fresh ids (``c<n>``, numbers never reused). Without ``previous``, ids are
``c1``, ``c2``… by decreasing size (ties: smallest member id). :class:`ClusterCache` keeps the
previous clusterings and serves a repeated request from memory.

**Each cluster**: members, size, ``internal_links`` (ties inside), ``external_links`` (ties
from a member to any actor outside the cluster, in or out of the scope), ``density`` (ties
inside / possible pairs), ``internal_ratio`` (inside / (inside + outside)), footprint (share of
members per département and per commune, largest first), most central actors (most ties inside
the cluster; ties broken by id), dominant themes (share of members working on each), centroid
(mean of the members' coordinates) and bounding box. Clusters smaller than ``min_size`` (by
default isolated actors) are not listed; their actors are counted in ``unclustered``.

>>> from queries.analytics.example import example_projection
>>> result = territorial_clusters(example_projection(), seed=1)
>>> [(c.id, c.members) for c in result.clusters]
[('c1', ('ab-ess-france', 'org-marseille', 'prj-graines')), \
('c2', ('net-aura', 'org-atelier', 'org-collectif'))]
>>> result.unclustered, result.clusters[0].departements[0]
(1, Share(key='13', count=2, share=0.666667))
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from graph_model.errors import ValidationError
from queries.analytics.actors import ActorRef, actor_ref
from queries.analytics.checks import check_int
from queries.analytics.counts import Share
from queries.analytics.engine import Engine, IntArray, engine_of, seeded, subgraph
from queries.analytics.scope import KnownCodes, Scope, parse_scope, select
from queries.projection import Projection

logger = logging.getLogger(__name__)

MIN_RESOLUTION, MAX_RESOLUTION = 0.01, 100.0


@dataclass(frozen=True, slots=True)
class GeoPoint:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True, slots=True)
class CentralActor:
    """A member and its number of ties inside its cluster."""

    actor: ActorRef
    ties_inside: int


@dataclass(frozen=True, slots=True)
class Cluster:
    """One community (see the module docstring for each figure)."""

    id: str
    members: tuple[str, ...]
    size: int
    internal_links: int
    external_links: int
    density: float
    internal_ratio: float
    departements: tuple[Share, ...]
    communes: tuple[Share, ...]
    central_actors: tuple[CentralActor, ...]
    themes: tuple[Share, ...]
    centroid: GeoPoint | None
    bbox: BoundingBox | None


@dataclass(frozen=True, slots=True)
class Clustering:
    """The clusters of a scope at a graph version."""

    scope: str
    version: int
    resolution: float
    seed: int
    modularity: float
    actors: int
    clusters: tuple[Cluster, ...]
    unclustered: int
    #: the number the next genuinely new cluster will take (``c<next_id>``)
    next_id: int


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


def _canonical_order(groups: list[IntArray]) -> list[int]:
    return sorted(range(len(groups)), key=lambda i: (-len(groups[i]), int(groups[i][0])))


def assign_ids(
    groups: Sequence[Collection[str]], previous: Clustering | None, *, min_jaccard: float = 0.3
) -> tuple[list[str], int]:
    """Ids for new clusters (in the given order) and the next fresh number, matching
    ``previous`` clusters by Jaccard overlap, greedily (see the module docstring).

    >>> old = Clustering("FR", 1, 1.0, 0, 0.5, 5, (), 0, 3)
    >>> assign_ids([{"a", "b"}, {"c"}], None)
    (['c1', 'c2'], 3)
    """
    if previous is None:
        return [f"c{i + 1}" for i in range(len(groups))], len(groups) + 1
    owner = {m: c.id for c in previous.clusters for m in c.members}
    sizes = {c.id: c.size for c in previous.clusters}
    pairs = []
    for i, members in enumerate(groups):
        overlaps = Counter(owner[m] for m in members if m in owner)
        for old_id, shared in overlaps.items():
            jaccard = shared / (len(members) + sizes[old_id] - shared)
            if jaccard >= min_jaccard:
                pairs.append((-jaccard, -shared, i, old_id))
    pairs.sort()
    ids: list[str | None] = [None] * len(groups)
    used: set[str] = set()
    for _, _, i, old_id in pairs:
        if ids[i] is None and old_id not in used:
            ids[i] = old_id
            used.add(old_id)
    next_id = previous.next_id
    for i in range(len(groups)):
        if ids[i] is None:
            ids[i] = f"c{next_id}"
            next_id += 1
    return [i for i in ids if i is not None], next_id


def territorial_clusters(
    projection: Projection,
    scope: str | Sequence[str] | Scope | None = None,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    previous: Clustering | None = None,
    min_size: int = 2,
    min_jaccard: float = 0.3,
    top: int = 5,
    commune_limit: int = 20,
    known_codes: KnownCodes | None = None,
) -> Clustering:
    """Communities of the cooperation graph within ``scope``.

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
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, int | float)
        or not (MIN_RESOLUTION <= resolution <= MAX_RESOLUTION)
    ):
        raise ValidationError(
            f"resolution: {resolution!r} is out of range ({MIN_RESOLUTION} to {MAX_RESOLUTION})",
            field="resolution",
        )
    check_int(seed, field="seed", low=0, high=2**31 - 1)
    check_int(min_size, field="min_size", low=1, high=1_000_000)
    check_int(top, field="top", low=0, high=100)
    check_int(commune_limit, field="commune_limit", low=0, high=100_000)
    if not 0.0 < min_jaccard <= 1.0:
        raise ValidationError(
            f"min_jaccard: {min_jaccard!r} is out of range (0 excluded to 1)", field="min_jaccard"
        )
    selection = select(projection, scope, known_codes=known_codes)
    engine = engine_of(projection)
    vertices = engine.vertices(selection.actors)
    membership_list, modularity = _leiden(engine, vertices, float(resolution), seed)
    membership = np.array(membership_list, dtype=np.int64)
    n_groups = int(membership.max()) + 1 if len(membership) else 0
    order = np.argsort(membership, kind="stable")
    bounds = np.searchsorted(membership[order], np.arange(n_groups + 1))
    groups = [vertices[order[bounds[g] : bounds[g + 1]]] for g in range(n_groups)]
    kept = [g for g in _canonical_order(groups) if len(groups[g]) >= min_size]
    member_ids = [tuple(engine.ids[v] for v in groups[g]) for g in kept]
    ids, next_id = assign_ids(member_ids, previous, min_jaccard=min_jaccard)
    stats = _Stats(engine, vertices, membership, n_groups)
    clusters = [
        stats.cluster(projection, cluster_id, g, members, top=top, commune_limit=commune_limit)
        for cluster_id, g, members in zip(ids, kept, member_ids, strict=True)
    ]
    return Clustering(
        scope=selection.scope.label,
        version=projection.version,
        resolution=float(resolution),
        seed=seed,
        modularity=round(modularity, 6),
        actors=len(vertices),
        clusters=tuple(clusters),
        unclustered=int(len(vertices) - sum(c.size for c in clusters)),
        next_id=next_id,
    )


class _Stats:
    """Every per-cluster figure, computed for all clusters at once with numpy."""

    def __init__(self, engine: Engine, vertices: IntArray, membership: IntArray, n_groups: int):
        self.engine = engine
        n = len(engine.ids)
        group_of = np.full(n, -1, dtype=np.int64)
        group_of[vertices] = membership
        gs, gt = group_of[engine.sources], group_of[engine.targets]
        inside = (gs == gt) & (gs >= 0)
        self.internal = np.bincount(gs[inside], minlength=n_groups)
        volume = np.bincount(membership, weights=engine.degree[vertices], minlength=n_groups)
        self.external = volume.astype(np.int64) - 2 * self.internal
        self.ties_inside = np.bincount(
            np.concatenate((engine.sources[inside], engine.targets[inside])), minlength=n
        )
        self.group_of = group_of
        self.sizes = np.bincount(membership, minlength=n_groups)
        self.departements = self._footprint(engine.departement[vertices], membership)
        self.communes = self._footprint(engine.commune[vertices], membership)
        in_scope = group_of[engine.theme_actor]
        keep = in_scope >= 0
        self.themes = self._footprint_pairs(
            in_scope[keep], engine.theme_index[keep], len(engine.theme_codes)
        )
        lat, lon = engine.lat[vertices], engine.lon[vertices]
        located = ~(np.isnan(lat) | np.isnan(lon))
        g = membership[located]
        self.located = np.bincount(g, minlength=n_groups)
        self.lat_sum = np.bincount(g, weights=lat[located], minlength=n_groups)
        self.lon_sum = np.bincount(g, weights=lon[located], minlength=n_groups)
        self.south = np.full(n_groups, np.inf)
        self.north = np.full(n_groups, -np.inf)
        self.west = np.full(n_groups, np.inf)
        self.east = np.full(n_groups, -np.inf)
        np.minimum.at(self.south, g, lat[located])
        np.maximum.at(self.north, g, lat[located])
        np.minimum.at(self.west, g, lon[located])
        np.maximum.at(self.east, g, lon[located])

    @staticmethod
    def _footprint(codes: IntArray, membership: IntArray) -> dict[int, list[tuple[int, int]]]:
        known = codes >= 0
        return _Stats._footprint_pairs(
            membership[known], codes[known], int(codes.max(initial=0)) + 1
        )

    @staticmethod
    def _footprint_pairs(
        groups: IntArray, codes: IntArray, n_codes: int
    ) -> dict[int, list[tuple[int, int]]]:
        """Counts per (group, code), as ``{group: [(code, count), ...]}``."""
        n_codes = max(n_codes, 1)
        keys, counts = np.unique(groups * n_codes + codes, return_counts=True)
        result: dict[int, list[tuple[int, int]]] = {}
        for group, code, n in zip(
            (keys // n_codes).tolist(), (keys % n_codes).tolist(), counts.tolist(), strict=True
        ):
            result.setdefault(group, []).append((code, n))
        return result

    def cluster(
        self,
        projection: Projection,
        cluster_id: str,
        g: int,
        members: tuple[str, ...],
        *,
        top: int,
        commune_limit: int,
    ) -> Cluster:
        engine = self.engine
        size = int(self.sizes[g])
        internal, external = int(self.internal[g]), int(self.external[g])
        possible = size * (size - 1) // 2
        vertices = [engine.index[m] for m in members]
        ranked = sorted(vertices, key=lambda v: (-int(self.ties_inside[v]), v))[:top]
        located = int(self.located[g])
        return Cluster(
            id=cluster_id,
            members=members,
            size=size,
            internal_links=internal,
            external_links=external,
            density=round(internal / possible, 6) if possible else 0.0,
            internal_ratio=round(internal / (internal + external), 6)
            if internal + external
            else 0.0,
            departements=_shares(
                self.departements.get(g, []), engine.departement_codes, size, None
            ),
            communes=_shares(self.communes.get(g, []), engine.commune_codes, size, commune_limit),
            central_actors=tuple(
                CentralActor(actor_ref(projection, engine.ids[v]), int(self.ties_inside[v]))
                for v in ranked
            ),
            themes=_shares(self.themes.get(g, []), engine.theme_codes, size, top),
            centroid=(
                GeoPoint(
                    round(float(self.lat_sum[g]) / located, 6),
                    round(float(self.lon_sum[g]) / located, 6),
                )
                if located
                else None
            ),
            bbox=(
                BoundingBox(
                    south=float(self.south[g]),
                    west=float(self.west[g]),
                    north=float(self.north[g]),
                    east=float(self.east[g]),
                )
                if located
                else None
            ),
        )


def _shares(
    counts: list[tuple[int, int]], codes: tuple[str, ...], size: int, limit: int | None
) -> tuple[Share, ...]:
    ordered = sorted(((codes[c], n) for c, n in counts), key=lambda item: (-item[1], item[0]))
    if limit is not None:
        ordered = ordered[:limit]
    return tuple(Share(code, n, round(n / size, 6)) for code, n in ordered)


def membership_to_json(clustering: Clustering) -> dict[str, Any]:
    """What stable ids need of a clustering: its version, members and next fresh number."""
    return {
        "version": clustering.version,
        "next_id": clustering.next_id,
        "clusters": {c.id: list(c.members) for c in clustering.clusters},
    }


def membership_from_json(data: Mapping[str, Any]) -> Clustering:
    """A membership-only clustering (figures left empty), usable as ``previous``.

    >>> kept = membership_from_json({"version": 3, "next_id": 4,
    ...                              "clusters": {"c1": ["a", "b"], "c3": ["c", "d"]}})
    >>> assign_ids([{"c", "d", "e"}, {"a", "b"}, {"x", "y"}], kept)
    (['c3', 'c1', 'c4'], 5)
    """
    clusters = tuple(
        Cluster(
            id=str(cid),
            members=tuple(map(str, members)),
            size=len(members),
            internal_links=0,
            external_links=0,
            density=0.0,
            internal_ratio=0.0,
            departements=(),
            communes=(),
            central_actors=(),
            themes=(),
            centroid=None,
            bbox=None,
        )
        for cid, members in dict(data["clusters"]).items()
    )
    return Clustering(
        scope="",
        version=int(data["version"]),
        resolution=0.0,
        seed=0,
        modularity=0.0,
        actors=sum(c.size for c in clusters),
        clusters=clusters,
        unclustered=0,
        next_id=int(data["next_id"]),
    )


class ClusterCache:
    """Clusterings by (graph version, scope, resolution, seed, options), and the latest one of
    each question for stable ids across versions. Thread-safe; keeps ``max_entries`` results.

    >>> from queries.analytics.example import example_projection
    >>> cache, p = ClusterCache(), example_projection()
    >>> cache.get(p, seed=1) is cache.get(p, seed=1)
    True
    """

    def __init__(self, max_entries: int = 64, *, directory: Path | None = None) -> None:
        self.max_entries = max_entries
        #: where the latest membership of each question is kept, so that cluster ids stay the
        #: same across restarts (researchers cite them); None: in memory only
        self.directory = directory
        self._results: OrderedDict[tuple[object, ...], Clustering] = OrderedDict()
        self._latest: dict[tuple[object, ...], Clustering] = {}
        self._lock = threading.Lock()

    def _file(self, question: tuple[object, ...]) -> Path | None:
        if self.directory is None:
            return None
        digest = hashlib.sha256(json.dumps(question, default=str).encode()).hexdigest()[:16]
        return self.directory / f"clusters-{digest}.json"

    def _load_latest(self, question: tuple[object, ...]) -> Clustering | None:
        path = self._file(question)
        if path is None or not path.exists():
            return None
        try:
            return membership_from_json(json.loads(path.read_text()))
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("ignoring unreadable cluster ids in %s: %s", path, exc)
            return None

    def _save_latest(self, question: tuple[object, ...], result: Clustering) -> None:
        path = self._file(question)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(membership_to_json(result)))
            tmp.replace(path)
        except OSError as exc:  # ids then stay stable within this process only
            logger.warning("cannot keep cluster ids in %s: %s", path, exc)

    def get(
        self,
        projection: Projection,
        scope: str | Sequence[str] | Scope | None = None,
        *,
        resolution: float = 1.0,
        seed: int = 0,
        min_size: int = 2,
        min_jaccard: float = 0.3,
        top: int = 5,
        commune_limit: int = 20,
        known_codes: KnownCodes | None = None,
    ) -> Clustering:
        """The clustering of :func:`territorial_clusters`, from memory when already computed
        at this graph version; ids follow the latest clustering of the same question."""
        question = (
            parse_scope(scope).label,
            float(resolution),
            seed,
            min_size,
            min_jaccard,
            top,
            commune_limit,
        )
        key = (projection.version, *question)
        with self._lock:
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return cached
            latest = self._latest.get(question) or self._load_latest(question)
            # the same groups map to the same ids, so passing a previous clustering of the same
            # version (read back after a restart) is harmless and keeps its ids
            previous = latest
            result = territorial_clusters(
                projection,
                scope,
                resolution=resolution,
                seed=seed,
                previous=previous,
                min_size=min_size,
                min_jaccard=min_jaccard,
                top=top,
                commune_limit=commune_limit,
                known_codes=known_codes,
            )
            self._results[key] = result
            if latest is None or result.version >= latest.version:
                self._latest[question] = result
                self._save_latest(question, result)
            while len(self._results) > self.max_entries:
                self._results.popitem(last=False)
            return result
