"""Throttling repeated failures: a sliding window of failures per key, in the process.

Why: a wrong token costs an attacker nothing, so without a brake anyone may try hundreds a
second. After ``limit`` failures within ``window`` seconds a key (a client address today; an
account and an address for the coming sign-in page) is refused until its oldest failure leaves
the window: the refusal says how long, for ``Retry-After``. Successes do not count and do not
clear the failures (otherwise one good token would reopen the guessing for the same address).

In process only: each ``--workers`` process keeps its own windows, so the limit is per worker;
the clock is injectable, so tests move time without sleeping.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]


class FailureThrottle:
    """At most ``limit`` failures per key within ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Clock = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a throttle needs a limit of at least 1 and a positive window")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int | None:
        """Whole seconds until ``key`` may try again, or None when it may now.

        >>> now = [0.0]
        >>> throttle = FailureThrottle(2, 60, clock=lambda: now[0])
        >>> throttle.fail("a"); throttle.fail("a"); throttle.retry_after("a")
        60
        >>> now[0] = 61.0; throttle.retry_after("a") is None
        True
        """
        with self._lock:
            times = self._recent(key)
            if times is None or len(times) < self.limit:
                return None
            wait = times[0] + self.window - self._clock()
        return max(1, math.ceil(wait))

    def fail(self, key: str) -> None:
        """Record one failure of ``key``."""
        now = self._clock()
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
