"""What the graph is: node and link kinds, identity, validation and bounds, errors, schema,
territories, how actors and links are stored (:mod:`.stored`), the rows of one write
(:mod:`.batch`) and the store port every other package goes through (:mod:`.port`).

Imports nothing else of the project.
"""

from graph_model.errors import MaillageError
from graph_model.model import (
    COOPERATION_LINKS,
    Actor,
    ActorKind,
    AdvocacyLevel,
    Event,
    Link,
    LinkKind,
    LocationPrecision,
    Method,
    SourceRef,
    Territory,
    TerritoryLevel,
    Theme,
    parse,
)
from graph_model.port import GraphEdit, GraphStore, WriteContext, Written

__all__ = [
    "COOPERATION_LINKS",
    "Actor",
    "ActorKind",
    "AdvocacyLevel",
    "Event",
    "GraphEdit",
    "GraphStore",
    "Link",
    "LinkKind",
    "LocationPrecision",
    "MaillageError",
    "Method",
    "SourceRef",
    "Territory",
    "TerritoryLevel",
    "Theme",
    "WriteContext",
    "Written",
    "parse",
]
