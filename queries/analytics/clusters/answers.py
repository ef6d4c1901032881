"""The answer of a clustering: :class:`Clustering`, its :class:`Cluster` s and their figures
(see :mod:`queries.analytics.clusters` for what each figure means)."""

from __future__ import annotations

from dataclasses import dataclass

from queries.analytics.actors import ActorRef
from queries.analytics.counts import Share


@dataclass(frozen=True, slots=True)
class GeoPoint:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True, slots=True)
class CentralActor:
    """A member and its number of ties inside its cluster."""

    actor: ActorRef
    ties_inside: int


@dataclass(frozen=True, slots=True)
class Cluster:
    """One community (see the module docstring for each figure)."""

    id: str
    members: tuple[str, ...]
    size: int
    internal_links: int
    external_links: int
    density: float
    internal_ratio: float
    departements: tuple[Share, ...]
    communes: tuple[Share, ...]
    central_actors: tuple[CentralActor, ...]
    themes: tuple[Share, ...]
    centroid: GeoPoint | None
    bbox: BoundingBox | None


@dataclass(frozen=True, slots=True)
class Clustering:
    """The clusters of a scope at a graph version."""

    scope: str
    version: int
    resolution: float
    seed: int
    modularity: float
    actors: int
    clusters: tuple[Cluster, ...]
    unclustered: int
    #: the number the next genuinely new cluster will take (``c<next_id>``)
    next_id: int
