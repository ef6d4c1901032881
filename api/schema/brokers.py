"""Brokers as GraphQL types (``Query.brokers``): who holds the movement together."""

from __future__ import annotations

import strawberry

from api.schema.actors import Actor, answer_actor
from api.schema.context import Info
from api.schema.running import projection_of, run_analytic
from queries import analytics
from queries.projection import Projection


@strawberry.type(description="An actor and its betweenness in the scope.")
class BrokerScore:
    actor: Actor
    score: float = strawberry.field(description="share of pairs whose shortest paths cross it")
    stderr: float = strawberry.field(description="standard error of an estimated score")


@strawberry.type(description="Actors who hold the movement together, by betweenness.")
class Brokers:
    scope: str
    actors_in_scope: int
    exact: bool
    pivots: int | None
    seed: int | None
    error_bound: float = strawberry.field(
        description="Hoeffding bound on any one score's error, 95% confidence (0 when exact)"
    )
    actors: list[BrokerScore]


def brokers_from(projection: Projection, r: analytics.BrokerRanking, first: int) -> Brokers:
    """The GraphQL answer of a broker ranking, its ``first`` actors."""
    return Brokers(
        scope=r.scope,
        actors_in_scope=r.actors_in_scope,
        exact=r.exact,
        pivots=r.pivots,
        seed=r.seed,
        error_bound=r.error_bound,
        actors=[
            BrokerScore(actor=answer_actor(projection, b.actor), score=b.score, stderr=b.stderr)
            for b in r.actors
        ][:first],
    )


async def brokers_of(info: Info, query: analytics.BrokerQuery, first: int) -> Brokers:
    """The answer to a built broker question, its ``first`` actors."""
    projection = await projection_of(info)
    ranking = await run_analytic(info, analytics.find_brokers, projection, query)
    return brokers_from(projection, ranking, first)


__all__ = ["Brokers", "brokers_of"]
