"""The contract suite of the graph port: the ``graph`` fixture (``tests/conftest.py``) is
parametrised over every implementation of :class:`graph_model.port.GraphStore` — the in-memory
adapter (marker ``memory``) and the Bolt adapter on each server (embedded ArcadeDB, Neo4j in a
container when Docker answers). A test that takes ``graph`` runs the same assertions on each;
there is no copy per backend and no mocked driver. Every test starts on an emptied graph
(``delete_all``, on every backend alike, so versions start from the same point).
"""
