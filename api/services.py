"""What one API process holds: the store, its guard, the projection, tokens, territories.

Built once per process by the app's lifespan (:func:`api.app.create_app`) and shared by every
request; per-request state (loaders, the caller) lives in :class:`api.schema.context.Context`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread

from api.auth import TokenVerifier
from api.guard import StoreGuard
from api.projection import ProjectionService
from api.schema.limits import Limits
from api.settings import ApiSettings
from api.territories import TerritoryIndex, territory_index
from queries.analytics.clusters import ClusterCache
from queries.store import Store

T = TypeVar("T")


@dataclass
class Services:
    settings: ApiSettings
    store: Store
    guard: StoreGuard
    tokens: TokenVerifier
    projection: ProjectionService
    limits: Limits
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
        cls, settings: ApiSettings, store: Store, *, snapshot_dir: Path | None = None
    ) -> Services:
        from api.schema.listing import listing_index
        from api.search import search_index

        server = store.embedded if settings.restart_embedded else None
        guard = StoreGuard(
            store,
            probe_interval=settings.store_probe_interval,
            call_timeout=settings.request_timeout,
            restart=server.restart_after_crash if server is not None else None,
        )
        return cls(
            settings=settings,
            store=store,
            guard=guard,
            tokens=TokenVerifier(store, cache_seconds=settings.token_cache_seconds),
            projection=ProjectionService(
                guard,
                snapshot_dir=snapshot_dir,
                max_wait=settings.projection_max_wait,
                warmers=[listing_index, search_index],
            ),
            limits=Limits(settings),
            clusters=ClusterCache(directory=snapshot_dir / "clusters" if snapshot_dir else None),
        )

    @property
    def territories(self) -> TerritoryIndex:
        if self._territories is None:
            self._territories = territory_index()
        return self._territories
