"""What every request meets before a route: a bounded body, a brake on guessed tokens, and the
browser's security headers on every answer. Pure ASGI (no ``BaseHTTPMiddleware``): a body is
counted as it streams and refused as soon as it passes the limit, never read whole first.

- :class:`BodyLimit`: a declared ``Content-Length`` over ``MAILLAGE_MAX_BODY_BYTES`` is refused
  413 before a byte is read; a chunked body is counted message by message and refused 413 when
  the count passes; a body that does not arrive whole within ``MAILLAGE_BODY_TIMEOUT`` seconds
  is refused 408 (the headers' own timeout is the server's: :mod:`api.server`). A client that
  goes away mid-body is one INFO line, not a traceback.
- :class:`AuthThrottle`: a request carrying a token that is refused (401) counts a failure of
  its client address (:mod:`api.throttle`); past ``MAILLAGE_AUTH_FAILURES`` a minute, requests
  with a token from that address get 429 with ``Retry-After`` until the window moves on.
- :class:`SecurityHeaders`: ``Content-Security-Policy`` (the map's, or GraphiQL's on its page),
  ``X-Content-Type-Options``, ``Referrer-Policy``, and the frame policy from
  ``MAILLAGE_FRAME_ANCESTORS`` (none by default, with ``X-Frame-Options: DENY``).

Refusals have the shape of the GraphQL endpoint's (``{"errors": [{"message", "extensions":
{"code", "requestId", …}}]}``, ``X-Request-ID``), whatever the route.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.endpoint import dumps, request_id
from api.throttle import FailureThrottle

logger = logging.getLogger(__name__)


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str, limit: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.limit = limit


async def refuse(
    scope: Scope,
    send: Send,
    status: int,
    error: dict[str, Any],
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """Answer ``status`` with one error, shaped as the GraphQL endpoint's refusals."""
    rid = request_id(Request(scope))
    error.setdefault("extensions", {})["requestId"] = rid
    body = dumps({"errors": [error]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", rid.encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class _BoundedBody:
    """``receive`` counting the body's bytes against a size and a time limit."""

    def __init__(self, receive: Receive, guard: BodyLimit) -> None:
        self._receive = receive
        self._guard = guard
        self._deadline = asyncio.get_running_loop().time() + guard.timeout
        self._received = 0
        self._done = False

    async def __call__(self) -> Message:
        if self._done:  # the body is in; what follows is a disconnect, never timed
            return await self._receive()
        remaining = self._deadline - asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(max(remaining, 0.0)):
                message = await self._receive()
        except TimeoutError:
            raise self._guard.too_slow() from None
        if message["type"] == "http.request":
            self._received += len(message.get("body", b""))
            if self._received > self._guard.max_bytes:
                raise self._guard.too_large()
            self._done = not message.get("more_body", False)
        return message


class BodyLimit:
    """Refuse bodies over ``max_bytes`` (413) or slower than ``timeout`` seconds (408)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    def too_large(self) -> _Refused:
        return _Refused(
            413,
            "body_too_large",
            f"the request's body is over the limit max_body_bytes of {self.max_bytes} bytes "
            "(set by MAILLAGE_MAX_BODY_BYTES): send less at a time",
            "max_body_bytes",
        )

    def too_slow(self) -> _Refused:
        return _Refused(
            408,
            "body_timeout",
            f"the request's body did not arrive whole within the limit body_timeout of "
            f"{self.timeout:g} s (set by MAILLAGE_BODY_TIMEOUT): send it at once",
            "body_timeout",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        try:
            if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
                raise self.too_large()
        except _Refused as exc:
            await self._refuse(scope, send, exc)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _BoundedBody(receive, self), watched)
        except _Refused as exc:
            if not started:
                await self._refuse(scope, send, exc)
        except ClientDisconnect:
            logger.info(
                "client %s went away before sending its whole request (%s %s)",
                _client(scope),
                scope.get("method"),
                scope.get("path"),
            )

    async def _refuse(self, scope: Scope, send: Send, exc: _Refused) -> None:
        logger.info(
            "refused %s %s from %s: %s",
            scope.get("method"),
            scope.get("path"),
            _client(scope),
            exc.code,
        )
        error = {"message": str(exc), "extensions": {"code": exc.code, "limit": exc.limit}}
        # the unread rest of the body is dropped with the connection
        await refuse(scope, send, exc.status, error, [(b"connection", b"close")])


class AuthThrottle:
    """Slow down token guessing: refused tokens count per client address (see module doc)."""

    def __init__(self, app: ASGIApp, throttle: FailureThrottle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _header(scope, b"authorization") is None:
            await self.app(scope, receive, send)
            return
        address = _client(scope)
        wait = self.throttle.retry_after(address)
        if wait is not None:
            throttle = self.throttle
            message = (
                f"too many refused tokens from this address: try again in {wait} s (the limit "
                f"auth_failures is {throttle.limit} in {throttle.window:g} s, set by "
                "MAILLAGE_AUTH_FAILURES and MAILLAGE_AUTH_FAILURE_WINDOW)"
            )
            error = {
                "message": message,
                "extensions": {"code": "too_many_requests", "retryAfter": wait},
            }
            await refuse(scope, send, 429, error, [(b"retry-after", str(wait).encode())])
            return

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.throttle.fail(address)
            await send(message)

        await self.app(scope, receive, counted)


MAP_POLICY = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; "
    # Leaflet positions its panes and markers with style attributes; map tiles, when
    # configured (web/static/config.json), come from a tile server over https
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
# GraphiQL's page (web/static/graphiql/) runs React and GraphiQL from files the API serves
# itself, started by a script file: scripts from the page's origin only, nothing from a CDN;
# its editor sets style attributes and its fonts are data: URLs inside its stylesheet
GRAPHIQL_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)


class SecurityHeaders:
    """The browser's security headers on every answer (see module doc)."""

    def __init__(
        self, app: ASGIApp, *, frame_ancestors: Iterable[str] = (), graphql_path: str = "/graphql"
    ) -> None:
        self.app = app
        origins = list(frame_ancestors)
        frames = " ".join(origins) if origins else "'none'"
        self._graphql_path = graphql_path
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]
        if not origins:
            common.append((b"x-frame-options", b"DENY"))
        self._map = [
            *common,
            (b"content-security-policy", f"{MAP_POLICY}; frame-ancestors {frames}".encode()),
        ]
        self._graphiql = [
            *common,
            (b"content-security-policy", f"{GRAPHIQL_POLICY}; frame-ancestors {frames}".encode()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        graphql = scope.get("path") == self._graphql_path

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {bytes(key).lower() for key, _ in headers}
                html = any(
                    bytes(key).lower() == b"content-type" and bytes(value).startswith(b"text/html")
                    for key, value in headers
                )
                extra = self._graphiql if graphql and html else self._map
                headers.extend(item for item in extra if item[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
