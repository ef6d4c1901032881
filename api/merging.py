"""Merging a duplicate candidate field by field: the editor picks, for each field where the
record an import held and the actor it resembles differ, the record's value, the actor's, or
both (lists); the server writes it as **one change** of the actor.

:func:`compare` lays the two side by side (the record normalised as an import would:
:mod:`importers.prepare`); :func:`merge` applies the choices:

- it claims the candidate as accept and reject do (:func:`importers.review.claim`): of two
  decisions at once one wins, the other is told the candidate is taken;
- in one transaction it updates the actor through the edit path of ``upsertActor``
  (:func:`api.editing.upsert_in`: an ``update_actor`` whose detail names the
  ``merged_candidate``, the record and the choices): the change records before and after, shows
  in the history and is reverted as any edit is;
- the record's source joins the actor's sources and its key becomes an alias, and every name
  that loses stays as an alias with its source (``name@<system>:<name>``): nothing said is lost,
  and an id once published keeps resolving (a revert restores the fields, not the aliases);
- the decision is recorded on the candidate as an *accept* (who, when, note, the actor): a later
  import of the same record joins the actor (by its key, and by the judgement kept) and is not
  held again.

A field not chosen keeps the actor's value. The record's memberships are not linked by a merge
(an accept replays the whole record, a merge writes only what was chosen): declare them as
links. The kind is shown, not chosen: it is fixed at creation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from api.editing import (
    Author,
    OutsideNetwork,
    _once,
    check_scope,
    upsert_in,
)
from graph_model.errors import NotFound, ValidationError
from graph_model.i18n import _
from graph_model.limits import MAX_ALIAS
from graph_model.port import Decision, GraphStore, WriteContext
from graph_model.retry import retrying
from importers.merge import name_variant
from importers.places import shared_resolver
from importers.prepare import Preparation
from importers.records import ActorRecord, ActorRow
from importers.review import claim, record_decision, release

RECORD, ACTOR, BOTH = "record", "actor", "both"

#: the scalar fields a merge chooses (as the actor stores them)
SCALARS = ("name", "legal_form", "siren", "siret", "rna", "commune", "website", "email",
           "description")  # fmt: skip
#: the list fields (``both``: their union)
LISTS = ("themes", "aliases")
#: every field a merge may be told about, in the order the comparison lists them
FIELDS = ("name", "kind", "legal_form", "siren", "siret", "rna", "commune", "position",
          "website", "email", "themes", "description", "aliases")  # fmt: skip


#: the API's names of the fields (camelCase, as ActorInput's), for messages and GraphQL
API_NAMES = {name: "legalForm" if name == "legal_form" else name for name in FIELDS}


def sides_of(name: str) -> tuple[str, ...]:
    """The choices a field has: the kind none (fixed), the aliases never lose the actor's
    (an id once published keeps resolving), lists may take both."""
    if name == "kind":
        return ()
    if name == "aliases":
        return (ACTOR, BOTH)
    if name in LISTS:
        return (RECORD, ACTOR, BOTH)
    return (RECORD, ACTOR)


@dataclass(frozen=True)
class FieldDiff:
    """One field of the comparison: the record's value, the actor's, whether they differ."""

    name: str
    record: Any
    actor: Any
    differs: bool
    sides: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    candidate: str
    status: str
    actor: str
    record_alias: str
    fields: list[FieldDiff]


@dataclass(frozen=True)
class Merged:
    candidate: str
    actor: str
    change_id: str


def _row(payload: str) -> ActorRow:
    return Preparation(shared_resolver()).row(ActorRecord.from_json(payload))


def _record_values(row: ActorRow) -> dict[str, Any]:
    values = {name: row.values.get(name) for name in SCALARS if name != "commune"}
    values["commune"] = row.place.commune
    values["kind"] = row.record.kind.value
    lat, lon = row.record.place.latitude, row.record.place.longitude
    values["position"] = [lat, lon] if lat is not None and lon is not None else None
    values["themes"] = sorted({t.id for t in row.record.themes}) or None
    values["aliases"] = sorted({row.record.source.alias, *row.record.aliases})
    return values


def _actor_values(props: Mapping[str, Any], aliases: Sequence[str]) -> dict[str, Any]:
    values = {name: props.get(name) for name in SCALARS}
    values["kind"] = props.get("kind")
    lat, lon = props.get("latitude"), props.get("longitude")
    exact = props.get("location_precision") == "exact"
    values["position"] = [lat, lon] if lat is not None and lon is not None and exact else None
    values["themes"] = sorted(props.get("themes") or ()) or None
    values["aliases"] = sorted(aliases) or None
    return values


def _differs(name: str, record: Any, actor: Any) -> bool:
    if name == "aliases":  # the record's keys the actor does not have yet
        return bool(set(record or ()) - set(actor or ()))
    return bool(record not in (None, [], "") and record != actor)


def _compare(row: ActorRow, props: Mapping[str, Any], aliases: Sequence[str]) -> list[FieldDiff]:
    record, actor = _record_values(row), _actor_values(props, aliases)
    return [
        FieldDiff(n, record[n], actor[n], _differs(n, record[n], actor[n]), sides_of(n))
        for n in FIELDS
    ]


def compare(graph: GraphStore, candidate_id: str) -> Comparison:
    """The held record and the actor it resembles, field by field."""
    props = graph.candidate(candidate_id)
    if props is None:
        raise NotFound(_("no duplicate candidate {id!r}", id=candidate_id))
    actor_id = str(props["actor"])
    found = graph.actors_by_id([actor_id]).get(actor_id)
    stored = dict(found.props) if found is not None else {}
    aliases = graph.aliases_of([actor_id]).get(actor_id, [])
    row = _row(str(props["payload"]))
    return Comparison(
        candidate=candidate_id,
        status=str(props.get("status")),
        actor=actor_id,
        record_alias=row.record.source.alias,
        fields=_compare(row, stored, aliases) if found is not None else [],
    )


def check_choices(choices: Mapping[str, str] | Sequence[tuple[str, str]]) -> dict[str, str]:
    """The choices as field → side, refused when a field is unknown, named twice, or given a
    side it does not have (:class:`ValidationError` naming ``choices``)."""
    pairs = list(choices.items()) if isinstance(choices, Mapping) else list(choices)
    checked: dict[str, str] = {}
    for name, side in pairs:
        if name not in FIELDS:
            raise ValidationError(
                _("choices: {field!r} is not a field a merge chooses ({known})",
                  field=API_NAMES.get(name, name), known=", ".join(API_NAMES.values())),
                field="choices",
            )  # fmt: skip
        if name in checked:
            raise ValidationError(
                _("choices: the field {field} is chosen twice", field=API_NAMES[name]),
                field="choices",
            )
        if side not in sides_of(name):
            raise ValidationError(
                _("choices: the field {field} takes {sides}, not {side}", field=API_NAMES[name],
                  sides=", ".join(sides_of(name)) or _("no choice (fixed)"), side=side),
                field="choices",
            )  # fmt: skip
        checked[name] = side
    return checked


def _leading_system(stored: Mapping[str, Any]) -> str:
    """The system of the actor's first stored source (``maillage`` when none is readable)."""
    for raw in sorted(stored.get("sources") or ()):
        try:
            return str(json.loads(raw)["system"])
        except (ValueError, KeyError, TypeError):
            continue
    return "maillage"


def _given(
    row: ActorRow, stored: Mapping[str, Any], choices: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What to write over the stored actor (``upsert_in``'s ``given``) and the stored fields
    as the merge sees them (a field the record has empty and was chosen is cleared)."""
    record = _record_values(row)
    given: dict[str, Any] = {"kind": stored.get("kind"), "source": row.record.source}
    cleared = dict(stored)
    for name in (*SCALARS, "themes"):
        if choices.get(name) == RECORD:
            if record[name] is None:
                cleared.pop(name, None)
            else:
                given[name] = record[name]
    if choices.get("themes") == BOTH:
        given["themes"] = sorted({*(stored.get("themes") or ()), *(record["themes"] or ())})
    _position(given, cleared, stored, record, choices.get("position"))
    given["aliases"] = _aliases(row, stored, choices, record)
    return given, cleared


def _position(
    given: dict[str, Any],
    cleared: dict[str, Any],
    stored: Mapping[str, Any],
    record: Mapping[str, Any],
    side: str | None,
) -> None:
    if side == RECORD and record["position"] is None:
        for key in ("latitude", "longitude", "location_precision"):
            cleared.pop(key, None)
    elif side == RECORD:
        given["latitude"], given["longitude"] = record["position"]
    elif stored.get("location_precision") == "exact" and "commune" in given:
        # the actor's own point stays where it is when only the commune is the record's
        given["latitude"], given["longitude"] = stored.get("latitude"), stored.get("longitude")


def _aliases(
    row: ActorRow, stored: Mapping[str, Any], choices: Mapping[str, str], record: Mapping[str, Any]
) -> list[str]:
    """The aliases the merge adds: the record's key, the names that lose (with their source),
    the record's other aliases when both are kept."""
    source = row.record.source
    added = [source.alias]
    if choices.get("aliases") == BOTH:
        added += list(row.record.aliases)
    shown = str(stored.get("name") or "")
    if choices.get("name") == RECORD and record["name"] and record["name"] != shown:
        # the actor's name gives way: it stays as an alias of its own (leading) source
        added.append(f"name@{_leading_system(stored)}:{shown}"[:MAX_ALIAS])
    else:
        variant = name_variant(source, row.record.name, shown)
        if variant:
            added.append(variant)
    return list(dict.fromkeys(added))


def merge(
    graph: GraphStore,
    candidate_id: str,
    choices: Mapping[str, str] | Sequence[tuple[str, str]],
    author: Author,
    *,
    note: str | None = None,
) -> Merged:
    """Apply ``choices`` (field → ``record``/``actor``/``both``, checked by
    :func:`check_choices`) as one change of the candidate's actor and record the decision."""
    wanted = check_choices(choices)
    claimed, props = claim(graph, candidate_id)
    try:
        actor_id = str(props["actor"])
        check_scope(graph, author, actor_id)
        row = _row(str(props["payload"]))
        write = partial(_write, graph, actor_id, row=row, choices=wanted, author=author,
                        candidate_id=candidate_id)  # fmt: skip
        change_id = _once((actor_id,), partial(retrying, write))
    except BaseException:
        release(graph, candidate_id, claimed)
        raise
    decision = Decision(status="accepted", note=note, result=actor_id, run=None)
    record_decision(graph, candidate_id, claimed, decision, by=author.name)
    return Merged(candidate=candidate_id, actor=actor_id, change_id=change_id)


def _write(
    graph: GraphStore,
    actor_id: str,
    *,
    row: ActorRow,
    choices: Mapping[str, str],
    author: Author,
    candidate_id: str,
) -> str:
    context = WriteContext(by=author.name, token=author.token_id, at=datetime.now(UTC))
    with graph.edit(context) as tx:
        found = tx.actors_by_id([actor_id]).get(actor_id)
        if found is None:
            raise NotFound(
                _(
                    "the actor {id} this candidate resembles was removed meanwhile: reject the "
                    "candidate to create the record as a new actor",
                    id=actor_id,
                )
            )
        stored = dict(found.props)
        given, cleared = _given(row, stored, choices)
        # an update of the actor (history, revert) that says it merged a candidate
        extra = {"merged_candidate": candidate_id, "record": row.record.source.alias,
                 "choices": dict(choices)}  # fmt: skip
        change = upsert_in(
            tx, actor_id, given, author, context,
            extra=extra, stored_override=cleared,
        )[1]  # fmt: skip
    return change.id


__all__ = [
    "ACTOR",
    "API_NAMES",
    "BOTH",
    "FIELDS",
    "RECORD",
    "Comparison",
    "FieldDiff",
    "Merged",
    "OutsideNetwork",
    "check_choices",
    "compare",
    "merge",
    "sides_of",
]
