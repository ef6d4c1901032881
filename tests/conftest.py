"""The graphs tests run on: the store port in memory, one embedded ArcadeDB per session, and
Neo4j in a container when Docker runs.

``graph`` is the store port (:class:`graph_model.port.GraphStore`) parametrised over every
implementation — the in-memory graph (marker ``memory``: no JVM, the fast lane), then the Bolt
adapter on each server (markers ``arcadedb`` / ``neo4j``): a test that takes it runs the same
assertions on each. ``store`` is the Bolt store on both servers, for tests of the servers
themselves; ``embedded_store`` is the embedded server alone, for what only a server can do (a
CLI process or a killed one reaching it). Every test starts on an empty graph with the schema
in place. Server logs are kept in the session's temp directory and printed when a start fails.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from graph_model.errors import MaillageError
from graph_model.port import GraphStore
from queries.store import BoltGraph, Store, StoreSettings, open_store
from queries.store.catalog import cypher
from queries.store.embedded import EmbeddedServer
from queries.store.memory import MemoryGraph
from queries.store.settings import Backend

NEO4J_IMAGE = "neo4j:5.26.12-community"  # pinned: the contract is checked against this tag


def _clean(store: Store) -> Store:
    store.write([(cypher("delete_all"), {})])
    return store


@pytest.fixture(scope="session")
def _arcadedb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    data_dir = tmp_path_factory.mktemp("arcadedb")
    settings = StoreSettings(backend=Backend.EMBEDDED, data_dir=data_dir, embedded_heap="1g")
    server = EmbeddedServer(data_dir)
    try:
        store = open_store(settings)
    except MaillageError as exc:
        pytest.fail(f"the embedded server did not start: {exc}\n{server.log_tail(60)}")
    store.setup_schema()
    yield store
    store.close()
    server.stop()


@functools.cache
def _docker_reason() -> str | None:
    """None when a Docker engine answers ``/_ping``, else why not (the skip reason).

    Asked over a plain socket (closed either way) rather than through the Docker SDK, whose
    failed connection leaks a socket that pytest reports.
    """
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        if host.startswith("unix://"):
            address: str | tuple[str, int] = host.removeprefix("unix://")
            family = socket.AF_UNIX
        elif host.startswith("tcp://"):
            name, _, port = host.removeprefix("tcp://").partition(":")
            address, family = (name, int(port or 2375)), socket.AF_INET
        else:
            return f"DOCKER_HOST={host} is not understood, Neo4j contract run skipped"
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(3)
            sock.connect(address)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            answer = sock.recv(256)
    except OSError as exc:
        return f"no Docker engine reachable at {host}, Neo4j contract run skipped ({exc})"
    if b" 200 " not in answer.split(b"\r\n", 1)[0]:
        return f"the Docker engine at {host} did not answer /_ping, Neo4j contract run skipped"
    return None


@pytest.fixture(scope="session")
def _neo4j() -> Iterator[Store]:
    reason = _docker_reason()
    if reason:
        pytest.skip(reason)
    from testcontainers.neo4j import Neo4jContainer

    password = "maillage-test-" + os.urandom(6).hex()
    with Neo4jContainer(NEO4J_IMAGE, password=password) as container:
        settings = StoreSettings(
            backend=Backend.NEO4J,
            neo4j_uri=container.get_connection_url(),
            neo4j_user="neo4j",
            neo4j_password=SecretStr(password),
        )
        store = open_store(settings)
        store.setup_schema()
        yield store
        store.close()


@pytest.fixture(
    params=[
        pytest.param("arcadedb", marks=pytest.mark.arcadedb),
        pytest.param("neo4j", marks=pytest.mark.neo4j),
    ]
)
def store(request: pytest.FixtureRequest) -> Store:
    """An empty graph on each server in turn (contract tests)."""
    backend = request.param
    opened: Store = request.getfixturevalue("_arcadedb" if backend == "arcadedb" else "_neo4j")
    return _clean(opened)


@pytest.fixture(
    params=[
        pytest.param("memory", marks=pytest.mark.memory),
        pytest.param("arcadedb", marks=pytest.mark.arcadedb),
        pytest.param("neo4j", marks=pytest.mark.neo4j),
    ]
)
def backend(request: pytest.FixtureRequest) -> str:
    """Which implementation of the port the test runs on."""
    return str(request.param)


@pytest.fixture
def graph(backend: str, request: pytest.FixtureRequest) -> GraphStore:
    """An empty graph behind the port, on each backend in turn (emptied with ``delete_all``
    on every backend alike, so versions start from the same point)."""
    port: GraphStore
    if backend == "memory":
        port = MemoryGraph()
    else:
        opened: Store = request.getfixturevalue(f"_{backend}")
        port = BoltGraph(opened)
    port.delete_all()
    return port


@pytest.fixture
def embedded_store(_arcadedb: Store) -> Store:
    """An empty graph on the embedded server."""
    return _clean(_arcadedb)


@pytest.fixture
def fresh_data_dir(tmp_path: Path) -> Iterator[Path]:
    """A data directory of its own, whose server (if a test started one) is stopped after."""
    yield tmp_path
    EmbeddedServer(tmp_path).stop()
