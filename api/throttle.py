"""Throttling repeated failures: a sliding window of failures per key, in the process or shared
by every worker of one server.

Why: a wrong token costs an attacker nothing, so without a brake anyone may try hundreds a
second. After ``limit`` failures within ``window`` seconds a key (a client address; an account
and an address for the sign-in page) is refused until its oldest failure leaves the window: the
refusal says how long, for ``Retry-After``. Successes do not count and do not clear the
failures (otherwise one good token would reopen the guessing for the same address).

Where the windows live: in the process (:class:`FailureThrottle` alone), or, when
``MAILLAGE_THROTTLE_DIR`` names a directory (``maillage serve --workers N`` sets it to the data
directory, which is 0700), in a small SQLite database there (``throttle.sqlite3``, WAL, one row
per throttle and key holding the last ``limit`` failure times), so that N workers allow the
attempts of one and not N times as many. Each throttle has a ``name`` (its rows' namespace), so
the token brake and the sign-in ones of one server keep apart. The shared windows use the
wall clock (comparable across processes); the clock is injectable, so tests move time without
sleeping. A check costs one indexed read (tens of microseconds, bench/RESULTS.md).
"""

from __future__ import annotations

import itertools
import math
import random
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

Clock = Callable[[], float]
#: the shared database's file name, in ``MAILLAGE_THROTTLE_DIR``
DATABASE = "throttle.sqlite3"
_unnamed = itertools.count(1)


class ThrottleSettings(BaseSettings):
    """``MAILLAGE_THROTTLE_DIR``: where the windows shared by a server's workers are kept (unset:
    in each process)."""

    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", extra="ignore")

    throttle_dir: Path | None = None


class FailureThrottle:
    """At most ``limit`` failures per key within ``window`` seconds.

    ``path``: the shared database (default: ``MAILLAGE_THROTTLE_DIR``'s, when set; ``shared=
    False`` keeps the windows in the process whatever the environment says). ``name``: this
    throttle's namespace in it (default: the order of construction in the process, which every
    worker of one server repeats)."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Clock | None = None,
        max_keys: int = 100_000,
        name: str | None = None,
        path: Path | None = None,
        shared: bool = True,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a throttle needs a limit of at least 1 and a positive window")
        self.limit = limit
        self.window = window
        self.name = name or f"throttle-{next(_unnamed)}"
        self._max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        if path is None and shared:
            directory = ThrottleSettings().throttle_dir
            path = directory / DATABASE if directory is not None else None
        self._shared = _SharedWindows(path, max_keys) if path is not None else None
        self._clock = clock or (time.time if self._shared is not None else time.monotonic)

    @property
    def shared(self) -> bool:
        """Whether the windows are shared with other processes (a database file)."""
        return self._shared is not None

    def retry_after(self, key: str) -> int | None:
        """Whole seconds until ``key`` may try again, or None when it may now.

        >>> now = [0.0]
        >>> throttle = FailureThrottle(2, 60, clock=lambda: now[0], shared=False)
        >>> throttle.fail("a"); throttle.fail("a"); throttle.retry_after("a")
        60
        >>> now[0] = 61.0; throttle.retry_after("a") is None
        True
        """
        now = self._clock()
        if self._shared is not None:
            times = self._shared.recent(self.name, key, now - self.window)
        else:
            with self._lock:
                times = list(self._recent(key) or ())
        if len(times) < self.limit:
            return None
        wait = times[-self.limit] + self.window - now
        return max(1, math.ceil(wait))

    def fail(self, key: str) -> None:
        """Record one failure of ``key``."""
        now = self._clock()
        if self._shared is not None:
            self._shared.fail(self.name, key, now, self.window, self.limit)
            return
        with self._lock:
            times = self._recent(key)
            if times is None:
                if len(self._failures) >= self._max_keys:
                    self._prune(now)
                times = self._failures[key] = deque()
            times.append(now)
            while len(times) > self.limit:  # older ones no longer decide anything
                times.popleft()

    def _recent(self, key: str) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        horizon = self._clock() - self.window
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def _prune(self, now: float) -> None:
        """Forget the keys whose failures all left the window (else the oldest half)."""
        horizon = now - self.window
        stale = [key for key, times in self._failures.items() if times[-1] <= horizon]
        for key in stale:
            del self._failures[key]
        if len(self._failures) >= self._max_keys:
            for key in list(self._failures)[: self._max_keys // 2]:
                del self._failures[key]


class _SharedWindows:
    """The windows in SQLite: one row per (throttle, key), its failure times as text, newest
    last; ``last`` (the newest) lets idle keys be forgotten with one indexed delete. A failure
    is one ``BEGIN IMMEDIATE`` transaction (read, trim, write), so concurrent workers never lose
    one another's failures."""

    def __init__(self, path: Path, max_keys: int) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        path.chmod(0o600)
        with self._lock:
            self._prepare()

    def _prepare(self, attempts: int = 50) -> None:
        """WAL mode and the table. Workers starting together race for the file: switching to
        WAL can answer "database is locked" at once, without waiting out the busy timeout, so
        the setup is retried for a few seconds before the error is let through."""
        for attempt in range(attempts):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                # a failure lost on power loss is fine
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS failures (throttle TEXT NOT NULL,"
                    " key TEXT NOT NULL, times TEXT NOT NULL, last REAL NOT NULL,"
                    " PRIMARY KEY (throttle, key))"
                )
                self._db.execute("CREATE INDEX IF NOT EXISTS failures_last ON failures (last)")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or attempt == attempts - 1:
                    raise
                time.sleep(0.02 + random.random() * 0.08)  # noqa: S311 (jitter)

    def recent(self, throttle: str, key: str, horizon: float) -> list[float]:
        with self._lock:
            row = self._db.execute(
                "SELECT times FROM failures WHERE throttle = ? AND key = ?", (throttle, key)
            ).fetchone()
        return [t for t in _times(row[0]) if t > horizon] if row else []

    def fail(self, throttle: str, key: str, now: float, window: float, limit: int) -> None:
        horizon = now - window
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT times FROM failures WHERE throttle = ? AND key = ?", (throttle, key)
                ).fetchone()
                times = [t for t in _times(row[0]) if t > horizon] if row else []
                times = [*times, now][-limit:]
                db.execute(
                    "INSERT INTO failures (throttle, key, times, last) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (throttle, key) DO UPDATE SET times = excluded.times,"
                    " last = excluded.last",
                    (throttle, key, " ".join(repr(t) for t in times), now),
                )
                if row is None:  # a new key: forget the idle ones now and then
                    self._forget(horizon)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _forget(self, horizon: float) -> None:
        """Idle keys (every failure older than this throttle's window) once the table is full."""
        (count,) = self._db.execute("SELECT count(*) FROM failures").fetchone()
        if count > self._max_keys:
            self._db.execute("DELETE FROM failures WHERE last <= ?", (horizon,))


def _times(text: str) -> list[float]:
    return [float(part) for part in text.split()]
