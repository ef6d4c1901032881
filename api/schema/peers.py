"""Peer projects as GraphQL types (``Query.peerProjects``): similar actors elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum

import strawberry

from api.schema.actors import Actor, answer_actor
from api.schema.context import Info
from api.schema.running import projection_of, run_analytic
from graph_model.errors import ValidationError
from graph_model.model import ActorKind
from queries import analytics
from queries.projection import Projection


@strawberry.enum(description="How far outside its own territory peers are looked for.")
class OutsideLevel(Enum):
    COMMUNE = "commune"
    DEPARTEMENT = "departement"
    REGION = "region"


@strawberry.type(description="A similar actor elsewhere, and what it shares with the one asked.")
class Peer:
    actor: Actor
    score: float
    shared_themes: list[str]
    shared_methods: list[str]
    shared_networks: list[Actor]
    shared_carrier_kinds: list[str]
    linked: bool = strawberry.field(description="already linked to the actor asked about")


@strawberry.type(description="Peer projects of an actor outside its territory.")
class PeerProjects:
    actor: Actor
    outside: OutsideLevel
    territory: str = strawberry.field(description="the actor's own territory at that level")
    kinds: list[ActorKind]
    candidates: int
    peers: list[Peer]


def peers_from(projection: Projection, answer: analytics.PeerAnswer) -> PeerProjects:
    """The GraphQL answer of a peer search."""
    return PeerProjects(
        actor=answer_actor(projection, answer.actor),
        outside=OutsideLevel(answer.level),
        territory=answer.territory,
        kinds=[ActorKind(k) for k in answer.kinds],
        candidates=answer.candidates,
        peers=[
            Peer(
                actor=answer_actor(projection, p.actor),
                score=p.score,
                shared_themes=list(p.shared_themes),
                shared_methods=list(p.shared_methods),
                shared_networks=[answer_actor(projection, n) for n in p.shared_networks],
                shared_carrier_kinds=list(p.shared_carrier_kinds),
                linked=p.linked,
            )
            for p in answer.peers
        ],
    )


@contextmanager
def outside_named() -> Iterator[None]:
    """A refusal of the analytic's ``level`` worded as the API's ``outside``."""
    try:
        yield
    except ValidationError as exc:
        if exc.field != "level":
            raise
        message = str(exc).replace("level: ", "outside: ", 1)
        raise ValidationError(message, field="outside") from exc


async def peer_projects(info: Info, query: analytics.PeerQuery) -> PeerProjects:
    """The answer to a built peer question (see :func:`outside_named` for its refusals)."""
    projection = await projection_of(info)
    with outside_named():
        answer = await run_analytic(info, analytics.find_peers, projection, query)
    return peers_from(projection, answer)


__all__ = ["OutsideLevel", "PeerProjects", "outside_named", "peer_projects"]
