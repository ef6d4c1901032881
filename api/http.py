"""HTTP beside GraphQL: ``/health``, ``/ready``, ``/export/…`` (and the benchmark's plain routes).

* ``GET /health`` — the process answers (200 always): for a container's liveness probe;
* ``GET /ready`` — the store answers and the projection is loaded (200), else 503 with why:
  for a readiness probe, and what to poll after ``maillage serve``;
* ``GET /export/{what}.{format}`` — ``what`` is ``scope`` (``?scope=region:76``; all of France
  by default), ``paths`` (the cooperationPaths arguments), ``clusters``
  (``?scope&resolution&seed``, with each actor's cluster) or ``neighbourhood``
  (``?actor&depth``); ``format`` is ``gexf`` (1.3, with time spells), ``graphml``, ``geojson``
  or ``csv`` (a zip of nodes.csv and links.csv). Reads follow ``MAILLAGE_PUBLIC_READ``.

Errors are JSON ``{"error": {"code", "message"}}`` with the status that says why.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from starlette.responses import Response

from api.auth import Role, Unauthenticated, bearer
from api.endpoint import dumps, request_id
from api.exports import FORMATS, Subgraph, render
from api.services import Services
from graph_model.errors import MaillageError, NotFound, StoreUnavailable, ValidationError
from queries import analytics
from queries.analytics import paths as path_analytics
from queries.analytics import scope as scopes
from queries.projection import Projection
from queries.store import cypher

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
                "reads need a token here (MAILLAGE_PUBLIC_READ=false): send "
                "'Authorization: Bearer <token>'"
            )
        return
    tokens = services.tokens
    principal = tokens.cached(token)
    if principal is None:
        principal = await services.guard.run(tokens.verify, token)
    if not principal.may(Role.READER):  # pragma: no cover - every role may read
        raise Unauthenticated("this token may not read")


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
        raise ValidationError(f"{name}: {value!r} is not an integer", field=name) from exc


def _day(params: Any, name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(f"{name}: {value!r} is not a date (YYYY-MM-DD)", field=name) from exc


def _scope_subgraph(projection: Projection, params: Any) -> Subgraph:
    selection = scopes.select(projection, params.get("scope"))
    return Subgraph.induced(projection, selection.actors, f"Maillage — {selection.scope.label}")


def _paths_subgraph(projection: Projection, params: Any, services: Services) -> Subgraph:
    source, target = params.get("from"), params.get("to")
    if not source or not target:
        raise ValidationError("paths: give ?from=<actor>&to=<actor>", field="from")
    settings = services.settings
    k = _int(params, "k", 1) or 1
    if not 1 <= k <= settings.max_paths:
        raise ValidationError(
            f"k: {k} is outside 1..{settings.max_paths} (limit max_paths, MAILLAGE_MAX_PATHS)",
            field="k",
        )
    answer = path_analytics.cooperation_paths(
        projection,
        source,
        target,
        max_hops=_int(params, "maxHops", settings.max_path_hops),
        kinds=_list(params.get("kinds")),
        as_of=_day(params, "asOf"),
        avoid=_list(params.get("avoid")) or (),
        avoid_kinds=_list(params.get("avoidKinds")) or (),
        k=k,
        weighted=params.get("weighted", "false").lower() in ("1", "true", "yes"),
    )
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
        raise ValidationError(f"{name}: {value!r} is not a number", field=name) from exc


def _clusters_subgraph(projection: Projection, params: Any, services: Services) -> Subgraph:
    clustering = services.clusters.get(
        projection,
        params.get("scope"),
        resolution=_float(params, "resolution", 1.0),
        seed=_int(params, "seed", 0) or 0,
    )
    members = {m: c.id for c in clustering.clusters for m in c.members}
    title = f"Maillage — clusters of {clustering.scope} (resolution {clustering.resolution:g})"
    subgraph = Subgraph.induced(projection, members, title)
    for actor, cluster in members.items():
        subgraph.node_extra[actor] = {"cluster": cluster}
    return subgraph


def _neighbourhood_subgraph(projection: Projection, params: Any, services: Services) -> Subgraph:
    actor = params.get("actor")
    if not actor:
        raise ValidationError("neighbourhood: give ?actor=<id>&depth=1..3", field="actor")
    depth = _int(params, "depth", 1) or 1
    limit = services.settings.max_neighbourhood_depth
    if not 1 <= depth <= limit:
        raise ValidationError(
            f"depth: {depth} is outside 1..{limit} (MAILLAGE_MAX_NEIGHBOURHOOD_DEPTH)",
            field="depth",
        )
    answer = analytics.neighbourhood(
        projection,
        actor,
        depth=depth,
        kinds=_list(params.get("kinds")),
        as_of=_day(params, "asOf"),
        limit=services.settings.max_neighbourhood_actors,
    )
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


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/health", include_in_schema=True)
    async def health() -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    @router.get("/ready")
    async def ready(request: Request) -> Response:
        services = _services(request)
        body: dict[str, Any] = {"status": "ready", "store": services.store.uri}
        try:
            services.guard.check()
            version = await services.guard.run_within(5.0, services.store.version)
        except StoreUnavailable as exc:
            body.update(status="unavailable", reason=str(exc))
            return Response(dumps(body), status_code=503, media_type="application/json")
        body["graphVersion"] = version
        projection = services.projection.current
        if services.bootstrap_error is not None:
            body.update(
                status="starting", reason=f"first-run loading failed: {services.bootstrap_error}"
            )
            return Response(dumps(body), status_code=503, media_type="application/json")
        if not services.ready or projection is None:
            body.update(status="starting", reason="loading the graph into memory")
            return Response(dumps(body), status_code=503, media_type="application/json")
        body["projectionVersion"] = projection.version
        body["actors"] = projection.graph.number_of_nodes()
        body["links"] = projection.graph.number_of_edges()
        return Response(dumps(body), media_type="application/json")

    @router.get("/export/{what}.{fmt}")
    async def export(what: str, fmt: str, request: Request) -> Response:
        rid = request_id(request)
        services = _services(request)
        try:
            if fmt not in FORMATS:
                raise NotFound(f"no export format {fmt!r}: use gexf, graphml, geojson or csv")
            builder = EXPORTS.get(what)
            if builder is None:
                raise NotFound(f"no export of {what!r}: use {', '.join(sorted(EXPORTS))}")
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
                f"the export ran longer than the limit export_timeout of "
                f"{services.settings.export_timeout:g} s (MAILLAGE_EXPORT_TIMEOUT)"
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

    return router


def _stock_graphql() -> APIRouter:
    """The same schema behind Strawberry's own FastAPI router, without caches: the "out of the
    box" baseline the benchmark compares the lean endpoint with."""
    import strawberry
    from strawberry.fastapi import BaseContext, GraphQLRouter

    from api.schema.context import Context
    from api.schema.mutations import Mutation
    from api.schema.queries import Query
    from api.schema.types import AdvocacyBody, Network, Organisation, Project

    class StockContext(Context, BaseContext):
        pass

    schema = strawberry.Schema(
        query=Query, mutation=Mutation, types=[Network, Organisation, Project, AdvocacyBody]
    )

    async def context(request: Request) -> StockContext:
        services = _services(request)
        return StockContext(
            services=services,
            loaders=Context.create(services, request_id="stock", token=None).loaders,
            request_id="stock",
        )

    return GraphQLRouter(schema, context_getter=context, graphql_ide=None)


def build_bench_router() -> APIRouter:
    """Plain JSON routes returning what the benchmark's GraphQL queries return (same reads,
    same analytics), to measure what GraphQL costs on top (``bench/api_bench.py``), and the
    schema behind Strawberry's stock router (``/bench/stock-graphql``)."""
    router = APIRouter(prefix="/bench")
    router.include_router(_stock_graphql(), prefix="/stock-graphql")

    @router.get("/actor/{actor_id}/links")
    async def actor_links(actor_id: str, request: Request) -> Response:
        services = _services(request)
        guard = services.guard
        actors, links = await _both(
            guard.run(guard.store.read, cypher("actors_by_id"), ids=[actor_id]),
            guard.run(guard.store.read, cypher("api_actor_links"), ids=[actor_id]),
        )
        if not actors:
            return Response(dumps({"data": {"actor": None}}), media_type="application/json")
        props = actors[0]["props"]
        rows = sorted(links, key=lambda r: r["id"])[:100]
        body = {
            "data": {
                "actor": {
                    "id": actor_id,
                    "name": props.get("name"),
                    "kind": props.get("kind"),
                    "links": {
                        "totalCount": len(links),
                        "edges": [
                            {
                                "node": {
                                    "id": r["id"],
                                    "kind": r["kind"],
                                    "since": _iso(r["since"]),
                                    "until": _iso(r["until"]),
                                    "from": {"id": r["source"]},
                                    "to": {"id": r["target"]},
                                }
                            }
                            for r in rows
                        ],
                    },
                }
            }
        }
        return Response(dumps(body), media_type="application/json")

    @router.get("/paths")
    async def paths(request: Request) -> Response:
        services = _services(request)
        params = request.query_params
        projection = await services.projection.get()
        answer = await services.compute_in_thread(
            lambda: path_analytics.cooperation_paths(
                projection,
                params["from"],
                params["to"],
                k=int(params.get("k", "1")),
                max_hops=services.settings.max_path_hops,
            )
        )
        body = {
            "data": {
                "cooperationPaths": {
                    "found": answer.found,
                    "paths": [
                        {
                            "length": p.length,
                            "actors": [{"id": a.id, "name": a.name} for a in p.actors],
                            "hops": [
                                {"links": [{"id": s.id, "kind": s.kind} for s in h.links]}
                                for h in p.hops
                            ],
                        }
                        for p in answer.paths
                    ],
                }
            }
        }
        return Response(dumps(body), media_type="application/json")

    return router


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    to_native = getattr(value, "to_native", None)
    native = to_native() if callable(to_native) else value
    return native.isoformat() if hasattr(native, "isoformat") else str(native)


async def _both(first: Awaitable[Any], second: Awaitable[Any]) -> tuple[Any, Any]:
    results: list[Any] = [None, None]

    async def run(index: int, awaitable: Awaitable[Any]) -> None:
        results[index] = await awaitable

    async with anyio.create_task_group() as group:
        group.start_soon(run, 0, first)
        group.start_soon(run, 1, second)
    return results[0], results[1]
