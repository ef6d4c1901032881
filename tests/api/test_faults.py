"""Store outages: the embedded server is killed during the test and started again.

While the store is down, ``/ready`` answers 503 and every query answers at once with a clear
``store_unavailable`` error (HTTP 503), none past the request's time limit; when the server is
back the API recovers by itself, without a restart. A write interrupted by the outage is either
wholly applied or not at all (one transaction per mutation). An embedded server that died is
started again by the API; one stopped on purpose (``maillage db stop``) is not.

These are tests of the server and of the API's guard over it, so they run on the session's
embedded ArcadeDB (``arcadedb_dataset``), not on the in-memory port the other API tests use.
"""

from __future__ import annotations

import os
import secrets
import signal
import threading
import time
from typing import Any

import httpx
import pytest

from queries.store import BoltGraph, Store
from queries.store.embedded import EmbeddedServer
from tests.api.conftest import error_codes, gql, start, wait_ready

pytestmark = pytest.mark.arcadedb

TIME_LIMIT = 5.0
UPSERT = """mutation($id: ID!, $key: String!) { upsertActor(input: {id: $id,
  kind: ORGANISATION, name: "Outage test", commune: "31555",
  source: {system: "test", key: $key}}) { __typename } }"""


@pytest.fixture(scope="module")
def dataset(arcadedb_dataset: BoltGraph) -> BoltGraph:
    """The dataset on the embedded server (the tokens of this module are written there)."""
    return arcadedb_dataset


def _kill(server: EmbeddedServer) -> None:
    state = server.running_state()
    assert state is not None, "the embedded server should be running"
    os.kill(state.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while server.running_state() is not None and time.monotonic() < deadline:
        time.sleep(0.05)


def _names_no_address(graph: BoltGraph, answers: list[dict[str, Any]]) -> None:
    """The database's address (host:port, its URI) stays in the server's log."""
    uri = graph.uri
    host_port = uri.split("://", 1)[-1]
    for answer in answers:
        text = str(answer)
        assert uri not in text and host_port not in text, text
        assert "store" not in answer or not isinstance(answer["store"], str), answer


def _timed(client: httpx.Client, query: str, **kw: Any) -> tuple[float, dict[str, Any]]:
    started = time.monotonic()
    body = gql(client, query, status=None, **kw)
    return time.monotonic() - started, body


def _artefacts(store: Store, actor_id: str) -> tuple[bool, bool, bool]:
    actor = store.read("MATCH (a:Actor {id: $id}) RETURN count(a) AS n", id=actor_id)[0]["n"]
    alias = store.read("MATCH (al:Alias {key: $k}) RETURN count(al) AS n", k=f"id:{actor_id}")
    change = store.read("MATCH (c:Change) WHERE c.target = $id RETURN count(c) AS n", id=actor_id)
    return bool(actor), bool(alias[0]["n"]), bool(change[0]["n"])


@pytest.mark.slow
def test_outage_answers_at_once_and_the_api_recovers_by_itself(
    dataset: BoltGraph, editor_token: str
) -> None:
    server = dataset.store.embedded
    assert server is not None
    attempted: list[tuple[str, int]] = []
    stop = threading.Event()
    # the outage lasts until the test starts the server again (no restart by the API)
    with start(
        dataset, restart_embedded=False, request_timeout=TIME_LIMIT, store_probe_interval=0.2
    ) as client:
        wait_ready(client)
        assert gql(client, '{ actor(id: "net-mes") { name } }')["data"]["actor"]

        def write_continuously() -> None:
            with httpx.Client(base_url=client.base_url, timeout=30) as writer:
                while not stop.is_set():
                    actor_id = "mai-" + secrets.token_hex(6)
                    response = writer.post(
                        "/graphql",
                        json={"query": UPSERT, "variables": {"id": actor_id, "key": actor_id}},
                        headers={"Authorization": f"Bearer {editor_token}"},
                    )
                    attempted.append((actor_id, response.status_code))

        writer = threading.Thread(target=write_continuously)
        writer.start()
        time.sleep(1.0)
        _kill(server)
        try:
            elapsed, body = _timed(client, '{ actor(id: "adv-csess") { name siren } }')
            assert elapsed < TIME_LIMIT, elapsed
            assert error_codes(body) == ["store_unavailable"]
            assert "unavailable" in body["errors"][0]["message"]
            for query in (
                '{ actor(id: "net-mes") { name } }',
                '{ search(text: "mouvement") { id } }',
                '{ cooperationPaths(from: "net-mes", to: "adv-csess") { found } }',
                "{ actors(first: 2) { totalCount } }",
            ):
                elapsed, body = _timed(client, query)
                assert elapsed < 1.0, (query, elapsed)
                assert error_codes(body) == ["store_unavailable"], (query, body)
            ready = client.get("/ready")
            assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
            export = client.get("/export/scope.gexf?scope=departement:31")
            assert export.status_code == 503
            _names_no_address(dataset, [body, ready.json(), export.json()])
            assert client.get("/health").status_code == 200
            time.sleep(1.0)  # writes keep failing meanwhile
        finally:
            stop.set()
            writer.join(timeout=60)
            server.start()
        wait_ready(client, timeout=60)
        assert gql(client, '{ actor(id: "adv-csess") { name siren } }')["data"]["actor"]["name"]

    succeeded = [i for i, status in attempted if status == 200]
    failed = [i for i, status in attempted if status != 200]
    assert succeeded and failed, attempted
    for actor_id in succeeded:
        assert _artefacts(dataset.store, actor_id) == (True, True, True), actor_id
    for actor_id in failed:
        assert len(set(_artefacts(dataset.store, actor_id))) == 1, actor_id  # all or nothing


@pytest.mark.slow
def test_the_api_restarts_an_embedded_server_that_died_not_one_stopped(
    dataset: BoltGraph,
) -> None:
    server = dataset.store.embedded
    assert server is not None
    with start(dataset, request_timeout=TIME_LIMIT, store_probe_interval=0.2) as client:
        wait_ready(client)
        before = server.running_state()
        assert before is not None
        _kill(server)
        elapsed, body = _timed(client, '{ actor(id: "net-mes") { name } }')
        assert error_codes(body) == ["store_unavailable"] and elapsed < TIME_LIMIT
        wait_ready(client, timeout=90)  # nobody but the API starts it
        after = server.running_state()
        assert after is not None and after.pid != before.pid
        assert gql(client, '{ actor(id: "net-mes") { name } }')["data"]["actor"]["name"]

        assert server.stop()  # on purpose: it stays stopped
        try:
            _timed(client, '{ actor(id: "net-mes") { name } }')
            time.sleep(3.0)  # fifteen probes
            assert server.running_state() is None
            assert client.get("/ready").status_code == 503
        finally:
            server.start()
        wait_ready(client, timeout=60)
        assert gql(client, '{ actor(id: "net-mes") { name } }')["data"]["actor"]["name"]
