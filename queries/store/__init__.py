"""The graph store: the port (:class:`graph_model.port.GraphStore`) over Bolt/Cypher, on two
servers (embedded ArcadeDB, Neo4j). :class:`Store` and :func:`cypher` are the adapter's own; they
stay exported until the last caller outside the store is switched to the port."""

from queries.store.adapter import Store, open_store
from queries.store.bolt import BoltGraph, as_graph, open_graph
from queries.store.catalog import cypher
from queries.store.settings import Backend, StoreSettings

__all__ = [
    "Backend",
    "BoltGraph",
    "Store",
    "StoreSettings",
    "as_graph",
    "cypher",
    "open_graph",
    "open_store",
]
