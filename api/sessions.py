"""Signing in and out: the ``/auth/…`` routes and the session cookie.

- ``POST /auth/redeem`` ``{"link", "password"}``: spend a one-time sign-in link, set the
  password, open a session;
- ``POST /auth/signin`` ``{"name", "password"}``: open a session. Wrong passwords count per
  account and per client address (:class:`api.throttle.FailureThrottle`): past
  ``MAILLAGE_SIGN_IN_FAILURES`` (5) within ``MAILLAGE_SIGN_IN_FAILURE_WINDOW`` seconds (60),
  the next attempt is answered 429 with ``Retry-After`` and the wait in the message, before the
  password is even checked;
- ``POST /auth/signout``: close the session (needs the CSRF header, :mod:`api.csrf`);
- ``GET /auth/session``: who is signed in, and the CSRF token the page sends back.

The session cookie ``maillage_session`` is HttpOnly (no script reads it), ``SameSite=Lax`` (a
cross-site form never carries it on a POST), ``Path=/``, ``Secure`` when the request came over
HTTPS or ``MAILLAGE_SECURE_COOKIES`` is set, and lasts as long as the session. The POST routes
take JSON only (a cross-site form cannot send it without a CORS preflight, which the API does
not grant). Every answer is JSON; the refusals have the GraphQL endpoint's shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.accounts import (
    AccountSettings,
    OpenedSession,
    authenticate,
    close_session,
    open_session,
    redeem,
    session_principal,
)
from api.auth import Principal
from api.csrf import COOKIE as CSRF_COOKIE
from api.csrf import HEADER as CSRF_HEADER
from api.csrf import CsrfRefused, check_csrf, csrf_token
from api.endpoint import dumps, error_body, loads, request_id, session_secret
from api.services import Services
from api.throttle import FailureThrottle
from graph_model.errors import MaillageError, ValidationError
from graph_model.i18n import _

COOKIE = "maillage_session"
MAX_FIELD = 1_024


class TooManyAttempts(MaillageError):
    code = "too_many_requests"

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message)
        self.wait = wait


class SignInRefused(MaillageError):
    code = "sign_in_refused"


class Accounts:
    """The settings and the sign-in throttles of one app (kept on ``app.state``)."""

    def __init__(self, settings: AccountSettings | None = None) -> None:
        self.settings = settings or AccountSettings()
        limit, window = self.settings.sign_in_failures, self.settings.sign_in_failure_window
        # named: with --workers N they share one database of failure windows (api.throttle)
        self.by_account = FailureThrottle(limit, window, name="sign-in-account")
        self.by_address = FailureThrottle(limit, window, name="sign-in-address")


def accounts_of(request: Request) -> Accounts:
    state = request.app.state
    found = getattr(state, "accounts", None)
    if not isinstance(found, Accounts):
        found = state.accounts = Accounts()
    return found


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _secure(request: Request, settings: AccountSettings) -> bool:
    return settings.secure_cookies or request.url.scheme == "https"


def _json(body: dict[str, Any], status: int, rid: str) -> Response:
    return Response(
        dumps(body),
        status_code=status,
        media_type="application/json",
        headers={"X-Request-ID": rid, "Cache-Control": "no-store"},
    )


def _refusal(exc: MaillageError, status: int, rid: str) -> Response:
    response = _json({"errors": [error_body(exc, rid)]}, status, rid)
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.wait)
    return response


async def _fields(request: Request, *names: str) -> dict[str, str]:
    if "application/json" not in request.headers.get("content-type", ""):
        raise ValidationError(_("send the fields as JSON (Content-Type: application/json)"))
    try:
        data = loads(await request.body())
    except ValueError as exc:
        raise ValidationError(_("the body is not valid JSON")) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("send the fields as JSON (Content-Type: application/json)"))
    values: dict[str, str] = {}
    for name in names:
        value = data.get(name)
        if not isinstance(value, str) or not value or len(value) > MAX_FIELD:
            raise ValidationError(_("{field} is missing", field=name), field=name)
        values[name] = value
    return values


def _who(principal: Principal) -> dict[str, Any]:
    return {
        "id": principal.user,
        "name": principal.name,
        "role": principal.role.value if principal.role else None,
        "network": principal.network,
    }


def _signed_in(request: Request, opened: OpenedSession, settings: AccountSettings) -> Response:
    from api.accounts import principal_of

    rid = request_id(request)
    token = csrf_token(opened.secret)
    body = {"user": _who(principal_of(opened.user)), "csrf": token}
    response = _json(body, 200, rid)
    max_age = int(settings.session_hours * 3600)
    secure = _secure(request, settings)
    response.set_cookie(
        COOKIE, opened.secret, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    response.set_cookie(
        CSRF_COOKIE, token, max_age=max_age, httponly=False, samesite="lax", secure=secure
    )
    return response


def _wait(accounts: Accounts, keys: tuple[str, str]) -> int | None:
    waits = [
        w
        for w in (
            accounts.by_account.retry_after(keys[0]),
            accounts.by_address.retry_after(keys[1]),
        )
        if w is not None
    ]
    return max(waits) if waits else None


def _too_many(wait: int, accounts: Accounts) -> TooManyAttempts:
    return TooManyAttempts(
        _(
            "too many wrong passwords: try again in {wait} s (at most {limit} in {window} s "
            "per account and per address)",
            wait=wait,
            limit=accounts.settings.sign_in_failures,
            window=f"{accounts.settings.sign_in_failure_window:g}",
        ),
        wait,
    )


async def sign_in(request: Request) -> Response:
    rid = request_id(request)
    accounts = accounts_of(request)
    services = _services(request)
    try:
        fields = await _fields(request, "name", "password")
        address = request.client.host if request.client else "unknown"
        keys = ("user:" + fields["name"].strip().casefold(), "addr:" + address)
        wait = _wait(accounts, keys)
        if wait is not None:
            raise _too_many(wait, accounts)
        services.guard.check()
        user = await services.guard.run(
            authenticate, services.graph, fields["name"], fields["password"]
        )
        if user is None:
            accounts.by_account.fail(keys[0])
            accounts.by_address.fail(keys[1])
            raise SignInRefused(
                _(
                    "wrong name or password (a new account signs in first with the link "
                    "an admin gave; a forgotten password: ask an admin for a new link)"
                )
            )
        opened = await services.guard.run(open_session, services.graph, user, accounts.settings)
    except TooManyAttempts as exc:
        return _refusal(exc, 429, rid)
    except SignInRefused as exc:
        return _refusal(exc, 401, rid)
    except ValidationError as exc:
        return _refusal(exc, 400, rid)
    except MaillageError as exc:
        return _refusal(exc, 503 if exc.code == "store_unavailable" else 400, rid)
    return _signed_in(request, opened, accounts.settings)


async def redeem_link(request: Request) -> Response:
    rid = request_id(request)
    accounts = accounts_of(request)
    services = _services(request)
    try:
        fields = await _fields(request, "link", "password")
        address = "addr:" + (request.client.host if request.client else "unknown")
        wait = accounts.by_address.retry_after(address)
        if wait is not None:
            raise _too_many(wait, accounts)
        services.guard.check()
        user = await services.guard.run(redeem, services.graph, fields["link"], fields["password"])
        if user is None:
            accounts.by_address.fail(address)
            raise SignInRefused(
                _(
                    "this sign-in link is unknown, already used or expired: ask an admin "
                    "for a new one (`maillage user link NAME`)"
                )
            )
        opened = await services.guard.run(open_session, services.graph, user, accounts.settings)
    except TooManyAttempts as exc:
        return _refusal(exc, 429, rid)
    except SignInRefused as exc:
        return _refusal(exc, 401, rid)
    except ValidationError as exc:
        return _refusal(exc, 400, rid)
    except MaillageError as exc:
        return _refusal(exc, 503 if exc.code == "store_unavailable" else 400, rid)
    return _signed_in(request, opened, accounts.settings)


async def sign_out(request: Request) -> Response:
    rid = request_id(request)
    services = _services(request)
    secret = session_secret(request)
    if secret is not None:
        try:
            check_csrf(request.headers.get(CSRF_HEADER), secret)
            principal = await services.guard.run(session_principal, services.graph, secret)
            by = principal.name if principal else "sign-out"
            await services.guard.run(close_session, services.graph, secret, by)
        except CsrfRefused as exc:
            return _refusal(exc, 403, rid)
        except MaillageError as exc:
            return _refusal(exc, 503 if exc.code == "store_unavailable" else 400, rid)
    response = _json({"user": None}, 200, rid)
    response.delete_cookie(COOKIE, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, samesite="lax")
    return response


async def current(request: Request) -> Response:
    rid = request_id(request)
    services = _services(request)
    secret = session_secret(request)
    if secret is None:
        return _json({"user": None, "csrf": None}, 200, rid)
    try:
        principal = await services.guard.run(session_principal, services.graph, secret)
    except MaillageError as exc:
        return _refusal(exc, 503 if exc.code == "store_unavailable" else 400, rid)
    if principal is None:
        return _json({"user": None, "csrf": None, "expired": True}, 200, rid)
    return _json({"user": _who(principal), "csrf": csrf_token(secret)}, 200, rid)


def account_router() -> APIRouter:
    """The ``/auth/…`` routes (see the module docstring)."""
    router = APIRouter()
    router.add_api_route("/auth/signin", sign_in, methods=["POST"])
    router.add_api_route("/auth/redeem", redeem_link, methods=["POST"])
    router.add_api_route("/auth/signout", sign_out, methods=["POST"])
    router.add_api_route("/auth/session", current, methods=["GET"])
    return router
