"""The one place the API knows its graph may be served over Bolt (ArcadeDB embedded, Neo4j).

The rest of the API is handed a :class:`~graph_model.port.GraphStore` and asks it nothing but
the port's operations. Two things only a server has are read here: where it is (the store's
address, named in the outage messages and on ``/ready``; it moves when an embedded server comes
back on other ports) and, for the embedded server, how to start it again after it died
(:meth:`~queries.store.embedded.EmbeddedServer.restart_after_crash`). A graph of another kind
(the in-memory port of the tests) has no server: no restart, and it is named by its kind.

>>> from queries.store.memory import MemoryGraph
>>> server = served(MemoryGraph())
>>> server.where(), server.restart
('MemoryGraph', None)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph_model.port import GraphStore
from queries.store import BoltGraph, StoreSettings, open_graph

__all__ = ["Served", "StoreSettings", "open_bolt", "served"]


@dataclass(frozen=True)
class Served:
    """Where a graph is served from, and how to restart its server (None: it cannot be)."""

    where: Callable[[], str]
    restart: Callable[[], object] | None = None


def served(graph: GraphStore, *, restart_embedded: bool = True) -> Served:
    """What the guard needs of ``graph``'s server; ``restart_embedded``: restart an embedded
    server that died (``MAILLAGE_RESTART_EMBEDDED``)."""
    if not isinstance(graph, BoltGraph):
        name = type(graph).__name__
        return Served(where=lambda: name)
    server = graph.embedded if restart_embedded else None
    return Served(
        where=lambda: graph.uri,
        restart=server.restart_after_crash if server is not None else None,
    )


def open_bolt(settings: StoreSettings) -> GraphStore:
    """The port over the server ``settings`` name, started when it is the embedded one."""
    return open_graph(settings)
