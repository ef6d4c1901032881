"""The API's view of the analytics projection: live, following the store's change log.

Every write through the port records its changes in the log (:mod:`graph_model.changes`);
:class:`ProjectionService` keeps the process's projection at the log's newest sequence by
applying them (:func:`queries.deltas.follow`), never by rebuilding in steady state:

* **the writing worker at once**: a mutation awaits :meth:`ProjectionService.catch_up` before
  it answers, so its change is in the projection the next request reads;
* **the other workers by tailing**: a task checks the graph version every
  ``tail_interval`` seconds (0.05 by default) and follows the log when it moved;
* **all or nothing**: a delta is applied to a new projection that shares what did not change
  with the current one, and published only once whole (with its derived indexes carried or,
  for the *warmers*' indexes, built); requests keep the one they hold;
* **recovery**: when the log cannot bring the projection up to date (a hole, the graph
  cleared, the store behind) the projection is rebuilt from the store — logged, in a worker
  thread, while requests keep the previous projection (a request waits for it at most
  ``max_wait`` seconds, except the very first: there is nothing to answer from);
* **snapshots stay fresh**: after ``snapshot_changes`` writes (or ``snapshot_seconds`` with
  some), the projection is saved in a background thread, so a restart loads the snapshot and
  replays only the log's tail (:meth:`ProjectionService.ensure_loaded`). Pickling holds the
  interpreter lock (about 1-2 s at 100k actors), so it is done rarely: 5,000 writes or ten
  minutes by default.

Listeners (:meth:`ProjectionService.add_listener`) are told of every change applied, with the
projection that holds it: the change feed hangs there. *Background warmers* run in a thread of
their own once the writes pause (``background_delay``): what the first question of a kind would
otherwise pay — the paths' link columns after a load, the clusters' engine catching up after
changes — is then ready before it is asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

from api import timing
from api.guard import StoreGuard
from api.memory import release_freed_memory
from graph_model.changes import ChangeRecord
from graph_model.errors import StoreUnavailable
from queries.deltas import Followed, LogGap, follow
from queries.projection import (
    SNAPSHOT_NAME,
    Projection,
    build_projection,
    load_snapshot,
    save_snapshot,
    settle,
)

logger = logging.getLogger(__name__)

#: a listener: the changes applied and the projection that now holds them
Listener = Callable[[Sequence[ChangeRecord], Projection], object]


class ProjectionService:
    """One per process: the projection held, and how it follows the store."""

    def __init__(
        self,
        guard: StoreGuard,
        *,
        snapshot_dir: Path | None = None,
        tail_interval: float = 0.05,
        max_wait: float = 2.0,
        build_timeout: float = 600.0,
        warmers: Sequence[Callable[[Projection], object]] = (),
        background: Sequence[Callable[[Projection], object]] = (),
        background_delay: float = 1.0,
        snapshot_changes: int = 5_000,
        snapshot_seconds: float = 600.0,
        release_every: float = 10.0,
    ) -> None:
        self.guard = guard
        self.snapshot_path = snapshot_dir / SNAPSHOT_NAME if snapshot_dir is not None else None
        self.warmers = list(warmers)
        self.background = list(background)
        self.background_delay = background_delay
        self._warm_wanted = threading.Event()
        self._warm_thread: threading.Thread | None = None
        self.tail_interval = tail_interval
        self.max_wait = max_wait
        self.build_timeout = build_timeout
        self.snapshot_changes = snapshot_changes
        self.snapshot_seconds = snapshot_seconds
        #: under writes that never pause, the freed memory is handed back this often (s)
        self.release_every = release_every
        self._released = (time.monotonic(), -1)  # when, at which version
        self._current: Projection | None = None
        self._listeners: list[Listener] = []
        self._follow_lock: asyncio.Lock | None = None
        self._rebuild: asyncio.Task[Projection] | None = None
        self._tail: asyncio.Task[None] | None = None
        self._saving: threading.Thread | None = None
        self._unsaved = 0
        self._saved_at = time.monotonic()
        #: what happened, for ``/ready``, the logs and the benchmarks
        self.rebuilds = 0
        self.deltas = 0
        self.snapshots_saved = 0
        #: seconds each of the latest deltas took to follow (read the log, apply, warm)
        self.follow_seconds: deque[float] = deque(maxlen=1_000)

    @property
    def current(self) -> Projection | None:
        """The projection requests are answered from (published once whole)."""
        return self._current

    def stats(self) -> dict[str, object]:
        """Deltas and rebuilds so far, and how long following took (ms, latest deltas)."""
        times = sorted(self.follow_seconds)

        def ms(q: float) -> float | None:
            return (
                round(times[min(len(times) - 1, int(q * len(times)))] * 1000, 1) if times else None
            )

        return {
            "deltas": self.deltas,
            "rebuilds": self.rebuilds,
            "followMsP50": ms(0.5),
            "followMsP95": ms(0.95),
        }

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(changes, projection)`` after every change applied (in the event
        loop: it must not block)."""
        self._listeners.append(listener)

    # -- what requests call -------------------------------------------------------------------
    async def get(self) -> Projection:
        """The projection to answer from: the current one (kept up to date by the tail), or,
        during a rebuild, the previous one after at most ``max_wait`` seconds."""
        current = self._current
        if current is None:
            return await self.ensure_loaded()
        self._start_tail()
        rebuild = self._rebuild
        if rebuild is not None and not rebuild.done():
            return await self._wait(rebuild, self.max_wait)
        return self._current or current

    async def ensure_loaded(self) -> Projection:
        """The first projection: the snapshot brought up to date by the log, else a rebuild;
        for start-up and ``/ready``."""
        current = self._current
        if current is None:
            current = await self._wait(self._start_rebuild(from_snapshot=True), None)
        self._start_tail()
        return current

    async def catch_up(self) -> Projection:
        """Follow the log up to the store's newest sequence now (a mutation calls it before it
        answers: what it wrote is then visible to the next request of this process)."""
        if self._current is None:
            return await self.ensure_loaded()
        try:
            with timing.phase("follow"):
                await self._follow()
        except StoreUnavailable as exc:  # what was written stays written; the tail follows
            logger.info("projection: the log could not be followed now: %s", exc)
        return self._current or await self.ensure_loaded()

    # -- following ---------------------------------------------------------------------------
    def _lock(self) -> asyncio.Lock:
        if self._follow_lock is None:
            self._follow_lock = asyncio.Lock()
        return self._follow_lock

    async def _follow(self) -> None:
        """Apply what the log holds after the current projection (one follower at a time)."""
        async with self._lock():
            current = self._current
            rebuild = self._rebuild
            if current is None or (rebuild is not None and not rebuild.done()):
                return
            started = time.monotonic()
            try:
                followed = await self.guard.run_within(self.build_timeout, self._apply, current)
            except LogGap as gap:
                logger.warning("projection: %s; rebuilding it from the store", gap)
                self._start_rebuild(from_snapshot=False)
                return
            if followed.projection is current:
                return
            self._current = followed.projection
            self._warm_later()
            self.deltas += 1
            self.follow_seconds.append(time.monotonic() - started)
            self._after_changes(followed)

    def _apply(self, current: Projection) -> Followed:
        # the log is read first; the store's version only when it holds nothing new (a version
        # read by the tail before taking the lock may be older than the projection by now)
        followed = follow(current, self.guard.graph)
        if followed.projection is not current:
            for warm in self.warmers:
                warm(followed.projection)
        return followed

    def _after_changes(self, followed: Followed) -> None:
        for listener in self._listeners:
            try:
                listener(followed.changes, followed.projection)
            except Exception:  # a listener's failure must not stop the projection
                logger.exception("a change listener failed")
        self._unsaved += len({change.seq for change in followed.changes})
        due = time.monotonic() - self._saved_at >= self.snapshot_seconds
        if self._unsaved >= self.snapshot_changes or (self._unsaved and due):
            self._save_in_background(followed.projection)

    async def _tail_loop(self) -> None:
        """Check the graph version every ``tail_interval`` s; follow the log when it moved."""
        timing.forget()  # started by a request: its work is not that request's
        while True:
            await asyncio.sleep(self.tail_interval)
            current = self._current
            if current is None:
                continue
            try:
                # not the request's time limit: a tiny one must not mark the store down
                limit = max(self.guard.call_timeout, 5.0)
                version = await self.guard.run_within(limit, self.guard.graph.graph_version)
            except Exception as exc:  # the guard reports the outage; keep tailing
                logger.debug("projection tail: %s", exc)
                continue
            if version != current.version:
                try:
                    await self._follow()
                except StoreUnavailable as exc:  # the store went down meanwhile: keep tailing
                    logger.info("projection tail: the log could not be followed now: %s", exc)
                except Exception:  # a bug must not end the tail: the next turn tries again
                    logger.exception("projection tail: following the log failed")
            await self._release_if_due()

    async def _release_if_due(self) -> None:
        """Hand freed memory back every ``release_every`` s while the projection moves: the
        warmers' release waits for a pause, and a steady trickle of writes never pauses (each
        delta frees the indexes it replaced; kept by the allocator, the process would grow)."""
        at, version = self._released
        current = self._current
        if current is None or current.version == version:
            return
        if time.monotonic() - at >= self.release_every:
            await asyncio.to_thread(release_freed_memory)
            self._released = (time.monotonic(), current.version)

    def _start_tail(self) -> None:
        if self._tail is None or self._tail.done():
            with contextlib.suppress(RuntimeError):
                self._tail = asyncio.get_running_loop().create_task(
                    self._tail_loop(), name="maillage-projection-tail"
                )

    # -- rebuilding (the recovery path) ---------------------------------------------------------
    def _start_rebuild(self, *, from_snapshot: bool) -> asyncio.Task[Projection]:
        if self._rebuild is None or self._rebuild.done():
            self._rebuild = asyncio.get_running_loop().create_task(
                self._rebuilt(from_snapshot), name="maillage-projection-rebuild"
            )
        return self._rebuild

    async def _rebuilt(self, from_snapshot: bool) -> Projection:
        started = time.monotonic()
        projection = await self.guard.run_within(self.build_timeout, self._build, from_snapshot)
        replaced = self._current is not None
        self._current = projection
        settle(replaced=replaced)
        if replaced:  # the old projection's memory, freed now
            await asyncio.to_thread(release_freed_memory)
        self._warm_later()
        logger.info(
            "projection at sequence %d ready in %.1f s",
            projection.version,
            time.monotonic() - started,
        )
        return projection

    def _build(self, from_snapshot: bool) -> Projection:
        graph = self.guard.graph
        projection = None
        if from_snapshot and self.snapshot_path is not None:
            saved = load_snapshot(self.snapshot_path)
            if saved is not None:
                try:
                    projection = follow(saved, graph).projection
                    logger.info(
                        "projection: snapshot at sequence %d, log replayed to %d",
                        saved.version,
                        projection.version,
                    )
                except LogGap as gap:
                    logger.warning("projection snapshot not usable (%s): rebuilding", gap)
        if projection is None:
            self.rebuilds += 1
            projection = build_projection(graph)
            if self.snapshot_path is not None:
                self._save(projection)
        for warm in self.warmers:
            warm(projection)
        return projection

    # -- warming in the background ---------------------------------------------------------------
    def _warm_later(self) -> None:
        """Run the background warmers on the current projection once the writes have paused
        for ``background_delay`` seconds (one thread; a burst of deltas warms once)."""
        if not self.background:
            return
        self._warm_wanted.set()
        if self._warm_thread is None or not self._warm_thread.is_alive():
            self._warm_thread = threading.Thread(
                target=self._warm_loop, name="maillage-warm", daemon=True
            )
            self._warm_thread.start()

    def _warm_loop(self) -> None:
        while self._warm_wanted.is_set():
            self._warm_wanted.clear()
            time.sleep(self.background_delay)
            if self._warm_wanted.is_set():  # more changes came: wait for the next pause
                continue
            projection = self._current
            if projection is None:
                return
            for warm in self.background:
                try:
                    warm(projection)
                except Exception:  # a warmer is an optimisation: log it, never stop
                    logger.exception("background warming failed")
            release_freed_memory()

    # -- snapshots -----------------------------------------------------------------------------
    def _save(self, projection: Projection) -> None:
        if self.snapshot_path is None:
            return
        try:
            save_snapshot(projection, self.snapshot_path)
            self.snapshots_saved += 1
        except OSError as exc:  # a snapshot is an optimisation, not a duty
            logger.warning("projection snapshot not saved to %s: %s", self.snapshot_path, exc)
        self._unsaved = 0
        self._saved_at = time.monotonic()

    def _save_in_background(self, projection: Projection) -> None:
        if self.snapshot_path is None or (self._saving is not None and self._saving.is_alive()):
            return
        self._unsaved = 0
        self._saving = threading.Thread(
            target=self._save, args=(projection,), name="maillage-snapshot", daemon=True
        )
        self._saving.start()

    # -- waiting and closing -------------------------------------------------------------------
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
        for task in (self._tail, self._rebuild):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._saving is not None:
            self._saving.join(timeout=30)
