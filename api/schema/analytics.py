"""Analytics answers as GraphQL types: cooperation paths, clusters, peers, brokers, figures.

The analytics are pure functions of :mod:`queries.analytics` over the projection; they run in a
worker thread (abandoned when the request's time limit strikes) and their answers are mapped to
the types below. Actors in answers come from the projection's attributes
(:func:`~api.schema.types.actor_from_projection`): the store is read only for the fields the
query selects beyond them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, ParamSpec, TypeVar

import strawberry

from api.schema import cursors
from api.schema.context import Info
from api.schema.enums import LinkKind
from api.schema.fields import field
from api.schema.types import (
    Actor,
    Connection,
    Source,
    actor_from_projection,
    check_first,
    keyset_page,
)
from graph_model.errors import ValidationError
from graph_model.model import ActorKind
from queries import analytics
from queries.analytics import paths as path_analytics
from queries.analytics.common import ActorRef, SourceInfo
from queries.projection import Projection

P = ParamSpec("P")
R = TypeVar("R")


async def run_analytic(info: Info, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run an analytic in a worker thread (so the request's time limit can interrupt the wait),
    at most ``MAILLAGE_ANALYTICS_THREADS`` at a time (see :attr:`Services.compute`)."""
    return await info.context.services.compute_in_thread(lambda: fn(*args, **kwargs))


async def projection_of(info: Info) -> Projection:
    return await info.context.services.projection.get()


def ref_actor(projection: Projection, ref: ActorRef | str) -> Actor:
    actor_id = ref if isinstance(ref, str) else ref.id
    return actor_from_projection(actor_id, projection.graph.nodes[actor_id])


def _sources(items: tuple[SourceInfo, ...]) -> list[Source]:
    return [Source(system=s.system, key=s.key, url=s.url) for s in items]


# -- cooperation paths --------------------------------------------------------------------------
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


def paths_answer(projection: Projection, answer: path_analytics.PathAnswer) -> CooperationPaths:
    actors: dict[str, Actor] = {}

    def actor(ref: ActorRef) -> Actor:
        if ref.id not in actors:
            actors[ref.id] = ref_actor(projection, ref)
        return actors[ref.id]

    def hop(h: path_analytics.Hop) -> Hop:
        return Hop(
            from_=actor(h.source),
            to=actor(h.target),
            links=[
                PathLink(
                    id=strawberry.ID(step.id),
                    kind=LinkKind(step.kind),
                    subkind=step.subkind,
                    direction=PathDirection(step.direction),
                    since=step.since,
                    until=step.until,
                    sources=_sources(step.sources),
                )
                for step in h.links
            ],
            cost=h.cost,
        )

    c = answer.constraints
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
        constraints=PathConstraints(
            weighted=c.weighted,
            max_hops=c.max_hops,
            kinds=[LinkKind(k) for k in c.kinds] if c.kinds is not None else None,
            as_of=c.as_of,
            avoid=list(c.avoid),
            avoid_kinds=list(c.avoid_kinds),
            k=c.k,
        ),
    )


async def cooperation_paths(info: Info, **options: Any) -> CooperationPaths:
    projection = await projection_of(info)
    answer = await run_analytic(info, path_analytics.cooperation_paths, projection, **options)
    return paths_answer(projection, answer)


# -- shared small types ---------------------------------------------------------------------------
@strawberry.type(description="A count under a key, and its share of the whole.")
class Share:
    key: str
    count: int
    share: float


@strawberry.type(description="A count under a key (a kind, a legal form…).")
class Count:
    key: str
    count: int


def _shares(items: tuple[analytics.Share, ...]) -> list[Share]:
    return [Share(key=i.key, count=i.count, share=i.share) for i in items]


def _counts(items: tuple[analytics.Count, ...]) -> list[Count]:
    return [Count(key=i.key, count=i.count) for i in items]


# -- figures ------------------------------------------------------------------------------------
@strawberry.type(description="Links between two régions (region_a <= region_b).")
class RegionCell:
    region_a: str
    region_b: str
    links: int


@strawberry.type(
    description="Figures of the movement in a scope: who is there, how densely linked, how far "
    "links reach (definitions in docs/api.md)."
)
class Figures:
    scope: str
    as_of: date | None
    actors: int
    by_kind: list[Count]
    by_legal_form: list[Count]
    links_inside: int
    links_touching: int
    links_by_kind: list[Count]
    density: float
    same_commune: int
    same_departement: int
    same_region_other_departement: int
    across_regions: int
    unknown_territory: int
    region_matrix: list[RegionCell]


async def figures_of(info: Info, scope: str | None, as_of: date | None = None) -> Figures:
    projection = await projection_of(info)
    f = await run_analytic(info, analytics.movement_figures, projection, scope, as_of=as_of)
    return Figures(
        scope=f.scope,
        as_of=f.as_of,
        actors=f.actors,
        by_kind=_counts(f.by_kind),
        by_legal_form=_counts(f.by_legal_form),
        links_inside=f.links_inside,
        links_touching=f.links_touching,
        links_by_kind=_counts(f.links_by_kind),
        density=f.density,
        same_commune=f.same_commune,
        same_departement=f.same_departement,
        same_region_other_departement=f.same_region_other_departement,
        across_regions=f.across_regions,
        unknown_territory=f.unknown_territory,
        region_matrix=[
            RegionCell(region_a=c.region_a, region_b=c.region_b, links=c.links)
            for c in f.region_matrix
        ],
    )


# -- clusters -----------------------------------------------------------------------------------
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
        ordered = sorted(self.member_ids)
        return keyset_page(
            [(m, actor_from_projection(m, nodes[m])) for m in ordered if m in nodes],
            cursors.ACTORS,
            size,
            after,
        )


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


def clusters_answer(projection: Projection, c: analytics.Clustering) -> TerritorialClusters:
    return TerritorialClusters(
        scope=c.scope,
        graph_version=c.version,
        resolution=c.resolution,
        seed=c.seed,
        modularity=c.modularity,
        actors=c.actors,
        unclustered=c.unclustered,
        clusters=[
            Cluster(
                id=strawberry.ID(x.id),
                size=x.size,
                internal_links=x.internal_links,
                external_links=x.external_links,
                density=x.density,
                internal_ratio=x.internal_ratio,
                departements=_shares(x.departements),
                communes=_shares(x.communes),
                central_actors=[
                    CentralActor(actor=ref_actor(projection, a.actor), ties_inside=a.ties_inside)
                    for a in x.central_actors
                ],
                themes=_shares(x.themes),
                centroid=GeoPoint(latitude=x.centroid.lat, longitude=x.centroid.lon)
                if x.centroid
                else None,
                bbox=BoundingBox(
                    south=x.bbox.south, west=x.bbox.west, north=x.bbox.north, east=x.bbox.east
                )
                if x.bbox
                else None,
                member_ids=x.members,
                projection=projection,
            )
            for x in c.clusters
        ],
    )


async def territorial_clusters(
    info: Info, *, scope: str | None, resolution: float, seed: int, min_size: int
) -> TerritorialClusters:
    projection = await projection_of(info)
    cache = info.context.services.clusters
    clustering = await run_analytic(
        info,
        cache.get,
        projection,
        scope,
        resolution=resolution,
        seed=seed,
        min_size=min_size,
    )
    return clusters_answer(projection, clustering)


# -- peers --------------------------------------------------------------------------------------
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


async def peer_projects(
    info: Info,
    *,
    actor: str,
    outside: OutsideLevel,
    first: int,
    hide_linked: bool,
    kinds: list[ActorKind] | None,
    as_of: date | None,
) -> PeerProjects:
    projection = await projection_of(info)
    try:
        answer = await run_analytic(
            info,
            analytics.peer_projects,
            projection,
            actor,
            level=outside.value,
            kinds=[k.value for k in kinds] if kinds else None,
            exclude_linked=hide_linked,
            as_of=as_of,
            limit=first,
        )
    except ValidationError as exc:  # the analytic calls it level; the API, outside
        if exc.field != "level":
            raise
        message = str(exc).replace("level: ", "outside: ", 1)
        raise ValidationError(message, field="outside") from exc
    return PeerProjects(
        actor=ref_actor(projection, answer.actor),
        outside=OutsideLevel(answer.level),
        territory=answer.territory,
        kinds=[ActorKind(k) for k in answer.kinds],
        candidates=answer.candidates,
        peers=[
            Peer(
                actor=ref_actor(projection, p.actor),
                score=p.score,
                shared_themes=list(p.shared_themes),
                shared_methods=list(p.shared_methods),
                shared_networks=[ref_actor(projection, n) for n in p.shared_networks],
                shared_carrier_kinds=list(p.shared_carrier_kinds),
                linked=p.linked,
            )
            for p in answer.peers
        ],
    )


# -- brokers, isolated actors, neighbourhood ----------------------------------------------------
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


async def brokers_of(info: Info, scope: str | None, first: int, seed: int) -> Brokers:
    projection = await projection_of(info)
    r = await run_analytic(
        info, analytics.brokers, projection, scope, limit=max(1, first), seed=seed
    )
    return Brokers(
        scope=r.scope,
        actors_in_scope=r.actors_in_scope,
        exact=r.exact,
        pivots=r.pivots,
        seed=r.seed,
        error_bound=r.error_bound,
        actors=[
            BrokerScore(actor=ref_actor(projection, b.actor), score=b.score, stderr=b.stderr)
            for b in r.actors
        ][:first],
    )


@strawberry.type(description="Actors of a scope without any cooperation link.")
class IsolatedActors:
    scope: str
    as_of: date | None
    within_scope: bool
    total_count: int
    actors: list[Actor] = strawberry.field(description="the first ones, by id")


async def isolated_of(
    info: Info, *, scope: str | None, first: int, as_of: date | None, within_scope: bool
) -> IsolatedActors:
    projection = await projection_of(info)
    r = await run_analytic(
        info,
        analytics.isolated_actors,
        projection,
        scope,
        as_of=as_of,
        within_scope=within_scope,
    )
    return IsolatedActors(
        scope=r.scope,
        as_of=r.as_of,
        within_scope=r.within_scope,
        total_count=len(r.actors),
        actors=[ref_actor(projection, a) for a in r.actors[:first]],
    )


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
        return ref_actor(self.projection, self.source)

    @field()
    def to(self) -> Actor:
        return ref_actor(self.projection, self.target)


@strawberry.type(description="The actors within a few hops of an actor and the links among them.")
class Neighbourhood:
    center: Actor
    depth: int
    actors: list[Neighbour]
    links: list[NeighbourLink]
    truncated: bool = strawberry.field(description="the nearest actors were kept, not all")


async def neighbourhood_of(
    info: Info,
    *,
    actor: str,
    depth: int,
    kinds: list[LinkKind] | None,
    as_of: date | None,
) -> Neighbourhood:
    projection = await projection_of(info)
    n = await run_analytic(
        info,
        analytics.neighbourhood,
        projection,
        actor,
        depth=depth,
        kinds=[k.value for k in kinds] if kinds else None,
        as_of=as_of,
        limit=info.context.settings.max_neighbourhood_actors,
    )
    return Neighbourhood(
        center=ref_actor(projection, n.center),
        depth=n.depth,
        actors=[
            Neighbour(actor=ref_actor(projection, a.actor), distance=a.distance) for a in n.actors
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
