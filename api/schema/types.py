"""The GraphQL object types: actors, links, territories, themes, methods, import runs.

Types are thin views over the domain's rows: an actor is built from its stored properties
(:func:`actor_from_props`) or, in analytics answers, from the projection's attributes
(:func:`actor_from_projection`); the fields the projection does not hold (SIREN, website,
sources…) then load the stored properties through the request's DataLoader, so a path or a
cluster asks the store only for what the query selects. Every relationship field goes through
a DataLoader (:mod:`api.schema.loaders`).
"""

from __future__ import annotations

import bisect
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, cast

import strawberry
from strawberry import Private

from api.schema import cursors
from api.schema.context import Context, Info
from api.schema.enums import LinkDirection, LinkKind, TerritoryRelation
from api.schema.fields import field
from api.schema.inputs import ActorFilter
from api.schema.loaders import ActorProps, LinkRow, as_datetime, parse_sources
from api.territories import TerritoryRecord
from graph_model.errors import NotFound, ValidationError
from graph_model.model import ActorKind, AdvocacyLevel, LocationPrecision, TerritoryLevel

if TYPE_CHECKING:
    from api.schema.analytics import Figures

T = TypeVar("T")


# -- pagination ---------------------------------------------------------------------------------
@strawberry.type(description="Where a page stands in its list (Relay).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


Counter = Callable[[], Awaitable[int]]


@strawberry.type(description="A page of a list, with keyset cursors (see docs/api.md).")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: Private[int | Counter]

    @field(description="How many items the whole list holds (counted on demand).")
    def total_count(self) -> int:
        # a plain value when known; the awaitable of the count otherwise (GraphQL awaits it):
        # a sync resolver spares a coroutine per list in the common case
        if isinstance(self.count, int):
            return self.count
        return cast(int, self.count())

    @field(description="The nodes of the page, without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def page_of(
    nodes: Sequence[tuple[str, T]],
    list_name: str,
    *,
    has_next: bool,
    has_previous: bool,
    count: int | Counter,
) -> Connection[T]:
    """A connection over one page already cut (``nodes`` in key order)."""
    edges = [Edge(cursor=cursors.encode(list_name, k), node=node) for k, node in nodes]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


def check_first(info: Info, first: int | None) -> int:
    """The page size asked for, within the limit (``MAILLAGE_MAX_PAGE_SIZE``)."""
    settings = info.context.settings
    if first is None:
        return settings.default_page_size
    if first < 0:
        raise ValidationError(f"first: {first} is negative; ask for 1 or more", field="first")
    if first > settings.max_page_size:
        raise ValidationError(
            f"first: {first} exceeds the maximum page size of {settings.max_page_size} "
            "(limit max_page_size, MAILLAGE_MAX_PAGE_SIZE); page with `after`",
            field="first",
        )
    return first


def keyset_page(
    items: Sequence[tuple[str, T]], list_name: str, first: int, after: str | None
) -> Connection[T]:
    """A page of ``items`` (sorted by key): the ``first`` items whose key follows ``after``."""
    key = cursors.decode(list_name, after)
    start = 0 if key is None else bisect.bisect_right(items, key, key=lambda item: item[0])
    return page_of(
        items[start : start + first],
        list_name,
        has_next=start + first < len(items),
        has_previous=start > 0,
        count=len(items),
    )


# -- small value types ----------------------------------------------------------------------------
@strawberry.type(description="Where a fact came from.")
class Source:
    system: str
    key: str
    url: str | None

    @classmethod
    def parse(cls, values: Iterable[str]) -> list[Source]:
        return [
            Source(system=str(s.get("system")), key=str(s.get("key")), url=s.get("url"))
            for s in parse_sources(values)
        ]


@strawberry.type(description="A point on the map and how it was obtained.")
class Location:
    latitude: float
    longitude: float
    precision: LocationPrecision | None


@strawberry.type(description="A field of activity.")
class Theme:
    id: strawberry.ID
    label: str = strawberry.field(description="French label")
    label_en: str | None
    scheme: str | None


@strawberry.type(description="An evaluation tool or method (EVALUMIP, VISES, ESS'perluette…).")
class Method:
    id: strawberry.ID
    name: str
    description: str | None


def theme_from(theme_id: str, props: Mapping[str, Any] | None) -> Theme:
    props = props or {}
    return Theme(
        id=strawberry.ID(theme_id),
        label=str(props.get("label_fr") or props.get("label") or props.get("name") or theme_id),
        label_en=props.get("label_en"),
        scheme=props.get("scheme"),
    )


def method_from(method_id: str, props: Mapping[str, Any] | None) -> Method:
    props = props or {}
    return Method(
        id=strawberry.ID(method_id),
        name=str(props.get("name") or method_id),
        description=props.get("description"),
    )


# -- territories -------------------------------------------------------------------------------
@strawberry.type(
    description="A French territory: the country, a région, a département, an EPCI "
    "or a commune (INSEE codes; an EPCI by its SIREN)."
)
class Territory:
    id: strawberry.ID = strawberry.field(description="level and code: region:76, commune:31555, FR")
    code: str
    name: str
    level: TerritoryLevel
    population: int | None
    latitude: float | None
    longitude: float | None
    postcodes: list[str]
    record: Private[TerritoryRecord]

    @classmethod
    def of(cls, record: TerritoryRecord) -> Territory:
        return cls(
            id=strawberry.ID(record.id),
            code=record.code,
            name=record.name,
            level=record.level,
            population=record.population,
            latitude=record.latitude,
            longitude=record.longitude,
            postcodes=list(record.postcodes),
            record=record,
        )

    @field(description="The territory it belongs to (a commune's département).")
    def parent(self, info: Info) -> Territory | None:
        parent = self.record.parent
        found = info.context.services.territories.get(parent) if parent else None
        return Territory.of(found) if found else None

    @field(description="Every territory it belongs to (a commune: département, EPCI).")
    def parents(self, info: Info) -> list[Territory]:
        index = info.context.services.territories
        return [Territory.of(r) for p in self.record.parents if (r := index.get(p))]

    @field(description="The territories within it, optionally of one level.")
    def children(self, info: Info, level: TerritoryLevel | None = None) -> list[Territory]:
        index = info.context.services.territories
        return [Territory.of(r) for r in index.children_of(self.record.id, level)]

    @field(description="The actors whose seat is in this territory.")
    async def actors(
        self,
        info: Info,
        filter: ActorFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Actor]:
        from api.schema.listing import list_actors

        return await list_actors(info, filter, first, after, territory=self.record)

    @field(description="Figures of the movement in this territory.")
    async def figures(
        self, info: Info, as_of: date | None = None
    ) -> Annotated[Figures, strawberry.lazy("api.schema.analytics")]:
        from api.schema.analytics import figures_of

        return await figures_of(info, self.record.id, as_of)


# -- actors ------------------------------------------------------------------------------------
_FULL = "__full__"  # key in an actor's props: True when they are the stored properties


@strawberry.interface(
    description="An actor of the movement: a network, an organisation, a project or an "
    "advocacy body."
)
class Actor:
    id: strawberry.ID
    name: str
    kind: ActorKind
    legal_form: str | None
    props: Private[ActorProps]

    @field(description="Where it is on the map, when known.")
    def location(self) -> Location | None:
        props = self.props
        return _location(
            props.get("latitude"), props.get("longitude"), props.get("location_precision")
        )

    async def _stored(self, info: Info) -> ActorProps:
        if self.props.get(_FULL):
            return self.props
        stored = await info.context.loaders.actors.load(str(self.id))
        if stored is None:
            raise NotFound(f"actor {self.id!r} no longer exists")
        return stored

    async def _value(self, info: Info, key: str) -> Any:
        return (await self._stored(info)).get(key)

    @field(description="SIREN (9 digits), when known.")
    async def siren(self, info: Info) -> str | None:
        return await self._value(info, "siren")  # type: ignore[no-any-return]

    @field(description="SIRET of the seat (14 digits), when known.")
    async def siret(self, info: Info) -> str | None:
        return await self._value(info, "siret")  # type: ignore[no-any-return]

    @field(description="RNA number of an association (W + 9 digits), when known.")
    async def rna(self, info: Info) -> str | None:
        return await self._value(info, "rna")  # type: ignore[no-any-return]

    @field()
    async def website(self, info: Info) -> str | None:
        return await self._value(info, "website")  # type: ignore[no-any-return]

    @field()
    async def description(self, info: Info) -> str | None:
        return await self._value(info, "description")  # type: ignore[no-any-return]

    @field(description="When the actor entered the graph.")
    async def created_at(self, info: Info) -> datetime | None:
        return as_datetime(await self._value(info, "created_at"))

    @field(description="When the actor was last changed.")
    async def updated_at(self, info: Info) -> datetime | None:
        return as_datetime(await self._value(info, "updated_at"))

    @field(description="Who changed it last (a token's name, or an import run).")
    async def updated_by(self, info: Info) -> str | None:
        stored = await self._stored(info)
        return stored.get("updated_by") or stored.get("updated_run")

    @field(description="Where the actor's facts came from.")
    async def sources(self, info: Info) -> list[Source]:
        return Source.parse(await self._value(info, "sources") or ())

    @field(description="Every key the actor is known under (siren:…, gogocarto:…).")
    async def aliases(self, info: Info) -> list[str]:
        return await info.context.loaders.aliases.load(str(self.id))

    @field(description="The commune of its seat.")
    def seat(self, info: Info) -> Territory | None:
        commune = self.props.get("commune")
        record = info.context.services.territories.get(f"commune:{commune}") if commune else None
        return Territory.of(record) if record else None

    @field(description="Its seat and the territories it is active in.")
    async def territories(
        self, info: Info, relation: TerritoryRelation | None = None
    ) -> list[Territory]:
        pairs = await info.context.loaders.territories.load(str(self.id))
        index = info.context.services.territories
        wanted = relation.value if relation else None
        found: dict[str, Territory] = {}
        for kind, territory_id in pairs:
            if (wanted is None or kind == wanted) and territory_id not in found:
                record = index.get(territory_id)
                if record is not None:
                    found[territory_id] = Territory.of(record)
        return list(found.values())

    @field(description="Its fields of activity.")
    async def themes(self, info: Info) -> list[Theme]:
        ids = sorted(self.props.get("themes") or ())
        props = await info.context.loaders.themes.load_many(ids) if ids else []
        return [theme_from(i, p) for i, p in zip(ids, props, strict=True)]

    @field(description="The evaluation methods it uses.")
    async def methods(self, info: Info) -> list[Method]:
        ids = sorted(self.props.get("methods") or ())
        props = await info.context.loaders.methods.load_many(ids) if ids else []
        return [method_from(i, p) for i, p in zip(ids, props, strict=True)]

    @field(description="Its cooperation links (both directions unless told).")
    async def links(
        self,
        info: Info,
        *,
        kinds: list[LinkKind] | None = None,
        as_of: date | None = None,
        direction: LinkDirection = LinkDirection.BOTH,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Link]:
        size = check_first(info, first)
        rows = await info.context.loaders.links.load(str(self.id))
        selected = select_links(rows, str(self.id), kinds, as_of, direction)
        context = info.context
        return keyset_page(
            [(r.id, Link.of(r, context)) for r in selected], cursors.LINKS, size, after
        )

    async def _linked_actors(
        self,
        info: Info,
        *,
        kinds: set[str],
        as_of: date | None,
        first: int | None,
        after: str | None,
        direction: LinkDirection = LinkDirection.INCOMING,
    ) -> Connection[Actor]:
        size = check_first(info, first)
        me = str(self.id)
        rows = await info.context.loaders.links.load(me)
        others = sorted(
            {
                (r.source if r.target == me else r.target)
                for r in select_links(rows, me, None, as_of, direction)
                if r.kind in kinds
            }
        )
        key = cursors.decode(cursors.ACTORS, after)
        start = 0 if key is None else bisect.bisect_right(others, key)
        window = others[start : start + size]
        props = await info.context.loaders.actors.load_many(window)
        return page_of(
            [(i, actor_from_props(p)) for i, p in zip(window, props, strict=True) if p],
            cursors.ACTORS,
            has_next=start + size < len(others),
            has_previous=start > 0,
            count=len(others),
        )


def select_links(
    rows: Iterable[LinkRow],
    actor_id: str,
    kinds: Iterable[LinkKind] | None,
    as_of: date | None,
    direction: LinkDirection,
) -> list[LinkRow]:
    wanted = {k.value for k in kinds} if kinds else None
    selected = []
    for row in rows:
        if wanted is not None and row.kind not in wanted:
            continue
        if as_of is not None and not row.valid_on(as_of):
            continue
        if direction is LinkDirection.OUTGOING and row.source != actor_id:
            continue
        if direction is LinkDirection.INCOMING and row.target != actor_id:
            continue
        selected.append(row)
    return selected


@strawberry.type(description="A network, federation or movement.")
class Network(Actor):
    @field(description="Actors that are members of it (MEMBER_OF toward it).")
    async def members(
        self,
        info: Info,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Actor]:
        return await self._linked_actors(
            info, kinds={"MEMBER_OF"}, as_of=as_of, first=first, after=after
        )


@strawberry.type(description="An organisation: association, SCOP, SCIC, cooperative, mutual…")
class Organisation(Actor):
    @field(description="The networks it is a member of.")
    async def networks(
        self,
        info: Info,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Actor]:
        return await self._linked_actors(
            info,
            kinds={"MEMBER_OF"},
            as_of=as_of,
            first=first,
            after=after,
            direction=LinkDirection.OUTGOING,
        )


@strawberry.type(description="A territorial project or experimentation.")
class Project(Actor):
    @field(description="Actors that carry it (CARRIES toward it).")
    async def carriers(
        self,
        info: Info,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Actor]:
        return await self._linked_actors(
            info, kinds={"CARRIES"}, as_of=as_of, first=first, after=after
        )

    @field(description="Actors that support or fund it (SUPPORTS, FUNDS toward it).")
    async def supporters(
        self,
        info: Info,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Actor]:
        return await self._linked_actors(
            info, kinds={"SUPPORTS", "FUNDS"}, as_of=as_of, first=first, after=after
        )


@strawberry.type(description="A body of representation or concertation.")
class AdvocacyBody(Actor):
    level: AdvocacyLevel | None

    @field(description="Actors that sit on it or are members of it.")
    async def participants(
        self,
        info: Info,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Actor]:
        return await self._linked_actors(
            info, kinds={"SITS_ON", "MEMBER_OF"}, as_of=as_of, first=first, after=after
        )


_CLASSES: dict[str, type[Actor]] = {
    "Network": Network,
    "Organisation": Organisation,
    "Project": Project,
    "AdvocacyBody": AdvocacyBody,
}


def _location(lat: Any, lon: Any, precision: Any) -> Location | None:
    if lat is None or lon is None:
        return None
    try:
        precise = LocationPrecision(precision) if precision else None
    except ValueError:
        precise = None
    return Location(latitude=float(lat), longitude=float(lon), precision=precise)


def _make(kind: str, props: ActorProps) -> Actor:
    actor_id = strawberry.ID(str(props["id"]))
    name = str(props.get("name") or props["id"])
    legal_form = props.get("legal_form")
    if kind == "AdvocacyBody":
        level = props.get("level")
        return AdvocacyBody(
            id=actor_id,
            name=name,
            kind=ActorKind.ADVOCACY_BODY,
            legal_form=legal_form,
            props=props,
            level=AdvocacyLevel(level) if level else None,
        )
    cls = _CLASSES.get(kind, Organisation)
    return cls(
        id=actor_id,
        name=name,
        kind=ActorKind(kind) if kind in _CLASSES else ActorKind.ORGANISATION,
        legal_form=legal_form,
        props=props,
    )


def actor_from_props(props: ActorProps) -> Actor:
    """An actor from its stored properties (as the actors loader returns them)."""
    props[_FULL] = True
    return _make(str(props.get("kind") or "Organisation"), props)


def actor_from_projection(actor_id: str, attrs: Mapping[str, Any]) -> Actor:
    """An actor from the projection's node attributes (the rest loads on demand)."""
    kind = attrs.get("kind")
    props: ActorProps = {
        "id": actor_id,
        "name": attrs.get("name"),
        "kind": kind,
        "legal_form": attrs.get("legal_form"),
        "level": attrs.get("level"),
        "commune": attrs.get("commune"),
        "themes": attrs.get("themes"),
        "methods": attrs.get("methods"),
        "latitude": attrs.get("lat"),
        "longitude": attrs.get("lon"),
        "location_precision": "exact" if attrs.get("precise") else "commune",
    }
    return _make(str(kind or "Organisation"), props)


# -- links -------------------------------------------------------------------------------------
@strawberry.type(description="A dated, sourced cooperation link between two actors.")
class Link:
    id: strawberry.ID
    kind: LinkKind
    subkind: str | None = strawberry.field(
        description="for COOPERATES_WITH: partenariat, co-portage, mutualisation…"
    )
    since: date | None
    until: date | None
    created_at: datetime | None
    updated_at: datetime | None
    updated_by: str | None
    row: Private[LinkRow]
    context: Private[Context]

    @classmethod
    def of(cls, row: LinkRow, context: Context) -> Link:
        return cls(
            id=strawberry.ID(row.id),
            kind=LinkKind(row.kind),
            subkind=row.subkind,
            since=row.since,
            until=row.until,
            created_at=row.created_at,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
            row=row,
            context=context,
        )

    # no ``info`` argument: the context rides on the link (a resolver without arguments
    # costs Strawberry less, and a page of links resolves two ends per link)
    @field(name="from", description="The actor that states the link.")
    def from_(self) -> Actor:
        return link_end(self.context, self.row.source)

    @field(description="The actor the link points to.")
    def to(self) -> Actor:
        return link_end(self.context, self.row.target)

    @field()
    def sources(self) -> list[Source]:
        return Source.parse(self.row.sources)


def link_end(context: Context, actor_id: str) -> Actor:
    """A link's end: from the projection when it holds the actor (no store read for an id or
    a name: the other fields load on demand), else the awaitable of its stored properties
    (GraphQL awaits it). Sync, so the common case costs no coroutine."""
    projection = context.services.projection.current
    if projection is not None:
        attrs = projection.graph.nodes.get(actor_id)
        if attrs is not None:
            return actor_from_projection(actor_id, attrs)
    return cast(Actor, _stored_actor(context, actor_id))


async def _stored_actor(context: Context, actor_id: str) -> Actor:
    props = await context.loaders.actors.load(actor_id)
    if props is None:
        raise NotFound(f"actor {actor_id!r} no longer exists")
    return actor_from_props(props)


# -- import runs -------------------------------------------------------------------------------
@strawberry.type(description="One run of an importer: what it read and what it did.")
class ImportRun:
    id: strawberry.ID
    source: str | None = strawberry.field(description="the importer (format) that ran")
    input: str | None = strawberry.field(description="the file or URL it read")
    started_at: datetime | None
    finished_at: datetime | None
    status: str | None
    counts: strawberry.scalars.JSON | None = strawberry.field(
        description="rows by outcome: created, updated, unchanged, candidate, rejected, skipped"
    )


__all__ = [
    "Actor",
    "AdvocacyBody",
    "Connection",
    "Edge",
    "ImportRun",
    "Link",
    "Location",
    "Method",
    "Network",
    "Organisation",
    "PageInfo",
    "Project",
    "Source",
    "Territory",
    "Theme",
]
