"""What every edit shares: who makes it (:class:`Author`), the network editor's scope, the
audit entry (:class:`Change`), the per-process lock of an actor or a pair (:func:`_once`), and the
errors the GraphQL layer turns into typed results."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from api.auth import AuthError
from graph_model.changes import ChangeRecord
from graph_model.errors import InvalidIdentifier, NotFound, ValidationError
from graph_model.i18n import _
from graph_model.identifiers import check_actor_id
from graph_model.model import LinkKind, SourceRef, parse
from graph_model.port import GraphEdit, GraphStore, StoredLink, WriteContext
from graph_model.retry import retrying

logger = logging.getLogger(__name__)

T = TypeVar("T")
#: striped locks: edits of the same actor or actor pair in this process run one at a time
_LOCKS = tuple(threading.Lock() for _ in range(64))


def _once(key: tuple[str, ...], work: Callable[[], T]) -> T:
    """``work`` (one transaction) under the lock of ``key`` (an actor id, or two ends and a
    kind), run again on transient conflicts."""
    digest = hashlib.sha256("|".join(key).encode()).digest()
    with _LOCKS[digest[0] % len(_LOCKS)]:
        return retrying(work)


class KindChangeRefused(ValidationError):
    """An actor's kind is fixed at creation (ArcadeDB keeps one type per vertex)."""

    code = "kind_change_refused"

    def __init__(self, actor_id: str, current: str, requested: str) -> None:
        super().__init__(
            f"actor {actor_id} is a {current}; its kind cannot become {requested} (kinds are "
            "fixed at creation: create a new actor and link or merge them)",
            field="kind",
        )
        self.actor_id = actor_id
        self.current = current
        self.requested = requested


class DuplicateLink(ValidationError):
    """The link would duplicate one already recorded for an overlapping period."""

    code = "duplicate_link"

    def __init__(self, existing: StoredLink) -> None:
        since = existing.since or "an unknown date"
        until = existing.until or "now"
        super().__init__(
            f"{existing.source} already {existing.kind} {existing.target} from {since} "
            f"to {until} (link {existing.id}); end it first or give dates that do not overlap",
            field="since",
        )
        self.existing = existing


class LinkNotFound(NotFound):
    code = "link_not_found"


@dataclass(frozen=True)
class Author:
    """Who makes a change: the token's or the person's name, the token id, the account id,
    and the network an editor's rights are limited to (``None``: national)."""

    name: str
    token_id: str | None
    user: str | None = None
    network: str | None = None


class OutsideNetwork(AuthError):
    """A network editor asked to change an actor that is neither the network nor a member."""

    code = "outside_network"


def in_network(tx: GraphEdit | GraphStore, actor_id: str, network: str) -> bool:
    """Whether ``actor_id`` is the network or one of its members today (an open
    ``MEMBER_OF`` link to it)."""
    if actor_id == network:
        return True
    today = datetime.now(UTC).date()
    return any(
        link.until is None or link.until >= today
        for link in tx.links_between(actor_id, network, LinkKind.MEMBER_OF)
    )


def check_scope(tx: GraphEdit | GraphStore, author: Author, *actor_ids: str) -> None:
    """Refuse (:class:`OutsideNetwork`) unless a network editor's network holds every one of
    ``actor_ids``; anyone else passes (their role was checked before)."""
    if author.network is None:
        return
    for actor_id in actor_ids:
        if not in_network(tx, actor_id, author.network):
            raise OutsideNetwork(
                _(
                    "{actor} is outside the network {network} you edit: propose the change "
                    "instead (proposeActor, proposeLink), an editor of its side will confirm it",
                    actor=actor_id,
                    network=author.network,
                )
            )


@dataclass(frozen=True)
class Change:
    id: str
    at: datetime
    by: str
    operation: str
    target: str


def _change(
    tx: GraphEdit, author: Author, operation: str, target: str, detail: Mapping[str, Any]
) -> Change:
    change = Change(
        id="chg-" + secrets.token_hex(8),
        at=datetime.now(UTC),
        by=author.name,
        operation=operation,
        target=target,
    )
    tx.record_change(
        ChangeRecord(
            id=change.id,
            at=change.at,
            by=author.name,
            token=author.token_id,
            operation=operation,
            target=target,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        )
    )
    return change


def _context(author: Author) -> WriteContext:
    return WriteContext(by=author.name, token=author.token_id, at=datetime.now(UTC))


def _plain(value: Any) -> Any:
    """A value as the audit's JSON holds it (lists as lists, the rest as is or as text)."""
    if isinstance(value, list | tuple):  # an empty list is no value, as a missing one
        return [_plain(v) for v in value] or None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def check_source(system: str, key: str, url: str | None) -> SourceRef:
    return parse(SourceRef, {"system": system, "key": key, "url": url})


def check_id(value: str, *, field: str = "id") -> str:
    try:
        return check_actor_id(value)
    except InvalidIdentifier as exc:
        raise InvalidIdentifier(str(exc), field=field) from exc
