"""API tokens: who may write (and, when reads are not public, who may read).

A token is ``mlg_`` followed by 43 URL-safe characters (256 random bits). It is shown once, at
creation, and stored only as its SHA-256 digest, in the graph, as an ``ApiToken`` node::

    (:ApiToken {id, name, role, hash, created_at, created_by, revoked_at})

Why in the graph rather than in a file under the data directory: the tokens then live with the
data they guard (one backup, one restore), every API process and host that serves the same graph
sees the same tokens, and a revocation is seen by all of them at the next check, including the
API container of ``docker compose`` whose data directory is a volume of its own. A plain SHA-256
is enough (no slow password hash): the secret is 256 random bits, not a guessable password.

Roles are ordered: ``reader`` < ``contributor`` < ``editor`` < ``admin``. A contributor
proposes (``proposeActor``, ``proposeLink``: nothing changes until an editor confirms);
direct writes need ``editor``; reads need
``reader`` only when ``MAILLAGE_PUBLIC_READ=false``. A verified token is trusted for reads for
``MAILLAGE_TOKEN_CACHE_SECONDS``; a write always checks the graph again, so a revoked token
cannot write once the revocation is committed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from graph_model.errors import MaillageError, NotFound, ValidationError
from graph_model.port import GraphStore, TokenRecord, WriteContext

TOKEN_PREFIX = "mlg_"  # noqa: S105 - a prefix secret scanners know, not a secret
_TOKEN_SHAPE = re.compile(r"^mlg_[A-Za-z0-9_-]{43}$")
_NAME_SHAPE = re.compile(r"^[\w .@'-]{1,80}$")


class Role(StrEnum):
    READER = "reader"
    CONTRIBUTOR = "contributor"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"reader": 1, "contributor": 2, "editor": 3, "admin": 4}[self.value]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class AuthError(MaillageError):
    """A request lacks the right to do what it asks (the message says what is missing)."""

    code = "forbidden"


class Unauthenticated(AuthError):
    """No valid token where one is needed, or a token that is unknown or revoked."""

    code = "unauthenticated"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who makes a request: a token's name and role, a signed-in person's (``user``: their
    account's id; ``network``: the network an editor's rights are limited to, see
    :mod:`api.accounts`), or the anonymous public."""

    token_id: str | None
    name: str
    role: Role | None
    user: str | None = None
    network: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.token_id is None and self.user is None

    @property
    def national(self) -> bool:
        """An editor or admin whose rights are not limited to one network."""
        return self.network is None and self.may(Role.EDITOR)

    def may(self, needed: Role) -> bool:
        return self.role is not None and self.role.allows(needed)


ANONYMOUS = Principal(token_id=None, name="anonymous", role=None)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: str
    name: str
    role: Role
    created_at: datetime | None
    created_by: str | None
    revoked_at: datetime | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None when there is no header.

    >>> bearer("Bearer mlg_x"), bearer(None)
    ('mlg_x', None)
    """
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthenticated(
            "the Authorization header must read 'Bearer <token>' (create a token with "
            "`maillage token create --role editor --name <who>`)"
        )
    return value.strip()


def _info(token: TokenRecord) -> TokenInfo:
    return TokenInfo(
        id=token.id,
        name=token.name,
        role=Role(token.role),
        created_at=token.created_at,
        created_by=token.created_by,
        revoked_at=token.revoked_at,
    )


def create_token(
    graph: GraphStore, *, name: str, role: Role, created_by: str = "cli"
) -> tuple[str, str]:
    """Create a token; returns (its id, the token itself, which is never stored nor shown again)."""
    if not _NAME_SHAPE.match(name):
        raise ValidationError(
            f"token name {name!r}: 1 to 80 letters, digits, spaces or . @ ' - _ "
            "(say who or what uses it, e.g. 'alice' or 'import-bot')",
            field="name",
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = "tok-" + secrets.token_hex(6)
    record = TokenRecord(id=token_id, name=name, role=Role(role).value, created_by=created_by)
    graph.create_token(record, digest(token), WriteContext(by=created_by))
    return token_id, token


def revoke_token(graph: GraphStore, reference: str) -> list[TokenInfo]:
    """Revoke the token(s) with this id or name; raise :class:`NotFound` when none matches."""
    revoked = graph.revoke_tokens(reference, WriteContext())
    if not revoked:
        raise NotFound(
            f"no active token has the id or name {reference!r}: `maillage token list` shows them"
        )
    return [_info(token) for token in revoked]


def list_tokens(graph: GraphStore) -> list[TokenInfo]:
    return [_info(token) for token in graph.tokens()]


class TokenVerifier:
    """Turns bearer tokens into principals, with a short cache for reads."""

    def __init__(self, graph: GraphStore, *, cache_seconds: float = 5.0) -> None:
        self.graph = graph
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def cached(self, token: str) -> Principal | None:
        """The principal of a token verified less than ``cache_seconds`` ago (no store call)."""
        if self.cache_seconds <= 0:
            return None
        key = digest(token)
        with self._lock:
            hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < self.cache_seconds:
            return hit[1]
        return None

    def verify(self, token: str) -> Principal:
        """Check a token against the graph (sync: run it in a worker thread)."""
        if not _TOKEN_SHAPE.match(token):
            raise Unauthenticated(
                "this is not a Maillage token (they start with 'mlg_' and have 47 characters)"
            )
        key = digest(token)
        found = self.graph.token_by_hash(key)
        if found is None:
            with self._lock:
                self._cache.pop(key, None)
            raise Unauthenticated("unknown or revoked token: ask an admin for a new one")
        principal = Principal(token_id=found.id, name=found.name, role=Role(found.role))
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (time.monotonic(), principal)
        return principal
