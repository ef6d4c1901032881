"""The projection a process holds, kept at the store's version: :class:`ProjectionCache`.

It follows the store's change log (:mod:`queries.deltas`) from the projection it holds, or from
the snapshot on disk, and rebuilds from the store only when the log cannot reach it; a new
projection is saved as the next snapshot. The CLI and the benchmarks use it; the API has its
own live service over the same steps (``api/projection.py``).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from queries.deltas import LogGap, follow
from queries.projection import (
    SNAPSHOT_NAME,
    GraphSource,
    Projection,
    build_projection,
    load_snapshot,
    save_snapshot,
    settle,
)

logger = logging.getLogger(__name__)


class ProjectionCache:
    """The current projection of a process: rebuilt only when the store's version moved.

    :meth:`get` asks the store for its version (one small read) and returns the projection it
    holds when the versions agree; otherwise one caller brings it up to date (others wait on
    the lock and then share the result): the projection held, or the snapshot under
    ``snapshot_dir``, follows the store's change log (:mod:`queries.deltas`); when the log
    cannot reach it, the projection is rebuilt from the store and a new snapshot saved. With
    ``freeze`` (the default; the cache is meant to be the one holder of a process's
    projection), the new projection is frozen out of the cyclic garbage collector (see
    :func:`settle`).

    ``check_interval`` (seconds, default 0: ask every time) lets a busy server skip the
    version read when it asked less than that long ago: answers may then lag a write by up to
    that long.

    >>> class Source:  # the part of the port a projection reads, counting the pulls
    ...     def __init__(self): self.v, self.pulls = 1, 0
    ...     def graph_version(self): return self.v
    ...     def stream_actors(self):
    ...         self.pulls += 1
    ...         return iter([{"id": "a-1", "kind": "Project"}])
    ...     def stream_links(self):
    ...         self.pulls += 1
    ...         return iter([])
    >>> store, cache = Source(), ProjectionCache(freeze=False)
    >>> cache.get(store).version, cache.get(store).version, store.pulls
    (1, 1, 2)
    >>> store.v = 2
    >>> cache.get(store).version, store.pulls
    (2, 4)
    """

    def __init__(
        self,
        snapshot_dir: Path | None = None,
        *,
        name: str = SNAPSHOT_NAME,
        freeze: bool = True,
        check_interval: float = 0.0,
    ) -> None:
        self.snapshot_path = snapshot_dir / name if snapshot_dir is not None else None
        self.freeze = freeze
        self.check_interval = check_interval
        self._current: Projection | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    @property
    def current(self) -> Projection | None:
        """The projection held now (``None`` before the first :meth:`get`)."""
        return self._current

    def get(self, store: GraphSource) -> Projection:
        """The projection at the store's current version (see the class docstring)."""
        current = self._current
        now = time.monotonic()
        if current is not None and now - self._checked_at < self.check_interval:
            return current
        version = store.graph_version()
        self._checked_at = now
        if current is not None and current.version == version:
            return current
        with self._lock:
            current = self._current
            if current is not None and current.version == version:
                return current
            projection = None
            if current is None and self.snapshot_path is not None:
                current = load_snapshot(self.snapshot_path)
            if current is not None:
                same = current.version == version
                projection = current if same else _followed(current, store)
            if projection is None:
                projection = build_projection(store)
                if self.snapshot_path is not None:
                    try:
                        save_snapshot(projection, self.snapshot_path)
                    except OSError as exc:  # a snapshot is an optimisation, not a duty
                        logger.warning(
                            "projection snapshot not saved to %s: %s", self.snapshot_path, exc
                        )
            previous, self._current = self._current, projection
            if self.freeze:
                settle(replaced=previous is not None)
            del previous
            return projection

    def invalidate(self) -> None:
        """Forget the projection held (the next :meth:`get` reloads or rebuilds)."""
        with self._lock:
            self._current = None


def _followed(projection: Projection, store: GraphSource) -> Projection | None:
    """``projection`` brought up to date by the store's change log, when the store has one
    that reaches it (:mod:`queries.deltas`), else ``None`` (the caller rebuilds)."""

    if not hasattr(store, "changes_since"):
        return None
    try:
        return follow(projection, store).projection  # type: ignore[arg-type]
    except LogGap as gap:
        logger.info("projection: %s; rebuilding it from the store", gap)
        return None


__all__ = ["ProjectionCache"]
