"""The ``Query`` root: actors, search, territories, analytics, import runs, candidates.

Each field checks its arguments, then hands over: lists of actors to :mod:`api.schema.actors`,
each analytic to its own module (:mod:`~api.schema.paths`, :mod:`~api.schema.clusters`,
:mod:`~api.schema.peers`, :mod:`~api.schema.brokers`, :mod:`~api.schema.isolated`,
:mod:`~api.schema.neighbourhood`, :mod:`~api.schema.figures`), the graph's bookkeeping to
:mod:`api.schema.records`. The store is read through its port, through the guard.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any, cast

import strawberry
from graphql import FieldNode

from api.schema.actors import (
    Actor,
    Territory,
    actor_from_projection,
    actor_from_props,
    list_actors,
    territory_from_record,
)
from api.schema.brokers import Brokers, brokers_of
from api.schema.clusters import TerritorialClusters, territorial_clusters
from api.schema.context import Info
from api.schema.enums import LinkKind
from api.schema.fields import field
from api.schema.figures import Figures, figures_of
from api.schema.inputs import ActorFilter
from api.schema.isolated import IsolatedActors, isolated_of
from api.schema.neighbourhood import Neighbourhood, neighbourhood_of
from api.schema.pagination import Connection, check_first
from api.schema.paths import CooperationPaths, cooperation_paths
from api.schema.peers import OutsideLevel, PeerProjects, outside_named, peer_projects
from api.schema.records import (
    ChangeRecord,
    DuplicateCandidate,
    ImportRun,
    candidate_from,
    change_from,
    import_run_from,
)
from api.schema.running import projection_of, run_analytic
from api.schema.territories import FigureSeries, TableOrder, TerritoryRow, series_of, table_of
from api.search import identity_keys, search_index
from graph_model.errors import ValidationError
from graph_model.identifiers import check_actor_id
from graph_model.model import ActorKind, TerritoryLevel
from queries.analytics import BrokerQuery, ClusterQuery, PeerQuery
from queries.analytics.paths import PathQuery


def _selects(info: Info, name: str) -> bool:
    """Whether the field's own selection names ``name`` (fragments are not looked into)."""
    for node in info._raw_info.field_nodes:
        for selection in node.selection_set.selections if node.selection_set else ():
            if isinstance(selection, FieldNode) and selection.name.value == name:
                return True
    return False


def _retrieve(future: asyncio.Future[Any]) -> None:
    """A prefetch nobody awaits (the actor was not found) must not log its error as lost."""
    if not future.cancelled():
        future.exception()


@strawberry.type
class Query:
    @field(description="An actor by id (an id merged into another still resolves).")
    async def actor(self, info: Info, id: strawberry.ID) -> Actor | None:
        actor_id = check_actor_id(str(id).strip())
        loaders = info.context.loaders
        if _selects(info, "links"):  # read the links with the actor, not after it
            prefetch = cast("asyncio.Future[Any]", loaders.links.load(actor_id))
            prefetch.add_done_callback(_retrieve)
        props = await loaders.actors.load(actor_id)
        if props is None:
            services = info.context.services
            key = f"id:{actor_id}"
            found = await services.guard.run(services.graph.resolve_keys, [key])
            if found.get(key, actor_id) != actor_id:
                props = await info.context.loaders.actors.load(found[key])
        return actor_from_props(props) if props else None

    @field(description="Actors, filtered, in id order, a keyset page at a time.")
    async def actors(
        self,
        info: Info,
        filter: ActorFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Actor]:
        return await list_actors(info, filter, first, after)

    @field(
        description="Actors whose name matches, best first: accents and case ignored, typos "
        "tolerated, the last word as a prefix; a SIREN, RNA number or id finds its actor."
    )
    async def search(self, info: Info, text: str, first: int | None = None) -> list[Actor]:
        size = check_first(info, first)
        if len(text) > 200:
            raise ValidationError("text: 200 characters at most", field="text")
        projection = await projection_of(info)
        direct: list[str] = []
        keys = identity_keys(text)
        if keys:  # a SIREN, an RNA number, an id: the actor it names comes first
            services = info.context.services
            found = await services.guard.run(services.graph.resolve_keys, keys)
            direct = [found[k] for k in keys if k in found]
        index = search_index(projection)
        hits = await run_analytic(info, index.search, text, size)
        nodes = projection.graph.nodes
        ranked = list(dict.fromkeys([*direct, *(hit.id for hit in hits)]))
        return [actor_from_projection(i, nodes[i]) for i in ranked if i in nodes][:size]

    @field(
        description="A territory by id (region:76, departement:31, commune:31555, FR) or by "
        "INSEE code (give level when the code is ambiguous, e.g. 11)."
    )
    def territory(
        self, info: Info, code: str, level: TerritoryLevel | None = None
    ) -> Territory | None:
        record = info.context.services.territories.resolve(code, level)
        return territory_from_record(record)

    @field(description="Ways from one actor to another through cooperation links.")
    async def cooperation_paths(
        self,
        info: Info,
        *,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int | None = None,
        kinds: list[LinkKind] | None = None,
        as_of: date | None = None,
        avoid: list[strawberry.ID] | None = None,
        avoid_kinds: list[str] | None = None,
        k: int = 1,
        weighted: bool = False,
    ) -> CooperationPaths:
        query = PathQuery.build(
            str(from_),
            str(to),
            weighted=weighted,
            max_hops=max_hops,
            kinds=[kind.value for kind in kinds] if kinds else None,
            as_of=as_of,
            avoid=[str(a) for a in avoid or ()],
            avoid_kinds=list(avoid_kinds or ()),
            k=k,
            limits=info.context.services.path_limits,
        )
        return await cooperation_paths(info, query)

    @field(
        description="Communities of the cooperation graph in a scope (all of France by "
        "default; region:76, departement:31, epci:…, commune:…), by Leiden modularity."
    )
    async def territorial_clusters(
        self,
        info: Info,
        *,
        scope: str | None = None,
        resolution: float = 1.0,
        seed: int = 0,
        min_size: int = 2,
        through_hubs: Annotated[
            bool,
            strawberry.argument(
                description="also tie two actors of the scope linked to the same actor "
                "elsewhere (a national network without a position), which is no member"
            ),
        ] = False,
    ) -> TerritorialClusters:
        query = ClusterQuery.build(
            scope, resolution=resolution, seed=seed, min_size=min_size, through_hubs=through_hubs
        )
        return await territorial_clusters(info, query)

    @field(description="Actors like this one (themes, methods, networks) outside its territory.")
    async def peer_projects(
        self,
        info: Info,
        *,
        actor: strawberry.ID,
        outside: OutsideLevel = OutsideLevel.DEPARTEMENT,
        first: int | None = None,
        hide_linked: bool = False,
        kinds: list[ActorKind] | None = None,
        as_of: date | None = None,
    ) -> PeerProjects:
        size = check_first(info, first)
        with outside_named():
            query = PeerQuery.build(
                str(actor),
                level=outside.value,
                kinds=[k.value for k in kinds] if kinds else None,
                exclude_linked=hide_linked,
                as_of=as_of,
                limit=max(1, size),
            )
        return await peer_projects(info, query)

    @field(description="Actors who hold the movement together in a scope (betweenness).")
    async def brokers(
        self, info: Info, scope: str | None = None, first: int | None = None, seed: int = 0
    ) -> Brokers:
        size = check_first(info, first)
        query = BrokerQuery.build(scope, limit=max(1, size), seed=seed)
        return await brokers_of(info, query, size)

    @field(description="Actors of a scope without any cooperation link (valid on asOf).")
    async def isolated_actors(
        self,
        info: Info,
        *,
        scope: str | None = None,
        first: int | None = None,
        as_of: date | None = None,
        within_scope: bool = False,
    ) -> IsolatedActors:
        size = check_first(info, first)
        return await isolated_of(
            info, scope=scope, first=size, as_of=as_of, within_scope=within_scope
        )

    @field(description="The actors within depth hops of an actor (1 to 3) and their links.")
    async def neighbourhood(
        self,
        info: Info,
        *,
        actor: strawberry.ID,
        depth: int = 1,
        kinds: list[LinkKind] | None = None,
        as_of: date | None = None,
    ) -> Neighbourhood:
        query = info.context.services.neighbourhood_query(
            str(actor), depth=depth, kinds=[k.value for k in kinds] if kinds else None, as_of=as_of
        )
        return await neighbourhood_of(info, query)

    @field(description="Figures of the movement in a scope (all of France by default).")
    async def figures(
        self, info: Info, scope: str | None = None, as_of: date | None = None
    ) -> Figures:
        return await figures_of(info, scope, as_of)

    @field(
        description="One row of figures per territory of a level within a parent "
        '(territoryTable(parent: "region:84", level: DEPARTEMENT)), sorted.'
    )
    async def territory_table(
        self,
        info: Info,
        *,
        parent: str,
        level: TerritoryLevel,
        as_of: date | None = None,
        order_by: TableOrder = TableOrder.ACTORS,
        descending: bool = True,
    ) -> list[TerritoryRow]:
        return await table_of(
            info,
            parent=parent,
            level=level,
            as_of=as_of,
            order_by=order_by,
            descending=descending,
        )

    @field(description="A territory's figures on 1 January of each year from `from` to `to`.")
    async def figure_series(
        self,
        info: Info,
        territory: str,
        from_: Annotated[int, strawberry.argument(name="from")],
        to: int,
    ) -> FigureSeries:
        return await series_of(info, territory, from_, to)

    @field(description="The latest import runs, newest first.")
    async def import_runs(self, info: Info, first: int | None = None) -> list[ImportRun]:
        size = check_first(info, first)
        services = info.context.services
        found = await services.guard.run(services.graph.import_runs, size)
        private = await info.context.sees_editors()
        return [import_run_from(record, private=private) for record in found]

    @field(description="Records imports held for review as possible duplicates.")
    async def duplicate_candidates(
        self, info: Info, first: int | None = None, status: str | None = "pending"
    ) -> list[DuplicateCandidate]:
        size = check_first(info, first)
        services = info.context.services
        found = await services.guard.run(services.graph.candidates, status)
        private = await info.context.sees_editors()
        return [candidate_from(c, private=private) for c in found[:size]]

    @field(description="Changes made through the API, newest first.")
    async def changes(
        self, info: Info, target: str | None = None, first: int | None = None
    ) -> list[ChangeRecord]:
        size = check_first(info, first)
        services = info.context.services
        found = await services.guard.run(services.graph.changes, target, size)
        private = await info.context.sees_editors()
        return [change_from(change, private=private) for change in found]
