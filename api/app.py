"""The FastAPI application: GraphQL on ``/graphql``, health, readiness and exports, the web map.

:func:`create_app` builds an app for given settings over a graph port it is handed
(``maillage serve`` opens the Bolt one, the tests an in-memory one); without one, its lifespan
opens **one Bolt port per process** (:func:`api.bolt.open_bolt`, starting the embedded server
when needed: each of ``--workers`` processes opens its own),
brings the graph to its base on first run (:mod:`api.bootstrap`, in the background: ``/ready``
says when it is done), loads the projection, and closes everything on shutdown. Routes are
``/graphql`` (and its WebSocket, for subscriptions), ``/feed``, ``/feed.atom``, ``/health``,
``/ready`` and ``/export/…``; the static web map (:mod:`web`,
``web/static/``) is mounted at ``/`` after them when the folder exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.routing import Route
from starlette.staticfiles import StaticFiles

from api.bolt import StoreSettings, open_bolt
from api.bootstrap import bootstrap
from api.endpoint import GraphQLEndpoint
from api.feed_live import ChangeFeed
from api.feed_routes import feed_routes
from api.http import build_router
from api.language import RequestLanguage
from api.memory import limit_malloc_arenas
from api.middleware import AuthThrottle, BodyLimit, SecurityHeaders
from api.services import Services
from api.settings import ApiSettings
from api.throttle import FailureThrottle
from graph_model.errors import MaillageError
from graph_model.port import GraphStore
from graph_model.stored import shipped_lookup
from web import STATIC_DIR

logger = logging.getLogger(__name__)


async def _prepare(services: Services) -> None:
    """First-run loading then the projection, retried until the store answers."""
    settings = services.settings
    delay = 1.0
    while True:
        try:
            if settings.bootstrap:
                await anyio.to_thread.run_sync(bootstrap, services.graph)
            services.bootstrap_error = None
            await services.projection.ensure_loaded()
            # the territories an edit checks and places its actors in: read now, not by the
            # first write (a second of it, and memory the writes would seem to take)
            await anyio.to_thread.run_sync(shipped_lookup)
            services.ready = True
            logger.info("API ready in %.1f s", time.monotonic() - services.started_at)
            return
        except MaillageError as exc:
            services.bootstrap_error = str(exc)
            logger.warning("graph not ready yet (%s); retrying in %.0f s", exc, delay)
        except Exception as exc:  # a bug must not leave the API unready without a word
            services.bootstrap_error = f"unexpected error: {exc}"
            logger.exception("preparing the graph failed; retrying in %.0f s", delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 30.0)


def create_app(
    settings: ApiSettings | None = None,
    graph: GraphStore | None = None,
    *,
    store_settings: StoreSettings | None = None,
    snapshot_dir: Path | None = None,
    throttle: FailureThrottle | None = None,
) -> FastAPI:
    """The app; ``graph`` given: used as is and left open (the caller owns it); ``throttle``
    given: the failed tokens' brake (the tests hand one with their own clock)."""
    settings = settings or ApiSettings()
    limit_malloc_arenas()  # before the threads: their freed memory is then shared

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.switch_interval is not None:
            # the event loop (GraphQL execution) and the analytics threads share the GIL: a
            # shorter hand-over interval keeps the loop from queueing behind a long analytic
            # (process-wide; measured in bench/RESULTS.md)
            sys.setswitchinterval(settings.switch_interval)
        own = graph is None
        opened_settings = store_settings or StoreSettings()
        opened: GraphStore = (
            graph
            if graph is not None
            else await anyio.to_thread.run_sync(open_bolt, opened_settings)
        )
        snapshots = snapshot_dir
        if snapshots is None and own:
            snapshots = opened_settings.data_dir
        services = Services.build(settings, opened, snapshot_dir=snapshots)
        services.started_at = time.monotonic()
        app.state.services = services
        app.state.feed = ChangeFeed(services)
        endpoint.bind(services)
        preparing = asyncio.get_running_loop().create_task(_prepare(services))
        try:
            yield
        finally:
            preparing.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await preparing
            await app.state.feed.close()
            await services.guard.ensure_probe_stopped()
            await services.projection.close()
            if own:
                opened.close()

    app = FastAPI(
        title="Maillage",
        description="The solidarity-economy movement as a graph: GraphQL on /graphql.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    endpoint = _LazyEndpoint()
    app.router.routes.append(Route("/graphql", endpoint, methods=["GET", "POST"]))
    app.router.routes.extend(feed_routes(settings.cors_origins))  # /feed, /feed.atom, WebSocket
    app.include_router(build_router())
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
        )
    if STATIC_DIR.is_dir():
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="static")
    # the last added is the outermost: headers on every answer, refusals included; the brake on
    # guessed tokens before the body is read; the body's limits next to the routes
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(
        AuthThrottle,
        throttle=throttle
        or FailureThrottle(settings.auth_failures, settings.auth_failure_window, name="auth"),
    )
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    app.add_middleware(RequestLanguage)  # outermost: every answer in the request's language
    return app


class _LazyEndpoint:
    """The GraphQL endpoint, bound to the services when the lifespan has built them."""

    def __init__(self) -> None:
        self._endpoint: GraphQLEndpoint | None = None

    def bind(self, services: Services) -> None:
        self._endpoint = GraphQLEndpoint(services)

    async def __call__(self, scope: object, receive: object, send: object) -> None:
        if self._endpoint is None:  # pragma: no cover - only before the lifespan ran
            raise RuntimeError("the app's lifespan has not run")
        request = Request(scope, receive)  # type: ignore[arg-type]
        response = await self._endpoint(request)
        await response(scope, receive, send)  # type: ignore[arg-type]
