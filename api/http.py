"""HTTP beside GraphQL: ``/health``, ``/ready``, ``/export/…``.

* ``GET /health`` — the process answers (200 always): for a container's liveness probe;
* ``GET /ready`` — the store answers and the projection is loaded (200), else 503 with why:
  for a readiness probe, and what to poll after ``maillage serve``; it never names the
  database's address (the server's log does), and shows the counts of actors and links only to
  a caller who may read (anyone with ``MAILLAGE_PUBLIC_READ=true``, else a token);
* ``GET /export/{what}.{format}`` — ``what`` is ``scope`` (``?scope=region:76``; all of France
  by default), ``paths`` (the cooperationPaths arguments), ``clusters``
  (``?scope&resolution&seed``, with each actor's cluster) or ``neighbourhood``
  (``?actor&depth``); ``format`` is ``gexf`` (1.3, with time spells), ``graphml``, ``geojson``
  or ``csv`` (a zip of nodes.csv and links.csv). Reads follow ``MAILLAGE_PUBLIC_READ``.

Errors are JSON ``{"error": {"code", "message"}}`` with the status that says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from starlette.responses import Response

from api.auth import AuthError, Role, Unauthenticated, bearer
from api.endpoint import dumps, request_id
from api.exports import FORMATS, Subgraph, render
from api.services import Services
from api.sessions import account_router
from api.territory_routes import add_territory_routes
from graph_model.errors import MaillageError, NotFound, StoreUnavailable, ValidationError
from graph_model.i18n import _
from queries import analytics
from queries.analytics import paths as path_analytics
from queries.analytics import scope as scopes
from queries.projection import Projection

_STATUS = {
    "not_found": 404,
    "ambiguous": 400,
    "store_unavailable": 503,
    "unauthenticated": 401,
    "forbidden": 403,
    "timeout": 504,
}


def _error(exc: MaillageError, rid: str) -> Response:
    status = _STATUS.get(exc.code, 400)
    body = {"error": {"code": exc.code, "message": str(exc), "requestId": rid}}
    return Response(
        dumps(body),
        status_code=status,
        media_type="application/json",
        headers={"X-Request-ID": rid},
    )


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _check_reader(services: Services, request: Request) -> None:
    token = bearer(request.headers.get("authorization"))
    if token is None:
        if not services.settings.public_read:
            raise Unauthenticated(
                _(
                    "reads need a token here (MAILLAGE_PUBLIC_READ=false): send "
                    "'Authorization: Bearer <token>'"
                )
            )
        return
    tokens = services.tokens
    principal = tokens.cached(token)
    if principal is None:
        principal = await services.guard.run(tokens.verify, token)
    if not principal.may(Role.READER):  # pragma: no cover - every role may read
        raise Unauthenticated("this token may not read")


async def _may_read(services: Services, request: Request) -> bool:
    """Whether the caller may read the graph (``/ready`` shows counts only to such a caller)."""
    try:
        await _check_reader(services, request)
    except AuthError:
        return False
    return True


def _list(value: str | None) -> list[str] | None:
    if value is None or not value.strip():
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _int(params: Any, name: str, default: int | None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValidationError(
            _("{name}: {value!r} is not an integer", name=name, value=value), field=name
        ) from exc


def _day(params: Any, name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            _("{name}: {value!r} is not a date (YYYY-MM-DD)", name=name, value=value), field=name
        ) from exc


def _scope_subgraph(projection: Projection, params: Any) -> Subgraph:
    selection = scopes.select(projection, params.get("scope"))
    return Subgraph.induced(projection, selection.actors, f"Maillage — {selection.scope.label}")


def _paths_subgraph(projection: Projection, params: Any, services: Services) -> Subgraph:
    source, target = params.get("from"), params.get("to")
    if not source or not target:
        raise ValidationError(_("paths: give ?from=<actor>&to=<actor>"), field="from")
    query = path_analytics.PathQuery.build(
        source,
        target,
        max_hops=_int(params, "maxHops", None),
        kinds=_list(params.get("kinds")),
        as_of=_day(params, "asOf"),
        avoid=_list(params.get("avoid")) or (),
        avoid_kinds=_list(params.get("avoidKinds")) or (),
        k=_int(params, "k", 1) or 1,
        weighted=params.get("weighted", "false").lower() in ("1", "true", "yes"),
        limits=services.path_limits,
    )
    answer = path_analytics.find_paths(projection, query)
    actors = {a.id for p in answer.paths for a in p.actors} | {answer.source.id, answer.target.id}
    links = {step.id for p in answer.paths for h in p.hops for step in h.links}
    title = f"Maillage — cooperation paths {answer.source.id} → {answer.target.id}"
    subgraph = Subgraph.of_links(projection, links, actors, title)
    for rank, path in enumerate(answer.paths, start=1):
        for actor in path.actors:
            subgraph.node_extra.setdefault(actor.id, {}).setdefault("path", rank)
    return subgraph


def _float(params: Any, name: str, default: float) -> float:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValidationError(
            _("{name}: {value!r} is not a number", name=name, value=value), field=name
        ) from exc


def _clusters_subgraph(projection: Projection, params: Any, services: Services) -> Subgraph:
    query = analytics.ClusterQuery.build(
        params.get("scope"),
        resolution=_float(params, "resolution", 1.0),
        seed=_int(params, "seed", 0) or 0,
    )
    clustering = services.clusters.get(projection, query)
    members = {m: c.id for c in clustering.clusters for m in c.members}
    title = f"Maillage — clusters of {clustering.scope} (resolution {clustering.resolution:g})"
    subgraph = Subgraph.induced(projection, members, title)
    for actor, cluster in members.items():
        subgraph.node_extra[actor] = {"cluster": cluster}
    return subgraph


def _neighbourhood_subgraph(projection: Projection, params: Any, services: Services) -> Subgraph:
    actor = params.get("actor")
    if not actor:
        raise ValidationError(_("neighbourhood: give ?actor=<id>&depth=1..3"), field="actor")
    query = services.neighbourhood_query(
        actor,
        depth=_int(params, "depth", 1) or 1,
        kinds=_list(params.get("kinds")),
        as_of=_day(params, "asOf"),
    )
    answer = analytics.find_neighbourhood(projection, query)
    title = f"Maillage — neighbourhood of {answer.center.id} (depth {answer.depth})"
    subgraph = Subgraph.of_links(
        projection, {lk.id for lk in answer.links}, {a.actor.id for a in answer.actors}, title
    )
    for neighbour in answer.actors:
        subgraph.node_extra[neighbour.actor.id] = {"distance": neighbour.distance}
    return subgraph


Builder = Callable[[Projection, Any, Services], Subgraph]
EXPORTS: dict[str, Builder] = {
    "scope": lambda projection, params, _services: _scope_subgraph(projection, params),
    "paths": _paths_subgraph,
    "clusters": _clusters_subgraph,
    "neighbourhood": _neighbourhood_subgraph,
}


async def ready(request: Request) -> Response:
    """``/ready``: 200 once the graph is in memory, 503 with the reason before; the counts
    for a caller who may read."""
    services = _services(request)
    body: dict[str, Any] = {"status": "ready"}
    try:
        services.guard.check()
        version = await services.guard.run_within(5.0, services.graph.graph_version)
    except StoreUnavailable as exc:
        body.update(status="unavailable", reason=str(exc))
        return Response(dumps(body), status_code=503, media_type="application/json")
    body["graphVersion"] = version
    projection = services.projection.current
    if services.bootstrap_error is not None:
        body.update(status="starting", reason="first-run loading failed; the server's log says why")
        return Response(dumps(body), status_code=503, media_type="application/json")
    if not services.ready or projection is None:
        body.update(status="starting", reason="loading the graph into memory")
        return Response(dumps(body), status_code=503, media_type="application/json")
    body["projectionVersion"] = projection.version
    # how the projection follows the store: rebuilds are the recovery path only
    body["projection"] = services.projection.stats()
    if not await _may_read(services, request):
        return Response(dumps(body), media_type="application/json")
    body["actors"] = projection.graph.number_of_nodes()
    body["links"] = projection.link_count()
    return Response(dumps(body), media_type="application/json")


async def export(what: str, fmt: str, request: Request) -> Response:
    """``/export/{what}.{fmt}``: a subgraph (:data:`EXPORTS`) in a file format (GEXF, GraphML,
    GeoJSON, CSV), computed in a thread under the export time limit."""
    rid = request_id(request)
    services = _services(request)
    try:
        if fmt not in FORMATS:
            raise NotFound(
                _(
                    "no export format {fmt!r}: use {formats}",
                    fmt=fmt,
                    formats=", ".join(sorted(FORMATS)),
                )
            )
        builder = EXPORTS.get(what)
        if builder is None:
            raise NotFound(
                _(
                    "no export of {what!r}: use {exports}",
                    what=what,
                    exports=", ".join(sorted(EXPORTS)),
                )
            )
        services.guard.check()
        await _check_reader(services, request)
        projection = await services.projection.get()
        params = request.query_params
        started = time.monotonic()
        with anyio.fail_after(services.settings.export_timeout):
            content = await services.compute_in_thread(
                lambda: render(builder(projection, params, services), fmt)
            )
    except TimeoutError:
        exc = MaillageError(
            _(
                "the export ran longer than the limit export_timeout of {seconds} s "
                "(MAILLAGE_EXPORT_TIMEOUT): export a smaller scope",
                seconds=f"{services.settings.export_timeout:g}",
            )
        )
        exc.code = "timeout"
        return _error(exc, rid)
    except MaillageError as exc:
        return _error(exc, rid)
    media_type, extension = FORMATS[fmt]
    name = f"maillage-{what}.{extension}"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Request-ID": rid,
            "X-Export-Seconds": f"{time.monotonic() - started:.3f}",
        },
    )


def build_router() -> APIRouter:
    router = APIRouter()
    add_territory_routes(router, _services, _check_reader, _error)  # before /export/{what}

    @router.get("/health", include_in_schema=True)
    async def health() -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    router.add_api_route("/ready", ready, methods=["GET"])
    router.add_api_route("/export/{what}.{fmt}", export, methods=["GET"])
    router.include_router(account_router())  # /auth/signin, /auth/signout… (api.sessions)
    return router
