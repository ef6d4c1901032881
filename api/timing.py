"""Where a request's time went, for its ``Server-Timing`` header.

The endpoint opens a record per request (:func:`record`); the store's guard and the projection
add the time of their phases to it (:func:`phase`), and the header lists them after the
request's own time: ``app;dur=41.2, store;dur=12.0, follow;dur=20.3``. A browser's developer
tools show them, and ``bench.live`` reads them to say where a write's time went.

Phases do not nest: the time of a store call made while following the log counts as following.
Work outside a request (the projection's tail) records nothing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

#: the phases of the current request, in ms (``None`` outside a request)
_spent: ContextVar[dict[str, float] | None] = ContextVar("maillage_timing", default=None)
#: the phase being timed in this context (the inner ones are part of it)
_inside: ContextVar[str | None] = ContextVar("maillage_timing_phase", default=None)


@contextlib.contextmanager
def record() -> Iterator[dict[str, float]]:
    """Collect the phases of the request run inside (ms by phase name)."""
    spent: dict[str, float] = {}
    token = _spent.set(spent)
    try:
        yield spent
    finally:
        _spent.reset(token)


def forget() -> None:
    """Record nothing from here on in this context (a background task started by a request
    inherits its record: its work is not the request's)."""
    _spent.set(None)


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    """Add the time spent inside to the request's phase ``name``."""
    spent = _spent.get()
    if spent is None or _inside.get() is not None:
        yield
        return
    token = _inside.set(name)
    started = time.perf_counter()
    try:
        yield
    finally:
        _inside.reset(token)
        spent[name] = spent.get(name, 0.0) + (time.perf_counter() - started) * 1000


def header(total_ms: float, spent: dict[str, float]) -> str:
    """The ``Server-Timing`` value: the request's time, then each phase's."""
    parts = [f"app;dur={total_ms:.1f}"]
    parts += [f"{name};dur={ms:.1f}" for name, ms in spent.items()]
    return ", ".join(parts)
