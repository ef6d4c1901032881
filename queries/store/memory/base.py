"""What every part of :class:`~queries.store.memory.MemoryGraph` shares: the state, the lock,
and the write transaction (journalled, the version bumped on commit, undone if it raises)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from graph_model.changes import change_props, numbered, operation_of
from graph_model.errors import DuplicateError
from graph_model.port import WriteContext
from queries.collector import paused
from queries.store.memory.state import GraphState, Journal, created, merged


def duplicate(key: str) -> DuplicateError:
    """What a server's uniqueness constraint raises, as the Bolt adapter translates it."""
    return DuplicateError(f"{key!r} already exists: ids and keys are unique", key=key)


class MemoryBase:
    """The state under one re-entrant lock (an edit block may read through the port)."""

    def __init__(self) -> None:
        self._state = GraphState()
        self._lock = threading.RLock()

    @contextlib.contextmanager
    def _write(
        self, context: WriteContext | None = None, operation: str = "write"
    ) -> Iterator[Journal]:
        """One write transaction: all of it, the version bumped and its change log entries
        (:meth:`Journal.log`) recorded, or nothing. ``journal.seq`` is its sequence number
        once it has committed."""
        with self._lock, paused():
            journal = Journal()
            try:
                yield journal
                seq = self._bump(journal)
                self._record(journal, seq, context, operation)
                journal.seq = seq
            except BaseException:
                journal.rollback()
                raise

    def _bump(self, journal: Journal) -> int:
        old = self._state.get("Meta", "graph")
        version = 1 if old is None else int(old.get("version", 0)) + 1
        props = {**(old or {"id": "graph"}), "version": version, "changed_at": datetime.now(UTC)}
        self._state.put(journal, "Meta", "graph", props)
        return version

    def _record(
        self, journal: Journal, seq: int, context: WriteContext | None, operation: str
    ) -> None:
        context = context or WriteContext()
        at = context.stamp()["now"]
        operation = operation_of(journal.entries, operation)
        for n, entry in enumerate(numbered(journal.entries)):
            props = change_props(
                entry,
                seq=seq,
                n=n,
                at=at,
                operation=operation,
                by=context.by,
                token=context.token,
                run=context.run,
            )
            if self._state.get("Change", props["id"]) is not None:
                raise duplicate(props["id"])
            self._state.put(journal, "Change", props["id"], created(props))

    def _upsert(self, journal: Journal, label: str, node_id: str, props: Mapping[str, Any]) -> None:
        old = self._state.get(label, node_id) or {"id": node_id}
        self._state.put(journal, label, node_id, merged(old, props))
