"""HTTP routes of the territory figures, beside the graph exports (:mod:`api.http`):

* ``GET /export/territories.csv`` and ``/export/territories.xlsx`` — ``territoryTable`` as a
  file: ``?parent=region:84&level=departement&asOf=2025-01-01&orderBy=actors&descending=true``
  (one row per territory; columns: the figures, then the legal families and the kinds); CSV
  with a byte-order mark, every text cell escaped against formulas, as the other exports;
* ``GET /fiche/{territory}.pdf?asOf=…`` — the territory sheet (:mod:`api.sheet`), in the
  request's language (``Accept-Language``); what the map opens on a click;
* ``GET /geo/epci.geojson`` — the approximate EPCI outlines of the reference (built from the
  commune centres, ``graph_model/reference/README.md``), which the choropleth draws when zoomed
  in;
* ``GET /reseau/{id}`` — the page of a network (``web/static/reseau.html``: its members on a
  map, their links, figures, its peers elsewhere; ``?embed=1`` without the page's chrome, for a
  network's own website, framed where ``MAILLAGE_FRAME_ANCESTORS`` allows, as every page). An
  id that is no actor, or an actor that is not a network, is a 404 page saying so.

Reads follow ``MAILLAGE_PUBLIC_READ`` like the other exports; errors are the same JSON.
``add_territory_routes`` is handed the helpers of :mod:`api.http` (the caller's check of a
reader, its error response) so that neither module imports the other.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

import anyio
from fastapi import APIRouter, Request
from starlette.responses import FileResponse, HTMLResponse, Response

from api.endpoint import request_id
from api.exports import csv_bytes, workbook
from api.services import Services
from graph_model.errors import MaillageError, ValidationError
from graph_model.i18n import _, language
from graph_model.territories import REFERENCE_DIR
from queries.analytics import territories
from queries.analytics.legal import FAMILIES
from web import STATIC_DIR

CheckReader = Callable[[Services, Request], Awaitable[None]]
ErrorResponse = Callable[[MaillageError, str], Response]

#: the approximate EPCI outlines the choropleth draws when zoomed in (scripts/epci_outlines.py)
EPCI_OUTLINES = "epci-approx.geojson"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("Organisation", "Network", "Project", "AdvocacyBody")
HEADER = (
    "territory",
    "code",
    "name",
    "level",
    "as_of",
    "population",
    "epci_perimeter_year",
    "before_data",
    "actors",
    "per_10000",
    "links_inside",
    "links_crossing",
    "density",
    "isolated",
    *(f"family_{family}" for family in FAMILIES),
    *(f"kind_{kind}" for kind in KINDS),
)


def table_rows(rows: Sequence[territories.TerritoryFigures]) -> list[list[Any]]:
    """The table's rows, header first (stable machine column names)."""
    found: list[list[Any]] = [list(HEADER)]
    for r in rows:
        families = {c.key: c.count for c in r.by_family}
        kinds = {c.key: c.count for c in r.by_kind}
        found.append(
            [
                r.territory,
                r.territory.partition(":")[2] or r.territory,
                r.name,
                r.level,
                r.as_of.isoformat() if r.as_of else "",
                "" if r.population is None else r.population,
                "" if r.epci_perimeter_year is None else r.epci_perimeter_year,
                "true" if r.before_data else "false",
                r.actors,
                "" if r.per_10000 is None else r.per_10000,
                r.links_inside,
                r.links_crossing,
                r.density,
                r.isolated,
                *(families.get(family, 0) for family in FAMILIES),
                *(kinds.get(kind, 0) for kind in KINDS),
            ]
        )
    return found


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            _("asOf: {value} is not a date (YYYY-MM-DD)", value=repr(value)), field="asOf"
        ) from exc


def _level(value: str | None) -> territories.Level:
    text = (value or "departement").strip().casefold()
    for level in territories.LEVELS:
        if level == text:
            return level
    raise ValidationError(
        _(
            "level: {value} is not a level; use region, departement, epci or commune",
            value=repr(value),
        ),
        field="level",
    )


def add_territory_routes(
    router: APIRouter,
    services_of: Callable[[Request], Services],
    check_reader: CheckReader,
    error: ErrorResponse,
) -> None:
    """Add the table exports, the sheet, the network page and the EPCI outlines to ``router``
    (before its ``/export/{what}``)."""
    _add_table_routes(router, services_of, check_reader, error)
    _add_sheet_route(router, services_of, check_reader, error)
    _add_page_routes(router, services_of, check_reader, error)


def _add_table_routes(
    router: APIRouter,
    services_of: Callable[[Request], Services],
    check_reader: CheckReader,
    error: ErrorResponse,
) -> None:
    async def table(request: Request, fmt: str) -> Response:
        rid = request_id(request)
        services = services_of(request)
        params = request.query_params
        try:
            services.guard.check()
            await check_reader(services, request)
            projection = await services.projection.get()
            parent = params.get("parent") or "FR"
            level = _level(params.get("level"))
            day = _day(params.get("asOf"))
            order = params.get("orderBy") or "actors"
            descending = (params.get("descending") or "true").casefold() != "false"
            with anyio.fail_after(services.settings.export_timeout):
                rows = await services.compute_in_thread(
                    lambda: territories.territory_table(
                        projection, parent, level, as_of=day, order_by=order, descending=descending
                    )
                )
            content = await services.compute_in_thread(
                lambda: (
                    csv_bytes(table_rows(rows))
                    if fmt == "csv"
                    else workbook({"territories": table_rows(rows)})
                )
            )
        except MaillageError as exc:
            return error(exc, rid)
        name = f"maillage-territories-{parent.replace(':', '-')}-{level}.{fmt}"
        return Response(
            content,
            media_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Request-ID": rid},
        )

    @router.get("/export/territories.csv")
    async def territories_csv(request: Request) -> Response:
        return await table(request, "csv")

    @router.get("/export/territories.xlsx")
    async def territories_xlsx(request: Request) -> Response:
        return await table(request, "xlsx")


def _add_sheet_route(
    router: APIRouter,
    services_of: Callable[[Request], Services],
    check_reader: CheckReader,
    error: ErrorResponse,
) -> None:
    @router.get("/fiche/{territory}.pdf")
    async def sheet(territory: str, request: Request) -> Response:
        from api.sheet import render_territory_sheet

        rid = request_id(request)
        services = services_of(request)
        try:
            services.guard.check()
            await check_reader(services, request)
            place = territories.resolve_territory(territory)
            day = _day(request.query_params.get("asOf"))
            projection = await services.projection.get()
            found = territories.territory_figures(projection, place, as_of=day)
            labels = await _theme_labels(services, [c.key for c in found.by_theme[:10]])
            with anyio.fail_after(services.settings.export_timeout):
                content = await services.compute_in_thread(
                    lambda: render_territory_sheet(
                        projection, place, as_of=day, theme_labels=labels
                    )
                )
        except TimeoutError:
            exc = MaillageError(_("the sheet took longer than the export limit"))
            exc.code = "timeout"
            return error(exc, rid)
        except MaillageError as exc:
            return error(exc, rid)
        name = f"fiche-{place.id.replace(':', '-')}.pdf"
        return Response(
            content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"', "X-Request-ID": rid},
        )


async def _theme_labels(services: Services, wanted: list[str]) -> dict[str, str]:
    """The labels of the themes ``wanted``, in the request's language."""
    themes = await services.guard.run(services.graph.themes_by_id, wanted)
    english = language() == "en"
    return {
        key: str(
            (props.get("label_en") if english else None)
            or props.get("label_fr")
            or props.get("name")
            or key
        )
        for key, props in themes.items()
    }


def _add_page_routes(
    router: APIRouter,
    services_of: Callable[[Request], Services],
    check_reader: CheckReader,
    error: ErrorResponse,
) -> None:
    @router.get("/reseau/{actor_id}")
    async def network_page(actor_id: str, request: Request) -> Response:
        rid = request_id(request)
        services = services_of(request)
        try:
            services.guard.check()
            await check_reader(services, request)
            projection = await services.projection.get()
        except MaillageError as exc:
            return error(exc, rid)
        graph = projection.graph
        reason = not_a_network(actor_id, graph.nodes[actor_id] if actor_id in graph else None)
        if reason is not None:
            return _refusal_page(reason, 404)
        return FileResponse(STATIC_DIR / "reseau.html", media_type="text/html")

    @router.get("/geo/epci.geojson")
    async def epci_outlines() -> Response:
        # reference data, public like the map's other outlines (web/static/geo); approximate
        # (graph_model/reference/README.md, "EPCI outlines"), so the map says so
        return FileResponse(
            REFERENCE_DIR / EPCI_OUTLINES,
            media_type="application/geo+json",
            headers={"Cache-Control": "public, max-age=86400"},
        )


def not_a_network(actor_id: str, attrs: Any) -> str | None:
    """Why ``actor_id`` has no network page (None: it has one)."""
    if attrs is None:
        return _(
            "no actor has the id {id}: a network page is at /reseau/ followed by the id of a "
            "network (net-mes, for example)",
            id=repr(actor_id),
        )
    if attrs["kind"] != "Network":
        kinds = {
            "Organisation": _("an organisation"),
            "Project": _("a project"),
            "AdvocacyBody": _("an advocacy body"),
        }
        return _(
            "{name} ({id}) is {kind}, not a network: only a network has a page here",
            name=str(attrs["name"]),
            id=actor_id,
            kind=kinds.get(attrs["kind"], str(attrs["kind"])),
        )
    return None


def _refusal_page(reason: str, status: int) -> HTMLResponse:
    title = _("No network page")
    body = (
        f'<!doctype html><html lang="{html.escape(language())}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f'<p id="reason">{html.escape(reason)}</p></body></html>'
    )
    return HTMLResponse(body, status_code=status)


__all__ = ["add_territory_routes", "not_a_network", "table_rows"]
