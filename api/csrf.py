"""CSRF tokens: what a state-changing request made with a session cookie must also carry.

A cookie goes with every request the browser sends to the API, whoever's page made it; a header
does not. So every state-changing request that a session cookie authenticates (``POST
/graphql``, ``POST /auth/signout``) must carry ``X-CSRF-Token``, whose value only the page of
the API's own origin can know.

The token is derived from the session's secret (an HMAC-SHA256 of a fixed label under it): the
server needs to store nothing more, checks it in constant time, and a token of one session is
worthless with another. The page reads it from ``GET /auth/session`` (same origin; CORS never
lets another origin read it with the cookie) or from the ``maillage_csrf`` cookie, which is not
HttpOnly, is set at sign-in and is scoped to the same site. Requests with a bearer token need no
CSRF token: a browser never adds that header by itself.

On ``POST /graphql`` a missing or wrong token does not refuse the request outright: the session
is not used. A query reads as the anonymous public (the map's own reads keep working); a field
that needs a role is refused with ``csrf_refused`` (:class:`api.schema.context.Context`).
"""

from __future__ import annotations

import hashlib
import hmac

from api.auth import AuthError
from graph_model.i18n import _

HEADER = "x-csrf-token"
COOKIE = "maillage_csrf"
_LABEL = b"maillage csrf v1"


class CsrfRefused(AuthError):
    """A state-changing request with a session cookie but without its CSRF token."""

    code = "csrf_refused"


def csrf_token(session_secret: str) -> str:
    """The CSRF token of a session."""
    return hmac.new(session_secret.encode("utf-8"), _LABEL, hashlib.sha256).hexdigest()


def csrf_matches(given: str | None, session_secret: str) -> bool:
    """Whether ``given`` is the session's CSRF token (compared in constant time)."""
    return bool(given) and hmac.compare_digest(str(given).strip(), csrf_token(session_secret))


def refusal() -> CsrfRefused:
    return CsrfRefused(
        _(
            "this request comes with your session but without its CSRF token (header "
            "X-CSRF-Token): reload the page and try again"
        )
    )


def check_csrf(given: str | None, session_secret: str) -> None:
    """Refuse unless ``given`` is the session's CSRF token."""
    if not csrf_matches(given, session_secret):
        raise refusal()
