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
question is not asked twice. The decisions are also *judgements* every run reads
(:meth:`importers.lookups.Lookups.judgements`): a record judged not the same as an actor is never
proposed or merged with it again, one judged the same joins it again, even when its key names
no actor any more. A decision first claims its candidate (status ``deciding``, in one
write that two concurrent decisions cannot both pass): an accept and a reject of the same
candidate at the same time never both apply; the second is told the candidate is being decided.

A third decision, merging field by field (:mod:`api.merging`: the editor picks, field by field,
the record's value or the actor's), takes the same claim (:func:`claim`), writes its one change
and records itself as an *accept* (:func:`record_decision`): it is remembered, and replayed, as
an accept is.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from graph_model.errors import NotFound, ValidationError
from graph_model.port import CandidateRecord, Decision, GraphStore, WriteContext
from importers.pipeline import NEW, ImportOptions, Pipeline, environment_user
from importers.reader import Reader
from importers.records import ActorRecord, Record
from importers.report import Summary

#: a decision claims its candidate (status ``deciding``) until it is recorded; a claim left by
#: a decision that died is taken over after this long
CLAIM_TIMEOUT = timedelta(minutes=10)


#: one duplicate candidate as ``maillage review`` lists it
Candidate = CandidateRecord


def list_candidates(graph: GraphStore, status: str | None = "pending") -> list[Candidate]:
    """Candidates with the given status (``None``: all), oldest first."""
    return graph.candidates(status)


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


class CandidateMissing(NotFound):
    """No duplicate candidate has this id."""


class CandidateTaken(ValidationError):
    """The candidate was decided already, or is being decided right now."""

    code = "candidate_taken"


def claim(graph: GraphStore, candidate_id: str) -> tuple[str, dict[str, Any]]:
    """Take the candidate for one decision (the claim's id and the candidate's properties),
    or say why it cannot be decided now (:class:`CandidateMissing`, :class:`CandidateTaken`).
    The claim is released (:func:`release`) or turned into a decision (:func:`record_decision`)."""
    claimed = secrets.token_hex(8)
    now = datetime.now(UTC)
    props = graph.claim_candidate(candidate_id, claimed, at=now, stale=now - CLAIM_TIMEOUT)
    if props is not None:
        return claimed, props
    props = graph.candidate(candidate_id)
    if props is None:
        raise CandidateMissing(
            f"no duplicate candidate {candidate_id!r}: list them with `maillage review`"
        )
    if props.get("status") == "deciding":
        raise CandidateTaken(
            f"candidate {candidate_id} is being decided by someone else (since "
            f"{props.get('claimed_at')}): see its status in a moment",
            field="status",
        )
    raise CandidateTaken(
        f"candidate {candidate_id} was already decided ({props.get('status')} on "
        f"{props.get('decided_at')} by {props.get('decided_by')})",
        field="status",
    )


def release(graph: GraphStore, candidate_id: str, claimed: str) -> None:
    """Give a claimed candidate back (nothing was applied): it is pending again."""
    graph.release_candidate(candidate_id, claimed)


def record_decision(
    graph: GraphStore,
    candidate_id: str,
    claimed: str,
    decision: Decision,
    *,
    by: str | None,
) -> None:
    """Record the decision on the claimed candidate (who, when, the resulting actor)."""
    context = WriteContext(by=by or environment_user(), at=datetime.now(UTC))
    if graph.decide_candidate(candidate_id, claimed, decision, context) is None:
        raise CandidateTaken(
            f"candidate {candidate_id}: the decision took longer than "
            f"{CLAIM_TIMEOUT.total_seconds():.0f} s and another one took it over; the record "
            f"was applied ({decision.run or decision.result}): check the candidate's status",
            field="status",
        )


def _replay(
    graph: GraphStore, candidate_id: str, props: dict[str, Any], *, accepted: bool
) -> tuple[Summary, str]:
    """Run the held record through the pipeline (joined to its actor, or as a new one);
    returns the run's summary and the record's alias."""
    record = ActorRecord.from_json(props["payload"])
    alias = record.source.alias
    if accepted:
        actor = props["actor"]
        if not graph.actor_kinds([actor]):
            raise NotFound(
                f"the actor {actor} this candidate resembles no longer exists: reject the "
                "candidate to create the record as a new actor"
            )
        forced = actor
    else:
        forced = NEW
    pipeline = Pipeline(
        graph,
        _HeldRecord(candidate_id, record),
        ImportOptions(forced={alias: forced}, run_format="review"),
    )
    return pipeline.run(), alias


def _decide(
    graph: GraphStore,
    candidate_id: str,
    *,
    accepted: bool,
    by: str | None,
    note: str | None,
) -> tuple[Summary, str]:
    claimed, props = claim(graph, candidate_id)
    try:
        summary, alias = _replay(graph, candidate_id, props, accepted=accepted)
    except BaseException:
        # nothing applied (or a replay a retry finishes): the candidate is pending again
        release(graph, candidate_id, claimed)
        raise
    result = graph.resolve_keys([alias]).get(alias)
    decision = Decision(
        status="accepted" if accepted else "rejected",
        note=note,
        result=result,
        run=summary.run_id,
    )
    record_decision(graph, candidate_id, claimed, decision, by=by)
    return summary, result or ""


def accept(
    graph: GraphStore, candidate_id: str, *, by: str | None = None, note: str | None = None
) -> tuple[Summary, str]:
    """The held record is the actor it resembles: merge it in. Returns the run's summary and
    the actor's id."""
    return _decide(graph, candidate_id, accepted=True, by=by, note=note)


def reject(
    graph: GraphStore, candidate_id: str, *, by: str | None = None, note: str | None = None
) -> tuple[Summary, str]:
    """The held record is another actor: create it. Returns the run's summary and the new
    actor's id."""
    return _decide(graph, candidate_id, accepted=False, by=by, note=note)
