"""What flows through the pipeline: records as a source states them, and the row they travel in.

A format module (step 1, read) turns each input row into one :class:`ActorRecord` (an actor as
the source describes it) or one :class:`LinkRecord` (a link between two references), carrying the
row's line number and raw values so that whatever happens to it can be reported. An actor record
then travels in one :class:`ActorRow` until it is written: step 2 (normalise and place) makes the
row, step 3 (identity) says which actor it is, step 4 (merge and load) merges it into that actor.
A link record goes to step 5 (links) as it is. A record may
already be marked as an error (the row cannot be read: it will be *rejected*) or as skipped
(the row is readable but not a live actor, e.g. a deleted GoGoCarto element, an empty row).

Records serialise to JSON (:meth:`ActorRecord.to_json`): a duplicate candidate held for review
keeps its record that way until someone accepts or rejects it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from graph_model.model import ActorKind, AdvocacyLevel, LinkKind, SourceRef, Theme
from importers.names import Match, Probe
from importers.places import Place, PlaceInput


class Outcome(StrEnum):
    """What happened to one input row (the summary counts add up to the rows read)."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CANDIDATE = "candidate"  # held for review: close to an existing actor, not certain
    REJECTED = "rejected"
    SKIPPED = "skipped"  # read, but not a live record (deleted, refused, empty row, …)


@dataclass
class Membership:
    """``MEMBER_OF`` toward a network known by name (or by any reference a link accepts)."""

    network: str
    since: date | None = None
    until: date | None = None
    create_if_missing: bool = True


@dataclass
class Relation:
    """A link stated by an actor's own record (Murmurations ``relationships``)."""

    kind: LinkKind
    target: str
    reverse: bool = False  # True: the target is the link's source (schema.org/member)
    subkind: str | None = None


@dataclass
class ActorRecord:
    """One actor as one source states it."""

    line: int
    raw: dict[str, Any]
    source: SourceRef
    name: str | None = None
    kind: ActorKind = ActorKind.ORGANISATION
    kind_explicit: bool = False
    legal_form: str | None = None
    level: AdvocacyLevel | None = None
    siren: str | None = None
    siret: str | None = None
    rna: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    description: str | None = None
    place: PlaceInput = field(default_factory=PlaceInput)
    themes: list[Theme] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    actor_id: str | None = None  # a curated id (movement dataset); else minted
    fuzzy: bool = True  # may be matched to an existing actor by name
    authoritative: frozenset[str] = frozenset()  # fields this source always sets
    error: str | None = None
    skip: str | None = None
    #: a skip counted by reason in the summary but not listed in the report: rows a filter
    #: leaves out by the million (SIRENE units outside the ESS, ceased…)
    quiet: bool = False
    flags: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        data = asdict(self)
        data["source"] = self.source.model_dump(mode="json")
        data["themes"] = [t.model_dump(mode="json") for t in self.themes]
        data["authoritative"] = sorted(self.authoritative)
        return json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ActorRecord:
        data = json.loads(text)
        data["source"] = SourceRef.model_validate(data["source"])
        data["kind"] = ActorKind(data["kind"])
        data["level"] = AdvocacyLevel(data["level"]) if data.get("level") else None
        data["place"] = PlaceInput(**data["place"])
        data["themes"] = [Theme.model_validate(t) for t in data["themes"]]
        data["memberships"] = [
            Membership(
                network=m["network"],
                since=date.fromisoformat(m["since"]) if m.get("since") else None,
                until=date.fromisoformat(m["until"]) if m.get("until") else None,
                create_if_missing=m.get("create_if_missing", True),
            )
            for m in data["memberships"]
        ]
        data["relations"] = [
            Relation(
                kind=LinkKind(r["kind"]),
                target=r["target"],
                reverse=r["reverse"],
                subkind=r.get("subkind"),
            )
            for r in data["relations"]
        ]
        data["authoritative"] = frozenset(data.get("authoritative", ()))
        return cls(**data)


@dataclass
class LinkRecord:
    """One link as a source states it: two references (id, SIREN, SIRET, RNA, alias, name)."""

    line: int
    raw: dict[str, Any]
    source_ref: str
    target_ref: str
    kind: LinkKind | None = None
    subkind: str | None = None
    since: date | None = None
    until: date | None = None
    sources: list[SourceRef] = field(default_factory=list)
    create_target: bool = False  # a network named in a member list may be created
    source_id: str | None = None  # the source end when it is known already (an actor row's)
    target_id: str | None = None
    error: str | None = None
    skip: str | None = None
    quiet: bool = False  # as ActorRecord.quiet
    flags: list[str] = field(default_factory=list)
    counted: bool = True  # False for links derived from an actor row (not an input row)


Record = ActorRecord | LinkRecord


@dataclass(slots=True)
class ActorRow:
    """One actor row from step 2 until it is written: its record as read, then what each step
    found out. The record itself is never changed but for its flags (and coordinates not on
    Earth, dropped), so that a held row keeps what the source said."""

    record: ActorRecord
    # step 2, normalise and place (importers.prepare)
    #: the clean scalar values (name, legal form, level, identifiers, web, mail, description)
    values: dict[str, Any]
    place: Place
    #: every key the actor may already be known by (id, source alias, SIREN, SIRET, RNA, …)
    keys: list[str]
    #: the id the row's actor has if it is a new one
    minted: str
    #: the row as the name index compares it
    probe: Probe
    # step 3, identity (importers.identity)
    #: the actor the row is (None until decided)
    target: str | None = None
    #: how it was found: ``key``, ``score`` (by name), ``review`` (a decision) or ``new``
    how: str = ""
    match: Match | None = None
