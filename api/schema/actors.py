"""Actors and the two types they refer to and that refer back: ``Link`` and ``Territory``.

An actor has links and a seat; a link has two actors at its ends; a territory lists its actors.
The three types refer to each other in the schema, so they are declared in this one module: a
split would need a module to name another that imports it back (an import, or a lazy reference
by name). Everything they use that refers to none of them sits below: pagination, the small
value types, the link selection (:mod:`api.schema.links`), the listing (:mod:`api.schema.listing`)
and the territory figures (:mod:`api.schema.figures`).

Each type is built by one function: an actor from its stored properties
(:func:`actor_from_props`) or from the projection's attributes (:func:`actor_from_projection`;
the fields the projection does not hold then load through the request's DataLoader, so an
analytics answer asks the store only for what the query selects), a link from its stored record
(:func:`link_from_stored`), a territory from its record (:func:`territory_from_record`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from datetime import date, datetime
from typing import Any, cast

import strawberry
from strawberry import Private

from api.schema import cursors
from api.schema.context import Context, Info
from api.schema.enums import LinkDirection, LinkKind, TerritoryRelation
from api.schema.fields import field
from api.schema.figures import Figures, figures_of
from api.schema.inputs import ActorFilter
from api.schema.links import linked_ids, select_links
from api.schema.listing import actor_page
from api.schema.loaders import ActorProps, as_datetime
from api.schema.pagination import Connection, check_first, key_page
from api.schema.values import (
    Location,
    Method,
    Source,
    Statement,
    Theme,
    location_from,
    method_from,
    sources_from_stored,
    statements_from_stored,
    theme_from,
)
from api.territories import TerritoryRecord
from graph_model.errors import NotFound
from graph_model.model import ActorKind, AdvocacyLevel, TerritoryLevel
from graph_model.port import StoredLink
from queries.analytics import ActorRef
from queries.projection import Projection

_FULL = "__full__"  # key in an actor's props: True when they are the stored properties


# -- actors ------------------------------------------------------------------------------------
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
        return location_from(
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

    @field(
        description="Telephone (E.164, +33123456789), for editors: a members' list may give a "
        "volunteer's own mobile; null for others."
    )
    async def phone(self, info: Info) -> str | None:
        if not await info.context.sees_editors():
            return None
        return await self._value(info, "phone")  # type: ignore[no-any-return]

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
        if not await info.context.sees_editors():
            return None
        stored = await self._stored(info)
        return stored.get("updated_by") or stored.get("updated_run")

    @field(description="Where the actor's facts came from.")
    async def sources(self, info: Info) -> list[Source]:
        return sources_from_stored(await self._value(info, "sources") or ())

    @field(description="Every key the actor is known under (siren:…, gogocarto:…).")
    async def aliases(self, info: Info) -> list[str]:
        return await info.context.loaders.aliases.load(str(self.id))

    @field(description="The commune of its seat.")
    def seat(self, info: Info) -> Territory | None:
        commune = self.props.get("commune")
        record = info.context.services.territories.get(f"commune:{commune}") if commune else None
        return territory_from_record(record) if record else None

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
                    found[territory_id] = territory_from_record(record)
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
        page = key_page([r.id for r in selected], cursors.LINKS, size, after)
        context = info.context
        return page.connection(
            [(r.id, link_from_stored(r, context)) for r in selected[page.start : page.end]]
        )


LinkedActors = Callable[..., Coroutine[Any, Any, Connection[Actor]]]


def _linked_actors(
    kinds: frozenset[str], direction: LinkDirection = LinkDirection.INCOMING
) -> LinkedActors:
    """The resolver of a kind's list of actors at the other end of some of its links."""

    async def resolve(
        self: Actor,
        info: Info,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Actor]:
        size = check_first(info, first)
        me = str(self.id)
        rows = await info.context.loaders.links.load(me)
        page = key_page(linked_ids(rows, me, kinds, as_of, direction), cursors.ACTORS, size, after)
        props = await info.context.loaders.actors.load_many(page.keys)
        return page.connection(
            [(i, actor_from_props(p)) for i, p in zip(page.keys, props, strict=True) if p]
        )

    return resolve


@strawberry.type(description="A network, federation or movement.")
class Network(Actor):
    members: Connection[Actor] = strawberry.field(
        resolver=_linked_actors(frozenset({"MEMBER_OF"})),
        description="Actors that are members of it (MEMBER_OF toward it).",
    )


@strawberry.type(description="An organisation: association, SCOP, SCIC, cooperative, mutual…")
class Organisation(Actor):
    networks: Connection[Actor] = strawberry.field(
        resolver=_linked_actors(frozenset({"MEMBER_OF"}), LinkDirection.OUTGOING),
        description="The networks it is a member of.",
    )


@strawberry.type(description="A territorial project or experimentation.")
class Project(Actor):
    carriers: Connection[Actor] = strawberry.field(
        resolver=_linked_actors(frozenset({"CARRIES"})),
        description="Actors that carry it (CARRIES toward it).",
    )
    supporters: Connection[Actor] = strawberry.field(
        resolver=_linked_actors(frozenset({"SUPPORTS", "FUNDS"})),
        description="Actors that support or fund it (SUPPORTS, FUNDS toward it).",
    )


@strawberry.type(description="A body of representation or concertation.")
class AdvocacyBody(Actor):
    level: AdvocacyLevel | None
    participants: Connection[Actor] = strawberry.field(
        resolver=_linked_actors(frozenset({"SITS_ON", "MEMBER_OF"})),
        description="Actors that sit on it or are members of it.",
    )


_CLASSES: dict[str, type[Actor]] = {
    "Network": Network,
    "Organisation": Organisation,
    "Project": Project,
    "AdvocacyBody": AdvocacyBody,
}


def _actor(kind: str, props: ActorProps) -> Actor:
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
    return _actor(str(props.get("kind") or "Organisation"), props)


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
    return _actor(str(kind or "Organisation"), props)


def answer_actor(projection: Projection, ref: ActorRef | str) -> Actor:
    """An actor an analytic's answer names (it is in the projection the answer came from)."""
    actor_id = ref if isinstance(ref, str) else ref.id
    return actor_from_projection(actor_id, projection.graph.nodes[actor_id])


async def list_actors(
    info: Info,
    where: ActorFilter | None,
    first: int | None,
    after: str | None,
    *,
    territory: TerritoryRecord | None = None,
) -> Connection[Actor]:
    """A keyset page of the actors passing ``where`` (see :mod:`api.schema.listing`)."""
    found = await actor_page(info, where, first, after, territory=territory)
    nodes = found.projection.graph.nodes
    return found.page.connection([(i, actor_from_projection(i, nodes[i])) for i in found.page.keys])


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
    row: Private[StoredLink]
    context: Private[Context]

    # no ``info`` argument: the context rides on the link (a resolver without arguments
    # costs Strawberry less, and a page of links resolves two ends per link)
    @field()
    async def updated_by(self) -> str | None:
        """Who changed it last: for editors only (a token's name), null for everyone else."""
        return self.row.updated_by if await self.context.sees_editors() else None

    @field(name="from", description="The actor that states the link.")
    def from_(self) -> Actor:
        return link_end(self.context, self.row.source)

    @field(description="The actor the link points to.")
    def to(self) -> Actor:
        return link_end(self.context, self.row.target)

    @field()
    def sources(self) -> list[Source]:
        return sources_from_stored(self.row.sources)

    @field(description="Each source's statement of this link, with that source's own dates.")
    def statements(self) -> list[Statement]:
        row = self.row
        return statements_from_stored(row.statements, row.sources, row.since, row.until)


def link_from_stored(row: StoredLink, context: Context) -> Link:
    """A link from its stored record, with the request's context for its ends."""
    return Link(
        id=strawberry.ID(row.id),
        kind=LinkKind(row.kind),
        subkind=row.subkind,
        since=row.since,
        until=row.until,
        created_at=row.created_at,
        updated_at=row.updated_at,
        row=row,
        context=context,
    )


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

    @field(description="The territory it belongs to (a commune's département).")
    def parent(self, info: Info) -> Territory | None:
        parent = self.record.parent
        found = info.context.services.territories.get(parent) if parent else None
        return territory_from_record(found) if found else None

    @field(description="Every territory it belongs to (a commune: département, EPCI).")
    def parents(self, info: Info) -> list[Territory]:
        index = info.context.services.territories
        return [territory_from_record(r) for p in self.record.parents if (r := index.get(p))]

    @field(description="The territories within it, optionally of one level.")
    def children(self, info: Info, level: TerritoryLevel | None = None) -> list[Territory]:
        index = info.context.services.territories
        return [territory_from_record(r) for r in index.children_of(self.record.id, level)]

    @field(description="The actors whose seat is in this territory.")
    async def actors(
        self,
        info: Info,
        filter: ActorFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Actor]:
        return await list_actors(info, filter, first, after, territory=self.record)

    @field(description="Figures of the movement in this territory.")
    async def figures(self, info: Info, as_of: date | None = None) -> Figures:
        return await figures_of(info, self.record.id, as_of)


def territory_from_record(record: TerritoryRecord) -> Territory:
    """A territory from its record in the reference index."""
    return Territory(
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


__all__ = [
    "Actor",
    "AdvocacyBody",
    "Link",
    "Network",
    "Organisation",
    "Project",
    "Territory",
    "actor_from_projection",
    "actor_from_props",
    "answer_actor",
    "link_from_stored",
    "list_actors",
    "territory_from_record",
]
