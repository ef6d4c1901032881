"""Cooperation paths as GraphQL types (``Query.cooperationPaths``).

The question is one :class:`~queries.analytics.paths.PathQuery`, built by the resolver against
the API's path limits (:attr:`api.services.Services.path_limits`, the same value the HTTP export
checks against); :func:`cooperation_paths` answers it on the projection in a worker thread and
maps the answer (:func:`paths_from`): each actor of the answer once, from the projection.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from api.schema.actors import Actor, answer_actor
from api.schema.context import Info
from api.schema.enums import LinkKind
from api.schema.running import projection_of, run_analytic
from api.schema.values import Source, sources_from_answer
from queries.analytics import ActorRef
from queries.analytics import paths as path_analytics
from queries.projection import Projection


@strawberry.enum(description="Whether a path walks a link the way it points, or against it.")
class PathDirection(Enum):
    FORWARD = "forward"
    BACKWARD = "backward"


@strawberry.type(description="A link a path walks, with its direction along the path.")
class PathLink:
    id: strawberry.ID
    kind: LinkKind
    subkind: str | None
    direction: PathDirection
    since: date | None
    until: date | None
    sources: list[Source]


@strawberry.type(description="Two consecutive actors of a path and every valid link joining them.")
class Hop:
    from_: Actor = strawberry.field(name="from")
    to: Actor
    links: list[PathLink]
    cost: float


@strawberry.type(description="One way from an actor to another.")
class CooperationPath:
    actors: list[Actor]
    hops: list[Hop]
    length: int = strawberry.field(description="number of hops")
    cost: float = strawberry.field(description="sum of the hops' costs (weighted searches)")


@strawberry.type(description="The constraints a path search ran within.")
class PathConstraints:
    weighted: bool
    max_hops: int | None
    kinds: list[LinkKind] | None
    as_of: date | None
    avoid: list[str]
    avoid_kinds: list[str]
    k: int


@strawberry.type(description="Cooperation paths between two actors, or why there are none.")
class CooperationPaths:
    from_: Actor = strawberry.field(name="from")
    to: Actor
    found: bool
    paths: list[CooperationPath]
    explanation: str
    blocking: list[str] = strawberry.field(
        description="constraints that, lifted alone, would let a path through"
    )
    constraints: PathConstraints


def _link(step: path_analytics.LinkStep) -> PathLink:
    return PathLink(
        id=strawberry.ID(step.id),
        kind=LinkKind(step.kind),
        subkind=step.subkind,
        direction=PathDirection(step.direction),
        since=step.since,
        until=step.until,
        sources=sources_from_answer(step.sources),
    )


def _constraints(c: path_analytics.PathConstraints) -> PathConstraints:
    return PathConstraints(
        weighted=c.weighted,
        max_hops=c.max_hops,
        kinds=[LinkKind(k) for k in c.kinds] if c.kinds is not None else None,
        as_of=c.as_of,
        avoid=list(c.avoid),
        avoid_kinds=list(c.avoid_kinds),
        k=c.k,
    )


def paths_from(projection: Projection, answer: path_analytics.PathAnswer) -> CooperationPaths:
    """The GraphQL answer of a path search (each actor built once)."""
    actors: dict[str, Actor] = {}

    def actor(ref: ActorRef) -> Actor:
        if ref.id not in actors:
            actors[ref.id] = answer_actor(projection, ref)
        return actors[ref.id]

    def hop(h: path_analytics.Hop) -> Hop:
        return Hop(
            from_=actor(h.source),
            to=actor(h.target),
            links=[_link(step) for step in h.links],
            cost=h.cost,
        )

    return CooperationPaths(
        from_=actor(answer.source),
        to=actor(answer.target),
        found=answer.found,
        paths=[
            CooperationPath(
                actors=[actor(a) for a in p.actors],
                hops=[hop(h) for h in p.hops],
                length=p.length,
                cost=p.cost,
            )
            for p in answer.paths
        ],
        explanation=answer.explanation,
        blocking=list(answer.blocking),
        constraints=_constraints(answer.constraints),
    )


async def cooperation_paths(info: Info, query: path_analytics.PathQuery) -> CooperationPaths:
    """The answer to a built path question, on the request's projection."""
    projection = await projection_of(info)
    answer = await run_analytic(info, path_analytics.find_paths, projection, query)
    return paths_from(projection, answer)


__all__ = ["CooperationPaths", "PathDirection", "cooperation_paths"]
