"""How a request runs an analytic: on the current projection, in a worker thread.

The analytics are pure functions of :mod:`queries.analytics` over the projection; a resolver
runs one in a worker thread (abandoned when the request's time limit strikes), at most
``MAILLAGE_ANALYTICS_THREADS`` at a time (see :meth:`api.services.Services.compute_in_thread`),
then maps its answer to GraphQL types (one module per analytic).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from api.schema.context import Info
from queries.projection import Projection

P = ParamSpec("P")
R = TypeVar("R")


async def run_analytic(info: Info, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """``fn(*args, **kwargs)`` in a worker thread, within the request's limits."""
    return await info.context.services.compute_in_thread(lambda: fn(*args, **kwargs))


async def projection_of(info: Info) -> Projection:
    """The projection the request reads (waiting for a rebuild within its limit)."""
    return await info.context.services.projection.get()


__all__ = ["projection_of", "run_analytic"]
