"""The one door to the store: what the rest of the code may ask of the graph.

:class:`GraphStore` is a :class:`typing.Protocol`: the Bolt adapter (``queries.store.bolt``,
ArcadeDB embedded or Neo4j) and the in-memory adapter implement it and pass one contract suite.
Importers, the API and the CLI are handed a port; none reaches the driver. What comes back is
records of Python values (``date``/``datetime``, lists, str): driver values become Python once,
in the adapter.

Every write takes a :class:`WriteContext` (who: an import run, a token, a user; when) and returns
a :class:`Written` (what it changed, and the sequence number its transaction got); every
committed write transaction records its changes in the change log, in the same transaction
(:mod:`graph_model.changes`): :meth:`GraphStore.changes_since` reads them back in order. An actor is
written by one path (:class:`~graph_model.batch.GraphBatch` rows, through :meth:`write_batch`,
:meth:`write_actors` or :meth:`GraphEdit.write`) and an actor-to-actor link by one path too.

Imports nothing else of the project but the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from graph_model.batch import GraphBatch, Settle
from graph_model.changes import ChangeRecord, LinkRef
from graph_model.model import Actor, Link, LinkKind
from graph_model.stored import TerritoryLookup
from graph_model.territories import TerritoryReference

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


# -- one transaction of edits ----------------------------------------------------------------
class GraphEdit(Protocol):
    """One transaction: its reads see its writes; everything commits when the ``with`` block of
    :meth:`GraphStore.edit` ends normally, nothing when it raises."""

    def actors_by_id(self, ids: Iterable[str]) -> dict[str, StoredActor]: ...

    def actor_kinds(self, ids: Iterable[str]) -> dict[str, str]: ...

    def links_between(self, source: str, target: str, kind: LinkKind) -> list[StoredLink]: ...

    def write(self, batch: GraphBatch) -> Written:
        """The batch's rows, in this transaction (no settlement step)."""
        ...

    def end_links(
        self,
        source: str,
        target: str,
        kind: LinkKind,
        ids: Sequence[str],
        *,
        until: date,
        sources: Sequence[str],
    ) -> list[StoredLink]:
        """Set ``until`` (and the sources) on these links; returns them as they are now."""
        ...

    def remove_links(self, source: str, target: str, kind: LinkKind, ids: Sequence[str]) -> int:
        """Delete these links; returns how many went."""
        ...

    def record_change(self, change: ChangeRecord) -> None: ...

    def decide_proposal(
        self, proposal_id: str, claim: str, status: str, note: str | None, result: str | None
    ) -> bool:
        """Record a decision on a proposal this claim holds (see
        :meth:`GraphStore.claim_proposal`), in this transaction; ``False`` when the claim no
        longer holds it (nothing written)."""
        ...


# -- the port ----------------------------------------------------------------------------------
class GraphStore(Protocol):
    """The named, typed operations the project needs of the graph."""

    # lifecycle and meta
    def ping(self) -> None:
        """Raise :class:`~graph_model.errors.StoreUnavailable` unless the store answers."""
        ...

    def graph_version(self) -> int:
        """Bumped by every write transaction: the sequence number of the last one committed
        (the projection follows the change log up to it)."""
        ...

    def setup_schema(self) -> int:
        """Constraints and indexes (idempotent); returns how many statements ran."""
        ...

    def delete_all(self) -> None:
        """Empty the graph (tests, benchmarks)."""
        ...

    def counts(self) -> dict[str, int]:
        """``nodes.<label>``, ``territories.<level>``, ``links.<type>`` → how many."""
        ...

    def meta_get(self, key: str) -> str | None: ...

    def meta_set(self, key: str, value: str, context: WriteContext) -> Written: ...

    def close(self) -> None: ...

    # actors and aliases
    def actors_by_id(self, ids: Iterable[str]) -> dict[str, StoredActor]: ...

    def actor_kinds(self, ids: Iterable[str]) -> dict[str, str]: ...

    def resolve_keys(self, keys: Iterable[str]) -> dict[str, str]:
        """Alias key → actor id, for the keys that are known."""
        ...

    def aliases_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """Actor id → its alias keys."""
        ...

    def places_of(self, ids: Iterable[str]) -> list[ActorPlace]: ...

    def write_actors(
        self,
        actors: Sequence[Actor],
        context: WriteContext,
        *,
        territories: TerritoryLookup | None = None,
        batch_size: int = 2_000,
    ) -> Written:
        """Create or update actors with their aliases and territory links (idempotent), one
        transaction a batch; an actor's kind is fixed at creation (another kind raises
        :class:`~graph_model.errors.ValidationError` and writes nothing of that batch)."""
        ...

    # links
    def write_links(
        self, links: Iterable[Link], context: WriteContext, *, batch_size: int = 5_000
    ) -> Written:
        """Create or update actor-to-actor links, idempotent on the link id; links whose ends
        are missing are not written."""
        ...

    def links_of_actors(self, ids: Iterable[str]) -> list[ActorLink]: ...

    def links_of_actor(self, actor_id: str, as_of: date | None = None) -> list[StoredLink]: ...

    def links_between(self, source: str, target: str, kind: LinkKind) -> list[StoredLink]: ...

    def delete_links(
        self, kind: LinkKind, ids: Sequence[str], context: WriteContext
    ) -> Written: ...

    # batches and edits
    def write_batch(
        self, batch: GraphBatch, settle: Settle | None = None, *, operation: str = "import"
    ) -> Written:
        """Every row of the batch in one transaction; ``settle`` receives the links the graph
        already held among :attr:`GraphBatch.new_links` and returns link rows to rewrite in
        the same transaction."""
        ...

    def edit(self, context: WriteContext) -> AbstractContextManager[GraphEdit]:
        """One transaction of checks and writes (the API's edits)."""
        ...

    # territories
    def load_territories(
        self, reference: TerritoryReference, context: WriteContext, *, batch_size: int = 5_000
    ) -> Written: ...

    def ensure_territories(
        self, reference: TerritoryReference, context: WriteContext
    ) -> tuple[int, bool]:
        """Load the territories unless this very reference is already loaded: (territories in
        the reference, whether they were written now)."""
        ...

    def territory_ancestors(self, territory_id: str) -> list[TerritoryRef]: ...

    def missing_territories(self, ids: Iterable[str]) -> set[str]: ...

    # import runs
    def save_import_run(
        self, run_id: str, props: Mapping[str, Any], context: WriteContext
    ) -> Written: ...

    def import_runs(self, limit: int) -> list[ImportRunRecord]: ...

    def running_import_runs(self) -> list[ImportRunRecord]:
        """The runs whose status is still ``running``: going on now, or left by an import that
        was killed (the caller tells them apart by the pid and host they record)."""
        ...

    def interrupt_import_runs(
        self, run_ids: Iterable[str], at: datetime, context: WriteContext
    ) -> Written:
        """Mark these runs ``interrupted`` (``interrupted_at`` and ``finished_at`` set to
        ``at``) — only those still ``running``; ``count`` says how many were."""
        ...

    # duplicate candidates
    def candidates(self, status: str | None = "pending") -> list[CandidateRecord]: ...

    def candidate(self, candidate_id: str) -> dict[str, Any] | None:
        """Every stored property of a candidate (``None``: no such candidate)."""
        ...

    def candidates_by_id(self, ids: Iterable[str]) -> dict[str, CandidateState]: ...

    def claim_candidate(
        self, candidate_id: str, claim: str, *, at: datetime, stale: datetime
    ) -> dict[str, Any] | None:
        """Take a pending candidate (or one whose claim is older than ``stale``) for one
        decision: its properties, or ``None`` when it cannot be claimed now."""
        ...

    def decide_candidate(
        self, candidate_id: str, claim: str, decision: Decision, context: WriteContext
    ) -> Written | None:
        """Record the decision if ``claim`` still holds the candidate (``None`` otherwise)."""
        ...

    def release_candidate(self, candidate_id: str, claim: str) -> Written | None: ...

    # tokens
    def create_token(
        self, token: TokenRecord, token_hash: str, context: WriteContext
    ) -> Written: ...

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        """The active token with this hash."""
        ...

    def tokens(self) -> list[TokenRecord]: ...

    def revoke_tokens(self, reference: str, context: WriteContext) -> list[TokenRecord]:
        """Revoke the active token(s) with this id or name; returns them."""
        ...

    # users, sign-in links and sessions
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

    # proposals
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

    # changes
    def changes(self, target: str | None, limit: int) -> list[ChangeRecord]:
        """The API's audit records (``edit`` entries) naming ``target`` (``None``: all),
        newest first."""
        ...

    def changes_since(self, after: int, limit: int = 10_000) -> list[ChangeRecord]:
        """The change log after sequence ``after``, in ``(seq, n)`` order, at most ``limit``
        entries (the last sequence may be cut short when the limit is reached)."""
        ...

    def history(
        self, target: str, *, before: int | None = None, limit: int = 50, scan: int = 50_000
    ) -> list[ChangeRecord]:
        """The change log's entries about ``target`` (an actor or a link id), newest first,
        whose sequence is below ``before`` (``None``: all): the API's audit entries naming it
        (found by the indexed ``target``) and the other entries listing it among their
        ``targets`` (imports, links), looked for among the last ``scan`` sequence numbers
        below ``before`` only (the list is not indexed)."""
        ...

    def change(self, change_id: str) -> ChangeRecord | None:
        """One entry of the change log by its id."""
        ...

    # what the importers read
    def name_index(self) -> Iterator[Row]:
        """Every actor's ``id, kind, name, commune, departement, siren, rna, website, email``."""
        ...

    def actor_state(self, ids: Iterable[str]) -> dict[str, Row]:
        """What identity and the merge need of stored actors (``import_actor_state``'s
        columns), by id."""
        ...

    def actors_by_name(self, name_keys: Iterable[str]) -> list[Row]:
        """``key, id, name, kind, commune`` of actors whose folded name is one of the keys."""
        ...

    def existing_links(self, kind: LinkKind, ends: Iterable[tuple[str, str]]) -> list[Row]:
        """``source, target, id, subkind, since, until, sources`` of the links of ``kind``
        already joining these (source, target) pairs."""
        ...

    def themes_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]: ...

    def methods_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]: ...

    def methods_and_events(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Properties of the ``Method``/``Event`` nodes with these ids."""
        ...

    # the projection's pulls
    def stream_actors(self) -> Iterator[Row]:
        """Every actor as the projection reads it (``projection_actors``' columns)."""
        ...

    def stream_links(self) -> Iterator[Row]:
        """Every actor-to-actor link as the projection reads it."""
        ...

    def projection_actors_by_id(self, ids: Iterable[str]) -> list[Row]:
        """These actors as :meth:`stream_actors` gives them (the ones that exist)."""
        ...

    def projection_links_by_ref(self, refs: Iterable[LinkRef]) -> list[Row]:
        """These links as :meth:`stream_links` gives them (the ones that exist), found by their
        ends' ids."""
        ...
