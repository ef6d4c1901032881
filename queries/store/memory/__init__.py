"""The graph port in memory (:class:`MemoryGraph`): the Bolt adapter's semantics without a
server, for the fast lane of the tests. ``state`` holds the graph and its undo journal,
``writes``/``reads`` what each catalogue statement does, ``records`` the import runs,
candidates, tokens and changes, ``graph`` the port itself.

>>> from graph_model.model import Actor, ActorKind
>>> from graph_model.port import WriteContext
>>> graph = MemoryGraph()
>>> mes = Actor(id="net-mes", kind=ActorKind.NETWORK, name="MES")
>>> graph.write_actors([mes], WriteContext(run="run-1")).targets
('net-mes',)
>>> graph.resolve_keys(["id:net-mes"]), graph.graph_version()
({'id:net-mes': 'net-mes'}, 1)
"""

from queries.store.memory.graph import MemoryEdit, MemoryGraph

__all__ = ["MemoryEdit", "MemoryGraph"]
