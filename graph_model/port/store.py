"""The whole port, :class:`GraphStore`: its reads, writes, change log and accounts, and the
lifecycle of the connection."""

from __future__ import annotations

from typing import Protocol

from graph_model.port.accounts import AccountStore
from graph_model.port.log import ChangeLog
from graph_model.port.reads import GraphReads
from graph_model.port.writes import GraphWrites


class GraphStore(GraphReads, GraphWrites, ChangeLog, AccountStore, Protocol):
    """The named, typed operations the project needs of the graph."""

    def ping(self) -> None:
        """Raise :class:`~graph_model.errors.StoreUnavailable` unless the store answers."""
        ...

    def close(self) -> None: ...
