"""The language of each request: its ``Accept-Language`` (French by default).

A pure ASGI middleware, outermost, so every answer speaks it — GraphQL errors, exports, the
refusals of the other middlewares: it sets the language of the request's context
(:func:`graph_model.i18n.use_language`), which the worker threads of the request inherit, and
tells the client with ``Content-Language`` (and ``Vary: Accept-Language`` for caches). A
header naming no language Maillage speaks leaves the process's default (``MAILLAGE_LANG``, else
French).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_model.i18n import language, negotiate, use_language


class RequestLanguage:
    """Speak the request's ``Accept-Language`` (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = None
        for key, value in scope.get("headers", ()):
            if key == b"accept-language":
                header = value.decode("latin-1")
                break
        with use_language(negotiate(header)):
            spoken = language().encode()

            async def with_language(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", ()))
                    present = {bytes(k).lower() for k, _ in headers}
                    if b"content-language" not in present:
                        headers.append((b"content-language", spoken))
                    headers.append((b"vary", b"Accept-Language"))
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, with_language)
