"""The API's view of the analytics projection: fresh enough, never blocking for long.

:class:`queries.projection.ProjectionCache` rebuilds the projection when the graph version
moved (from a snapshot on disk when one is at that version). The API must not ask the store for
its version on every request, nor make a request wait for a rebuild of half a million links, so
:class:`ProjectionService`:

* checks the graph version at most every ``check_interval`` seconds (and at once after a
  mutation of this process, :meth:`ProjectionService.mark_dirty`);
* rebuilds in a worker thread, one rebuild at a time, while requests keep the projection they
  have; a request waits for a running rebuild at most ``max_wait`` seconds (on a small graph the
  rebuild is done by then, so a change is visible to the next query), then answers from the
  previous projection;
* waits without limit only for the very first projection (there is nothing to answer from).

Derived indexes (search, listing) hang on the projection (:meth:`Projection.derived`), so they
are rebuilt with it and never served for another version; the *warmers* build them in the
rebuild's thread before the new projection is published, so no request pays for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from api.guard import StoreGuard
from queries.projection import Projection, ProjectionCache

logger = logging.getLogger(__name__)


class ProjectionService:
    """One per process: the projection held, and its refresh."""

    def __init__(
        self,
        guard: StoreGuard,
        *,
        snapshot_dir: Path | None = None,
        check_interval: float = 0.5,
        max_wait: float = 2.0,
        build_timeout: float = 600.0,
        warmers: Sequence[Callable[[Projection], object]] = (),
    ) -> None:
        self.guard = guard
        self.cache = ProjectionCache(snapshot_dir)
        self.warmers = list(warmers)
        self._current: Projection | None = None
        self.check_interval = check_interval
        self.max_wait = max_wait
        self.build_timeout = build_timeout
        self._checked_at = 0.0
        self._refresh: asyncio.Task[Projection] | None = None

    @property
    def current(self) -> Projection | None:
        """The projection requests are answered from (published once warm)."""
        return self._current

    def mark_dirty(self) -> None:
        """The graph changed here: the next :meth:`get` checks the version at once."""
        self._checked_at = 0.0

    async def get(self) -> Projection:
        """The projection to answer from (see the module docstring)."""
        current = self._current
        if current is None:
            return await self._wait(self._start_refresh(), None)
        now = time.monotonic()
        if now - self._checked_at >= self.check_interval:
            self._checked_at = now
            version = await self.guard.run(self.guard.graph.graph_version)
            if version != current.version:
                self._start_refresh()
        if self._refresh is not None and not self._refresh.done():
            return await self._wait(self._refresh, self.max_wait)
        return self._current or current

    async def ensure_loaded(self) -> Projection:
        """Load (or rebuild) the projection now; for start-up and ``/ready``."""
        current = self._current
        if current is not None:
            return current
        return await self._wait(self._start_refresh(), None)

    def _start_refresh(self) -> asyncio.Task[Projection]:
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.get_running_loop().create_task(
                self._rebuild(), name="maillage-projection-refresh"
            )
        return self._refresh

    async def _rebuild(self) -> Projection:
        started = time.monotonic()
        projection = await self.guard.run_within(self.build_timeout, self._build)
        self._current = projection
        logger.info(
            "projection at version %d ready in %.1f s",
            projection.version,
            time.monotonic() - started,
        )
        return projection

    def _build(self) -> Projection:
        projection = self.cache.get(self.guard.graph)
        for warm in self.warmers:
            warm(projection)
        return projection

    async def _wait(self, task: asyncio.Task[Projection], timeout: float | None) -> Projection:
        if timeout is None:
            return await asyncio.shield(task)
        try:
            return await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            current = self._current
            if current is None:  # pragma: no cover - only when timeout is None above
                raise
            return current

    async def close(self) -> None:
        if self._refresh is not None and not self._refresh.done():
            self._refresh.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._refresh
