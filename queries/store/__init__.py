"""The adapters of the store port (:class:`graph_model.port.GraphStore`): :class:`BoltGraph`
over Bolt/Cypher on two servers (embedded ArcadeDB, Neo4j; :func:`open_graph`) and
:class:`~queries.store.memory.MemoryGraph` in memory. :class:`Store` (the driver wrapper) and
:func:`cypher` (the statement catalogue) are the Bolt adapter's own parts, exported for the
server's integration tests and the benchmarks' bare baselines; product code takes a port."""

from queries.store.adapter import Store, open_store
from queries.store.bolt import BoltGraph, open_graph
from queries.store.catalog import cypher
from queries.store.settings import Backend, StoreSettings

__all__ = [
    "Backend",
    "BoltGraph",
    "Store",
    "StoreSettings",
    "cypher",
    "open_graph",
    "open_store",
]
