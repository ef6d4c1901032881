"""People's accounts: created by an admin, signed in with a password, held in sessions.

``maillage user create NAME --role contributor|editor|admin [--network ID]`` creates an account
without a password and prints a **one-time sign-in link** (there is no mail server: the admin
hands it over). The link's secret travels in the URL's fragment (``/signin.html#link=…``), so it
never reaches a server log nor a ``Referer``; the page posts it with the password the person
chooses, and the link is spent (:meth:`~graph_model.port.GraphStore.redeem_sign_in_link`: used,
and the password set, in one transaction). A link expires after
``MAILLAGE_SIGN_IN_LINK_HOURS`` (72).

Passwords are hashed with **argon2id** (``argon2-cffi``'s defaults, RFC 9106's second
recommended profile); only the hash is stored. A session is 256 random bits in an HttpOnly
cookie (:mod:`api.sessions`), stored as its SHA-256 (as tokens are: the secret is random, a
fast hash is enough); it ends at sign-out or ``MAILLAGE_SESSION_HOURS`` (12) after sign-in,
whatever happens in between (no sliding renewal: a session costs no write per request).

Roles (:class:`api.auth.Role`): ``contributor`` proposes (nothing changes until an editor
confirms), ``editor`` edits and confirms, ``admin`` also manages accounts and tokens. An editor
or contributor created with ``--network ID`` speaks for that network: an editor's rights are
limited to it and the actors that are its members (:func:`api.editing.check_scope`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.auth import Principal, Role
from graph_model.errors import NotFound, ValidationError
from graph_model.i18n import _
from graph_model.model import ActorKind
from graph_model.port import GraphStore, SessionRecord, UserRecord, WriteContext

_NAME_SHAPE = re.compile(r"^[\w .@'-]{1,80}$")
#: the roles an account may have (a reader needs no account: reads are public, or a token)
ACCOUNT_ROLES = (Role.CONTRIBUTOR, Role.EDITOR, Role.ADMIN)
MIN_PASSWORD = 10
MAX_PASSWORD = 256


class AccountSettings(BaseSettings):
    """How accounts and sessions behave (environment variables prefixed ``MAILLAGE_``)."""

    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", extra="ignore")

    session_hours: float = Field(default=12.0, gt=0, description="a session's lifetime")
    sign_in_link_hours: float = Field(default=72.0, gt=0, description="a sign-in link's")
    secure_cookies: bool = Field(
        default=False, description="always mark the cookies Secure (else: when over HTTPS)"
    )
    sign_in_failures: int = Field(
        default=5, ge=1, description="wrong passwords an account or an address may send"
    )
    sign_in_failure_window: float = Field(default=60.0, gt=0, description="in these seconds")
    public_url: str = Field(
        default="", description="the map's address, for the sign-in links the CLI prints"
    )
    stale_months: int = Field(
        default=24, ge=1, description="entries unchanged this long are listed as stale"
    )


def digest(secret: str) -> str:
    """What is stored of a random secret (a session, a sign-in link): its SHA-256."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


_HASHER = PasswordHasher()
#: verified when the account does not exist, so that a wrong name costs the time a wrong
#: password does (no telling which names exist by the answer's delay)
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationError(
            _(
                "a password has {low} to {high} characters (a few words make a good one)",
                low=MIN_PASSWORD,
                high=MAX_PASSWORD,
            ),
            field="password",
        )


def hash_password(password: str) -> str:
    check_password(password)
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash (always takes one argon2 verification)."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _check_name(name: str) -> str:
    name = name.strip()
    if not _NAME_SHAPE.match(name):
        raise ValidationError(
            _(
                "account name {name!r}: 1 to 80 letters, digits, spaces or . @ ' - _",
                name=name,
            ),
            field="name",
        )
    return name


def _check_network(graph: GraphStore, network: str | None) -> str | None:
    if network is None:
        return None
    kinds = graph.actor_kinds([network])
    if kinds.get(network) != ActorKind.NETWORK.value:
        raise NotFound(
            _(
                "--network {id}: no network has this id (`maillage search` finds it by name)",
                id=network,
            )
        )
    return network


def create_user(
    graph: GraphStore,
    name: str,
    role: Role,
    *,
    network: str | None = None,
    by: str = "cli",
    settings: AccountSettings | None = None,
) -> tuple[UserRecord, str]:
    """A new account and its first sign-in link's secret (shown once, never stored)."""
    role = Role(role)
    if role not in ACCOUNT_ROLES:
        raise ValidationError(_("an account's role is contributor, editor or admin"), field="role")
    if role is Role.ADMIN and network is not None:
        raise ValidationError(_("an admin is national: give no --network"), field="network")
    user = UserRecord(
        id="usr-" + secrets.token_hex(6),
        name=_check_name(name),
        role=role.value,
        network=_check_network(graph, network),
        created_by=by,
    )
    graph.create_user(user, WriteContext(by=by))
    return user, new_sign_in_link(graph, user.id, by=by, settings=settings)


def new_sign_in_link(
    graph: GraphStore, user_id: str, *, by: str = "cli", settings: AccountSettings | None = None
) -> str:
    """A fresh one-time sign-in link for an account (a forgotten password: the admin makes
    another); returns its secret."""
    settings = settings or AccountSettings()
    secret = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=settings.sign_in_link_hours)
    link_id = "lnk-" + secrets.token_hex(6)
    graph.create_sign_in_link(link_id, digest(secret), user_id, expires, WriteContext(by=by))
    return secret


def sign_in_url(base: str, secret: str) -> str:
    """The address to hand over: the secret in the fragment (never sent to a server)."""
    return f"{base.rstrip('/')}/signin.html#link={secret}"


def redeem(graph: GraphStore, secret: str, password: str) -> UserRecord | None:
    """Spend a sign-in link and set the account's password; ``None``: no such link, used or
    expired."""
    hashed = hash_password(password)
    now = datetime.now(UTC)
    return graph.redeem_sign_in_link(digest(secret), hashed, now, WriteContext(by="sign-in"))


def authenticate(graph: GraphStore, name: str, password: str) -> UserRecord | None:
    """The account if the name and password match (one argon2 verification either way)."""
    user = graph.user(name.strip()) if _NAME_SHAPE.match(name.strip()) else None
    usable = user is not None and user.disabled_at is None
    ok = verify_password(user.password_hash if usable and user else None, password)
    return user if ok and usable else None


@dataclass(frozen=True)
class OpenedSession:
    secret: str
    record: SessionRecord
    user: UserRecord


def open_session(
    graph: GraphStore, user: UserRecord, settings: AccountSettings | None = None
) -> OpenedSession:
    settings = settings or AccountSettings()
    now = datetime.now(UTC)
    secret = secrets.token_urlsafe(32)
    record = SessionRecord(
        id="ses-" + secrets.token_hex(6),
        user=user.id,
        created_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
    )
    graph.create_session(record, digest(secret), WriteContext(by=user.name))
    return OpenedSession(secret, record, user)


def session_principal(graph: GraphStore, secret: str) -> Principal | None:
    """Who holds this session (``None``: unknown, ended or expired; the account disabled)."""
    session = graph.session_by_hash(digest(secret), datetime.now(UTC))
    if session is None:
        return None
    user = graph.user(session.user)
    if user is None or user.disabled_at is not None:
        return None
    return principal_of(user)


def principal_of(user: UserRecord) -> Principal:
    return Principal(
        token_id=None, name=user.name, role=Role(user.role), user=user.id, network=user.network
    )


def close_session(graph: GraphStore, secret: str, by: str) -> bool:
    ended = graph.end_session(digest(secret), datetime.now(UTC), WriteContext(by=by))
    return ended is not None


def set_role(
    graph: GraphStore, reference: str, role: Role, network: str | None, *, by: str = "cli"
) -> UserRecord:
    user = graph.user(reference)
    if user is None:
        raise NotFound(_("no account named {name!r} (`maillage user list`)", name=reference))
    if Role(role) not in ACCOUNT_ROLES:
        raise ValidationError(_("an account's role is contributor, editor or admin"), field="role")
    changed = graph.set_user_role(
        user.id, Role(role).value, _check_network(graph, network), WriteContext(by=by)
    )
    if changed is None:  # pragma: no cover - read just above
        raise NotFound(_("no account named {name!r} (`maillage user list`)", name=reference))
    return changed
