"""The graph port in memory (:class:`MemoryGraph`): the Bolt adapter's semantics without a
server, for the fast lane of the tests. ``state`` holds the graph and its undo journal,
``writes``/``reads`` what each catalogue statement does, ``graph`` the port itself."""

from queries.store.memory.graph import MemoryEdit, MemoryGraph

__all__ = ["MemoryEdit", "MemoryGraph"]
