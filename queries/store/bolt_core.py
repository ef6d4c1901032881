"""What every part of the Bolt port shares: :class:`BoltCore` holds the :class:`Store` and commits
one transaction with its change log entries (:meth:`BoltCore._commit`, :func:`log_rows`); the
server's lifecycle and version are here too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graph_model.changes import ChangeEntry, change_props, numbered, operation_of
from graph_model.port import Row, WriteContext
from queries.store.adapter import Statement, Store
from queries.store.embedded import EmbeddedServer

Entries = Sequence[ChangeEntry] | Callable[[list[list[Row]]], Sequence[ChangeEntry]]


class BoltCore:
    """The port over one :class:`Store` (thread-safe as the store is): its transactions."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _commit(
        self,
        statements: Sequence[Statement],
        entries: Sequence[ChangeEntry] | Callable[[list[list[Row]]], Sequence[ChangeEntry]],
        context: WriteContext | None,
        operation: str,
        then: Callable[[list[list[Row]]], Sequence[Statement]] | None = None,
    ) -> tuple[list[list[Row]], int]:
        """One transaction of ``statements`` with its change log entries (given, or made from
        every statement's rows)."""

        def log(results: list[list[Row]], seq: int) -> list[dict[str, Any]]:
            made = entries(results) if callable(entries) else entries
            return log_rows(made, seq, context, operation)

        return self.store.commit(statements, then, log)

    @property
    def uri(self) -> str:
        """Where the server answers now (it moves when an embedded server restarts elsewhere)."""
        return self.store.uri

    @property
    def embedded(self) -> EmbeddedServer | None:
        """The embedded server this port talks to (``None`` for Neo4j)."""
        return self.store.embedded

    def ping(self) -> None:
        self.store.ping()

    def graph_version(self) -> int:
        return self.store.version()

    def setup_schema(self) -> int:
        return self.store.setup_schema()

    def close(self) -> None:
        self.store.close()


def log_rows(
    entries: Sequence[ChangeEntry], seq: int, context: WriteContext | None, operation: str
) -> list[dict[str, Any]]:
    """The ``Change`` nodes' properties of one transaction's entries."""
    context = context or WriteContext()
    at = context.stamp()["now"]
    operation = operation_of(entries, operation)
    return [
        change_props(
            entry,
            seq=seq,
            n=n,
            at=at,
            operation=operation,
            by=context.by,
            token=context.token,
            run=context.run,
        )
        for n, entry in enumerate(numbered(entries))
    ]
