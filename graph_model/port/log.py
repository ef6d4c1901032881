"""The change log as the port reads it: the version every write bumps, the entries in order
(the projection's deltas, the feed), the audit list and one target's history."""

from __future__ import annotations

from typing import Protocol

from graph_model.changes import ChangeRecord


class ChangeLog(Protocol):
    """The port's reads of the change log (:mod:`graph_model.changes`)."""

    def graph_version(self) -> int:
        """Bumped by every write transaction: the sequence number of the last one committed
        (the projection follows the change log up to it)."""
        ...

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
