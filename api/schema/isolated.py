"""Isolated actors as a GraphQL type (``Query.isolatedActors``): no cooperation link at all."""

from __future__ import annotations

from datetime import date

import strawberry

from api.schema.actors import Actor, answer_actor
from api.schema.context import Info
from api.schema.running import projection_of, run_analytic
from queries import analytics
from queries.projection import Projection


@strawberry.type(description="Actors of a scope without any cooperation link.")
class IsolatedActors:
    scope: str
    as_of: date | None
    within_scope: bool
    total_count: int
    actors: list[Actor] = strawberry.field(description="the first ones, by id")


def isolated_from(
    projection: Projection, r: analytics.IsolatedActors, first: int
) -> IsolatedActors:
    """The GraphQL answer, its ``first`` actors."""
    return IsolatedActors(
        scope=r.scope,
        as_of=r.as_of,
        within_scope=r.within_scope,
        total_count=len(r.actors),
        actors=[answer_actor(projection, a) for a in r.actors[:first]],
    )


async def isolated_of(
    info: Info, *, scope: str | None, first: int, as_of: date | None, within_scope: bool
) -> IsolatedActors:
    projection = await projection_of(info)
    found = await run_analytic(
        info,
        analytics.isolated_actors,
        projection,
        scope,
        as_of=as_of,
        within_scope=within_scope,
    )
    return isolated_from(projection, found, first)


__all__ = ["IsolatedActors", "isolated_of"]
