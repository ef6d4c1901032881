"""Users, sign-in links, sessions, proposals and the history in memory: the accounts side of
:class:`~queries.store.memory.MemoryGraph`, with the semantics of the Bolt adapter's statements
(``user_*``, ``sign_in_link_*``, ``session_*``, ``proposal_*``, ``changes_history*``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from graph_model.changes import ChangeEntry, ChangeKind, ChangeRecord
from graph_model.port import (
    ProposalRecord,
    SessionRecord,
    UserRecord,
    WriteContext,
    Written,
)
from queries.store.account_records import (
    PROPOSAL_CLAIM,
    proposal_props,
    proposal_record,
    session_record,
    user_props,
    user_record,
)
from queries.store.memory.base import MemoryBase, duplicate
from queries.store.memory.state import GraphState, Journal, copied, created, merged

USER = "User"
LINK = "SignInLink"
SESSION = "Session"
PROPOSAL = "Proposal"


def decide_proposal(
    state: GraphState,
    journal: Journal,
    proposal_id: str,
    claim: str,
    changes: dict[str, Any],
) -> bool:
    """``proposal_decide``: the decision, if ``claim`` still holds the proposal."""
    journal.log(ChangeEntry(ChangeKind.PROPOSAL, (proposal_id,)))
    props = state.get(PROPOSAL, proposal_id)
    if props is None or props.get("status") != "deciding" or props.get("claim") != claim:
        return False
    kept = {k: v for k, v in props.items() if k not in PROPOSAL_CLAIM}
    state.put(journal, PROPOSAL, proposal_id, merged(kept, changes))
    return True


class MemoryAccounts(MemoryBase):
    """The port's account, proposal and history operations (see
    :class:`graph_model.port.GraphStore`)."""

    # -- users ---------------------------------------------------------------------------------
    def create_user(self, user: UserRecord, context: WriteContext) -> Written:
        props = user_props(user, user.created_by or context.by, context.stamp()["now"])
        with self._write(context, "create_user") as journal:
            table = self._state.nodes[USER]
            taken = any(p.get("name_key") == props["name_key"] for p in table.values())
            if user.id in table or taken:
                raise duplicate(user.name if taken else user.id)
            self._state.put(journal, USER, user.id, created(props))
            journal.log(ChangeEntry(ChangeKind.USER, (user.id,)))
        return Written("create_user", (user.id,), 1, context, journal.seq)

    def _user_props(self, reference: str) -> dict[str, Any] | None:
        table = self._state.nodes[USER]
        if reference in table:
            return table[reference]
        key = reference.casefold()
        return next((p for p in table.values() if p.get("name_key") == key), None)

    def user(self, reference: str) -> UserRecord | None:
        with self._lock:
            props = self._user_props(reference)
            return user_record(copied(props)) if props is not None else None

    def users(self) -> list[UserRecord]:
        with self._lock:
            rows = [copied(p) for p in self._state.nodes[USER].values()]
        rows.sort(key=lambda p: str(p["name_key"]))
        return [user_record(p) for p in rows]

    def set_user_role(
        self, user_id: str, role: str, network: str | None, context: WriteContext
    ) -> UserRecord | None:
        with self._write(context, "set_user_role") as journal:
            journal.log(ChangeEntry(ChangeKind.USER, (user_id,)))
            props = self._state.get(USER, user_id)
            if props is None:
                return None
            props = merged(props, {"role": role, "network": network})
            self._state.put(journal, USER, user_id, props)
            return user_record(copied(props))

    # -- sign-in links -------------------------------------------------------------------------
    def create_sign_in_link(
        self,
        link_id: str,
        link_hash: str,
        user_id: str,
        expires_at: datetime,
        context: WriteContext,
    ) -> Written:
        props = {
            "id": link_id,
            "hash": link_hash,
            "user": user_id,
            "created_at": context.stamp()["now"],
            "expires_at": expires_at,
        }
        with self._write(context, "create_sign_in_link") as journal:
            if self._state.get(LINK, link_id) is not None:
                raise duplicate(link_id)
            self._state.put(journal, LINK, link_id, created(props))
            journal.log(ChangeEntry(ChangeKind.SIGN_IN_LINK, (link_id,)))
        return Written("create_sign_in_link", (link_id,), 1, context, journal.seq)

    def redeem_sign_in_link(
        self, link_hash: str, password_hash: str, at: datetime, context: WriteContext
    ) -> UserRecord | None:
        with self._write(context, "redeem_sign_in_link") as journal:
            link = next(
                (p for p in self._state.nodes[LINK].values() if p.get("hash") == link_hash),
                None,
            )
            journal.log(ChangeEntry(ChangeKind.SIGN_IN_LINK, (link["id"],) if link else ()))
            if link is None or link.get("used_at") is not None or link["expires_at"] <= at:
                return None
            user = self._state.get(USER, str(link["user"]))
            if user is None or user.get("disabled_at") is not None:
                return None
            self._state.put(journal, LINK, link["id"], merged(link, {"used_at": at}))
            user = merged(user, {"password_hash": password_hash, "password_set_at": at})
            self._state.put(journal, USER, user["id"], user)
            journal.log(ChangeEntry(ChangeKind.USER, (user["id"],)))
            return user_record(copied(user))

    # -- sessions ------------------------------------------------------------------------------
    def create_session(
        self, session: SessionRecord, session_hash: str, context: WriteContext
    ) -> Written:
        props = {
            "id": session.id,
            "hash": session_hash,
            "user": session.user,
            "created_at": session.created_at or context.stamp()["now"],
            "expires_at": session.expires_at,
        }
        with self._write(context, "create_session") as journal:
            if self._state.get(SESSION, session.id) is not None:
                raise duplicate(session.id)
            self._state.put(journal, SESSION, session.id, created(props))
            journal.log(ChangeEntry(ChangeKind.SESSION, (session.id,)))
        return Written("create_session", (session.id,), 1, context, journal.seq)

    def _session_props(self, session_hash: str) -> dict[str, Any] | None:
        return next(
            (p for p in self._state.nodes[SESSION].values() if p.get("hash") == session_hash),
            None,
        )

    def session_by_hash(self, session_hash: str, at: datetime) -> SessionRecord | None:
        with self._lock:
            props = self._session_props(session_hash)
            if props is None or props.get("ended_at") is not None or props["expires_at"] <= at:
                return None
            return session_record(copied(props))

    def end_session(self, session_hash: str, at: datetime, context: WriteContext) -> Written | None:
        with self._write(context, "end_session") as journal:
            props = self._session_props(session_hash)
            if props is None or props.get("ended_at") is not None:
                journal.log(ChangeEntry(ChangeKind.SESSION))
                return None
            self._state.put(journal, SESSION, props["id"], merged(props, {"ended_at": at}))
            journal.log(ChangeEntry(ChangeKind.SESSION, (props["id"],)))
        return Written("end_session", (props["id"],), 1, context, journal.seq)

    # -- proposals -----------------------------------------------------------------------------
    def create_proposal(self, proposal: ProposalRecord, context: WriteContext) -> Written:
        props = proposal_props(proposal, context.stamp()["now"])
        with self._write(context, "create_proposal") as journal:
            if self._state.get(PROPOSAL, proposal.id) is not None:
                raise duplicate(proposal.id)
            self._state.put(journal, PROPOSAL, proposal.id, created(props))
            journal.log(ChangeEntry(ChangeKind.PROPOSAL, (proposal.id,)))
        return Written("create_proposal", (proposal.id,), 1, context, journal.seq)

    def proposal(self, proposal_id: str) -> ProposalRecord | None:
        with self._lock:
            props = self._state.get(PROPOSAL, proposal_id)
            return proposal_record(copied(props)) if props is not None else None

    def proposals(
        self,
        status: str | None,
        actors: Iterable[str] | None,
        *,
        after: str | None = None,
        limit: int = 100,
    ) -> list[ProposalRecord]:
        wanted = None if actors is None else set(actors)
        with self._lock:
            rows = [
                copied(p)
                for p in self._state.nodes[PROPOSAL].values()
                if (status is None or p.get("status") == status)
                and (after is None or str(p["id"]) > after)
                and (wanted is None or wanted.intersection(p.get("actors") or ()))
            ]
        rows.sort(key=lambda p: str(p["id"]))
        return [proposal_record(p) for p in rows[:limit]]

    def claim_proposal(
        self, proposal_id: str, claim: str, *, at: datetime, stale: datetime
    ) -> ProposalRecord | None:
        with self._write(None, "claim_proposal") as journal:
            journal.log(ChangeEntry(ChangeKind.PROPOSAL, (proposal_id,)))
            props = self._state.get(PROPOSAL, proposal_id)
            if props is None:
                return None
            props = merged(props, {"claim_attempt": claim})
            status, claimed = props.get("status"), props.get("claimed_at")
            free = status == "pending" or (
                status == "deciding" and claimed is not None and claimed < stale
            )
            if free:
                props = merged(props, {"status": "deciding", "claimed_at": at, "claim": claim})
            self._state.put(journal, PROPOSAL, proposal_id, props)
            return proposal_record(copied(props)) if free else None

    def release_proposal(self, proposal_id: str, claim: str) -> Written | None:
        with self._write(None, "release_proposal") as journal:
            journal.log(ChangeEntry(ChangeKind.PROPOSAL, (proposal_id,)))
            props = self._state.get(PROPOSAL, proposal_id)
            if props is None or props.get("status") != "deciding" or props.get("claim") != claim:
                return None
            kept = {k: v for k, v in props.items() if k not in PROPOSAL_CLAIM}
            self._state.put(journal, PROPOSAL, proposal_id, {**kept, "status": "pending"})
        return Written("release_proposal", (proposal_id,), 1, seq=journal.seq)

    # -- history -------------------------------------------------------------------------------
    def history(
        self, target: str, *, before: int | None = None, limit: int = 50, scan: int = 50_000
    ) -> list[ChangeRecord]:
        with self._lock:
            meta = self._state.get("Meta", "graph")
            top = int(meta.get("version", 0)) + 1 if meta else 1
            below = top if before is None else before
            floor = below - scan
            rows = [
                copied(p)
                for p in self._state.nodes["Change"].values()
                if p.get("seq", 0) < below
                and (
                    p.get("target") == target
                    or (
                        p.get("kind") != ChangeKind.EDIT.value
                        and p.get("seq", 0) >= floor
                        and target in (p.get("targets") or ())
                    )
                )
            ]
        rows.sort(key=lambda p: (p["seq"], p["n"]), reverse=True)
        return [ChangeRecord.from_props(p) for p in rows[:limit]]

    def change(self, change_id: str) -> ChangeRecord | None:
        with self._lock:
            props = self._state.get("Change", change_id)
            return ChangeRecord.from_props(copied(props)) if props is not None else None
