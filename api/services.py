"""What one API process holds: the store's port, its guard, the projection, tokens, territories.

Built once per process by the app's lifespan (:func:`api.app.create_app`) and shared by every
request; per-request state (loaders, the caller) lives in :class:`api.schema.context.Context`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread

from api.auth import TokenVerifier
from api.bolt import served
from api.guard import StoreGuard
from api.listing import listing_index
from api.projection import ProjectionService
from api.schema.limits import Limits
from api.search import search_index
from api.settings import ApiSettings
from api.territories import TerritoryIndex, territory_index
from graph_model.port import GraphStore
from queries.analytics import NeighbourhoodQuery
from queries.analytics.engine import engine_of
from queries.analytics.paths import PathLimits
from queries.analytics.paths.neighbours import columns_of, groups_of
from queries.projection import Projection
from queries.snapshots import ClusterCache

T = TypeVar("T")


def warm_paths(projection: Projection) -> None:
    """The constrained path searches' link columns and kind groups (seconds at 300k actors,
    built once, then carried by every delta)."""
    columns_of(projection)
    groups_of(projection)


def follow_engine(projection: Projection) -> None:
    """Bring the clusters' and brokers' engine up to the projection, if one was built: the
    first cluster question after a change then does not pay the catch-up."""
    if "engine" in dict(projection.derived_items()):
        engine_of(projection)


@dataclass
class Services:
    settings: ApiSettings
    #: the store's port: what the API reads and writes go through (through the guard)
    graph: GraphStore
    guard: StoreGuard
    tokens: TokenVerifier
    projection: ProjectionService
    limits: Limits
    #: the one set of limits every path question of the API is checked against (GraphQL's
    #: ``cooperationPaths`` and the ``/export/paths`` route)
    path_limits: PathLimits
    clusters: ClusterCache
    started_at: float = 0.0
    ready: bool = False
    bootstrap_error: str | None = None
    _territories: TerritoryIndex | None = field(default=None, repr=False)
    _compute: anyio.CapacityLimiter | None = field(default=None, repr=False)

    async def compute_in_thread(self, work: Callable[[], T]) -> T:
        """Run CPU-bound work (an analytic, an export) in a worker thread, abandoned if the
        request is cancelled, at most ``analytics_threads`` at a time: pure-Python work holds
        the GIL, so more threads add no speed, only contention with the event loop (measured:
        16 paths in 16 threads made GraphQL answers 2-3x slower than 2 threads did)."""
        if self._compute is None:
            self._compute = anyio.CapacityLimiter(self.settings.analytics_threads)
        return await anyio.to_thread.run_sync(work, abandon_on_cancel=True, limiter=self._compute)

    @classmethod
    def build(
        cls, settings: ApiSettings, graph: GraphStore, *, snapshot_dir: Path | None = None
    ) -> Services:
        server = served(graph, restart_embedded=settings.restart_embedded)
        guard = StoreGuard(
            graph,
            where=server.where,
            probe_interval=settings.store_probe_interval,
            call_timeout=settings.request_timeout,
            restart=server.restart,
        )
        return cls(
            settings=settings,
            graph=graph,
            guard=guard,
            tokens=TokenVerifier(graph, cache_seconds=settings.token_cache_seconds),
            projection=ProjectionService(
                guard,
                snapshot_dir=snapshot_dir,
                max_wait=settings.projection_max_wait,
                warmers=[listing_index, search_index],
                background=[warm_paths, follow_engine],
            ),
            limits=Limits(settings),
            path_limits=path_limits(settings),
            clusters=ClusterCache(directory=snapshot_dir / "clusters" if snapshot_dir else None),
        )

    def neighbourhood_query(
        self, actor: str, *, depth: int, kinds: Iterable[str] | None, as_of: date | str | None
    ) -> NeighbourhoodQuery:
        """A neighbourhood question checked against the settings
        (``MAILLAGE_MAX_NEIGHBOURHOOD_DEPTH``, ``MAILLAGE_MAX_NEIGHBOURHOOD_ACTORS``): GraphQL and
        the HTTP export ask it the same way."""
        settings = self.settings
        return NeighbourhoodQuery.build(
            actor,
            depth=depth,
            kinds=kinds,
            as_of=as_of,
            limit=settings.max_neighbourhood_actors,
            max_depth=settings.max_neighbourhood_depth,
            depth_hint="limit max_neighbourhood_depth, MAILLAGE_MAX_NEIGHBOURHOOD_DEPTH",
        )

    @property
    def territories(self) -> TerritoryIndex:
        if self._territories is None:
            self._territories = territory_index()
        return self._territories


def path_limits(settings: ApiSettings) -> PathLimits:
    """The path limits of ``settings`` (``MAILLAGE_MAX_PATH_HOPS``, also the default hop limit,
    and ``MAILLAGE_MAX_PATHS``), worded as GraphQL spells the options; a setting beyond what the
    searches are measured for (12 hops, 20 paths) is refused at start-up."""
    return PathLimits(
        max_hops=settings.max_path_hops,
        max_k=settings.max_paths,
        default_max_hops=settings.max_path_hops,
        hints={
            "max_hops": "limit max_path_hops, MAILLAGE_MAX_PATH_HOPS",
            "k": "limit max_paths, MAILLAGE_MAX_PATHS",
        },
        names={"max_hops": "maxHops"},
    )
