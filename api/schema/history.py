"""History, revert and stale entries in GraphQL (:mod:`api.history`): an actor's or a link's
changes with before/after, ``revertChange`` (a change too), and what a network has not confirmed
for long (``staleEntries``, ``confirmEntry``).

Who made a change is for editors only (``hidden`` otherwise); reverting and the stale entries
are for editors, a network editor's for its own network. Expected failures are typed results
(``Problem``); a missing right is a GraphQL error.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from api.auth import AuthError, Principal, Role
from api.history import (
    HistoryItem,
    RevertRefused,
    confirm_entry,
    history,
    revert,
    stale_entries,
)
from api.schema.actors import Actor, Link, actor_from_props, link_from_stored
from api.schema.context import Info
from api.schema.fields import field, mutation
from api.schema.mutations import ActorNotFound, InvalidInput, Problem, invalid
from api.schema.pagination import check_first
from api.schema.records import HIDDEN, ChangeRecord, change_from
from graph_model.errors import NotFound, ValidationError
from graph_model.i18n import _
from graph_model.limits import MAX_ID, check_text


@strawberry.type(description="One change of an actor or a link: who, when, what before/after.")
class HistoryEntry:
    id: strawberry.ID
    seq: int = strawberry.field(description="its place in the change log")
    at: datetime
    by: str | None = strawberry.field(description="who (editors only; 'hidden' otherwise)")
    operation: str
    kind: str = strawberry.field(description="edit (the API), actor.updated (an import)…")
    run: str | None = strawberry.field(description="the import run that made it, if one did")
    before: JSON | None
    after: JSON | None
    detail: JSON | None = strawberry.field(description="the rest: input, source, proposal…")
    revertible: bool


def entry_from(item: HistoryItem, *, private: bool) -> HistoryEntry:
    change = item.change
    rest = {k: v for k, v in item.detail.items() if k not in ("before", "after")}
    return HistoryEntry(
        id=strawberry.ID(change.id),
        seq=change.seq,
        at=change.at,
        by=(change.by or None) if private else HIDDEN,
        operation=change.operation,
        kind=change.kind,
        run=change.run,
        before=cast(JSON, item.before),
        after=cast(JSON, item.after),
        detail=cast(JSON, rest) if rest else None,
        revertible=item.revertible,
    )


@strawberry.type(description="A page of history, newest first.")
class HistoryPage:
    items: list[HistoryEntry]
    end_cursor: str | None
    has_next_page: bool


@strawberry.type(description="The change a revert made (a change too: it can be reverted).")
class Reverted:
    change: ChangeRecord
    reverts: strawberry.ID


@strawberry.type(
    name="RevertRefused",
    description="The change cannot be reverted: later changes touched the same fields.",
)
class RevertRefusedProblem(Problem):
    conflicts: list[strawberry.ID] = strawberry.field(description="the later changes, oldest first")


@strawberry.type(description="No change made through the API has this id.")
class ChangeNotFound(Problem):
    id: strawberry.ID


@strawberry.type(description="An actor of the network not confirmed nor changed for long.")
class StaleActor:
    actor: Actor
    last_changed: datetime | None


@strawberry.type(description="An open link of the network not confirmed nor changed for long.")
class StaleLink:
    link: Link
    last_changed: datetime | None


@strawberry.type(description="What a network has not confirmed for `months` months.")
class StaleEntries:
    network: strawberry.ID
    months: int
    actors: list[StaleActor]
    links: list[StaleLink]


@strawberry.type(description="An entry confirmed (still true) or a link ended.")
class EntryConfirmed:
    change: ChangeRecord


RevertResult = Annotated[
    Reverted | RevertRefusedProblem | ChangeNotFound | InvalidInput | ActorNotFound,
    strawberry.union("RevertChangeResult"),
]
ConfirmEntryResult = Annotated[
    EntryConfirmed | InvalidInput | ActorNotFound,
    strawberry.union("ConfirmEntryResult"),
]


async def _may_edit_network(info: Info, network: str) -> Principal:
    principal = await info.context.require(Role.EDITOR)
    if principal.network is not None and principal.network != network:
        raise AuthError(
            _(
                "you edit the network {mine}: the stale entries of {other} are for its editors",
                mine=principal.network,
                other=network,
            )
        )
    return principal


@strawberry.type
class HistoryQuery:
    @field(
        description="An actor's or a link's changes, newest first: who, when, what before and "
        "after, from which source or import run."
    )
    async def history(
        self, info: Info, of: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> HistoryPage:
        size = check_first(info, first)
        check_text(str(of), field="of", limit=MAX_ID)
        try:
            before = int(after) if after else None
        except ValueError as exc:
            raise ValidationError(_("after: not a cursor of history"), field="after") from exc
        services = info.context.services
        items, cursor = await services.guard.run(
            lambda: history(services.graph, str(of), first=size, before=before)
        )
        private = await info.context.sees_editors()
        return HistoryPage(
            items=[entry_from(i, private=private) for i in items],
            end_cursor=str(cursor) if cursor is not None else None,
            has_next_page=cursor is not None,
        )

    @field(
        description="A network's actors and open links not confirmed nor changed for `months` "
        "months (MAILLAGE_STALE_MONTHS, 24): for that network's editors and national ones."
    )
    async def stale_entries(
        self, info: Info, network: strawberry.ID, months: int | None = None
    ) -> StaleEntries:
        await _may_edit_network(info, str(network))
        from api.accounts import AccountSettings

        span = months if months is not None else AccountSettings().stale_months
        if span < 1:
            raise ValidationError(_("months: give 1 or more"), field="months")
        services = info.context.services
        actors, links = await services.guard.run(stale_entries, services.graph, str(network), span)
        return StaleEntries(
            network=network,
            months=span,
            actors=[
                StaleActor(actor=actor_from_props(dict(a.actor.props)), last_changed=a.last)
                for a in actors
            ],
            links=[
                StaleLink(link=link_from_stored(s.link, info.context), last_changed=s.last)
                for s in links
            ],
        )


@strawberry.type
class HistoryMutation:
    @mutation(
        description="Restore what a change made through the API replaced (editors); refused "
        "with the reason when later changes touched the same fields."
    )
    async def revert_change(self, info: Info, change: strawberry.ID) -> RevertResult:
        principal = await info.context.require(Role.EDITOR)
        services = info.context.services
        try:
            check_text(str(change), field="change", limit=MAX_ID)
            made = await services.guard.run(revert, services.graph, str(change), principal)
        except RevertRefused as exc:
            return RevertRefusedProblem(
                code=exc.code,
                message=str(exc),
                conflicts=[strawberry.ID(c) for c in exc.conflicts],
            )
        except ValidationError as exc:
            return invalid(exc)
        except NotFound as exc:
            if str(change) in str(exc):
                return ChangeNotFound(code=exc.code, message=str(exc), id=change)
            return ActorNotFound(code=exc.code, message=str(exc), id=None)
        await services.projection.catch_up()
        return Reverted(change=change_from(made), reverts=change)

    @mutation(
        description="Confirm a stale entry (still true: 'toujours d'actualité'), or end a link "
        "on `until`. A link is named by its id and one of its ends (`from`)."
    )
    async def confirm_entry(
        self,
        info: Info,
        id: strawberry.ID,
        from_: Annotated[strawberry.ID | None, strawberry.argument(name="from")] = None,
        until: date | None = None,
    ) -> ConfirmEntryResult:
        principal = await info.context.require(Role.EDITOR)
        services = info.context.services
        try:
            check_text(str(id), field="id", limit=MAX_ID)
            made = await services.guard.run(
                lambda: confirm_entry(
                    services.graph,
                    str(id),
                    principal,
                    end=str(from_) if from_ is not None else None,
                    until=until,
                )
            )
        except ValidationError as exc:
            return invalid(exc)
        except NotFound as exc:
            return ActorNotFound(code=exc.code, message=str(exc), id=id)
        await services.projection.catch_up()
        return EntryConfirmed(change=change_from(made))


__all__ = ["HistoryMutation", "HistoryQuery"]
