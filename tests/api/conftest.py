"""The API under test: the real app, served by uvicorn on 127.0.0.1, with real data in memory.

The graph is brought to the state ``maillage serve`` gives it on first run (schema, French
territories, the movement reference dataset) plus a small generated movement
(:mod:`bench.generator`: :data:`N_ACTORS` actors, about :data:`LINKS_PER_ACTOR` links each), on
the in-memory port (:class:`~queries.store.memory.MemoryGraph`, no JVM): loaded once per
session (a few seconds), each test module gets a copy of its own (:func:`dataset`, a fraction
of a second), so what one module writes no other sees. Tests that write create their own
actors, so the dataset's own figures stay true for every test of a module.

The tests of the server itself (outages, restarts: ``test_faults.py``) take
:func:`arcadedb_dataset`, the same data on the session's embedded ArcadeDB, loaded once: a
marker says it is in place (another test module may have emptied that graph; it is then loaded
again).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.auth import Role, create_token  # noqa: E402
from api.bootstrap import bootstrap  # noqa: E402
from api.settings import ApiSettings  # noqa: E402
from bench.api_bench import load_generated  # noqa: E402
from graph_model.port import GraphStore, WriteContext  # noqa: E402
from queries.store import BoltGraph, Store  # noqa: E402
from queries.store.memory import MemoryGraph  # noqa: E402

N_ACTORS = 1_500
LINKS_PER_ACTOR = 3.0
SEED = 11
MARKER = "api-test-dataset"
MARKER_VALUE = f"{N_ACTORS}:{LINKS_PER_ACTOR}:{SEED}:v1"


def load(graph: GraphStore) -> GraphStore:
    """``graph`` holding the reference and generated data (loaded unless its marker says so)."""
    if graph.meta_get(MARKER) != MARKER_VALUE:
        graph.delete_all()
        bootstrap(graph)
        load_generated(graph, N_ACTORS, LINKS_PER_ACTOR, SEED)
        graph.meta_set(MARKER, MARKER_VALUE, WriteContext())
    return graph


@pytest.fixture(scope="session")
def _memory_dataset() -> MemoryGraph:
    graph = MemoryGraph()
    load(graph)
    return graph


@pytest.fixture(scope="module")
def dataset(_memory_dataset: MemoryGraph) -> GraphStore:
    """The module's own copy of the dataset, in memory."""
    return _memory_dataset.copy()


@pytest.fixture(scope="module")
def arcadedb_dataset(_arcadedb: Store) -> BoltGraph:
    """The same dataset on the session's embedded ArcadeDB (tests of the server itself)."""
    graph = BoltGraph(_arcadedb)
    load(graph)
    return graph


def settings(**overrides: Any) -> ApiSettings:
    values: dict[str, Any] = {
        "bootstrap": False,
        "token_cache_seconds": 0.0,
        "store_probe_interval": 0.2,
        # the small test graph rebuilds in well under a second, but a busy machine can be slow:
        # tests that query right after a write wait for the projection rather than flake
        "projection_max_wait": 30.0,
        **overrides,
    }
    return ApiSettings(**values)


@contextmanager
def start(
    graph: GraphStore, *, snapshot_dir: Path | None = None, **overrides: Any
) -> Iterator[httpx.Client]:
    """A new app over ``graph``, served by uvicorn on 127.0.0.1 (a free port) in a thread, and
    an httpx client of it: the requests go through real sockets, as a client's would.
    ``snapshot_dir``: where the projection's snapshots go (none by default)."""
    app = create_app(settings(**overrides), graph=graph, snapshot_dir=snapshot_dir)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        loop="asyncio",
        http="h11",
        ws="none",
        lifespan="on",
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="api-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("the API server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        # the API speaks French unless asked otherwise: these tests read its English messages
        # (tests/api/test_language.py checks the French and the choice per request)
        english = {"Accept-Language": "en"}
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=30.0, headers=english
        ) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def wait_ready(client: httpx.Client, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/ready").status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError(
        f"/ready did not answer 200 within {timeout} s: {client.get('/ready').text}"
    )


@pytest.fixture(scope="module")
def client(dataset: GraphStore) -> Iterator[httpx.Client]:
    with start(dataset) as opened:
        wait_ready(opened)
        yield opened


@pytest.fixture(scope="module")
def editor_token(dataset: GraphStore) -> str:
    return create_token(dataset, name="test-editor", role=Role.EDITOR)[1]


@pytest.fixture(scope="module")
def reader_token(dataset: GraphStore) -> str:
    return create_token(dataset, name="test-reader", role=Role.READER)[1]


def gql(
    client: httpx.Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    status: int | None = 200,
) -> dict[str, Any]:
    """POST a GraphQL request; check the HTTP status (None: any); return the JSON body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    if status is not None:
        assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def data(
    client: httpx.Client, query: str, variables: dict[str, Any] | None = None, **kw: Any
) -> Any:
    """The ``data`` of a request that must succeed without errors."""
    body = gql(client, query, variables, **kw)
    assert "errors" not in body, body["errors"]
    return body["data"]


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def worker_processes(
    script: str,
    count: int,
    env: dict[str, str],
    *,
    ready: Callable[[str], bool],
    timeout: float,
    stop_timeout: float = 10.0,
) -> Iterator[list[str]]:
    """``count`` processes running ``script`` (``python -c``, its port as its argument) with
    ``env`` over the environment: their base URLs once ``ready(url)`` holds for each; stopped
    on exit. ``ready`` may raise :class:`httpx.TransportError` while a process starts."""
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(port)], cwd=ROOT, env={**os.environ, **env}
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + timeout
        for url in urls:
            while True:
                try:
                    if ready(url):
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "a worker did not become ready"
                time.sleep(0.1)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=stop_timeout)
