"""The contract suite of the graph port: one ``graph`` fixture, parametrised over every
implementation of :class:`graph_model.port.GraphStore` — the in-memory adapter and the Bolt
adapter on each server (embedded ArcadeDB, Neo4j in a container when Docker answers). A test
that takes ``graph`` runs the same assertions on each; there is no copy per backend and no
mocked driver. Every test starts on an emptied graph (``delete_all``, on every backend alike, so
versions start from the same point).
"""

from __future__ import annotations

import pytest

from graph_model.port import GraphStore
from queries.store import BoltGraph, Store
from queries.store.memory import MemoryGraph


@pytest.fixture(
    params=[
        pytest.param("memory"),  # marker `memory` asked for (pyproject.toml is not ours)
        pytest.param("arcadedb", marks=pytest.mark.arcadedb),
        pytest.param("neo4j", marks=pytest.mark.neo4j),
    ]
)
def backend(request: pytest.FixtureRequest) -> str:
    """Which implementation the test runs on."""
    return str(request.param)


@pytest.fixture
def graph(backend: str, request: pytest.FixtureRequest) -> GraphStore:
    """An empty graph behind the port, on each backend in turn."""
    port: GraphStore
    if backend == "memory":
        port = MemoryGraph()
    else:
        store: Store = request.getfixturevalue(f"_{backend}")
        port = BoltGraph(store)
    port.delete_all()
    return port
