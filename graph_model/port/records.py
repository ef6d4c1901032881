"""The port's records: who writes (:class:`WriteContext`), what a write changed (:class:`Written`)
and what reads give back (Python values only, never a driver's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

Row = dict[str, Any]


# -- who and what ------------------------------------------------------------------------------
@dataclass(frozen=True)
class WriteContext:
    """Who writes and when: recorded on every node and link the write touches. ``run``: the
    import run; ``by``: the person or token name; ``token``: the token id; ``at``: the time
    (now when not given)."""

    run: str | None = None
    at: datetime | None = None
    by: str | None = None
    token: str | None = None

    def stamp(self) -> dict[str, Any]:
        """``now``/``run`` as the write statements take them."""
        return {"now": self.at or datetime.now(UTC), "run": self.run}


@dataclass(frozen=True)
class Written:
    """What one write changed: the operation, the ids it touched (actors, links, tokens,
    candidates…), how many rows it sent, and who/when."""

    operation: str
    targets: tuple[str, ...] = ()
    count: int = 0
    context: WriteContext | None = None
    #: the sequence number of the (last) transaction it committed (``None``: nothing written);
    #: not part of what the write changed, so not compared
    seq: int | None = field(default=None, compare=False)


# -- records -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredActor:
    """An actor as stored: its id, kind and every property (Python values)."""

    id: str
    kind: str
    props: Mapping[str, Any]


@dataclass(frozen=True)
class StoredLink:
    """An actor-to-actor link as stored."""

    id: str
    kind: str
    source: str
    target: str
    subkind: str | None = None
    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = ()
    #: each source's statement with its own dates (JSON, sorted; :mod:`graph_model.spells`)
    statements: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The link as the API's results give it (``sources`` as a list)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source,
            "target": self.target,
            "subkind": self.subkind,
            "since": self.since,
            "until": self.until,
            "sources": list(self.sources),
            "statements": list(self.statements),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }


@dataclass(frozen=True)
class ActorLink:
    """A link as seen from one of its actors (``actor``)."""

    actor: str
    link: StoredLink


@dataclass(frozen=True)
class ActorPlace:
    """A ``LOCATED_IN``/``ACTIVE_IN`` link of an actor."""

    actor: str
    relation: str
    territory: str


@dataclass(frozen=True)
class TerritoryRef:
    id: str
    level: str
    name: str


@dataclass(frozen=True)
class TokenRecord:
    """An API token as stored (never the token itself: only its hash is kept)."""

    id: str
    name: str
    role: str
    created_at: datetime | None = None
    created_by: str | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class ImportRunRecord:
    id: str
    props: Mapping[str, Any]


@dataclass(frozen=True)
class CandidateRecord:
    """One duplicate candidate as ``maillage review`` lists it."""

    id: str
    status: str
    score: float
    reasons: str
    format: str
    file_name: str
    line: int
    record_name: str
    record_alias: str
    record_commune: str | None
    actor: str
    actor_name: str | None
    actor_commune: str | None
    created_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    note: str | None = None
    result: str | None = None


@dataclass(frozen=True)
class CandidateState:
    """What an import needs of a candidate already recorded."""

    id: str
    status: str
    actor: str | None
    payload_hash: str | None


@dataclass(frozen=True)
class Decision:
    """A review decision to record on a claimed candidate."""

    status: str
    note: str | None
    result: str | None
    run: str | None
    extra: Mapping[str, Any] = field(default_factory=dict)
