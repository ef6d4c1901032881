"""Test servers: one embedded ArcadeDB per session, and Neo4j in a container when Docker runs.

``store`` is parametrised over both servers: a test that takes it is a *contract* test and
runs against each (marker ``arcadedb`` / ``neo4j``). ``embedded_store`` is the embedded
server alone, for tests of Maillage's own behaviour rather than of the servers. Every test
starts on an empty graph with the schema in place. Server logs are kept in the session's temp
directory and printed when a start fails.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_model.errors import MaillageError
from queries.store import Store, StoreSettings, cypher, open_store
from queries.store.embedded import EmbeddedServer
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
            neo4j_password=password,  # type: ignore[arg-type]
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


@pytest.fixture
def embedded_store(_arcadedb: Store) -> Store:
    """An empty graph on the embedded server."""
    return _clean(_arcadedb)


@pytest.fixture
def fresh_data_dir(tmp_path: Path) -> Iterator[Path]:
    """A data directory of its own, whose server (if a test started one) is stopped after."""
    yield tmp_path
    EmbeddedServer(tmp_path).stop()
