"""Territory figures as GraphQL types: what ``Figures`` adds for a territory (legal families,
per 10,000 inhabitants, links crossing the border, isolated actors, networks present, brokers,
clusters, a comparison with another day), ``Query.territoryTable`` (a row per part of a
territory) and ``Query.figureSeries`` (a point per year).

Mapped from :mod:`queries.analytics.territories` (definitions there and in docs/analytics.md).
"""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from api.schema.context import Info
from api.schema.running import projection_of, run_analytic
from api.schema.values import Count, counts_from
from graph_model.model import TerritoryLevel
from queries.analytics import territories as analytics


@strawberry.type(description="A network (or body) and how many actors of the territory it has.")
class NetworkPresence:
    id: strawberry.ID
    name: str
    kind: str
    members: int


@strawberry.type(description="An actor of the territory that many shortest paths go through.")
class TerritoryBroker:
    id: strawberry.ID
    name: str
    kind: str
    score: float


@strawberry.type(description="A cluster of the territory (Leiden), its size and central actors.")
class TerritoryCluster:
    id: str
    size: int
    density: float
    central: list[str] = strawberry.field(description="names of its most central actors")


@strawberry.type(description="A figure on two days (key: the kind, family… of a count).")
class FigureDifference:
    field: str
    key: str | None
    before: float
    after: float
    change: float


@strawberry.type(description="The figures of a territory on a day, as a row of a table.")
class TerritoryRow:
    territory: str = strawberry.field(description="the territory's id: departement:69…")
    code: str
    name: str
    level: str
    as_of: date | None
    population: int | None
    epci_perimeter_year: int | None
    latitude: float | None = strawberry.field(
        description="a point for the territory (an EPCI: the mean of its communes' centres)"
    )
    longitude: float | None
    before_data: bool
    actors: int
    per_10000: float | None = strawberry.field(name="perTenThousand")
    links_inside: int
    links_crossing: int
    density: float
    isolated: int
    by_kind: list[Count]
    by_family: list[Count]
    by_theme: list[Count]


@strawberry.type(description="The figures of a territory on 1 January of a year.")
class FigurePoint:
    year: int
    as_of: date
    before_data: bool
    actors: int
    per_10000: float | None = strawberry.field(name="perTenThousand")
    links_inside: int
    links_crossing: int
    density: float
    isolated: int


@strawberry.type(description="A territory's figures year by year.")
class FigureSeries:
    territory: str
    name: str
    record_start: date | None
    points: list[FigurePoint]


@strawberry.enum(description="What a territory table is sorted by.")
class TableOrder(Enum):
    ACTORS = "actors"
    PER_10000 = "per_10000"
    LINKS_INSIDE = "links_inside"
    LINKS_CROSSING = "links_crossing"
    DENSITY = "density"
    ISOLATED = "isolated"
    POPULATION = "population"
    NAME = "name"
    CODE = "code"


def row_from(f: analytics.TerritoryFigures) -> TerritoryRow:
    return TerritoryRow(
        territory=f.territory,
        code=f.territory.partition(":")[2] or f.territory,
        name=f.name,
        level=f.level,
        as_of=f.as_of,
        population=f.population,
        epci_perimeter_year=f.epci_perimeter_year,
        latitude=f.latitude,
        longitude=f.longitude,
        before_data=f.before_data,
        actors=f.actors,
        per_10000=f.per_10000,
        links_inside=f.links_inside,
        links_crossing=f.links_crossing,
        density=f.density,
        isolated=f.isolated,
        by_kind=counts_from(f.by_kind),
        by_family=counts_from(f.by_family),
        by_theme=counts_from(f.by_theme),
    )


def differences_from(found: tuple[analytics.FigureDifference, ...]) -> list[FigureDifference]:
    return [
        FigureDifference(field=d.field, key=d.key, before=d.before, after=d.after, change=d.change)
        for d in found
    ]


def networks_from(f: analytics.TerritoryFigures) -> list[NetworkPresence]:
    return [
        NetworkPresence(id=strawberry.ID(n.id), name=n.name, kind=n.kind, members=n.members)
        for n in f.networks
    ]


def territory_of_scope(scope: str) -> analytics.TerritoryRef | None:
    """The territory a figures scope names (None for a list of communes)."""
    if "," in scope:
        return None
    return analytics.resolve_territory(scope)


async def details_of(
    info: Info, scope: str, as_of: date | None
) -> analytics.TerritoryFigures | None:
    """The territory figures behind ``Figures`` (remembered per projection: cheap to repeat)."""
    place = territory_of_scope(scope)
    if place is None:
        return None
    projection = await projection_of(info)
    return await run_analytic(info, analytics.territory_figures, projection, place, as_of=as_of)


async def structure_of(info: Info, scope: str, top: int) -> analytics.TerritoryStructure | None:
    place = territory_of_scope(scope)
    if place is None:
        return None
    projection = await projection_of(info)
    return await run_analytic(
        info, analytics.territory_structure, projection, place, top=max(1, min(top, 50))
    )


async def compare_of(
    info: Info, scope: str, as_of: date | None, other: date
) -> list[FigureDifference]:
    """``Figures`` on ``other`` (before) against ``Figures`` on ``as_of`` (after)."""
    place = territory_of_scope(scope)
    if place is None:
        return []
    projection = await projection_of(info)
    before = await run_analytic(info, analytics.territory_figures, projection, place, as_of=other)
    after = await run_analytic(info, analytics.territory_figures, projection, place, as_of=as_of)
    return differences_from(analytics.compare_figures(before, after))


async def table_of(
    info: Info,
    *,
    parent: str,
    level: TerritoryLevel,
    as_of: date | None,
    order_by: TableOrder,
    descending: bool,
) -> list[TerritoryRow]:
    projection = await projection_of(info)
    rows = await run_analytic(
        info,
        analytics.territory_table,
        projection,
        parent,
        level.value,
        as_of=as_of,
        order_by=order_by.value,
        descending=descending,
    )
    return [row_from(r) for r in rows]


async def series_of(info: Info, territory: str, start: int, end: int) -> FigureSeries:
    projection = await projection_of(info)
    points = await run_analytic(info, analytics.figure_series, projection, territory, start, end)
    place = analytics.resolve_territory(territory)
    first = points[0].figures if points else None
    return FigureSeries(
        territory=place.id,
        name=place.name,
        record_start=first.record_start if first else None,
        points=[
            FigurePoint(
                year=p.year,
                as_of=date(p.year, 1, 1),
                before_data=p.figures.before_data,
                actors=p.figures.actors,
                per_10000=p.figures.per_10000,
                links_inside=p.figures.links_inside,
                links_crossing=p.figures.links_crossing,
                density=p.figures.density,
                isolated=p.figures.isolated,
            )
            for p in points
        ],
    )


__all__ = [
    "FigureDifference",
    "FigurePoint",
    "FigureSeries",
    "NetworkPresence",
    "TableOrder",
    "TerritoryBroker",
    "TerritoryCluster",
    "TerritoryRow",
    "compare_of",
    "details_of",
    "differences_from",
    "networks_from",
    "row_from",
    "series_of",
    "structure_of",
    "table_of",
]
