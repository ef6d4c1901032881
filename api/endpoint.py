"""The GraphQL HTTP endpoint: ``GET``/``POST /graphql`` (GraphiQL on a browser's ``GET``).

A lean Starlette endpoint over Strawberry's ``Schema.execute`` rather than Strawberry's FastAPI
router (no dependency injection per request, one JSON decode, one ``orjson`` encode; see the
benchmark in ``bench/RESULTS.md``). Per request it:

1. reads the operation (``query``, ``variables``, ``operationName``; mutations only by POST);
2. answers 503 at once while the store guard knows the store is down;
3. checks the bearer token when there is one, or when reads are not public;
4. executes with a fresh :class:`~api.schema.context.Context` (its DataLoaders) within the
   request's time limit;
5. formats errors: the project's errors keep their message and carry
   ``extensions.code``; anything else is masked as "Unexpected error" and logged with the
   request id, which the response carries too (``X-Request-ID`` and ``extensions.requestId``).

A request refused as a whole gets an HTTP status that says why (400 malformed or over a limit,
401/403 token, 503 store unavailable, 504 time limit); field errors keep 200, as GraphQL over
HTTP has it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError
from graphql.error import GraphQLSyntaxError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api import timing
from api.auth import AuthError, Unauthenticated, bearer
from api.csrf import HEADER as CSRF_HEADER
from api.csrf import csrf_matches
from api.request_errors import describe
from api.schema import build_schema
from api.schema.context import Context
from api.schema.limits import LimitExceeded
from api.services import Services
from graph_model.errors import MaillageError, StoreUnavailable
from graph_model.i18n import _

try:  # orjson is several times faster; the stdlib is the fallback
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    orjson = None  # type: ignore[assignment]


def dumps(value: Any) -> bytes:
    if orjson is not None:
        return orjson.dumps(value, default=str)
    return json.dumps(value, default=str, ensure_ascii=False).encode()  # pragma: no cover


def loads(raw: bytes | str) -> Any:
    if orjson is not None:
        return orjson.loads(raw)
    return json.loads(raw)  # pragma: no cover


logger = logging.getLogger(__name__)

_STATUS = {
    "unauthenticated": 401,
    "session_expired": 401,
    "forbidden": 403,
    "csrf_refused": 403,
    "outside_network": 403,
    "store_unavailable": 503,
    "timeout": 504,
    "limit_exceeded": 400,
    "bad_request": 400,
    "invalid_query": 400,
}
_QUERIES = frozenset({OperationType.QUERY})
_ALL = frozenset({OperationType.QUERY, OperationType.MUTATION})


class BadRequest(MaillageError):
    code = "bad_request"


class RequestTimeout(MaillageError):
    code = "timeout"


def session_secret(request: Request) -> str | None:
    """The session cookie's value (:mod:`api.sessions`), if any."""
    value = request.cookies.get("maillage_session")
    return value if value and len(value) <= 128 else None


def request_id(request: Request) -> str:
    given = request.headers.get("x-request-id", "")
    if given and len(given) <= 64 and given.isprintable():
        return given
    return secrets.token_hex(8)


def json_response(body: Mapping[str, Any], status: int, rid: str) -> Response:
    return Response(
        dumps(body),
        status_code=status,
        media_type="application/json",
        headers={"X-Request-ID": rid},
    )


def error_body(exc: MaillageError, rid: str) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": exc.code, "requestId": rid}
    field = getattr(exc, "field", None)
    if field:
        extensions["field"] = field
    return {"message": str(exc), "extensions": extensions}


def graphiql_page() -> str:
    """GraphiQL's page, whose scripts and styles the API serves itself (``web/static/vendor``,
    copied from the pinned npm packages by ``web/build.mjs``): it works offline, and its
    security policy allows scripts from the page's own origin only."""
    from web import STATIC_DIR

    return (STATIC_DIR / "graphiql" / "index.html").read_text(encoding="utf-8")


class GraphQLEndpoint:
    """The ``/graphql`` route (see the module docstring)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.schema = build_schema()
        self._ide = graphiql_page() if services.settings.graphiql else None

    async def __call__(self, request: Request) -> Response:
        started = time.perf_counter()
        with timing.record() as spent:
            response = await self._answer(request)
        # the server's own time (a browser's developer tools and the benchmarks read it): from
        # the request reaching the endpoint to its answer, a mutation's commit and the
        # projection following it included; then the store's calls and following the log
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = timing.header(elapsed, spent)
        return response

    async def _answer(self, request: Request) -> Response:
        rid = request_id(request)
        try:
            operation = await self._operation(request)
        except BadRequest as exc:
            return json_response({"errors": [error_body(exc, rid)]}, 400, rid)
        if operation is None:
            if self._ide is None:
                return Response(
                    _("GraphiQL is disabled here (MAILLAGE_GRAPHIQL=false): send queries by POST"),
                    status_code=404,
                )
            return HTMLResponse(self._ide)
        query, variables, operation_name = operation
        try:
            return await self._execute(request, rid, query, variables, operation_name)
        except MaillageError as exc:
            status = _STATUS.get(exc.code, 400)
            return json_response({"data": None, "errors": [error_body(exc, rid)]}, status, rid)

    async def _operation(
        self, request: Request
    ) -> tuple[str, dict[str, Any] | None, str | None] | None:
        if request.method == "GET":
            params = request.query_params
            if "query" not in params:
                accept = request.headers.get("accept", "")
                if "text/html" in accept or "*/*" in accept or not accept:
                    return None
                raise BadRequest(
                    _("GET /graphql needs a ?query= parameter (or send the query by POST)")
                )
            variables = params.get("variables")
            try:
                parsed = loads(variables) if variables else None
            except ValueError as exc:
                raise BadRequest(_("variables: not valid JSON")) from exc
            return params["query"], parsed, params.get("operationName")
        content_type = request.headers.get("content-type", "")
        body = await request.body()
        if "application/graphql" in content_type:
            return body.decode("utf-8", errors="replace"), None, None
        try:
            data = loads(body)
        except ValueError as exc:
            raise BadRequest(
                _('the body is not valid JSON: send a JSON object with a "query"')
            ) from exc
        if not isinstance(data, dict):
            raise BadRequest(
                _('the body must be a JSON object with "query" (and "variables", "operationName")')
            )
        query = data.get("query")
        if not isinstance(query, str) or not query.strip():
            raise BadRequest(_('the body has no query: give the GraphQL document as "query"'))
        variables = data.get("variables")
        if variables is not None and not isinstance(variables, dict):
            raise BadRequest(_("variables must be a JSON object"))
        name = data.get("operationName")
        return query, variables, name if isinstance(name, str) and name else None

    async def _execute(
        self,
        request: Request,
        rid: str,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> Response:
        services = self.services
        settings = services.settings
        services.guard.check()
        token = bearer(request.headers.get("authorization"))
        # a signed-in person (no token): a POST with the session cookie that lacks its CSRF
        # token does not use the session — a query reads as the public, anything needing a
        # role is refused (csrf_refused)
        session = session_secret(request) if token is None else None
        forged = False
        if session is not None and request.method == "POST":
            forged = not csrf_matches(request.headers.get(CSRF_HEADER), session)
        context = Context.create(
            services, request_id=rid, token=token, session=session, csrf_refused=forged
        )
        if token is not None or not settings.public_read:
            principal = await context.principal()
            if principal.anonymous:
                raise Unauthenticated(
                    _(
                        "reads need a token here (MAILLAGE_PUBLIC_READ=false): send "
                        "'Authorization: Bearer <token>'"
                    )
                )
        allowed = _ALL if request.method == "POST" else _QUERIES
        try:
            async with asyncio.timeout(settings.request_timeout):
                result = await self.schema.execute(
                    query,
                    variable_values=variables,
                    context_value=context,
                    operation_name=operation_name,
                    allowed_operation_types=allowed,
                )
        except TimeoutError as exc:
            raise RequestTimeout(
                _(
                    "the request ran longer than the limit request_timeout of {seconds} s (set "
                    "by MAILLAGE_REQUEST_TIMEOUT); ask for less (a smaller scope, fewer paths) "
                    "or export the data",
                    seconds=f"{settings.request_timeout:g}",
                )
            ) from exc
        except Exception as exc:  # strawberry raises some request errors instead of returning
            raise BadRequest(describe(exc, query=query, method=request.method)) from exc
        return self._respond(result, rid)

    def _respond(self, result: ExecutionResult, rid: str) -> Response:
        body: dict[str, Any] = {"data": result.data}
        status = 200
        if result.errors:
            formatted = [self._format(error, rid) for error in result.errors]
            body["errors"] = formatted
            codes = {str(e["extensions"].get("code")) for e in formatted}
            # refused as a whole (nothing ran, or every root field failed for one request-level
            # reason: a token, the store, a limit): the status says why; the project's errors
            # on fields ride along a 200, as GraphQL over HTTP has it
            nothing = result.data is None or all(v is None for v in result.data.values())
            if nothing and len(codes) == 1:
                status = _STATUS.get(codes.pop(), 200)
        return json_response(body, status, rid)

    def _format(self, error: GraphQLError, rid: str) -> dict[str, Any]:
        original = error.original_error
        formatted: dict[str, Any] = {"message": error.message}
        if error.locations:
            formatted["locations"] = [
                {"line": loc.line, "column": loc.column} for loc in error.locations
            ]
        if error.path:
            formatted["path"] = list(error.path)
        extensions: dict[str, Any] = {"requestId": rid}
        if original is None or isinstance(original, GraphQLSyntaxError):
            extensions["code"] = "invalid_query"  # syntax, validation, unknown field…
        elif isinstance(original, LimitExceeded):
            extensions.update(code=original.code, limit=original.limit, value=original.value)
        elif isinstance(original, MaillageError):
            extensions["code"] = original.code
            field = getattr(original, "field", None)
            if field:
                extensions["field"] = field
            if isinstance(original, StoreUnavailable):
                self.services.guard.mark_down(str(original))
        elif isinstance(original, GraphQLError):
            extensions["code"] = "invalid_query"
        else:
            logger.error(
                "unexpected error (request %s) at %s",
                rid,
                ".".join(str(p) for p in error.path or ()),
                exc_info=original,
            )
            formatted["message"] = _(
                "Unexpected error; it was logged with the request id {rid}: quote it when "
                "reporting the problem.",
                rid=rid,
            )
            extensions["code"] = "internal_error"
        if isinstance(original, AuthError):
            extensions["code"] = original.code
        formatted["extensions"] = extensions
        return formatted
