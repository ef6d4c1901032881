"""An actor's neighbourhood as GraphQL types (``Query.neighbourhood``).

The question is one :class:`~queries.analytics.NeighbourhoodQuery`, built against the API's
settings by :meth:`api.services.Services.neighbourhood_query` (as the HTTP export builds it).
"""

from __future__ import annotations

from datetime import date

import strawberry

from api.schema.actors import Actor, answer_actor
from api.schema.context import Info
from api.schema.enums import LinkKind
from api.schema.fields import field
from api.schema.running import projection_of, run_analytic
from queries import analytics
from queries.projection import Projection


@strawberry.type(description="An actor near the centre, and how many hops away.")
class Neighbour:
    actor: Actor
    distance: int


@strawberry.type(description="A link among the actors of a neighbourhood.")
class NeighbourLink:
    id: strawberry.ID
    kind: LinkKind
    subkind: str | None
    since: date | None
    until: date | None
    source: strawberry.Private[str]
    target: strawberry.Private[str]
    projection: strawberry.Private[Projection]

    @field(name="from")
    def from_(self) -> Actor:
        return answer_actor(self.projection, self.source)

    @field()
    def to(self) -> Actor:
        return answer_actor(self.projection, self.target)


@strawberry.type(description="The actors within a few hops of an actor and the links among them.")
class Neighbourhood:
    center: Actor
    depth: int
    actors: list[Neighbour]
    links: list[NeighbourLink]
    truncated: bool = strawberry.field(description="the nearest actors were kept, not all")


def neighbourhood_from(projection: Projection, n: analytics.Neighbourhood) -> Neighbourhood:
    """The GraphQL answer of a neighbourhood of ``projection``."""
    return Neighbourhood(
        center=answer_actor(projection, n.center),
        depth=n.depth,
        actors=[
            Neighbour(actor=answer_actor(projection, a.actor), distance=a.distance)
            for a in n.actors
        ],
        links=[
            NeighbourLink(
                id=strawberry.ID(lk.id),
                kind=LinkKind(lk.kind),
                subkind=lk.subkind,
                since=lk.since,
                until=lk.until,
                source=lk.source,
                target=lk.target,
                projection=projection,
            )
            for lk in n.links
        ],
        truncated=n.truncated,
    )


async def neighbourhood_of(info: Info, query: analytics.NeighbourhoodQuery) -> Neighbourhood:
    """The answer to a built neighbourhood question."""
    projection = await projection_of(info)
    found = await run_analytic(info, analytics.find_neighbourhood, projection, query)
    return neighbourhood_from(projection, found)


__all__ = ["Neighbourhood", "neighbourhood_of"]
