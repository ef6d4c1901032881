"""People's side of the port: accounts, one-time sign-in links, sessions and proposals (the
records and the operations). Secrets never cross it: only their hashes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from graph_model.port.records import WriteContext, Written


@dataclass(frozen=True)
class UserRecord:
    """A person's account (``role``: contributor, editor or admin; ``network``: the network an
    editor's rights are limited to). ``password_hash`` is the argon2id hash, never the
    password; ``None`` until the person has used their sign-in link."""

    id: str
    name: str
    role: str
    network: str | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    disabled_at: datetime | None = None
    password_hash: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SessionRecord:
    """A signed-in session (stored under the SHA-256 of its secret, never the secret)."""

    id: str
    user: str
    created_at: datetime | None = None
    expires_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class ProposalRecord:
    """A change someone proposed and an editor confirms or rejects (``kind``: ``actor`` or
    ``link``; ``payload``: the input as JSON; ``actors``: the actors it concerns; ``side``:
    the end of a link the proposer speaks for, if any). Status: ``pending``, ``deciding``
    (claimed by one editor), ``confirmed``, ``rejected``."""

    id: str
    kind: str
    status: str
    payload: str
    actors: tuple[str, ...] = ()
    side: str | None = None
    proposed_by: str | None = None
    proposer: str | None = None
    network: str | None = None
    created_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    note: str | None = None
    result: str | None = None


class AccountStore(Protocol):
    """The port's operations on accounts, sign-in links, sessions and proposals."""

    def create_user(self, user: UserRecord, context: WriteContext) -> Written:
        """A new account (its name is unique: another raises
        :class:`~graph_model.errors.DuplicateError`)."""
        ...

    def user(self, reference: str) -> UserRecord | None:
        """The account with this id or name."""
        ...

    def users(self) -> list[UserRecord]: ...

    def set_user_role(
        self, user_id: str, role: str, network: str | None, context: WriteContext
    ) -> UserRecord | None:
        """Change an account's role and network; returns it (``None``: no such account)."""
        ...

    def create_sign_in_link(
        self,
        link_id: str,
        link_hash: str,
        user_id: str,
        expires_at: datetime,
        context: WriteContext,
    ) -> Written:
        """A one-time sign-in link for an account (stored as the hash of its secret)."""
        ...

    def redeem_sign_in_link(
        self, link_hash: str, password_hash: str, at: datetime, context: WriteContext
    ) -> UserRecord | None:
        """Use a sign-in link: if it is unused and not expired at ``at``, mark it used and set
        its account's password hash, in one transaction; returns the account (``None``: no
        such link, used or expired; nothing written)."""
        ...

    def create_session(
        self, session: SessionRecord, session_hash: str, context: WriteContext
    ) -> Written: ...

    def session_by_hash(self, session_hash: str, at: datetime) -> SessionRecord | None:
        """The session with this hash, if it is open and not expired at ``at``."""
        ...

    def end_session(self, session_hash: str, at: datetime, context: WriteContext) -> Written | None:
        """Close an open session (sign-out); ``None`` when there was none."""
        ...

    def create_proposal(self, proposal: ProposalRecord, context: WriteContext) -> Written: ...

    def proposal(self, proposal_id: str) -> ProposalRecord | None: ...

    def proposals(
        self,
        status: str | None,
        actors: Iterable[str] | None,
        *,
        after: str | None = None,
        limit: int = 100,
    ) -> list[ProposalRecord]:
        """Proposals in id order (ids sort by creation), after the id ``after``, with this
        status (``None``: any), concerning one of ``actors`` (``None``: any)."""
        ...

    def claim_proposal(
        self, proposal_id: str, claim: str, *, at: datetime, stale: datetime
    ) -> ProposalRecord | None:
        """Take a pending proposal (or one whose claim is older than ``stale``) for one
        decision: it, or ``None`` when it cannot be claimed now (decided, or another editor is
        deciding it)."""
        ...

    def release_proposal(self, proposal_id: str, claim: str) -> Written | None:
        """Give a claimed proposal back (pending again), if this claim holds it."""
        ...
