"""The GraphQL enums (names and values are part of the API: clients depend on them)."""

from __future__ import annotations

from enum import Enum

import strawberry

from graph_model.model import ActorKind, AdvocacyLevel, LocationPrecision, TerritoryLevel

# The domain's enums are the API's: registered here, used by their own names in annotations.
strawberry.enum(ActorKind, name="ActorKind", description="The kind of an actor.")
strawberry.enum(AdvocacyLevel, name="AdvocacyLevel", description="The level of an advocacy body.")
strawberry.enum(TerritoryLevel, name="TerritoryLevel")
strawberry.enum(
    LocationPrecision,
    name="LocationPrecision",
    description="How a point was obtained: the actor's own, or the centre of its commune…",
)


@strawberry.enum(description="The links of the cooperation graph (actor to actor).")
class LinkKind(Enum):
    MEMBER_OF = "MEMBER_OF"
    COOPERATES_WITH = "COOPERATES_WITH"
    CARRIES = "CARRIES"
    SUPPORTS = "SUPPORTS"
    FUNDS = "FUNDS"
    SITS_ON = "SITS_ON"


@strawberry.enum(description="Which links of an actor: those it states, those toward it, both.")
class LinkDirection(Enum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"
    BOTH = "both"


@strawberry.enum(description="How an actor relates to a territory.")
class TerritoryRelation(Enum):
    SEAT = "LOCATED_IN"
    ACTIVE_IN = "ACTIVE_IN"


__all__ = [
    "ActorKind",
    "AdvocacyLevel",
    "LinkDirection",
    "LinkKind",
    "LocationPrecision",
    "TerritoryLevel",
    "TerritoryRelation",
]
