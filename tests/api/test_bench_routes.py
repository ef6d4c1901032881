"""The benchmark's own routes are the benchmark's: the product's app has none of them, the
benchmark's app serves them before the web map (mounted at ``/``, which answers every path)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from starlette.routing import Match, Mount
from starlette.types import Scope

from api.app import create_app
from api.settings import ApiSettings
from bench.api_routes import create_bench_app

BENCH_PATHS = ["/bench/actor/net-mes/links", "/bench/paths", "/bench/stock-graphql"]


def _scope(path: str) -> Scope:
    method = "POST" if path.endswith("graphql") else "GET"
    return {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}


def _first_match(app: FastAPI, path: str) -> object:
    """The route that answers ``path`` (the first that matches it fully, as Starlette routes)."""
    scope = _scope(path)
    return next(r for r in app.router.routes if r.matches(scope)[0] is Match.FULL)


@pytest.mark.parametrize("path", BENCH_PATHS)
def test_the_product_does_not_serve_the_benchmark_routes(path: str) -> None:
    found = _first_match(create_app(ApiSettings()), path)
    assert isinstance(found, Mount)  # only the web map, which answers 404


@pytest.mark.parametrize("path", BENCH_PATHS)
def test_the_benchmark_serves_its_routes_before_the_web_map(path: str) -> None:
    assert not isinstance(_first_match(create_bench_app(), path), Mount)
