"""Proposals: a contributor (or anyone who may not edit an actor directly) proposes a new
actor, an edit or a link; nothing changes until an editor who may confirm it does.

A proposal is a ``Proposal`` node, not a link nor an actor: the analytics projection never
sees it, so a proposed link counts in no path, cluster or figure until it is confirmed. Who may
confirm (:func:`may_decide`):

- a national editor (an editor or admin without a network): any proposal;
- a network editor: a link whose other end (the end that is not the proposer's side) is its
  network or one of its members; an edit of an actor of its network. New actors are confirmed
  by national editors.

Deciding is claimed first (:meth:`~graph_model.port.GraphStore.claim_proposal`, as the
duplicate candidates are): of two editors deciding the same proposal at once one wins, the
other is told who did or that it is being decided. The confirmation then writes the link (or
the actor) through :mod:`api.editing`'s path and records the decision **in the same
transaction**; if that fails (an actor removed meanwhile, an overlapping link recorded since),
nothing is written and the proposal is pending again.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from api.auth import AuthError, Principal, Role
from api.editing import (
    Author,
    DuplicateLink,
    _check_places,
    _context,
    _once,
    _overlaps,
    _resolve_id,
    in_network,
    link_in,
    upsert_in,
)
from graph_model.errors import MaillageError, NotFound, ValidationError
from graph_model.i18n import _
from graph_model.model import Link, LinkKind, SourceRef, parse
from graph_model.port import GraphStore, ProposalRecord, StoredLink, WriteContext
from graph_model.retry import retrying

PENDING, DECIDING, CONFIRMED, REJECTED = "pending", "deciding", "confirmed", "rejected"
#: a claim older than this is taken over (the decision that took it died)
CLAIM_STALE = timedelta(minutes=5)


class ProposalNotFound(NotFound):
    code = "proposal_not_found"


class ProposalTaken(MaillageError):
    """Another editor decided the proposal, or is deciding it now."""

    code = "proposal_taken"

    def __init__(self, message: str, proposal: ProposalRecord | None) -> None:
        super().__init__(message)
        self.proposal = proposal


class NotYours(AuthError):
    """The caller may not decide this proposal (not an editor of the side it awaits)."""

    code = "forbidden"


def _new_id() -> str:
    """Ids sort by creation (milliseconds, then randomness): the list's order and cursor."""
    return f"prp-{int(time.time() * 1000):013d}{secrets.token_hex(3)}"


def _side(graph: GraphStore, principal: Principal, ends: tuple[str, ...]) -> str | None:
    """The end the proposer speaks for (its network holds it), if any."""
    if principal.network is None:
        return None
    return next((end for end in ends if in_network(graph, end, principal.network)), None)


def _source_dict(source: SourceRef) -> dict[str, Any]:
    return {"system": source.system, "key": source.key, "url": source.url}


def _record(
    graph: GraphStore,
    principal: Principal,
    *,
    kind: str,
    payload: Mapping[str, Any],
    actors: tuple[str, ...],
    side: str | None,
) -> ProposalRecord:
    proposal = ProposalRecord(
        id=_new_id(),
        kind=kind,
        status=PENDING,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str),
        actors=actors,
        side=side,
        proposed_by=principal.name,
        proposer=principal.user or principal.token_id,
        network=principal.network,
        created_at=datetime.now(UTC),
    )
    context = WriteContext(by=principal.name, token=principal.token_id, at=proposal.created_at)
    graph.create_proposal(proposal, context)
    return proposal


def propose_link(graph: GraphStore, link: Link, principal: Principal) -> ProposalRecord:
    """Propose a link (its ends must exist; an overlapping link already recorded is refused
    now, and again when it is confirmed)."""
    ends = (link.source_id, link.target_id)
    found = graph.actor_kinds(ends)
    missing = [end for end in ends if end not in found]
    if missing:
        raise NotFound(_("no actor {id!r}: check the id (search finds actors by name)",
                         id=missing[0]))  # fmt: skip
    for current in graph.links_between(link.source_id, link.target_id, link.kind):
        if _overlaps(current.since, current.until, link.since, link.until):
            raise DuplicateLink(current)
    payload = {
        "kind": link.kind.value,
        "from": link.source_id,
        "to": link.target_id,
        "subkind": link.subkind,
        "since": link.since,
        "until": link.until,
        "sources": [_source_dict(s) for s in link.sources],
    }
    side = _side(graph, principal, ends)
    return _record(graph, principal, kind="link", payload=payload, actors=ends, side=side)


def propose_actor(
    graph: GraphStore, given: Mapping[str, Any], principal: Principal
) -> ProposalRecord:
    """Propose a new actor or an edit (checked as ``upsertActor`` checks it; the id is the
    one the edit would write)."""
    actor_id = _resolve_id(graph, given)
    _check_places(given)
    payload = {k: v for k, v in given.items() if v is not None and k != "source"}
    source = given.get("source")
    if isinstance(source, SourceRef):
        payload["source"] = _source_dict(source)
    payload["id"] = actor_id
    exists = actor_id in graph.actor_kinds([actor_id])
    payload["new"] = not exists
    return _record(graph, principal, kind="actor", payload=payload, actors=(actor_id,), side=None)


def payload_of(proposal: ProposalRecord) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(proposal.payload)
    return data


def may_decide(graph: GraphStore, principal: Principal, proposal: ProposalRecord) -> bool:
    """Whether ``principal`` may confirm or reject ``proposal`` (see the module docstring)."""
    if not principal.may(Role.EDITOR):
        return False
    if principal.network is None:
        return True
    if proposal.kind == "link":
        others = [a for a in proposal.actors if a != proposal.side] or list(proposal.actors)
        return any(in_network(graph, a, principal.network) for a in others)
    payload = payload_of(proposal)
    if payload.get("new"):
        return False
    return all(in_network(graph, a, principal.network) for a in proposal.actors)


def _taken(graph: GraphStore, proposal_id: str) -> ProposalTaken:
    now = graph.proposal(proposal_id)
    if now is not None and now.status in (CONFIRMED, REJECTED):
        return ProposalTaken(
            _(
                "this proposal was already {status} by {who}",
                status=_("confirmed") if now.status == CONFIRMED else _("rejected"),
                who=now.decided_by or "?",
            ),
            now,
        )
    return ProposalTaken(
        _("another editor is deciding this proposal right now: look again in a moment"), now
    )


@dataclass(frozen=True)
class Decided:
    proposal: ProposalRecord
    link: StoredLink | None = None
    actor: str | None = None
    change_id: str | None = None


def _author(principal: Principal) -> Author:
    return Author(
        name=principal.name,
        token_id=principal.token_id,
        user=principal.user,
        network=principal.network,
    )


def _link_of(payload: Mapping[str, Any]) -> Link:
    return parse(
        Link,
        {
            "kind": LinkKind(payload["kind"]),
            "source_id": payload["from"],
            "target_id": payload["to"],
            "subkind": payload.get("subkind"),
            "since": date.fromisoformat(payload["since"]) if payload.get("since") else None,
            "until": date.fromisoformat(payload["until"]) if payload.get("until") else None,
            "sources": [SourceRef(**s) for s in payload.get("sources") or ()],
        },
    )


def _given_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    given = {k: v for k, v in payload.items() if k not in ("source", "new")}
    source = payload.get("source")
    given["source"] = SourceRef(**source) if source else None
    return given


def decide(
    graph: GraphStore,
    proposal_id: str,
    principal: Principal,
    *,
    confirm: bool,
    note: str | None,
) -> Decided:
    """Confirm (apply) or reject a proposal; raises :class:`ProposalNotFound`,
    :class:`NotYours`, :class:`ProposalTaken`, or what applying it raises (nothing written)."""
    proposal = graph.proposal(proposal_id)
    if proposal is None:
        raise ProposalNotFound(_("no proposal {id!r}", id=proposal_id))
    if proposal.status in (CONFIRMED, REJECTED):
        raise _taken(graph, proposal_id)
    if not may_decide(graph, principal, proposal):
        raise NotYours(
            _("only an editor of the other side (or a national editor) may decide this proposal")
        )
    now = datetime.now(UTC)
    claim = secrets.token_hex(8)
    if graph.claim_proposal(proposal_id, claim, at=now, stale=now - CLAIM_STALE) is None:
        raise _taken(graph, proposal_id)
    try:
        # the claim is held: a transient conflict of the store (ArcadeDB's concurrent
        # modification, the other editor's claim attempt) runs the decision again
        decided = retrying(
            lambda: _apply(graph, proposal, claim, principal, confirm=confirm, note=note)
        )
    except BaseException:
        graph.release_proposal(proposal_id, claim)
        raise
    return decided


def _apply(
    graph: GraphStore,
    proposal: ProposalRecord,
    claim: str,
    principal: Principal,
    *,
    confirm: bool,
    note: str | None,
) -> Decided:
    author = _author(principal)
    # the confirming editor's scope was checked by may_decide: the edit runs as national
    acting = Author(author.name, author.token_id, author.user, None)
    context = _context(author)
    payload = payload_of(proposal)
    extra = {"proposal": proposal.id, "proposed_by": proposal.proposed_by}
    status = CONFIRMED if confirm else REJECTED

    def finish(tx: Any, result: str | None) -> None:
        if not tx.decide_proposal(proposal.id, claim, status, note, result):
            raise _taken(graph, proposal.id)

    if not confirm:
        with graph.edit(context) as tx:
            finish(tx, None)
    elif proposal.kind == "link":
        link = _link_of(payload)

        def work() -> Decided:
            with graph.edit(context) as tx:
                written, change = link_in(tx, link, acting, context, extra=extra)
                finish(tx, written.id)
            return Decided(proposal, link=written, change_id=change.id)

        decided = _once((link.source_id, link.target_id, link.kind.value), work)
        return Decided(_reread(graph, proposal), decided.link, None, decided.change_id)
    else:
        given = _given_of(payload)
        actor_id = str(payload["id"])

        def work_actor() -> Decided:
            with graph.edit(context) as tx:
                if not payload.get("new") and actor_id not in tx.actor_kinds([actor_id]):
                    raise NotFound(_("the actor {id} was removed since this proposal", id=actor_id))
                change = upsert_in(tx, actor_id, given, acting, context, extra=extra)[1]
                finish(tx, actor_id)
            return Decided(proposal, actor=actor_id, change_id=change.id)

        decided = _once((actor_id,), work_actor)
        return Decided(_reread(graph, proposal), None, actor_id, decided.change_id)
    return Decided(_reread(graph, proposal))


def _reread(graph: GraphStore, proposal: ProposalRecord) -> ProposalRecord:
    return graph.proposal(proposal.id) or proposal


def network_actors(graph: GraphStore, network: str) -> set[str]:
    """The network and its members today (the actors a network editor edits)."""
    today = datetime.now(UTC).date()
    members = {
        link.source
        for link in graph.links_of_actor(network)
        if link.kind == LinkKind.MEMBER_OF.value
        and link.target == network
        and (link.until is None or link.until >= today)
    }
    return members | {network}


def check_text_note(note: str | None) -> None:
    if note is not None and len(note) > 2_000:
        raise ValidationError(_("a note has at most 2000 characters"), field="note")
