"""How people reach the graph: the GraphQL API on FastAPI, HTTP exports, the web map.

What it offers (imported lazily: ``maillage token …`` need not load Strawberry):

- :func:`api.app.create_app` — the FastAPI app over the store's port it is handed (or one it
  opens per process, :mod:`api.bolt`);
- :class:`api.settings.ApiSettings` — host, port, public reads, CORS, limits (``MAILLAGE_``);
- :func:`api.schema.build_schema`, :func:`api.schema.sdl` — the Strawberry schema, its SDL;
- :mod:`api.auth` — bearer tokens (``ApiToken`` nodes, hashed), roles;
- :mod:`api.exports` — GEXF 1.3, GraphML, GeoJSON and CSV writers;
- :mod:`api.http` — ``/health``, ``/ready``, ``/export/…``; :mod:`api.services` — what one
  process holds (the store's port, the guard, the projection, the limits);
- :mod:`api.editing` — the mutations' transactions; :mod:`api.search`, :mod:`api.listing` —
  actor search and the lists' index, both over the projection;
- :mod:`api.guard`, :mod:`api.projection` — store outages and the analytics projection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.app import create_app
    from api.schema import build_schema, sdl
    from api.settings import ApiSettings

__all__ = ["ApiSettings", "build_schema", "create_app", "sdl"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from api.app import create_app

        return create_app
    if name == "ApiSettings":
        from api.settings import ApiSettings

        return ApiSettings
    if name in ("build_schema", "sdl"):
        from api import schema

        return getattr(schema, name)
    raise AttributeError(f"module 'api' has no attribute {name!r}")
