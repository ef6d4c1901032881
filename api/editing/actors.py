"""Create or update an actor in one transaction: the id resolved from the given identifiers
(or minted), the given fields over the stored ones (checked by the model), the seat and areas
through the one write path of actors, and an audit entry with the fields before and after."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

import pydantic

from api.editing.common import (
    Author,
    Change,
    KindChangeRefused,
    OutsideNetwork,
    _change,
    _context,
    _once,
    _plain,
    check_scope,
)
from graph_model.batch import GraphBatch
from graph_model.errors import DuplicateError, MaillageError, UnknownTerritory, ValidationError
from graph_model.i18n import _
from graph_model.identifiers import check_actor_id, mint_actor_id
from graph_model.model import Actor, ActorKind, SourceRef, parse
from graph_model.port import GraphEdit, GraphStore, WriteContext
from graph_model.stored import ACTOR_FIELDS, COUNTRY_ID, actor_properties, shipped_lookup
from graph_model.territories import load_reference

logger = logging.getLogger(__name__)


def _stored_sources(values: Any) -> list[SourceRef]:
    sources: list[SourceRef] = []
    for raw in values or ():
        try:
            data = json.loads(raw)
            sources.append(SourceRef(system=data["system"], key=data["key"], url=data.get("url")))
        except (ValueError, KeyError, TypeError, pydantic.ValidationError, MaillageError):
            logger.warning("a stored source is unreadable and was not kept: %r", raw)
    return sources


_ACTOR_FIELDS = (*ACTOR_FIELDS, "latitude", "longitude", "themes", "methods")
#: the given fields the model checks on their own (before the id is resolved)
_PROBED = (
    "name", "legal_form", "siren", "siret", "rna", "website", "email", "phone", "description",
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


def _write_actor(
    tx: GraphEdit, actor: Actor, context: WriteContext, *, created: bool, replace_areas: bool
) -> dict[str, Any]:
    """The actor through the one write path of actors (a :class:`GraphBatch`): its seat
    replaces the stored one, its areas of action replace the stored ones when given; the
    ``WORKS_ON`` links are the importers' (an edit keeps the themes as a property)."""
    props = actor_properties(actor, shipped_lookup())
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
