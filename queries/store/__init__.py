"""The graph store: one Bolt/Cypher adapter over two servers (embedded ArcadeDB, Neo4j)."""

from queries.store.adapter import Store, open_store
from queries.store.catalog import cypher
from queries.store.settings import Backend, StoreSettings

__all__ = ["Backend", "Store", "StoreSettings", "cypher", "open_store"]
