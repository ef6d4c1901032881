"""The change feed's routes: ``GET /feed`` (JSON Lines), ``GET /feed.atom`` and the WebSocket of
``/graphql`` (the ``changes`` subscription, graphql-transport-ws).

* ``GET /feed?territory=84&network=ID&kinds=actor.created,link.created&after=SEQ&limit=N`` —
  one change a line (:func:`api.feed_pages.render`), then one line ``{"next": SEQ, "more": bool}``:
  the ``after`` of the next page (the ``X-Feed-Next`` header and a ``Link: rel="next"`` say
  the same). Errors are ``{"error": {"code", "message", "field", "requestId"}}``: 400 for a bad
  parameter, 401 without a needed token, 403 for a kind shown to editors only, 503 while the
  store is down.
* ``GET /feed.atom`` — the same page as an Atom 1.0 feed (titles in the caller's language:
  ``?lang=`` or ``Accept-Language``, French by default), with ``rel="next"`` to the next page.
* the WebSocket of ``/graphql`` serves subscriptions only (a query or a mutation is answered
  by an ``error`` message: they go by HTTP); the token, when reads need one or to be seen as
  an editor, is the ``connection_init`` payload's ``{"authorization": "Bearer …"}``; a refused
  one closes the socket (4403) with the reason; while the store is down, 1013 (try again later).

Reads follow ``MAILLAGE_PUBLIC_READ`` as every route does.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlencode

from graphql import OperationType, get_operation_ast, parse
from graphql.error import GraphQLError, GraphQLFormattedError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    SubscribeMessage,
)

from api.auth import ANONYMOUS, Principal, Role, Unauthenticated, bearer
from api.endpoint import dumps, request_id
from api.feed import FeedFilter, feed_filter, parse_after, parse_limit
from api.feed_live import ChangeFeed
from api.feed_pages import Page, read_page
from api.schema import build_schema
from api.schema.subscriptions import SocketContext
from api.services import Services
from graph_model.errors import MaillageError, StoreUnavailable
from graph_model.i18n import _, negotiate, ngettext, set_language, use_language

ATOM = "http://www.w3.org/2005/Atom"
_STATUS = {"unauthenticated": 401, "forbidden": 403, "store_unavailable": 503, "timeout": 504}
_PARAMETERS = ("territory", "network", "kinds", "after", "limit", "lang")


def _services(request: Request | WebSocket) -> Services:
    services: Services = request.app.state.services
    return services


def _feed(request: Request | WebSocket) -> ChangeFeed:
    feed: ChangeFeed = request.app.state.feed
    return feed


async def principal_of(services: Services, token: str | None) -> Principal:
    """Who asks: the anonymous public (when reads are public) or a token's holder."""
    if token is None:
        if not services.settings.public_read:
            raise Unauthenticated(
                _(
                    "reads need a token here (MAILLAGE_PUBLIC_READ=false): send "
                    "'Authorization: Bearer <token>'"
                )
            )
        return ANONYMOUS
    principal = services.tokens.cached(token)
    if principal is None:
        principal = await services.guard.run(services.tokens.verify, token)
    return principal


def _error(exc: MaillageError, rid: str) -> Response:
    error: dict[str, Any] = {"code": exc.code, "message": str(exc), "requestId": rid}
    field = getattr(exc, "field", None)
    if field:
        error["field"] = field
    return Response(
        dumps({"error": error}),
        status_code=_STATUS.get(exc.code, 400),
        media_type="application/json",
        headers={"X-Request-ID": rid},
    )


async def _page(request: Request) -> tuple[FeedFilter, Page]:
    services = _services(request)
    services.guard.check()
    principal = await principal_of(services, bearer(request.headers.get("authorization")))
    params = request.query_params
    wanted = await feed_filter(
        services,
        editor=principal.may(Role.EDITOR),
        admin=principal.may(Role.ADMIN),
        territory=params.get("territory"),
        network=params.get("network"),
        kinds=params.get("kinds"),
    )
    after = parse_after(params.get("after")) or 0
    limit = parse_limit(params.get("limit"))
    return wanted, await read_page(services, wanted, after, limit)


def _next_url(request: Request, after: int) -> str:
    params = {k: v for k, v in request.query_params.items() if k in _PARAMETERS}
    params["after"] = str(after)
    return f"{request.url.path}?{urlencode(params)}"


def _language(request: Request) -> str | None:
    return negotiate(request.query_params.get("lang")) or negotiate(
        request.headers.get("accept-language")
    )


async def feed_lines(request: Request) -> Response:
    """``GET /feed``: the page as JSON Lines, then its cursor line."""
    rid = request_id(request)
    with use_language(_language(request)):
        try:
            _wanted, page = await _page(request)
        except MaillageError as exc:
            return _error(exc, rid)
    lines = [dumps(item) for item in page.items]
    lines.append(dumps({"next": page.next, "more": page.more}))
    return Response(
        b"\n".join(lines) + b"\n",
        media_type="application/jsonl",
        headers={
            "X-Request-ID": rid,
            "X-Feed-Next": str(page.next),
            "X-Feed-More": "true" if page.more else "false",
            "Link": f'<{_next_url(request, page.next)}>; rel="next"',
        },
    )


async def feed_atom(request: Request) -> Response:
    """``GET /feed.atom``: the page as an Atom 1.0 feed."""
    rid = request_id(request)
    with use_language(_language(request)):
        try:
            wanted, page = await _page(request)
        except MaillageError as exc:
            return _error(exc, rid)
        body = atom_feed(request, wanted, page)
    return Response(
        body,
        media_type="application/atom+xml; charset=utf-8",
        headers={"X-Request-ID": rid, "X-Feed-Next": str(page.next)},
    )


# -- Atom ------------------------------------------------------------------------------------


def _names(item: Mapping[str, Any]) -> dict[str, str]:
    return {str(a["id"]): str(a["name"] or a["id"]) for a in item["actors"]}


def _more(count: int) -> str:
    return ngettext(" (+{n} other)", " (+{n} others)", count) if count > 0 else ""


def entry_title(item: Mapping[str, Any]) -> str:
    """A change in a few words, in the current language (``Lien créé : A → B``)."""
    kind = str(item["kind"])
    names = _names(item)
    links: Sequence[Mapping[str, Any]] = item["links"]
    if links:
        first = links[0]
        ends = {
            "source": names.get(first["source"], first["source"]),
            "target": names.get(first["target"], first["target"]),
        }
        titles = {
            "link.created": _("Link created: {source} → {target}", **ends),
            "link.updated": _("Link updated: {source} → {target}", **ends),
            "link.ended": _("Link ended: {source} → {target}", **ends),
            "link.removed": _("Link removed: {source} → {target}", **ends),
        }
        if kind in titles:
            return titles[kind] + _more(len(links) - 1)
    listed = list(names.values())
    shown = ", ".join(listed[:3]) + _more(len(listed) - 3)
    targets = len(item["targets"])
    about = {
        "actor.created": lambda: _("Actor created: {names}", names=shown),
        "actor.updated": lambda: _("Actor updated: {names}", names=shown),
        "actor.removed": lambda: _("Actor removed: {names}", names=shown),
        "aliases": lambda: _("Other names updated: {names}", names=shown),
        "places": lambda: _("Places updated: {names}", names=shown),
        "edit": lambda: _("Edit ({operation}): {names}", operation=item["operation"], names=shown),
        "themes": lambda: ngettext("{n} theme updated", "{n} themes updated", targets),
        "territories": lambda: ngettext(
            "{n} territory updated", "{n} territories updated", targets
        ),
        "methods": lambda: ngettext(
            "{n} method or event updated", "{n} methods or events updated", targets
        ),
        "graph.cleared": lambda: _("The graph was emptied"),
        "candidates": lambda: ngettext(
            "{n} possible duplicate", "{n} possible duplicates", targets
        ),
        "import_run": lambda: _("Import run {targets}", targets=", ".join(item["targets"])),
        "token": lambda: _("API token {targets}", targets=", ".join(item["targets"])),
        "meta": lambda: _("Setting {targets}", targets=", ".join(item["targets"])),
    }
    title = about.get(kind)
    return title() if title is not None else _("Write ({operation})", operation=item["operation"])


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def atom_feed(request: Request, wanted: FeedFilter, page: Page) -> bytes:
    """The page as an Atom 1.0 document (RFC 4287; ``rel="next"`` as RFC 5005 pages)."""
    base = _base(request)
    root = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(root, "id").text = _feed_id(request)
    title = _("Maillage: changes")
    if wanted.label:
        title = _("Maillage: changes — {scope}", scope=wanted.label)
    ET.SubElement(root, "title").text = title
    newest = max((str(item["at"]) for item in page.items), default=None)
    updated = newest or datetime.now(UTC).isoformat().replace("+00:00", "Z")
    ET.SubElement(root, "updated").text = updated
    author = ET.SubElement(root, "author")
    ET.SubElement(author, "name").text = "Maillage"
    ET.SubElement(root, "generator").text = "Maillage"
    _link(root, "self", str(request.url))
    _link(root, "alternate", f"{base}/", "text/html")
    if page.more:
        _link(root, "next", f"{base}{_next_url(request, page.next)}")
    for item in page.items:
        _entry(root, item, base)
    return cast(bytes, ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _feed_id(request: Request) -> str:
    """The feed's id: its address with its filter, without the page (the same filter, the same
    feed)."""
    params = sorted(
        (k, v) for k, v in request.query_params.items() if k in ("territory", "network", "kinds")
    )
    query = f"?{urlencode(params)}" if params else ""
    return f"{_base(request)}{request.url.path}{query}"


def _link(parent: ET.Element, rel: str, href: str, media: str | None = None) -> None:
    link = ET.SubElement(parent, "link", rel=rel, href=href)
    if media:
        link.set("type", media)


def _entry(root: ET.Element, item: Mapping[str, Any], base: str) -> None:
    entry = ET.SubElement(root, "entry")
    ET.SubElement(entry, "id").text = f"{base}/feed#{item['seq']}.{item['n']}"
    ET.SubElement(entry, "title").text = entry_title(item)
    ET.SubElement(entry, "updated").text = str(item["at"])
    ET.SubElement(entry, "category", term=str(item["kind"]))
    actors = item["actors"]
    target = f"{base}/#actor={actors[0]['id']}" if actors else f"{base}/"
    _link(entry, "alternate", target, "text/html")
    if item.get("by"):
        author = ET.SubElement(entry, "author")
        ET.SubElement(author, "name").text = str(item["by"])
    summary = " · ".join(
        [
            f"seq {item['seq']}",
            str(item["kind"]),
            str(item["operation"]),
            ", ".join(str(t) for t in item["targets"][:20]),
        ]
    )
    ET.SubElement(entry, "content", type="text").text = summary


# -- the subscription's WebSocket ------------------------------------------------------------


def _operation_type(query: object, name: object) -> OperationType | None:
    """The operation a ``subscribe`` message asks for (``None``: not parsable here; the
    protocol handler then says why)."""
    if not isinstance(query, str):
        return None
    try:
        operation = get_operation_ast(parse(query), name if isinstance(name, str) else None)
    except GraphQLError:
        return None
    return operation.operation if operation is not None else None


class _Handler(BaseGraphQLTransportWSHandler[SocketContext, None]):
    """graphql-transport-ws with the API's token check and subscriptions only."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        refusal = await self._refusal(payload) if isinstance(payload, dict) else None
        if refusal is not None:
            if self.connection_init_timeout_task:
                self.connection_init_timeout_task.cancel()
            self.connection_init_received = True
            await self.context.close(*refusal)
            return
        await super().handle_connection_init(message)

    async def _refusal(self, payload: Mapping[str, object]) -> tuple[int, str] | None:
        """Why the connection is refused (a close code and reason), or ``None``: 4403 for a
        token, 1013 (try again later) while the store is down."""
        context = self.context
        services = context.services
        try:
            services.guard.check()
            header = payload.get("authorization") or payload.get("Authorization")
            context.token = bearer(str(header)) if header else None
            if context.token is None:
                await principal_of(services, None)  # refused when reads need a token
            else:
                await context.principal()
        except StoreUnavailable as exc:
            return 1013, str(exc)
        except MaillageError as exc:
            return 4403, str(exc)
        return None

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload") or {}
        kind = _operation_type(payload.get("query"), payload.get("operationName"))
        asks_other = kind is not None and kind is not OperationType.SUBSCRIPTION
        if asks_other and self.connection_acknowledged:
            error: GraphQLFormattedError = {
                "message": _(
                    "only subscriptions go over the WebSocket: send queries and mutations by "
                    "POST /graphql"
                )
            }
            refused = ErrorMessage(id=message["id"], type="error", payload=[error])
            await self.send_message(refused)
            return
        await super().handle_subscribe(message)


class SubscriptionsView(GraphQL[SocketContext, None]):
    """Strawberry's ASGI view, for the WebSocket only, with the API's context."""

    graphql_transport_ws_handler_class = _Handler

    async def get_context(self, request: Request | WebSocket, response: Any) -> SocketContext:
        services = _services(request)
        context = cast(
            SocketContext,
            SocketContext.create(services, request_id=secrets.token_hex(8), token=None),
        )
        context.feed = _feed(request)
        context.websocket = cast(WebSocket, response)
        # the connection's task (and the operations it starts) speak the handshake's language
        set_language(negotiate(request.headers.get("accept-language")))
        return context


def feed_routes(allowed_origins: Sequence[str] = ()) -> list[BaseRoute]:
    """The feed's routes (to add before the static files' mount)."""
    view = SubscriptionsView(
        build_schema(),
        graphql_ide=None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        max_subscriptions_per_connection=10,
        allowed_origins=list(allowed_origins),
    )
    return [
        Route("/feed", feed_lines, methods=["GET"]),
        Route("/feed.atom", feed_atom, methods=["GET"]),
        WebSocketRoute("/graphql", view),
    ]


__all__ = ["SubscriptionsView", "atom_feed", "entry_title", "feed_routes", "principal_of"]
