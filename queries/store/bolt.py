"""The port over Bolt: :class:`BoltGraph` implements :class:`graph_model.port.GraphStore` with the
catalogue's statements on a :class:`~queries.store.adapter.Store` (ArcadeDB embedded, Neo4j).

It is put together from one part per side of the port: the transactions it shares
(:mod:`.bolt_core`), reads (:mod:`.bolt_reads`), writes (:mod:`.bolt_writes`), the change log
(:mod:`.bolt_log`) and accounts, sessions, proposals and the history (:mod:`.bolt_accounts`).
Statements come from the catalogue and values travel as parameters only; what comes back is
turned into the port's records (:mod:`queries.store.records`) once.
"""

from __future__ import annotations

from graph_model.port import GraphStore
from queries.store.adapter import open_store
from queries.store.bolt_accounts import BoltAccounts
from queries.store.bolt_core import BoltCore, log_rows
from queries.store.bolt_log import SEQUENCE_WINDOW, BoltLog
from queries.store.bolt_reads import BoltReads
from queries.store.bolt_writes import TERRITORIES_META, BoltWrites
from queries.store.settings import StoreSettings


class BoltGraph(BoltWrites, BoltLog, BoltAccounts):
    """The graph port over one :class:`~queries.store.adapter.Store` (thread-safe as the store
    is)."""


def open_graph(settings: StoreSettings | None = None, *, start: bool = True) -> BoltGraph:
    """The port over the store the settings name (see :func:`open_store`)."""
    return BoltGraph(open_store(settings, start=start))


def _conforms(graph: BoltGraph) -> GraphStore:
    """mypy checks here that :class:`BoltGraph` implements the whole port."""
    return graph


__all__ = [
    "SEQUENCE_WINDOW",
    "TERRITORIES_META",
    "BoltCore",
    "BoltGraph",
    "BoltLog",
    "BoltReads",
    "BoltWrites",
    "log_rows",
    "open_graph",
]
