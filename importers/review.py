"""Duplicate candidates: records held for a person to decide (``maillage review``).

A record whose score against an existing actor falls between the two thresholds of
:mod:`importers.identity` is not loaded: it is kept, whole, on a ``DuplicateCandidate`` node
(status ``pending``) with the actor it resembles, the score and why. Deciding replays the kept
record through the pipeline, as an ``ImportRun`` of format ``review``:

* :func:`accept` — it is that actor: the record joins it (its source becomes an alias and a
  source of the actor, its values fill the actor's gaps, its memberships are linked);
* :func:`reject` — it is another actor: the record is created as a new actor.

Either way the decision is recorded on the candidate (status, who, when, note, the resulting
actor, the run), and a later import of the same row finds the actor by its source key: the
question is not asked twice. A decision first claims its candidate (status ``deciding``, in one
write that two concurrent decisions cannot both pass): an accept and a reject of the same
candidate at the same time never both apply; the second is told the candidate is being decided.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from graph_model.errors import NotFound, ValidationError
from importers.pipeline import NEW, ImportOptions, Pipeline, Reader, environment_user
from importers.records import ActorRecord, Record
from importers.report import Summary
from queries.store import Store, cypher

#: a decision claims its candidate (status ``deciding``) until it is recorded; a claim left by
#: a decision that died is taken over after this long
CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class Candidate:
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
    created_at: Any = None
    decided_at: Any = None
    decided_by: str | None = None
    note: str | None = None
    result: str | None = None


def list_candidates(store: Store, status: str | None = "pending") -> list[Candidate]:
    """Candidates with the given status (``None``: all), oldest first."""
    rows = store.read(cypher("review_list"), status=status)
    fields = Candidate.__dataclass_fields__
    return [Candidate(**{k: v for k, v in row.items() if k in fields}) for row in rows]


class _HeldRecord(Reader):
    """The kept record of one candidate, as a one-row source."""

    format = "review"

    def __init__(self, candidate_id: str, record: ActorRecord) -> None:
        super().__init__(Path(f"review-{candidate_id}"), system=record.source.system)
        self.record = record
        self.candidate_id = candidate_id

    def prepare(self) -> None:
        self.sha256 = hashlib.sha256(self.record.to_json().encode()).hexdigest()
        self.total = 1

    def records(self) -> Iterator[Record]:
        yield self.record


def _claim(store: Store, candidate_id: str) -> tuple[str, dict[str, Any]]:
    """Take the candidate for one decision (the claim's id and the candidate's properties),
    or say why it cannot be decided now."""
    claim = secrets.token_hex(8)
    now = datetime.now(UTC)
    params = {"id": candidate_id, "claim": claim, "now": now, "stale": now - CLAIM_TIMEOUT}
    rows = store.write([(cypher("review_claim"), params)])[0]
    if rows:
        props: dict[str, Any] = rows[0]["props"]
        return claim, props
    found = store.read(cypher("review_get"), id=candidate_id)
    if not found:
        raise NotFound(f"no duplicate candidate {candidate_id!r}: list them with `maillage review`")
    props = found[0]["props"]
    if props.get("status") == "deciding":
        raise ValidationError(
            f"candidate {candidate_id} is being decided by someone else (since "
            f"{props.get('claimed_at')}): see its status in a moment",
            field="status",
        )
    raise ValidationError(
        f"candidate {candidate_id} was already decided ({props.get('status')} on "
        f"{props.get('decided_at')} by {props.get('decided_by')})",
        field="status",
    )


def _decide(
    store: Store,
    candidate_id: str,
    *,
    accepted: bool,
    by: str | None,
    note: str | None,
) -> tuple[Summary, str]:
    claim, props = _claim(store, candidate_id)
    try:
        record = ActorRecord.from_json(props["payload"])
        alias = record.source.alias
        if accepted:
            actor = props["actor"]
            if not store.read(cypher("actors_by_id"), ids=[actor]):
                raise NotFound(
                    f"the actor {actor} this candidate resembles no longer exists: reject the "
                    "candidate to create the record as a new actor"
                )
            forced = actor
        else:
            forced = NEW
        pipeline = Pipeline(
            store,
            _HeldRecord(candidate_id, record),
            ImportOptions(forced={alias: forced}, run_format="review"),
        )
        summary = pipeline.run()
    except BaseException:
        # nothing applied (or a replay a retry finishes): the candidate is pending again
        store.write([(cypher("review_release"), {"id": candidate_id, "claim": claim})])
        raise
    found = store.read(cypher("resolve_aliases"), keys=[alias])
    result = found[0]["actor"] if found else None
    decided = {
        "id": candidate_id,
        "claim": claim,
        "status": "accepted" if accepted else "rejected",
        "now": datetime.now(UTC),
        "by": by or environment_user(),
        "note": note,
        "result": result,
        "run": summary.run_id,
    }
    if not store.write([(cypher("review_decide"), decided)])[0]:
        raise ValidationError(
            f"candidate {candidate_id}: the decision took longer than "
            f"{CLAIM_TIMEOUT.total_seconds():.0f} s and another one took it over; the record "
            f"was applied (run {summary.run_id}): check the candidate's status",
            field="status",
        )
    return summary, result or ""


def accept(
    store: Store, candidate_id: str, *, by: str | None = None, note: str | None = None
) -> tuple[Summary, str]:
    """The held record is the actor it resembles: merge it in. Returns the run's summary and
    the actor's id."""
    return _decide(store, candidate_id, accepted=True, by=by, note=note)


def reject(
    store: Store, candidate_id: str, *, by: str | None = None, note: str | None = None
) -> tuple[Summary, str]:
    """The held record is another actor: create it. Returns the run's summary and the new
    actor's id."""
    return _decide(store, candidate_id, accepted=False, by=by, note=note)
