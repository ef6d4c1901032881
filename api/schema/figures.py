"""Figures of the movement in a scope, as GraphQL types (``Query.figures``, ``Territory.figures``).

Mapped from :func:`queries.analytics.movement_figures` (definitions in docs/api.md); they name
no actor, so territories can offer them without referring back.
"""

from __future__ import annotations

from datetime import date

import strawberry

from api.schema.context import Info
from api.schema.fields import field
from api.schema.running import projection_of, run_analytic
from api.schema.territories import (
    FigureDifference,
    NetworkPresence,
    TerritoryBroker,
    TerritoryCluster,
    compare_of,
    details_of,
    networks_from,
    structure_of,
)
from api.schema.values import Count, counts_from
from queries import analytics


@strawberry.type(description="Links between two régions (region_a <= region_b).")
class RegionCell:
    region_a: str
    region_b: str
    links: int


@strawberry.type(
    description="Figures of the movement in a scope: who is there, how densely linked, how far "
    "links reach (definitions in docs/api.md)."
)
class Figures:
    scope: str
    as_of: date | None
    actors: int
    by_kind: list[Count]
    by_legal_form: list[Count]
    links_inside: int
    links_touching: int
    links_by_kind: list[Count]
    density: float
    same_commune: int
    same_departement: int
    same_region_other_departement: int
    across_regions: int
    unknown_territory: int
    region_matrix: list[RegionCell]

    # -- for a territory (null for a list of communes): queries/analytics/territories.py ----
    @field(description="Whether the day is before the record's first dated fact (all zero).")
    async def before_data(self, info: Info) -> bool | None:
        found = await details_of(info, self.scope, self.as_of)
        return found.before_data if found else None

    @field(description="The record's first dated fact (the earliest link's since).")
    async def record_start(self, info: Info) -> date | None:
        found = await details_of(info, self.scope, self.as_of)
        return found.record_start if found else None

    @field(description="The territory's population municipale (the shipped reference).")
    async def population(self, info: Info) -> int | None:
        found = await details_of(info, self.scope, self.as_of)
        return found.population if found else None

    @field(description="For an EPCI: the year of its perimeter in the reference.")
    async def epci_perimeter_year(self, info: Info) -> int | None:
        found = await details_of(info, self.scope, self.as_of)
        return found.epci_perimeter_year if found else None

    @field(description="Actors present on the day (from their first dated link).")
    async def actors_present(self, info: Info) -> int | None:
        found = await details_of(info, self.scope, self.as_of)
        return found.actors if found else None

    @field(
        description="Present actors by legal family: association, cooperative, mutual, "
        "foundation, commercial (sociétés commerciales de l'ESS), other, unknown."
    )
    async def by_legal_family(self, info: Info) -> list[Count]:
        found = await details_of(info, self.scope, self.as_of)
        return counts_from(found.by_family) if found else []

    @field(description="Present actors by theme (an actor under each of its themes).")
    async def by_theme(self, info: Info) -> list[Count]:
        found = await details_of(info, self.scope, self.as_of)
        return counts_from(found.by_theme) if found else []

    @field(name="perTenThousand", description="Present actors per 10,000 inhabitants.")
    async def per_10000(self, info: Info) -> float | None:
        found = await details_of(info, self.scope, self.as_of)
        return found.per_10000 if found else None

    @field(description="Links valid on the day with exactly one end in the territory.")
    async def links_crossing(self, info: Info) -> int | None:
        found = await details_of(info, self.scope, self.as_of)
        return found.links_crossing if found else None

    @field(description="Links with both ends in the territory, by kind.")
    async def links_inside_by_kind(self, info: Info) -> list[Count]:
        found = await details_of(info, self.scope, self.as_of)
        return counts_from(found.links_inside_by_kind) if found else []

    @field(description="Links crossing the territory's border, by kind.")
    async def links_crossing_by_kind(self, info: Info) -> list[Count]:
        found = await details_of(info, self.scope, self.as_of)
        return counts_from(found.links_crossing_by_kind) if found else []

    @field(description="Pairs of present actors linked inside, over all pairs.")
    async def density_present(self, info: Info) -> float | None:
        found = await details_of(info, self.scope, self.as_of)
        return found.density if found else None

    @field(description="Present actors without any link valid on the day.")
    async def isolated(self, info: Info) -> int | None:
        found = await details_of(info, self.scope, self.as_of)
        return found.isolated if found else None

    @field(description="Networks and bodies with members in the territory, and how many.")
    async def networks(self, info: Info) -> list[NetworkPresence]:
        found = await details_of(info, self.scope, self.as_of)
        return networks_from(found) if found else []

    @field(description="The top brokers of the territory (betweenness; the graph as it is).")
    async def top_brokers(self, info: Info, top: int = 5) -> list[TerritoryBroker]:
        found = await structure_of(info, self.scope, top)
        return [
            TerritoryBroker(id=strawberry.ID(b.id), name=b.name, kind=b.kind, score=b.score)
            for b in (found.brokers if found else ())
        ]

    @field(description="The largest clusters of the territory (Leiden; the graph as it is).")
    async def top_clusters(self, info: Info, top: int = 5) -> list[TerritoryCluster]:
        found = await structure_of(info, self.scope, top)
        return [
            TerritoryCluster(id=c.id, size=c.size, density=c.density, central=list(c.central))
            for c in (found.clusters if found else ())
        ]

    @field(
        description="Every figure on another day (before) against this one (after), with the "
        "change: figures(asOf: B) { compare(asOf: A) }."
    )
    async def compare(self, info: Info, as_of: date) -> list[FigureDifference]:
        return await compare_of(info, self.scope, self.as_of, as_of)


def figures_from(f: analytics.MovementFigures) -> Figures:
    return Figures(
        scope=f.scope,
        as_of=f.as_of,
        actors=f.actors,
        by_kind=counts_from(f.by_kind),
        by_legal_form=counts_from(f.by_legal_form),
        links_inside=f.links_inside,
        links_touching=f.links_touching,
        links_by_kind=counts_from(f.links_by_kind),
        density=f.density,
        same_commune=f.same_commune,
        same_departement=f.same_departement,
        same_region_other_departement=f.same_region_other_departement,
        across_regions=f.across_regions,
        unknown_territory=f.unknown_territory,
        region_matrix=[
            RegionCell(region_a=c.region_a, region_b=c.region_b, links=c.links)
            for c in f.region_matrix
        ],
    )


async def figures_of(info: Info, scope: str | None, as_of: date | None = None) -> Figures:
    """The figures of ``scope`` (all of France when None) on ``as_of``."""
    projection = await projection_of(info)
    found = await run_analytic(info, analytics.movement_figures, projection, scope, as_of=as_of)
    details = await details_of(info, found.scope, as_of) if as_of is not None else None
    if details is not None and details.before_data:
        # a day before the record's first dated fact: nothing is known yet, every figure is 0
        # (undated links would otherwise count on any day); beforeData says so
        found = analytics.MovementFigures(
            scope=found.scope,
            as_of=found.as_of,
            actors=0,
            by_kind=(),
            by_legal_form=(),
            links_inside=0,
            links_touching=0,
            links_by_kind=(),
            density=0.0,
            same_commune=0,
            same_departement=0,
            same_region_other_departement=0,
            across_regions=0,
            unknown_territory=0,
            region_matrix=(),
        )
    return figures_from(found)


__all__ = ["Figures", "RegionCell", "figures_of"]
