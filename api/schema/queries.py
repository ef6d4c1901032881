"""The ``Query`` root: actors, search, territories, analytics, import runs, candidates."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated, Any, cast

import strawberry
from graphql import FieldNode
from strawberry.scalars import JSON

from api.schema import analytics
from api.schema.context import Info
from api.schema.enums import LinkKind
from api.schema.fields import field
from api.schema.inputs import ActorFilter
from api.schema.listing import list_actors
from api.schema.loaders import as_datetime, native
from api.schema.mutations import ChangeRecord
from api.schema.types import (
    Actor,
    Connection,
    ImportRun,
    Territory,
    actor_from_projection,
    actor_from_props,
    check_first,
)
from api.search import identity_keys, search_index
from graph_model.errors import ValidationError
from graph_model.identifiers import check_actor_id
from graph_model.model import ActorKind, TerritoryLevel
from queries.store import cypher


@strawberry.type(description="A record an import held for review: is it this actor?")
class DuplicateCandidate:
    id: strawberry.ID
    status: str
    score: float
    reasons: str | None
    record_name: str | None
    record_alias: str | None
    record_commune: str | None
    format: str | None
    file_name: str | None
    line: int | None
    created_at: datetime | None
    actor_id: strawberry.Private[str]

    @field(description="The existing actor the record resembles.")
    async def actor(self, info: Info) -> Actor | None:
        props = await info.context.loaders.actors.load(self.actor_id)
        return actor_from_props(props) if props else None


def _import_run(row: dict[str, Any]) -> ImportRun:
    props = {k: native(v) for k, v in row["props"].items()}
    counts = {k: v for k, v in props.items() if isinstance(v, int) and not isinstance(v, bool)}
    return ImportRun(
        id=strawberry.ID(str(row["id"])),
        source=props.get("format"),
        input=props.get("file_name"),
        started_at=as_datetime(props.get("started_at")),
        finished_at=as_datetime(props.get("finished_at")),
        status=props.get("status"),
        counts=cast(JSON, counts) if counts else None,
    )


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
            guard = info.context.services.guard
            rows = await guard.run(
                guard.store.read, cypher("resolve_aliases"), keys=[f"id:{actor_id}"]
            )
            if rows and rows[0]["actor"] != actor_id:
                props = await info.context.loaders.actors.load(str(rows[0]["actor"]))
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
        projection = await analytics.projection_of(info)
        direct: list[str] = []
        keys = identity_keys(text)
        if keys:  # a SIREN, an RNA number, an id: the actor it names comes first
            guard = info.context.services.guard
            rows = await guard.run(guard.store.read, cypher("resolve_aliases"), keys=keys)
            direct = [str(row["actor"]) for row in rows]
        index = search_index(projection)
        hits = await analytics.run_analytic(info, index.search, text, size)
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
        return Territory.of(record)

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
    ) -> analytics.CooperationPaths:
        settings = info.context.settings
        if k < 1 or k > settings.max_paths:
            raise ValidationError(
                f"k: {k} is outside 1..{settings.max_paths} (limit max_paths, MAILLAGE_MAX_PATHS)",
                field="k",
            )
        if max_hops is not None and not 1 <= max_hops <= settings.max_path_hops:
            raise ValidationError(
                f"maxHops: {max_hops} is outside 1..{settings.max_path_hops} (limit "
                "max_path_hops, MAILLAGE_MAX_PATH_HOPS)",
                field="maxHops",
            )
        return await analytics.cooperation_paths(
            info,
            source=str(from_),
            target=str(to),
            weighted=weighted,
            max_hops=max_hops if max_hops is not None else settings.max_path_hops,
            kinds=[kind.value for kind in kinds] if kinds else None,
            as_of=as_of,
            avoid=[str(a) for a in avoid or ()],
            avoid_kinds=list(avoid_kinds or ()),
            k=k,
        )

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
    ) -> analytics.TerritorialClusters:
        return await analytics.territorial_clusters(
            info, scope=scope, resolution=resolution, seed=seed, min_size=min_size
        )

    @field(description="Actors like this one (themes, methods, networks) outside its territory.")
    async def peer_projects(
        self,
        info: Info,
        *,
        actor: strawberry.ID,
        outside: analytics.OutsideLevel = analytics.OutsideLevel.DEPARTEMENT,
        first: int | None = None,
        hide_linked: bool = False,
        kinds: list[ActorKind] | None = None,
        as_of: date | None = None,
    ) -> analytics.PeerProjects:
        size = check_first(info, first)
        return await analytics.peer_projects(
            info,
            actor=str(actor),
            outside=outside,
            first=max(1, size),
            hide_linked=hide_linked,
            kinds=kinds,
            as_of=as_of,
        )

    @field(description="Actors who hold the movement together in a scope (betweenness).")
    async def brokers(
        self, info: Info, scope: str | None = None, first: int | None = None, seed: int = 0
    ) -> analytics.Brokers:
        size = check_first(info, first)
        return await analytics.brokers_of(info, scope, size, seed)

    @field(description="Actors of a scope without any cooperation link (valid on asOf).")
    async def isolated_actors(
        self,
        info: Info,
        *,
        scope: str | None = None,
        first: int | None = None,
        as_of: date | None = None,
        within_scope: bool = False,
    ) -> analytics.IsolatedActors:
        size = check_first(info, first)
        return await analytics.isolated_of(
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
    ) -> analytics.Neighbourhood:
        limit = info.context.settings.max_neighbourhood_depth
        if not 1 <= depth <= limit:
            raise ValidationError(
                f"depth: {depth} is outside 1..{limit} (limit max_neighbourhood_depth, "
                "MAILLAGE_MAX_NEIGHBOURHOOD_DEPTH)",
                field="depth",
            )
        return await analytics.neighbourhood_of(
            info, actor=str(actor), depth=depth, kinds=kinds, as_of=as_of
        )

    @field(description="Figures of the movement in a scope (all of France by default).")
    async def figures(
        self, info: Info, scope: str | None = None, as_of: date | None = None
    ) -> analytics.Figures:
        return await analytics.figures_of(info, scope, as_of)

    @field(description="The latest import runs, newest first.")
    async def import_runs(self, info: Info, first: int | None = None) -> list[ImportRun]:
        size = check_first(info, first)
        guard = info.context.services.guard
        rows = await guard.run(guard.store.read, cypher("api_import_runs"), limit=size)
        return [_import_run(row) for row in rows]

    @field(description="Records imports held for review as possible duplicates.")
    async def duplicate_candidates(
        self, info: Info, first: int | None = None, status: str | None = "pending"
    ) -> list[DuplicateCandidate]:
        size = check_first(info, first)
        from importers import review

        guard = info.context.services.guard
        found = await guard.run(review.list_candidates, guard.store, status)
        return [
            DuplicateCandidate(
                id=strawberry.ID(c.id),
                status=c.status,
                score=float(c.score),
                reasons=c.reasons,
                record_name=c.record_name,
                record_alias=c.record_alias,
                record_commune=c.record_commune,
                format=c.format,
                file_name=c.file_name,
                line=c.line,
                created_at=as_datetime(c.created_at),
                actor_id=c.actor,
            )
            for c in found[:size]
        ]

    @field(description="Changes made through the API, newest first.")
    async def changes(
        self, info: Info, target: str | None = None, first: int | None = None
    ) -> list[ChangeRecord]:
        size = check_first(info, first)
        guard = info.context.services.guard
        rows = await guard.run(guard.store.read, cypher("api_changes"), target=target, limit=size)
        records = []
        for row in rows:
            props = {k: native(v) for k, v in row["props"].items()}
            records.append(
                ChangeRecord(
                    id=strawberry.ID(str(props["id"])),
                    at=props["at"],
                    by=str(props.get("by")),
                    operation=str(props.get("operation")),
                    target=str(props.get("target")),
                )
            )
        return records
