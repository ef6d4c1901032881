"""What every part of :class:`~queries.store.memory.MemoryGraph` shares: the state, the lock,
and the write transaction (journalled, the version bumped on commit, undone if it raises)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from graph_model.errors import DuplicateError
from queries.collector import paused
from queries.store.memory.state import GraphState, Journal, merged


def duplicate(key: str) -> DuplicateError:
    """What a server's uniqueness constraint raises, as the Bolt adapter translates it."""
    return DuplicateError(f"{key!r} already exists: ids and keys are unique", key=key)


class MemoryBase:
    """The state under one re-entrant lock (an edit block may read through the port)."""

    def __init__(self) -> None:
        self._state = GraphState()
        self._lock = threading.RLock()

    @contextlib.contextmanager
    def _write(self) -> Iterator[Journal]:
        """One write transaction: all of it, the version bumped, or nothing."""
        with self._lock, paused():
            journal = Journal()
            try:
                yield journal
                self._bump(journal)
            except BaseException:
                journal.rollback()
                raise

    def _bump(self, journal: Journal) -> None:
        old = self._state.get("Meta", "graph")
        now = datetime.now(UTC)
        if old is None:
            props = {"id": "graph", "version": 1, "changed_at": now}
        else:
            props = {**old, "version": int(old.get("version", 0)) + 1, "changed_at": now}
        self._state.put(journal, "Meta", "graph", props)

    def _upsert(self, journal: Journal, label: str, node_id: str, props: Mapping[str, Any]) -> None:
        old = self._state.get(label, node_id) or {"id": node_id}
        self._state.put(journal, label, node_id, merged(old, props))
