"""Territorial clusters as GraphQL types (``Query.territorialClusters``).

The question is one :class:`~queries.analytics.ClusterQuery`, built by the resolver; the
clustering comes from the app's cluster cache (stable ids across graph versions, see
:class:`queries.snapshots.ClusterCache`), run in a worker thread; a cluster's members are a
keyset page of actors from the projection.
"""

from __future__ import annotations

import strawberry

from api.schema import cursors
from api.schema.actors import Actor, actor_from_projection, answer_actor
from api.schema.context import Info
from api.schema.fields import field
from api.schema.pagination import Connection, check_first, key_page
from api.schema.running import projection_of, run_analytic
from api.schema.values import Share, shares_from
from queries import analytics
from queries.projection import Projection


@strawberry.type
class GeoPoint:
    latitude: float
    longitude: float


@strawberry.type
class BoundingBox:
    south: float
    west: float
    north: float
    east: float


@strawberry.type(description="A member of a cluster and its number of ties inside it.")
class CentralActor:
    actor: Actor
    ties_inside: int


@strawberry.type(
    description="A community of the cooperation graph (its id is stable across "
    "graph versions while its membership overlaps)."
)
class Cluster:
    id: strawberry.ID
    size: int
    internal_links: int
    external_links: int
    density: float
    internal_ratio: float
    departements: list[Share]
    communes: list[Share]
    central_actors: list[CentralActor]
    themes: list[Share]
    centroid: GeoPoint | None
    bbox: BoundingBox | None
    member_ids: strawberry.Private[tuple[str, ...]]
    projection: strawberry.Private[Projection]

    @field(description="Its actors, in id order, a page at a time.")
    def members(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Actor]:
        size = check_first(info, first)
        nodes = self.projection.graph.nodes
        ordered = [m for m in sorted(self.member_ids) if m in nodes]
        page = key_page(ordered, cursors.ACTORS, size, after)
        return page.connection([(m, actor_from_projection(m, nodes[m])) for m in page.keys])


@strawberry.type(description="The clusters of a scope at a graph version.")
class TerritorialClusters:
    scope: str
    graph_version: int
    resolution: float
    seed: int
    modularity: float
    actors: int
    unclustered: int
    clusters: list[Cluster]


def _cluster(projection: Projection, x: analytics.Cluster) -> Cluster:
    return Cluster(
        id=strawberry.ID(x.id),
        size=x.size,
        internal_links=x.internal_links,
        external_links=x.external_links,
        density=x.density,
        internal_ratio=x.internal_ratio,
        departements=shares_from(x.departements),
        communes=shares_from(x.communes),
        central_actors=[
            CentralActor(actor=answer_actor(projection, a.actor), ties_inside=a.ties_inside)
            for a in x.central_actors
        ],
        themes=shares_from(x.themes),
        centroid=GeoPoint(latitude=x.centroid.lat, longitude=x.centroid.lon)
        if x.centroid
        else None,
        bbox=BoundingBox(south=x.bbox.south, west=x.bbox.west, north=x.bbox.north, east=x.bbox.east)
        if x.bbox
        else None,
        member_ids=x.members,
        projection=projection,
    )


def clusters_from(projection: Projection, c: analytics.Clustering) -> TerritorialClusters:
    """The GraphQL answer of a clustering of ``projection``."""
    return TerritorialClusters(
        scope=c.scope,
        graph_version=c.version,
        resolution=c.resolution,
        seed=c.seed,
        modularity=c.modularity,
        actors=c.actors,
        unclustered=c.unclustered,
        clusters=[_cluster(projection, x) for x in c.clusters],
    )


async def territorial_clusters(info: Info, query: analytics.ClusterQuery) -> TerritorialClusters:
    """The answer to a built clustering question, through the app's cluster cache."""
    projection = await projection_of(info)
    cache = info.context.services.clusters
    clustering = await run_analytic(info, cache.get, projection, query)
    return clusters_from(projection, clustering)


__all__ = ["Cluster", "TerritorialClusters", "territorial_clusters"]
