"""Proposals in GraphQL (:mod:`api.proposals`): for scripts (tokens) and the web map (sessions)
alike.

A contributor (token or account) proposes; an editor who may decide confirms or rejects; a
proposed link is no link (the analytics never see it) and is listed here, for the map to draw
it dashed — for anonymous readers too, without who proposed it. History, revert and stale
entries are :mod:`api.schema.history`; merging a duplicate candidate field by field is
:mod:`api.schema.merge`. Expected failures are typed results (``Problem``), as the other
mutations'; a missing right is a GraphQL error (``unauthenticated``, ``forbidden``,
``outside_network``).
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from api.auth import AuthError, Principal, Role
from api.editing import DuplicateLink, check_source
from api.proposals import (
    ProposalNotFound,
    ProposalTaken,
    check_text_note,
    decide,
    may_decide,
    network_actors,
    payload_of,
    propose_actor,
    propose_link,
)
from api.schema.actors import Actor, Link, actor_from_props, link_from_stored
from api.schema.context import Info
from api.schema.enums import LinkKind
from api.schema.fields import field, mutation
from api.schema.inputs import ActorInput, LinkInput
from api.schema.mutations import (
    ActorNotFound,
    DuplicateLinkProblem,
    InvalidInput,
    Problem,
    actor_given,
    invalid,
)
from api.schema.pagination import check_first
from api.schema.records import HIDDEN
from graph_model.errors import NotFound, ValidationError
from graph_model.limits import MAX_ID, check_text
from graph_model.model import Link as LinkModel
from graph_model.model import LinkKind as DomainLinkKind
from graph_model.model import parse
from graph_model.port import ProposalRecord


@strawberry.enum(description="Where a proposal stands.")
class ProposalStatus(Enum):
    PENDING = "pending"
    DECIDING = "deciding"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


@strawberry.enum(description="What a proposal proposes.")
class ProposalKind(Enum):
    ACTOR = "actor"
    LINK = "link"


@strawberry.type(description="The link a proposal would record (not a link until confirmed).")
class ProposedLink:
    kind: LinkKind
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    subkind: str | None
    since: date | None
    until: date | None
    sources: list[str] = strawberry.field(description="where it is attested (system:key)")


@strawberry.type(description="A proposed actor, edit or link, until an editor decides it.")
class Proposal:
    id: strawberry.ID
    kind: ProposalKind
    status: ProposalStatus
    actors: list[strawberry.ID] = strawberry.field(description="the actors it concerns")
    side: strawberry.ID | None = strawberry.field(
        description="the end of the link the proposer speaks for (its network's), if any"
    )
    created_at: datetime | None
    decided_at: datetime | None
    note: str | None = strawberry.field(description="the decider's note (why it was rejected)")
    result: str | None = strawberry.field(description="the link or actor written on confirmation")
    proposed_by: str | None = strawberry.field(
        description="who proposed it: for editors and the proposer only ('hidden' otherwise)"
    )
    decided_by: str | None = strawberry.field(description="who decided: for editors only")
    link: ProposedLink | None
    actor: JSON | None = strawberry.field(
        description="the proposed actor's fields (editors and the proposer only)"
    )
    may_decide: bool = strawberry.field(
        default=False, description="whether the caller may confirm or reject it"
    )


def _sources(values: Any) -> list[str]:
    return [f"{s.get('system')}:{s.get('key')}" for s in values or () if isinstance(s, dict)]


def proposal_from(record: ProposalRecord, *, private: bool, may_decide: bool = False) -> Proposal:
    payload = payload_of(record)
    link = None
    if record.kind == "link":
        link = ProposedLink(
            kind=LinkKind(payload["kind"]),
            from_=strawberry.ID(str(payload["from"])),
            to=strawberry.ID(str(payload["to"])),
            subkind=payload.get("subkind"),
            since=date.fromisoformat(payload["since"]) if payload.get("since") else None,
            until=date.fromisoformat(payload["until"]) if payload.get("until") else None,
            sources=_sources(payload.get("sources")),
        )
    return Proposal(
        id=strawberry.ID(record.id),
        kind=ProposalKind(record.kind),
        status=ProposalStatus(record.status),
        actors=[strawberry.ID(a) for a in record.actors],
        side=strawberry.ID(record.side) if record.side else None,
        created_at=record.created_at,
        decided_at=record.decided_at,
        note=record.note,
        result=record.result,
        proposed_by=record.proposed_by if private else HIDDEN,
        decided_by=record.decided_by if private else (HIDDEN if record.decided_by else None),
        link=link,
        # a proposed actor's fields are unchecked: for editors and the proposer only
        actor=cast(JSON, payload) if record.kind == "actor" and private else None,
        may_decide=may_decide,
    )


def _own(principal: Principal, record: ProposalRecord) -> bool:
    mine = principal.user or principal.token_id
    return mine is not None and mine == record.proposer


async def _private(info: Info, record: ProposalRecord) -> bool:
    if await info.context.sees_editors():
        return True
    try:
        return _own(await info.context.principal(), record)
    except AuthError:
        return False


@strawberry.type(description="A page of proposals, oldest first.")
class ProposalPage:
    items: list[Proposal]
    end_cursor: str | None
    has_next_page: bool


@strawberry.type(description="A proposal decided: what it wrote, if confirmed.")
class ProposalDecided:
    proposal: Proposal
    link: Link | None
    actor: Actor | None
    change: strawberry.ID | None = strawberry.field(description="the change it made (history)")


@strawberry.type(description="No proposal has this id.")
class ProposalNotFoundProblem(Problem):
    id: strawberry.ID


@strawberry.type(
    name="ProposalTaken",
    description="Another editor decided it (or is deciding it right now).",
)
class ProposalTakenProblem(Problem):
    current: Proposal | None = strawberry.field(description="the proposal as it stands now")


ProposeResult = Annotated[
    Proposal | InvalidInput | ActorNotFound | DuplicateLinkProblem,
    strawberry.union("ProposeResult"),
]
DecideResult = Annotated[
    ProposalDecided
    | ProposalNotFoundProblem
    | ProposalTakenProblem
    | InvalidInput
    | ActorNotFound
    | DuplicateLinkProblem,
    strawberry.union("DecideProposalResult"),
]


def _link_model(input: LinkInput) -> LinkModel:
    source = check_source(input.source.system, input.source.key, input.source.url)
    return parse(
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


def _given(input: ActorInput) -> dict[str, Any]:
    given = actor_given(input)
    given["source"] = (
        check_source(input.source.system, input.source.key, input.source.url)
        if input.source is not None
        else None
    )
    # enums as their values: the proposal's payload is JSON
    for name in ("kind", "level"):
        value = given[name]
        if isinstance(value, Enum):
            given[name] = value.value
    return given


async def _decide(
    info: Info, id: strawberry.ID, note: str | None, *, confirm: bool
) -> DecideResult:
    principal = await info.context.require(Role.EDITOR)
    services = info.context.services
    try:
        check_text(str(id), field="id", limit=MAX_ID)
        check_text_note(note)
        decided = await services.guard.run(
            lambda: decide(services.graph, str(id), principal, confirm=confirm, note=note)
        )
    except ProposalNotFound as exc:
        return ProposalNotFoundProblem(code=exc.code, message=str(exc), id=id)
    except ProposalTaken as exc:
        taken = proposal_from(exc.proposal, private=True) if exc.proposal else None
        return ProposalTakenProblem(code=exc.code, message=str(exc), current=taken)
    except DuplicateLink as exc:
        return DuplicateLinkProblem(
            code=exc.code, message=str(exc), existing=link_from_stored(exc.existing, info.context)
        )
    except ValidationError as exc:
        return invalid(exc)
    except NotFound as exc:
        return ActorNotFound(code=exc.code, message=str(exc), id=None)
    await services.projection.catch_up()
    actor = None
    if decided.actor is not None:
        with contextlib.suppress(KeyError):  # read again: this request may hold the old one
            info.context.loaders.actors.clear(decided.actor)
        props = await info.context.loaders.actors.load(decided.actor)
        actor = actor_from_props(props) if props else None
    return ProposalDecided(
        proposal=proposal_from(decided.proposal, private=True),
        link=link_from_stored(decided.link, info.context) if decided.link else None,
        actor=actor,
        change=strawberry.ID(decided.change_id) if decided.change_id else None,
    )


async def _deciders(info: Info, records: list[ProposalRecord]) -> list[bool]:
    """For each proposal, whether the caller may decide it (pending ones, editors only)."""
    try:
        principal = await info.context.principal()
    except AuthError:
        return [False] * len(records)
    if not principal.may(Role.EDITOR):
        return [False] * len(records)
    graph = info.context.services.graph
    return await info.context.services.guard.run(
        lambda: [r.status == "pending" and may_decide(graph, principal, r) for r in records]
    )


@strawberry.type
class ProposalQuery:
    @field(description="Proposals, oldest first: by status, and those of a network's actors.")
    async def proposals(
        self,
        info: Info,
        status: ProposalStatus | None = None,
        network: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProposalPage:
        size = check_first(info, first)
        graph = info.context.services.graph
        guard = info.context.services.guard
        actors = None
        if network is not None:
            actors = await guard.run(network_actors, graph, str(network))
        records = await guard.run(
            lambda: graph.proposals(
                status.value if status else None, actors, after=after, limit=size + 1
            )
        )
        page = records[:size]
        deciding = await _deciders(info, page)
        items = [
            proposal_from(r, private=await _private(info, r), may_decide=d)
            for r, d in zip(page, deciding, strict=True)
        ]
        return ProposalPage(
            items=items,
            end_cursor=page[-1].id if page else None,
            has_next_page=len(records) > size,
        )

    @field(description="A proposal by id.")
    async def proposal(self, info: Info, id: strawberry.ID) -> Proposal | None:
        graph = info.context.services.graph
        record = await info.context.services.guard.run(graph.proposal, str(id))
        if record is None:
            return None
        return proposal_from(record, private=await _private(info, record))


@strawberry.type
class ProposalMutation:
    @mutation(
        description="Propose a link (contributors and up): recorded as a proposal, no link, "
        "until an editor of the other side (or a national one) confirms it."
    )
    async def propose_link(self, info: Info, input: LinkInput) -> ProposeResult:
        principal = await info.context.require(Role.CONTRIBUTOR)
        services = info.context.services
        try:
            link = _link_model(input)
            record = await services.guard.run(propose_link, services.graph, link, principal)
        except DuplicateLink as exc:
            return DuplicateLinkProblem(
                code=exc.code,
                message=str(exc),
                existing=link_from_stored(exc.existing, info.context),
            )
        except ValidationError as exc:
            return invalid(exc)
        except NotFound as exc:
            return ActorNotFound(code=exc.code, message=str(exc), id=None)
        return proposal_from(record, private=True)

    @mutation(description="Propose a new actor or an edit (contributors and up).")
    async def propose_actor(self, info: Info, input: ActorInput) -> ProposeResult:
        principal = await info.context.require(Role.CONTRIBUTOR)
        services = info.context.services
        try:
            given = _given(input)
            record = await services.guard.run(propose_actor, services.graph, given, principal)
        except ValidationError as exc:
            return invalid(exc)
        except NotFound as exc:
            return ActorNotFound(code=exc.code, message=str(exc), id=input.id)
        return proposal_from(record, private=True)

    @mutation(
        description="Confirm a proposal: it is written, in one transaction with the decision."
    )
    async def confirm_proposal(
        self, info: Info, id: strawberry.ID, note: str | None = None
    ) -> DecideResult:
        return await _decide(info, id, note, confirm=True)

    @mutation(description="Reject a proposal; the note goes back to the proposer.")
    async def reject_proposal(
        self, info: Info, id: strawberry.ID, note: str | None = None
    ) -> DecideResult:
        return await _decide(info, id, note, confirm=False)


__all__ = ["ProposalMutation", "ProposalQuery"]
