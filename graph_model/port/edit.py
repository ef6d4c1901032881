"""One transaction of the API's edits (:meth:`GraphStore.edit`): reads that see its own writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from graph_model.batch import GraphBatch
from graph_model.changes import ChangeRecord
from graph_model.model import LinkKind
from graph_model.port.records import StoredActor, StoredLink, Written


class GraphEdit(Protocol):
    """One transaction: its reads see its writes; everything commits when the ``with`` block of
    :meth:`GraphStore.edit` ends normally, nothing when it raises."""

    def actors_by_id(self, ids: Iterable[str]) -> dict[str, StoredActor]: ...

    def actor_kinds(self, ids: Iterable[str]) -> dict[str, str]: ...

    def links_between(self, source: str, target: str, kind: LinkKind) -> list[StoredLink]: ...

    def write(self, batch: GraphBatch) -> Written:
        """The batch's rows, in this transaction (no settlement step). The actors it creates
        (``new=True``) must not exist: one that another transaction created meanwhile raises
        :class:`~graph_model.errors.DuplicateError` (the server's unique constraint on the id,
        at the write or at the commit), so that two processes creating the same actor at once
        never both say they created it; the caller resolves again and updates."""
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
