"""The answer of a clustering: :class:`Clustering`, its :class:`Cluster` s and their figures
(see :mod:`queries.analytics.clusters` for what each figure means)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from queries.analytics.actors import ActorRef
from queries.analytics.counts import Share
from queries.projection import Projection


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


@dataclass(frozen=True, slots=True)
class Unclustered:
    """Why the actors of a scope that are in no cluster are left out, by cause."""

    #: no cooperation link at all
    no_link: int
    #: links, but only to actors outside the scope (a national network, another région…)
    outside_only: int
    #: linked inside the scope, in a group smaller than the smallest cluster listed
    small_group: int

    @property
    def total(self) -> int:
        return self.no_link + self.outside_only + self.small_group


def why_unclustered(
    projection: Projection, clustering: Clustering, actors: Iterable[str]
) -> Unclustered:
    """Count the actors of the scope (``actors``, as the scope selected them) that no cluster
    holds, by cause: the answer to "why is there no cluster here?" when members link mostly to
    actors elsewhere.

    >>> from queries.analytics.example import example_projection
    >>> from queries.analytics.clusters import territorial_clusters
    >>> p = example_projection()
    >>> c = territorial_clusters(p, "departement:69", known_codes={"departement": {"69"}})
    >>> why_unclustered(p, c, [*c.clusters[0].members, "org-marseille", "org-seule"])
    Unclustered(no_link=1, outside_only=1, small_group=0)
    """
    scope = set(actors)
    clustered = {member for cluster in clustering.clusters for member in cluster.members}
    graph = projection.graph
    no_link = outside_only = small_group = 0
    for actor in scope - clustered:
        if actor not in graph:
            continue
        neighbours = set(graph._succ[actor]) | set(graph._pred[actor])
        neighbours.discard(actor)
        if not neighbours:
            no_link += 1
        elif neighbours.isdisjoint(scope):
            outside_only += 1
        else:
            small_group += 1
    return Unclustered(no_link, outside_only, small_group)
