"""Users, sign-in links, sessions and proposals over Bolt: the accounts side of
:class:`~queries.store.bolt.BoltGraph` (statements ``user_*``, ``sign_in_link_*``,
``session_*``, ``proposal*``). Each write is one transaction with its
change log entry, as every write of the port; no secret is ever logged (the entries name ids)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from graph_model.changes import ChangeEntry, ChangeKind
from graph_model.port import (
    ProposalRecord,
    Row,
    SessionRecord,
    UserRecord,
    WriteContext,
    Written,
)
from queries.store.account_records import (
    proposal_props,
    proposal_record,
    session_record,
    user_props,
    user_record,
)
from queries.store.bolt_core import BoltCore, Entries
from queries.store.catalog import cypher
from queries.store.records import python_props


class BoltAccounts(BoltCore):
    """The port's account, session and proposal operations over one :class:`Store`."""

    def _one(
        self, name: str, params: dict[str, Any], entries: Entries, context: WriteContext | None
    ) -> tuple[list[Row], int]:
        statement = (cypher(name), params)
        results, seq = self._commit([statement], entries, context, name)
        return results[0], seq

    # -- users ---------------------------------------------------------------------------------
    def create_user(self, user: UserRecord, context: WriteContext) -> Written:
        props = user_props(user, user.created_by or context.by, context.stamp()["now"])
        params = {**props, "now": props.pop("created_at"), "by": props.pop("created_by")}
        entry = ChangeEntry(ChangeKind.USER, (user.id,))
        _, seq = self._one("user_create", params, [entry], context)
        return Written("create_user", (user.id,), 1, context, seq)

    def user(self, reference: str) -> UserRecord | None:
        rows = self.store.read(cypher("user_get"), ref=reference, key=reference.casefold())
        return user_record(python_props(rows[0]["props"])) if rows else None

    def users(self) -> list[UserRecord]:
        rows = self.store.read(cypher("users_list"))
        return [user_record(python_props(row["props"])) for row in rows]

    def set_user_role(
        self, user_id: str, role: str, network: str | None, context: WriteContext
    ) -> UserRecord | None:
        params = {"id": user_id, "role": role, "network": network}
        entry = ChangeEntry(ChangeKind.USER, (user_id,))
        rows, _ = self._one("user_set_role", params, [entry], context)
        return user_record(python_props(rows[0]["props"])) if rows else None

    # -- sign-in links -------------------------------------------------------------------------
    def create_sign_in_link(
        self,
        link_id: str,
        link_hash: str,
        user_id: str,
        expires_at: datetime,
        context: WriteContext,
    ) -> Written:
        params = {
            "id": link_id,
            "hash": link_hash,
            "user": user_id,
            "now": context.stamp()["now"],
            "expires": expires_at,
        }
        entry = ChangeEntry(ChangeKind.SIGN_IN_LINK, (link_id,))
        rows, seq = self._one("sign_in_link_create", params, [entry], context)
        return Written("create_sign_in_link", (link_id,), len(rows), context, seq)

    def redeem_sign_in_link(
        self, link_hash: str, password_hash: str, at: datetime, context: WriteContext
    ) -> UserRecord | None:
        params = {"hash": link_hash, "password": password_hash, "now": at}

        def entries(results: list[list[Row]]) -> list[ChangeEntry]:
            rows = results[0]
            if not rows:
                return [ChangeEntry(ChangeKind.SIGN_IN_LINK)]
            return [
                ChangeEntry(ChangeKind.SIGN_IN_LINK, (str(rows[0]["link"]),)),
                ChangeEntry(ChangeKind.USER, (str(rows[0]["props"]["id"]),)),
            ]

        rows, _ = self._one("sign_in_link_redeem", params, entries, context)
        return user_record(python_props(rows[0]["props"])) if rows else None

    # -- sessions ------------------------------------------------------------------------------
    def create_session(
        self, session: SessionRecord, session_hash: str, context: WriteContext
    ) -> Written:
        params = {
            "id": session.id,
            "hash": session_hash,
            "user": session.user,
            "now": session.created_at or context.stamp()["now"],
            "expires": session.expires_at,
        }
        entry = ChangeEntry(ChangeKind.SESSION, (session.id,))
        _, seq = self._one("session_create", params, [entry], context)
        return Written("create_session", (session.id,), 1, context, seq)

    def session_by_hash(self, session_hash: str, at: datetime) -> SessionRecord | None:
        rows = self.store.read(cypher("session_by_hash"), hash=session_hash, at=at)
        return session_record(python_props(rows[0]["props"])) if rows else None

    def end_session(self, session_hash: str, at: datetime, context: WriteContext) -> Written | None:
        def entries(results: list[list[Row]]) -> list[ChangeEntry]:
            return [ChangeEntry(ChangeKind.SESSION, tuple(str(r["id"]) for r in results[0]))]

        rows, seq = self._one("session_end", {"hash": session_hash, "at": at}, entries, context)
        if not rows:
            return None
        return Written("end_session", (str(rows[0]["id"]),), 1, context, seq)

    # -- proposals -----------------------------------------------------------------------------
    def create_proposal(self, proposal: ProposalRecord, context: WriteContext) -> Written:
        props = proposal_props(proposal, context.stamp()["now"])
        props = {k: v for k, v in props.items() if v is not None and k != "id"}
        entry = ChangeEntry(ChangeKind.PROPOSAL, (proposal.id,))
        params = {"id": proposal.id, "props": props}
        _, seq = self._one("proposal_create", params, [entry], context)
        return Written("create_proposal", (proposal.id,), 1, context, seq)

    def proposal(self, proposal_id: str) -> ProposalRecord | None:
        rows = self.store.read(cypher("proposal_get"), id=proposal_id)
        return proposal_record(python_props(rows[0]["props"])) if rows else None

    def proposals(
        self,
        status: str | None,
        actors: Iterable[str] | None,
        *,
        after: str | None = None,
        limit: int = 100,
    ) -> list[ProposalRecord]:
        rows = self.store.read(
            cypher("proposals_list"),
            status=status,
            after=after,
            actors=None if actors is None else sorted(set(actors)),
            limit=int(limit),
        )
        return [proposal_record(python_props(row["props"])) for row in rows]

    def claim_proposal(
        self, proposal_id: str, claim: str, *, at: datetime, stale: datetime
    ) -> ProposalRecord | None:
        params = {"id": proposal_id, "claim": claim, "now": at, "stale": stale}
        entry = ChangeEntry(ChangeKind.PROPOSAL, (proposal_id,))
        rows, _ = self._one("proposal_claim", params, [entry], None)
        return proposal_record(python_props(rows[0]["props"])) if rows else None

    def release_proposal(self, proposal_id: str, claim: str) -> Written | None:
        entry = ChangeEntry(ChangeKind.PROPOSAL, (proposal_id,))
        params = {"id": proposal_id, "claim": claim}
        rows, seq = self._one("proposal_release", params, [entry], None)
        return Written("release_proposal", (proposal_id,), 1, seq=seq) if rows else None
