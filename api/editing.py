"""Edits through the API: create or update an actor, record, end or remove a link.

Each operation is **one transaction** (:meth:`graph_model.port.GraphStore.edit`): its checks,
its writes and its ``Change`` record (who, when, what) commit together or not at all, so a
mutation interrupted by a store outage leaves no half-written actor or link. Expected failures
raise the project's errors (:class:`~graph_model.errors.ValidationError`,
:class:`~graph_model.errors.NotFound`) or the two of this module
(:class:`KindChangeRefused`, :class:`DuplicateLink`, :class:`LinkNotFound`); the GraphQL layer
turns them into typed results.

These functions are synchronous (they run in a worker thread) and reach the graph through the
port only: actors and links are written by the one write path of each
(:class:`~graph_model.batch.GraphBatch`), the importers' as well.

Concurrent identical edits tell every client the same truth. Edits of the same actor, or of
the links between the same two actors, take the same lock of this process (:func:`_once`),
so the second sees what the first wrote: one ``linkActors`` creates the link, the identical
ones answer ``DuplicateLink`` naming it (as a repeated call does); one ``upsertActor`` creates
the actor, the identical ones update it. A transaction the store refuses for a transient
conflict runs again (:func:`graph_model.retry.retrying`), and a create that meets the actor
created meanwhile by another process is resolved again and becomes an update.

Each audit entry says what changed: ``before`` and ``after`` in its detail, read from the
stored actor or link in the same transaction (the fields that changed only), so that the
history can show it and :mod:`api.history` can revert it. A network editor
(:attr:`Author.network`) edits that network and the actors that are its members only
(:func:`check_scope`, in the transaction).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, TypeVar

import pydantic

from api.auth import AuthError
from graph_model.batch import GraphBatch, link_row
from graph_model.changes import ChangeRecord
from graph_model.errors import (
    DuplicateError,
    InvalidIdentifier,
    MaillageError,
    NotFound,
    UnknownTerritory,
    ValidationError,
)
from graph_model.i18n import _
from graph_model.identifiers import check_actor_id, mint_actor_id
from graph_model.model import Actor, ActorKind, Link, LinkKind, SourceRef, parse
from graph_model.port import GraphEdit, GraphStore, StoredLink, WriteContext
from graph_model.retry import retrying
from graph_model.stored import (
    ACTOR_FIELDS,
    COUNTRY_ID,
    actor_properties,
    source_json,
    territory_lookup,
)
from graph_model.territories import load_reference

logger = logging.getLogger(__name__)

_SEAT = LinkKind.LOCATED_IN
_ACTIVE = LinkKind.ACTIVE_IN

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


def _stored_sources(values: Any) -> list[SourceRef]:
    sources: list[SourceRef] = []
    for raw in values or ():
        try:
            data = json.loads(raw)
            sources.append(SourceRef(system=data["system"], key=data["key"], url=data.get("url")))
        except (ValueError, KeyError, TypeError, pydantic.ValidationError, MaillageError):
            logger.warning("a stored source is unreadable and was not kept: %r", raw)
    return sources


# -- actors -------------------------------------------------------------------------------------
_ACTOR_FIELDS = (*ACTOR_FIELDS, "latitude", "longitude", "themes", "methods")
#: the given fields the model checks on their own (before the id is resolved)
_PROBED = (
    "name", "legal_form", "siren", "siret", "rna", "website", "email", "description",
    "commune", "active_in", "themes", "methods", "aliases",
)  # fmt: skip


def _resolve_id(graph: GraphStore, given: Mapping[str, Any]) -> str:
    """The id of the actor to write: the given one, a known actor's, or a new one.

    The given texts and lists are checked by the model first (lengths, characters, list
    sizes: :mod:`graph_model.limits`), before any of them reaches the store.
    """
    actor_probe = parse(
        Actor,
        {"id": "mai-probe", "kind": given["kind"], "name": "?"}
        | {k: given[k] for k in _PROBED if given.get(k) is not None},
    )
    if given.get("id"):
        return check_actor_id(str(given["id"]))
    source = given.get("source")
    keys = []
    if actor_probe.siren:
        keys.append(f"siren:{actor_probe.siren}")
    if actor_probe.rna:
        keys.append(f"rna:{actor_probe.rna}")
    if source is not None:
        keys.append(source.alias)
    keys.extend(given.get("aliases") or ())
    known = graph.resolve_keys(keys)
    owners = {known[k] for k in keys if k in known}
    if len(owners) > 1:
        raise ValidationError(
            f"the identifiers given name different actors ({', '.join(sorted(owners))}): "
            "give the id of the one to update",
            field="id",
        )
    if owners:
        return owners.pop()
    if not (actor_probe.siren or actor_probe.rna or source is not None):
        raise ValidationError(
            "a new actor needs an id, a SIREN, an RNA number or a source to mint its id from",
            field="id",
        )
    return mint_actor_id(
        siren=actor_probe.siren,
        rna=actor_probe.rna,
        source_key=source.alias if source is not None else None,
    )


def _check_places(given: Mapping[str, Any]) -> None:
    """The commune and the areas of action must be territories of the reference."""
    reference = load_reference()
    commune = given.get("commune")
    if commune and reference.resolve_commune(str(commune)) is None:
        raise UnknownTerritory(
            f"commune {commune!r}: no commune has this INSEE code", field="commune"
        )
    levels: dict[str, Mapping[str, object]] = {
        "region": reference.regions,
        "departement": reference.departements,
        "epci": reference.epcis,
        "commune": reference.communes,
    }
    for territory in given.get("active_in") or ():
        level, _, code = str(territory).partition(":")
        known = levels.get(level)
        if territory != COUNTRY_ID and (known is None or code not in known):
            raise UnknownTerritory(
                f"activeIn: {territory!r} is not a territory id (region:76, departement:31, "
                "epci:243100518, commune:31555, FR)",
                field="activeIn",
            )


def _merged(actor_id: str, given: Mapping[str, Any], stored: Mapping[str, Any]) -> Actor:
    """The actor to write: the given fields over the stored ones, checked by the model."""
    merged: dict[str, Any] = {"id": actor_id, "kind": ActorKind(given["kind"])}
    for name in _ACTOR_FIELDS:
        value = given.get(name)
        merged[name] = stored.get(name) if value is None else value
    moved = bool(given.get("commune")) and given.get("commune") != stored.get("commune")
    approximate = stored.get("location_precision") not in (None, "exact")
    if given.get("latitude") is None and (moved or approximate):
        # the stored point was a commune's centre: it is recomputed from the (new) commune
        merged["latitude"] = merged["longitude"] = None
    if given.get("latitude") is not None:
        merged["location_precision"] = "exact"
    sources = _stored_sources(stored.get("sources"))
    source = given.get("source")
    if source is not None and source not in sources:
        sources.append(source)
    merged["sources"] = sources
    merged["aliases"] = list(given.get("aliases") or ())
    merged["active_in"] = list(given.get("active_in") or ())
    return parse(Actor, {k: v for k, v in merged.items() if v is not None})


#: the fields an audit entry keeps before/after of (and a revert restores)
REVERTIBLE = (*_ACTOR_FIELDS, "location_precision")


def actor_diff(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The revertible fields that differ: (their values before, their values after)."""
    changed = [f for f in REVERTIBLE if _plain(before.get(f)) != _plain(after.get(f))]
    return (
        {f: _plain(before.get(f)) for f in changed},
        {f: _plain(after.get(f)) for f in changed},
    )


def _plain(value: Any) -> Any:
    """A value as the audit's JSON holds it (lists as lists, the rest as is or as text)."""
    if isinstance(value, list | tuple):  # an empty list is no value, as a missing one
        return [_plain(v) for v in value] or None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _write_actor(
    tx: GraphEdit, actor: Actor, context: WriteContext, *, created: bool, replace_areas: bool
) -> dict[str, Any]:
    """The actor through the one write path of actors (a :class:`GraphBatch`): its seat
    replaces the stored one, its areas of action replace the stored ones when given; the
    ``WORKS_ON`` links are the importers' (an edit keeps the themes as a property)."""
    props = actor_properties(actor, territory_lookup(load_reference()))
    props["updated_by"] = context.by
    if created:
        props["created_by"] = context.by
    batch = GraphBatch(context.stamp())
    batch.add_actor(
        actor,
        props,
        actor.identity_keys(),
        new=created,
        active_in=actor.active_in if replace_areas else (),
        themes=(),
        replace_areas=replace_areas,
    )
    tx.write(batch)
    return props


def upsert_actor(
    graph: GraphStore, given: Mapping[str, Any], author: Author
) -> tuple[str, bool, Change]:
    """Create or update one actor; returns (its id, whether it was created, the change).

    ``given`` holds the input's fields (``None`` or absent: keep the stored value); ``kind`` is
    required, ``source`` is a :class:`SourceRef` or ``None``, ``active_in`` replaces the stored
    areas when given, ``aliases`` are added.
    """
    try:
        return _upsert_serially(graph, given, author)
    except DuplicateError:  # another process created it meanwhile: resolved again, an update
        return _upsert_serially(graph, given, author)


def _upsert_serially(
    graph: GraphStore, given: Mapping[str, Any], author: Author
) -> tuple[str, bool, Change]:
    actor_id = _resolve_id(graph, given)
    _check_places(given)
    return _once((actor_id,), partial(_upsert, graph, actor_id, given, author))


def _upsert(
    graph: GraphStore, actor_id: str, given: Mapping[str, Any], author: Author
) -> tuple[str, bool, Change]:
    context = _context(author)
    with graph.edit(context) as tx:
        created, change = upsert_in(tx, actor_id, given, author, context)
    return actor_id, created, change


def upsert_in(
    tx: GraphEdit,
    actor_id: str,
    given: Mapping[str, Any],
    author: Author,
    context: WriteContext,
    *,
    operation: str | None = None,
    extra: Mapping[str, Any] | None = None,
    stored_override: Mapping[str, Any] | None = None,
) -> tuple[bool, Change]:
    """The upsert inside a running edit: (whether it created the actor, the change).
    ``operation``/``extra``: the audit's operation and more detail (a revert, a confirmed
    proposal); ``stored_override``: the stored fields to merge over (a revert's)."""
    found = tx.actors_by_id([actor_id]).get(actor_id)
    stored = dict(found.props) if found is not None else {}
    created = found is None
    if created:
        if author.network is not None:
            raise OutsideNetwork(
                _(
                    "a network editor cannot create actors: propose it (proposeActor), a "
                    "national editor will confirm it"
                )
            )
    else:
        check_scope(tx, author, actor_id)
    kind = ActorKind(given["kind"])
    if not created and stored.get("kind") != kind.value:
        raise KindChangeRefused(actor_id, str(stored.get("kind")), kind.value)
    actor = _merged(actor_id, given, stored if stored_override is None else stored_override)
    props = _write_actor(
        tx,
        actor,
        context,
        created=created,
        replace_areas=given.get("active_in") is not None,
    )
    detail = {k: v for k, v in given.items() if v is not None and k != "source"}
    source = given.get("source")
    if source is not None:
        detail["source"] = source.alias
    detail["before"], detail["after"] = actor_diff(stored, props)
    detail.update(extra or {})
    if operation is None:
        operation = "create_actor" if created else "update_actor"
    return created, _change(tx, author, operation, actor_id, detail)


# -- links --------------------------------------------------------------------------------------
def _overlaps(
    a_since: date | None, a_until: date | None, b_since: date | None, b_until: date | None
) -> bool:
    return (a_since is None or b_until is None or a_since <= b_until) and (
        b_since is None or a_until is None or b_since <= a_until
    )


def _check_ends(tx: GraphEdit, *ids: str) -> None:
    for actor_id in ids:
        check_actor_id(actor_id)
    found = tx.actor_kinds(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no actor {missing[0]!r}: check the id (Query.search finds actors by name)")


def link_actors(graph: GraphStore, link: Link, author: Author) -> tuple[StoredLink, Change]:
    """Record a link unless one of the same kind between the same actors overlaps its period;
    returns the link as stored and the change."""
    key = (link.source_id, link.target_id, link.kind.value)
    return _once(key, lambda: _link(graph, link, author))


def _link(graph: GraphStore, link: Link, author: Author) -> tuple[StoredLink, Change]:
    context = _context(author)
    with graph.edit(context) as tx:
        check_scope(tx, author, link.source_id, link.target_id)
        return link_in(tx, link, author, context)


def link_in(
    tx: GraphEdit,
    link: Link,
    author: Author,
    context: WriteContext,
    *,
    extra: Mapping[str, Any] | None = None,
) -> tuple[StoredLink, Change]:
    """The new link inside a running edit (the caller checked the author's scope)."""
    _check_ends(tx, link.source_id, link.target_id)
    for current in tx.links_between(link.source_id, link.target_id, link.kind):
        if _overlaps(current.since, current.until, link.since, link.until):
            raise DuplicateLink(current)
    row = link_row(link)
    # a new link (an overlapping one, the same id included, was refused above)
    row["props"] |= {"created_by": context.by, "updated_by": context.by}
    batch = GraphBatch(context.stamp())
    batch.links[link.kind].append(row)
    batch.created.add(row["id"])
    tx.write(batch)
    written = next(
        stored
        for stored in tx.links_between(link.source_id, link.target_id, link.kind)
        if stored.id == link.id
    )
    detail = {
        "kind": link.kind.value,
        "from": link.source_id,
        "to": link.target_id,
        "subkind": link.subkind,
        "since": link.since,
        "until": link.until,
        "sources": [s.alias for s in link.sources],
        "before": None,
        "after": link_state(written),
        **(extra or {}),
    }
    return written, _change(tx, author, "link_actors", link.id, detail)


def link_state(link: StoredLink) -> dict[str, Any]:
    """What an audit entry keeps of a link (and a revert compares and restores)."""
    return {
        "id": link.id,
        "kind": link.kind,
        "from": link.source,
        "to": link.target,
        "subkind": link.subkind,
        "since": _plain(link.since),
        "until": _plain(link.until),
        "sources": list(link.sources),
    }


def unlink_actors(
    graph: GraphStore,
    *,
    source_id: str,
    target_id: str,
    kind: LinkKind,
    until: date | None,
    source: SourceRef,
    remove: bool,
    author: Author,
) -> tuple[list[StoredLink], Change]:
    """End (or remove) the links of ``kind`` from one actor to another valid on ``until``;
    returns the links as they were removed, or as they are once ended, and the change."""
    day = until or datetime.now(UTC).date()

    work = partial(
        _unlink,
        graph,
        source_id=source_id,
        target_id=target_id,
        kind=kind,
        day=day,
        source=source,
        remove=remove,
        author=author,
    )
    return _once((source_id, target_id, kind.value), work)


def _unlink(
    graph: GraphStore,
    *,
    source_id: str,
    target_id: str,
    kind: LinkKind,
    day: date,
    source: SourceRef,
    remove: bool,
    author: Author,
) -> tuple[list[StoredLink], Change]:
    context = _context(author)
    with graph.edit(context) as tx:
        check_scope(tx, author, source_id, target_id)
        _check_ends(tx, source_id, target_id)
        open_links = [
            link
            for link in tx.links_between(source_id, target_id, kind)
            if (link.until is None or link.until >= day)
            and (link.since is None or link.since <= day or remove)
        ]
        if not open_links:
            raise LinkNotFound(
                f"no {kind.value} link from {source_id} to {target_id} is open on {day}: "
                "nothing to end (actor.links lists them)"
            )
        ids = [link.id for link in open_links]
        if remove:
            tx.remove_links(source_id, target_id, kind, ids)
            ended = list(open_links)
        else:
            for link in open_links:
                if link.since is not None and link.since > day:
                    raise ValidationError(
                        f"until: {day} is before the link {link.id} started ({link.since})",
                        field="until",
                    )
            sources = sorted(
                {s for link in open_links for s in link.sources} | {source_json(source)}
            )
            ended = tx.end_links(source_id, target_id, kind, ids, until=day, sources=sources)
        detail = {
            "kind": kind.value,
            "from": source_id,
            "to": target_id,
            "until": day,
            "source": source.alias,
            "removed": remove,
            "links": ids,
            "before": [link_state(link) for link in open_links],
            "after": None if remove else [link_state(link) for link in ended],
        }
        change = _change(tx, author, "remove_link" if remove else "end_link", ids[0], detail)
    return ended, change


def check_source(system: str, key: str, url: str | None) -> SourceRef:
    return parse(SourceRef, {"system": system, "key": key, "url": url})


def check_id(value: str, *, field: str = "id") -> str:
    try:
        return check_actor_id(value)
    except InvalidIdentifier as exc:
        raise InvalidIdentifier(str(exc), field=field) from exc
