"""The graph's bookkeeping as GraphQL types: import runs, changes, duplicate candidates.

Each is built by one function from the store port's record (:mod:`graph_model.port`), or, for a
change a mutation has just made, from the edit's own :class:`api.editing.Change` (the same
fields).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast

import strawberry
from strawberry.scalars import JSON

from api.schema.actors import Actor, actor_from_props
from api.schema.context import Info
from api.schema.fields import field
from api.schema.loaders import as_datetime
from graph_model.port import CandidateRecord, ImportRunRecord


@strawberry.type(description="One run of an importer: what it read and what it did.")
class ImportRun:
    id: strawberry.ID
    source: str | None = strawberry.field(description="the importer (format) that ran")
    input: str | None = strawberry.field(description="the file or URL it read")
    started_at: datetime | None
    finished_at: datetime | None
    status: str | None
    counts: strawberry.scalars.JSON | None = strawberry.field(
        description="rows by outcome: created, updated, unchanged, candidate, rejected, skipped"
    )


#: what ``ChangeRecord.by`` says to a caller who may not see token names (not an editor)
HIDDEN = "hidden"


def import_run_from(record: ImportRunRecord, *, private: bool = True) -> ImportRun:
    """An import run; with ``private=False`` (not an editor) without the file it read."""
    props = record.props
    counts = {k: v for k, v in props.items() if isinstance(v, int) and not isinstance(v, bool)}
    return ImportRun(
        id=strawberry.ID(record.id),
        source=props.get("format"),
        input=props.get("file_name") if private else None,
        started_at=as_datetime(props.get("started_at")),
        finished_at=as_datetime(props.get("finished_at")),
        status=props.get("status"),
        counts=cast(JSON, counts) if counts else None,
    )


@strawberry.type(description="A change made through the API: who, when, what.")
class ChangeRecord:
    id: strawberry.ID
    at: datetime
    by: str
    operation: str
    target: str


class _Change(Protocol):
    """What a change says, stored (:class:`graph_model.port.ChangeRecord`) or just made."""

    @property
    def id(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def by(self) -> str | None: ...
    @property
    def operation(self) -> str: ...
    @property
    def target(self) -> str: ...


def change_from(change: _Change, *, private: bool = True) -> ChangeRecord:
    """A change; with ``private=False`` (not an editor) ``by`` says :data:`HIDDEN`."""
    return ChangeRecord(
        id=strawberry.ID(str(change.id)),
        at=change.at,
        by=str(change.by) if private else HIDDEN,
        operation=str(change.operation),
        target=str(change.target),
    )


@strawberry.type(description="A record an import held for review: is it this actor?")
class DuplicateCandidate:
    id: strawberry.ID
    status: str
    score: float
    reasons: str | None
    record_name: str | None
    record_alias: str | None
    record_commune: str | None
    format: str | None
    file_name: str | None
    line: int | None
    created_at: datetime | None
    actor_id: strawberry.Private[str]

    @field(description="The existing actor the record resembles.")
    async def actor(self, info: Info) -> Actor | None:
        props = await info.context.loaders.actors.load(self.actor_id)
        return actor_from_props(props) if props else None


def candidate_from(c: CandidateRecord, *, private: bool = True) -> DuplicateCandidate:
    """A candidate; with ``private=False`` (not an editor) without the file it came from."""
    return DuplicateCandidate(
        id=strawberry.ID(c.id),
        status=c.status,
        score=float(c.score),
        reasons=c.reasons,
        record_name=c.record_name,
        record_alias=c.record_alias,
        record_commune=c.record_commune,
        format=c.format,
        file_name=c.file_name if private else None,
        line=c.line,
        created_at=as_datetime(c.created_at),
        actor_id=c.actor,
    )


__all__ = ["ChangeRecord", "DuplicateCandidate", "ImportRun"]
