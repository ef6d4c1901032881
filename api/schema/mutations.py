"""Mutations (editors only): expected failures are typed results, not errors.

Each mutation checks the caller's token against the graph (never the cache), runs one
transaction (:mod:`api.editing`) that also records a ``Change`` (who, when, what), tells the
projection the graph moved, and answers with a union: the success type, or a type implementing
``Problem`` (``code``, ``message``) that says what is wrong and how to fix it. A missing or
insufficient token is a GraphQL error (``unauthenticated`` / ``forbidden``): it is about the
request, not about the data.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import strawberry

from api.auth import Role
from api.editing import (
    Author,
    DuplicateLink,
    LinkNotFound,
    OutsideNetwork,
    check_source,
    link_actors,
    unlink_actors,
    upsert_actor,
)
from api.editing import KindChangeRefused as KindChangeError
from api.schema.actors import Actor, Link, actor_from_props, link_from_stored
from api.schema.context import Info
from api.schema.fields import mutation
from api.schema.inputs import ActorInput, LinkInput, UnlinkInput
from api.schema.records import ChangeRecord, change_from
from graph_model.errors import NotFound, ValidationError
from graph_model.i18n import _
from graph_model.limits import MAX_DESCRIPTION, MAX_ID, check_text
from graph_model.model import ActorKind, parse
from graph_model.model import Link as LinkModel
from graph_model.model import LinkKind as DomainLinkKind
from graph_model.port import StoredLink


@strawberry.interface(description="An expected failure: what went wrong and how to fix it.")
class Problem:
    code: str
    message: str


@strawberry.type(description="An argument breaks a rule (bad SIREN, dates out of order…).")
class InvalidInput(Problem):
    field: str | None


@strawberry.type(description="No actor has this id.")
class ActorNotFound(Problem):
    id: str | None


@strawberry.type(description="An actor's kind is fixed at creation.")
class KindChangeRefused(Problem):
    id: str
    current: ActorKind
    requested: ActorKind


@strawberry.type(
    name="DuplicateLink",
    description="The link would duplicate one recorded for an overlapping period.",
)
class DuplicateLinkProblem(Problem):
    existing: Link


@strawberry.type(name="LinkNotFound", description="No open link of that kind joins these actors.")
class LinkNotFoundProblem(Problem):
    pass


@strawberry.type(description="No pending duplicate candidate has this id.")
class CandidateNotFound(Problem):
    id: str


@strawberry.type(description="The actor as saved.")
class ActorSaved:
    actor: Actor
    created: bool
    change: ChangeRecord


@strawberry.type(description="The link as recorded.")
class LinkSaved:
    link: Link
    change: ChangeRecord


@strawberry.type(description="The links ended (or removed).")
class LinksEnded:
    links: list[Link]
    removed: bool
    change: ChangeRecord


@strawberry.type(description="A duplicate candidate decided.")
class DuplicateResolved:
    candidate: strawberry.ID
    accepted: bool
    actor: Actor | None = strawberry.field(description="the actor the record joined or became")
    run: str | None = strawberry.field(description="the import run that replayed the record")


UpsertActorResult = Annotated[
    ActorSaved | InvalidInput | ActorNotFound | KindChangeRefused,
    strawberry.union("UpsertActorResult"),
]
LinkActorsResult = Annotated[
    LinkSaved | InvalidInput | ActorNotFound | DuplicateLinkProblem,
    strawberry.union("LinkActorsResult"),
]
UnlinkActorsResult = Annotated[
    LinksEnded | InvalidInput | ActorNotFound | LinkNotFoundProblem,
    strawberry.union("UnlinkActorsResult"),
]
ResolveDuplicateResult = Annotated[
    DuplicateResolved | InvalidInput | CandidateNotFound | ActorNotFound,
    strawberry.union("ResolveDuplicateResult"),
]


def invalid(exc: ValidationError) -> InvalidInput:
    return InvalidInput(code=exc.code, message=str(exc), field=exc.field)


async def _author(info: Info) -> Author:
    """An editor (a contributor proposes instead: api.schema.proposals); a network editor's
    network goes with it (api.editing checks the actors are in it)."""
    principal = await info.context.require(Role.EDITOR)
    return Author(
        name=principal.name,
        token_id=principal.token_id,
        user=principal.user,
        network=principal.network,
    )


def _link(info: Info, stored: StoredLink) -> Link:
    return link_from_stored(stored, info.context)


#: the actor input's fields, as the edits take them (``None``: keep the stored value)
_ACTOR_INPUT_FIELDS = (
    "id", "kind", "name", "legal_form", "level", "siren", "siret", "rna", "website", "email",
    "phone", "description", "commune", "latitude", "longitude", "active_in", "themes", "methods",
    "aliases",
)  # fmt: skip


def actor_given(input: ActorInput) -> dict[str, Any]:
    """The fields of an actor input by name (its source is checked by the caller)."""
    return {name: getattr(input, name) for name in _ACTOR_INPUT_FIELDS}


@strawberry.type
class Mutation:
    @mutation(description="Create an actor, or update one (given fields replace).")
    async def upsert_actor(self, info: Info, input: ActorInput) -> UpsertActorResult:
        author = await _author(info)
        given = actor_given(input)
        try:
            given["source"] = (
                check_source(input.source.system, input.source.key, input.source.url)
                if input.source is not None
                else None
            )
            actor_id, created, change = await info.context.services.guard.run(
                upsert_actor, info.context.services.graph, given, author
            )
        except KindChangeError as exc:
            return KindChangeRefused(
                code=exc.code,
                message=str(exc),
                id=exc.actor_id,
                current=ActorKind(exc.current),
                requested=ActorKind(exc.requested),
            )
        except ValidationError as exc:
            return invalid(exc)
        except NotFound as exc:
            return ActorNotFound(code=exc.code, message=str(exc), id=input.id)
        await info.context.services.projection.catch_up()
        with contextlib.suppress(KeyError):  # read again: this request may hold the old one
            info.context.loaders.actors.clear(actor_id)
        props = await info.context.loaders.actors.load(actor_id)
        if props is None:  # pragma: no cover - written in the same transaction
            raise NotFound(f"actor {actor_id} vanished after its upsert")
        return ActorSaved(
            actor=actor_from_props(props), created=created, change=change_from(change)
        )

    @mutation(description="Record a dated, sourced cooperation link.")
    async def link_actors(self, info: Info, input: LinkInput) -> LinkActorsResult:
        author = await _author(info)
        try:
            source = check_source(input.source.system, input.source.key, input.source.url)
            link = parse(
                LinkModel,
                {
                    "kind": DomainLinkKind(input.kind.value),
                    "source_id": str(input.from_),
                    "target_id": str(input.to),
                    "subkind": input.subkind,
                    "since": input.since,
                    "until": input.until,
                    "sources": [source],
                },
            )
            row, change = await info.context.services.guard.run(
                link_actors, info.context.services.graph, link, author
            )
        except DuplicateLink as exc:
            return DuplicateLinkProblem(
                code=exc.code, message=str(exc), existing=_link(info, exc.existing)
            )
        except ValidationError as exc:
            return invalid(exc)
        except NotFound as exc:
            return ActorNotFound(code=exc.code, message=str(exc), id=None)
        await info.context.services.projection.catch_up()
        return LinkSaved(link=_link(info, row), change=change_from(change))

    @mutation(description="End a cooperation link on a date (or remove a mistake).")
    async def unlink_actors(self, info: Info, input: UnlinkInput) -> UnlinkActorsResult:
        author = await _author(info)
        try:
            source = check_source(input.source.system, input.source.key, input.source.url)
            rows, change = await info.context.services.guard.run(
                lambda: unlink_actors(
                    info.context.services.graph,
                    source_id=str(input.from_),
                    target_id=str(input.to),
                    kind=DomainLinkKind(input.kind.value),
                    until=input.until,
                    source=source,
                    remove=input.remove,
                    author=author,
                )
            )
        except LinkNotFound as exc:
            return LinkNotFoundProblem(code=exc.code, message=str(exc))
        except ValidationError as exc:
            return invalid(exc)
        except NotFound as exc:
            return ActorNotFound(code=exc.code, message=str(exc), id=None)
        await info.context.services.projection.catch_up()
        return LinksEnded(
            links=[_link(info, r) for r in rows], removed=input.remove, change=change_from(change)
        )

    @mutation(
        description="Decide a duplicate candidate: accept (the record is that actor) or not "
        "(the record becomes a new actor)."
    )
    async def resolve_duplicate(
        self, info: Info, candidate: strawberry.ID, accept: bool, note: str | None = None
    ) -> ResolveDuplicateResult:
        author = await _author(info)
        if author.network is not None:
            raise OutsideNetwork(_("duplicate candidates are decided by national editors"))
        from importers import review

        decide = review.accept if accept else review.reject
        try:
            check_text(str(candidate), field="candidate", limit=MAX_ID)
            if note is not None:
                check_text(note, field="note", limit=MAX_DESCRIPTION, multiline=True)
            summary, actor_id = await info.context.services.guard.run(
                lambda: decide(
                    info.context.services.graph, str(candidate), by=author.name, note=note
                )
            )
        except ValidationError as exc:
            return invalid(exc)
        except NotFound as exc:
            if "candidate" in str(exc):
                return CandidateNotFound(code=exc.code, message=str(exc), id=str(candidate))
            return ActorNotFound(code=exc.code, message=str(exc), id=None)
        await info.context.services.projection.catch_up()
        props = await info.context.loaders.actors.load(actor_id) if actor_id else None
        return DuplicateResolved(
            candidate=candidate,
            accepted=accept,
            actor=actor_from_props(props) if props else None,
            run=summary.run_id,
        )
