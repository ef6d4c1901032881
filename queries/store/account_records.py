"""The port's account and proposal records (:class:`~graph_model.port.UserRecord`,
:class:`~graph_model.port.SessionRecord`, :class:`~graph_model.port.ProposalRecord`) from stored
properties (Python values), for both adapters; and their properties to store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph_model.port import ProposalRecord, SessionRecord, UserRecord

#: the properties of a proposal node that are the record's own (the claim is the store's)
PROPOSAL_CLAIM = ("claim", "claimed_at", "claim_attempt")


def user_record(props: Mapping[str, Any]) -> UserRecord:
    return UserRecord(
        id=str(props["id"]),
        name=str(props["name"]),
        role=str(props["role"]),
        network=props.get("network"),
        created_at=props.get("created_at"),
        created_by=props.get("created_by"),
        disabled_at=props.get("disabled_at"),
        password_hash=props.get("password_hash"),
    )


def user_props(user: UserRecord, created_by: str | None, now: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "name_key": user.name.casefold(),
        "role": user.role,
        "network": user.network,
        "created_at": now,
        "created_by": created_by,
    }


def session_record(props: Mapping[str, Any]) -> SessionRecord:
    return SessionRecord(
        id=str(props["id"]),
        user=str(props["user"]),
        created_at=props.get("created_at"),
        expires_at=props.get("expires_at"),
        ended_at=props.get("ended_at"),
    )


def proposal_record(props: Mapping[str, Any]) -> ProposalRecord:
    return ProposalRecord(
        id=str(props["id"]),
        kind=str(props["kind"]),
        status=str(props["status"]),
        payload=str(props.get("payload") or "{}"),
        actors=tuple(str(a) for a in props.get("actors") or ()),
        side=props.get("side"),
        proposed_by=props.get("proposed_by"),
        proposer=props.get("proposer"),
        network=props.get("network"),
        created_at=props.get("created_at"),
        decided_at=props.get("decided_at"),
        decided_by=props.get("decided_by"),
        note=props.get("note"),
        result=props.get("result"),
    )


def proposal_props(proposal: ProposalRecord, now: Any) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "kind": proposal.kind,
        "status": proposal.status,
        "payload": proposal.payload,
        "actors": list(proposal.actors),
        "side": proposal.side,
        "proposed_by": proposal.proposed_by,
        "proposer": proposal.proposer,
        "network": proposal.network,
        "created_at": proposal.created_at or now,
    }
