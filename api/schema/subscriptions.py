"""The ``Subscription`` root: the change feed, live (:mod:`api.feed`).

``changes(territory, network, kinds, after)`` first replays the log after ``after`` (from now
on when it is not given), then streams the changes as they commit, filtered as ``GET /feed``
filters them, over the WebSocket of ``/graphql`` (graphql-transport-ws,
:mod:`api.feed_routes`). A subscriber too slow to take what comes is closed (code
:data:`TOO_SLOW`) with the sequence number to resume from in the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

import strawberry

from api.auth import Role
from api.feed import feed_filter
from api.feed_live import ChangeFeed, Dropped
from api.schema.context import Context, Info
from graph_model.errors import ValidationError
from graph_model.i18n import _

if TYPE_CHECKING:
    from starlette.websockets import WebSocket

#: the WebSocket close code of a subscriber dropped for being too slow (1013: try again later)
TOO_SLOW = 1013
#: a close reason is at most 123 bytes (RFC 6455)
_REASON_BYTES = 123


@dataclass
class SocketContext(Context):
    """The context of one WebSocket connection: a request's, plus the feed and the socket."""

    feed: ChangeFeed | None = None
    websocket: WebSocket | None = None
    #: the ``connection_init`` payload (Strawberry sets it)
    connection_params: Mapping[str, Any] = field(default_factory=dict)

    async def close(self, code: int, reason: str) -> None:
        """Close the socket with ``reason`` (cut to what a close frame holds)."""
        if self.websocket is None:  # pragma: no cover - only a socket's context is used here
            return
        cut = reason.encode("utf-8")[:_REASON_BYTES].decode("utf-8", errors="ignore")
        await self.websocket.close(code=code, reason=cut)


@strawberry.type(description="A link a change names, by its id, type and ends.")
class FeedLink:
    id: strawberry.ID
    kind: str
    source: strawberry.ID
    target: strawberry.ID


@strawberry.type(description="An actor a change names, with its name and kind when known.")
class FeedActor:
    id: strawberry.ID
    name: str | None
    kind: str | None


@strawberry.type(description="One entry of the change log, as the caller may see it.")
class FeedChange:
    seq: int = strawberry.field(description="the write's sequence number (the graph version)")
    n: int = strawberry.field(description="the entry's rank within its write")
    at: datetime
    kind: str = strawberry.field(description="actor.created, link.created, edit, …")
    operation: str = strawberry.field(description="the write that made it (upsert_actor, …)")
    targets: list[str]
    links: list[FeedLink]
    actors: list[FeedActor]
    by: str | None = strawberry.field(description="who wrote: shown to editors only")
    run: str | None = strawberry.field(description="the import run: shown to editors only")


def change_of(item: Mapping[str, Any]) -> FeedChange:
    """The GraphQL type of one line of the feed (:func:`api.feed_pages.render`)."""
    return FeedChange(
        seq=int(item["seq"]),
        n=int(item["n"]),
        at=datetime.fromisoformat(str(item["at"])),
        kind=str(item["kind"]),
        operation=str(item["operation"]),
        targets=[str(t) for t in item["targets"]],
        links=[
            FeedLink(
                id=strawberry.ID(r["id"]),
                kind=r["kind"],
                source=strawberry.ID(r["source"]),
                target=strawberry.ID(r["target"]),
            )
            for r in item["links"]
        ],
        actors=[
            FeedActor(id=strawberry.ID(a["id"]), name=a["name"], kind=a["kind"])
            for a in item["actors"]
        ],
        by=item.get("by"),
        run=item.get("run"),
    )


F = TypeVar("F", bound=Callable[..., Any])


def subscription(**options: Any) -> Callable[[F], F]:
    """``@strawberry.subscription(**options)`` keeping the resolver's type (as
    :mod:`api.schema.fields` does for fields)."""
    return cast(Callable[[F], F], strawberry.subscription(**options))


@strawberry.type
class Subscription:
    @subscription(
        description="The changes of the graph after the sequence number `after` (from now on "
        "when not given), then as they commit: filtered by territory (region:84, "
        "departement:84, epci:…, commune:…), network (its members' changes) and kinds, as "
        "GET /feed filters them. Over the WebSocket of /graphql (graphql-transport-ws)."
    )
    async def changes(
        self,
        info: Info,
        territory: str | None = None,
        network: strawberry.ID | None = None,
        kinds: list[str] | None = None,
        after: int | None = None,
    ) -> AsyncGenerator[FeedChange, None]:
        context = cast(SocketContext, info.context)
        feed = context.feed
        if feed is None:  # pragma: no cover - the HTTP endpoint refuses subscriptions
            raise ValidationError(_("subscriptions are served over the WebSocket of /graphql"))
        if after is not None and after < 0:
            raise ValidationError(
                _("after: {value!r} is not a sequence number (an integer, 0 or more)", value=after),
                field="after",
            )
        principal = await context.principal()
        wanted = await feed_filter(
            context.services,
            editor=principal.may(Role.EDITOR),
            admin=principal.may(Role.ADMIN),
            territory=territory,
            network=str(network) if network is not None else None,
            kinds=kinds,
        )
        try:
            async for item in feed.stream(wanted, after):
                yield change_of(item)
        except Dropped as exc:
            await context.close(TOO_SLOW, str(exc))
            # the connection's handler ends this operation when the socket is gone
            await asyncio.Event().wait()


__all__ = ["FeedChange", "SocketContext", "Subscription", "change_of"]
