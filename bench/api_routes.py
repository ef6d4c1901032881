"""The benchmark's own routes, mounted on the product's app by :func:`create_bench_app`.

``python -m bench.api_bench`` serves ``bench.api_routes:create_bench_app`` (the app
``maillage serve`` builds, plus these routes) and compares its GraphQL endpoint with:

* ``GET /bench/actor/{id}/links`` and ``GET /bench/paths``: plain JSON routes returning what
  the benchmark's GraphQL queries return, from the same reads (the store port, through the
  guard) and the same analytics (the same path question, against the same limits), serialised
  by FastAPI's response: what GraphQL costs on top;
* ``POST /bench/stock-graphql``: the same schema behind Strawberry's own FastAPI router,
  without caches: the "out of the box" baseline of the lean endpoint.

They are not part of the product: nothing under ``api/`` knows them.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import anyio
import strawberry
from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response
from starlette.routing import Mount
from strawberry.fastapi import BaseContext, GraphQLRouter

from api.app import create_app
from api.endpoint import dumps
from api.schema.actors import AdvocacyBody, Network, Organisation, Project
from api.schema.context import Context
from api.schema.mutations import Mutation
from api.schema.queries import Query
from api.services import Services
from queries.analytics import paths as path_analytics


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _json(body: Any) -> Response:
    return Response(dumps(body), media_type="application/json")


def _stock_graphql() -> APIRouter:
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


async def _both(first: Awaitable[Any], second: Awaitable[Any]) -> tuple[Any, Any]:
    results: list[Any] = [None, None]

    async def run(index: int, awaitable: Awaitable[Any]) -> None:
        results[index] = await awaitable

    async with anyio.create_task_group() as group:
        group.start_soon(run, 0, first)
        group.start_soon(run, 1, second)
    return results[0], results[1]


async def actor_links(actor_id: str, request: Request) -> Response:
    """What ``actor(id) { id name kind links(first: 100) { … } }`` answers."""
    services = _services(request)
    guard, graph = services.guard, services.graph
    actors, links = await _both(
        guard.run(graph.actors_by_id, [actor_id]),
        guard.run(graph.links_of_actors, [actor_id]),
    )
    actor = actors.get(actor_id)
    if actor is None:
        return _json({"data": {"actor": None}})
    rows = sorted((found.link for found in links), key=lambda link: link.id)
    edges = [
        {
            "node": {
                "id": link.id,
                "kind": link.kind,
                "since": link.since.isoformat() if link.since else None,
                "until": link.until.isoformat() if link.until else None,
                "from": {"id": link.source},
                "to": {"id": link.target},
            }
        }
        for link in rows[:100]
    ]
    links_body = {"totalCount": len(rows), "edges": edges}
    props = actor.props
    actor_body = {"id": actor_id, "name": props.get("name"), "kind": props.get("kind")}
    return _json({"data": {"actor": {**actor_body, "links": links_body}}})


async def paths(request: Request) -> Response:
    """What ``cooperationPaths(from, to, k) { found paths { … } }`` answers."""
    services = _services(request)
    params = request.query_params
    query = path_analytics.PathQuery.build(
        params["from"], params["to"], k=int(params.get("k", "1")), limits=services.path_limits
    )
    projection = await services.projection.get()
    answer = await services.compute_in_thread(lambda: path_analytics.find_paths(projection, query))
    found = [
        {
            "length": p.length,
            "actors": [{"id": a.id, "name": a.name} for a in p.actors],
            "hops": [{"links": [{"id": s.id, "kind": s.kind} for s in h.links]} for h in p.hops],
        }
        for p in answer.paths
    ]
    return _json({"data": {"cooperationPaths": {"found": answer.found, "paths": found}}})


def build_bench_router() -> APIRouter:
    router = APIRouter(prefix="/bench")
    router.include_router(_stock_graphql(), prefix="/stock-graphql")
    router.add_api_route("/actor/{actor_id}/links", actor_links, methods=["GET"])
    router.add_api_route("/paths", paths, methods=["GET"])
    return router


def create_bench_app() -> FastAPI:
    """The product's app (settings from the environment, as ``maillage serve``) with the
    benchmark's routes, placed before the web map's mount at ``/`` (which answers every path)."""
    app = create_app()
    app.include_router(build_bench_router())
    app.router.routes.sort(key=lambda route: isinstance(route, Mount))
    return app
