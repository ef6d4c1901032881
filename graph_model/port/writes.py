"""What the port writes: schema, actors, links, batches and edits, territories, import runs,
candidates' decisions, tokens. Each write is one transaction (a batch each, for the batched
ones) that records its changes in the change log, and says what it changed (:class:`Written`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from graph_model.batch import GraphBatch, Settle
from graph_model.model import Actor, Link, LinkKind
from graph_model.port.edit import GraphEdit
from graph_model.port.records import Decision, TokenRecord, WriteContext, Written
from graph_model.stored import TerritoryLookup
from graph_model.territories import TerritoryReference


class GraphWrites(Protocol):
    """The port's writes of the graph."""

    def setup_schema(self) -> int:
        """Constraints and indexes (idempotent); returns how many statements ran."""
        ...

    def delete_all(self) -> None:
        """Empty the graph (tests, benchmarks)."""
        ...

    def meta_set(self, key: str, value: str, context: WriteContext) -> Written: ...

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

    def write_links(
        self, links: Iterable[Link], context: WriteContext, *, batch_size: int = 5_000
    ) -> Written:
        """Create or update actor-to-actor links, idempotent on the link id; links whose ends
        are missing are not written."""
        ...

    def delete_links(
        self, kind: LinkKind, ids: Sequence[str], context: WriteContext
    ) -> Written: ...

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

    def load_territories(
        self, reference: TerritoryReference, context: WriteContext, *, batch_size: int = 5_000
    ) -> Written: ...

    def ensure_territories(
        self, reference: TerritoryReference, context: WriteContext
    ) -> tuple[int, bool]:
        """Load the territories unless this very reference is already loaded: (territories in
        the reference, whether they were written now)."""
        ...

    def save_import_run(
        self, run_id: str, props: Mapping[str, Any], context: WriteContext
    ) -> Written: ...

    def interrupt_import_runs(
        self, run_ids: Iterable[str], at: datetime, context: WriteContext
    ) -> Written:
        """Mark these runs ``interrupted`` (``interrupted_at`` and ``finished_at`` set to
        ``at``) — only those still ``running``; ``count`` says how many were."""
        ...

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

    def create_token(
        self, token: TokenRecord, token_hash: str, context: WriteContext
    ) -> Written: ...

    def revoke_tokens(self, reference: str, context: WriteContext) -> list[TokenRecord]:
        """Revoke the active token(s) with this id or name; returns them."""
        ...
