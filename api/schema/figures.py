"""Figures of the movement in a scope, as GraphQL types (``Query.figures``, ``Territory.figures``).

Mapped from :func:`queries.analytics.movement_figures` (definitions in docs/api.md); they name
no actor, so territories can offer them without referring back.
"""

from __future__ import annotations

from datetime import date

import strawberry

from api.schema.context import Info
from api.schema.running import projection_of, run_analytic
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
    return figures_from(found)


__all__ = ["Figures", "RegionCell", "figures_of"]
