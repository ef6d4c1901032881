"""The ``changes`` subscription over the WebSocket of ``/graphql`` (graphql-transport-ws), and
the live feed behind it (:class:`api.feed.ChangeFeed`).

The app is served by uvicorn on 127.0.0.1 with its WebSocket protocol (``maillage serve``'s
default), over the module's own copy of the in-memory dataset, and spoken to by the
``websockets`` client through a real socket; writes go through the API's mutations.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from api.app import create_app
from api.feed import PUBLIC_KINDS, feed_filter
from api.feed_live import ChangeFeed, Dropped
from api.services import Services
from graph_model.model import ActorKind
from graph_model.port import GraphStore
from tests.api.conftest import data, settings, wait_ready

PROTOCOL = "graphql-transport-ws"
CHANGES = """subscription($after: Int, $territory: String, $kinds: [String!]) {
  changes(after: $after, territory: $territory, kinds: $kinds) {
    seq n kind targets links { id source target } actors { id name } by
  }
}"""
UPSERT = """mutation($input: ActorInput!) { upsertActor(input: $input) { __typename } }"""
SOURCE = {"system": "test", "key": "subscription"}


@contextmanager
def serve(graph: GraphStore, **overrides: Any) -> Iterator[tuple[httpx.Client, str, FastAPI]]:
    """The app over ``graph`` served by uvicorn with WebSockets; an HTTP client, the ws:// URL of
    /graphql and the app."""
    app = create_app(settings(**overrides), graph=graph)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        loop="asyncio",
        http="h11",
        ws="websockets-sansio",  # uvicorn's "websockets" is the deprecated legacy one
        lifespan="on",
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="feed-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("the API server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0) as client:
            wait_ready(client)
            yield client, f"ws://127.0.0.1:{port}/graphql", app
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def served(dataset: GraphStore) -> Iterator[tuple[httpx.Client, str, FastAPI]]:
    with serve(dataset) as opened:
        yield opened


class Socket:
    """A graphql-transport-ws client (the protocol's messages, nothing hidden)."""

    def __init__(self, url: str, payload: dict[str, Any] | None = None) -> None:
        self._opened = connect(url, subprotocols=[Subprotocol(PROTOCOL)], open_timeout=10)
        self.ws: ClientConnection = self._opened.__enter__()
        assert self.ws.subprotocol == PROTOCOL
        self.send({"type": "connection_init", "payload": payload or {}})

    def send(self, message: dict[str, Any]) -> None:
        self.ws.send(json.dumps(message))

    def receive(self, timeout: float = 20.0) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(self.ws.recv(timeout=timeout))
        return message

    def ack(self) -> None:
        assert self.receive() == {"type": "connection_ack"}

    def subscribe(self, op: str, query: str, **variables: Any) -> None:
        self.send(
            {"id": op, "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )

    def changes(self, op: str, count: int) -> list[dict[str, Any]]:
        """The next ``count`` changes of subscription ``op`` (failing on anything else)."""
        got: list[dict[str, Any]] = []
        while len(got) < count:
            message = self.receive()
            assert message.get("id") == op and message["type"] == "next", message
            assert "errors" not in message["payload"], message
            got.append(message["payload"]["data"]["changes"])
        return got

    def nothing_more(self, wait: float = 0.5) -> None:
        with pytest.raises(TimeoutError):
            message = self.receive(timeout=wait)
            raise AssertionError(f"unexpected message {message}")

    def close(self) -> None:
        self._opened.__exit__(None, None, None)


def upsert(client: httpx.Client, token: str, **fields: Any) -> str:
    fields.setdefault("id", "mai-" + secrets.token_hex(6))
    fields.setdefault("kind", "ORGANISATION")
    fields.setdefault("source", SOURCE)
    assert data(client, UPSERT, {"input": fields}, token=token)["upsertActor"] == {
        "__typename": "ActorSaved"
    }
    return str(fields["id"])


def public(graph: GraphStore, after: int, upto: int | None = None) -> list[tuple[int, int]]:
    return [
        (c.seq, c.n)
        for c in graph.changes_since(after)
        if c.kind in PUBLIC_KINDS and (upto is None or c.seq <= upto)
    ]


def keys(items: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return [(item["seq"], item["n"]) for item in items]


def test_the_subscription_replays_then_streams(
    served: tuple[httpx.Client, str, FastAPI], dataset: GraphStore, editor_token: str
) -> None:
    client, url, _app = served
    start_version = dataset.graph_version()
    first = upsert(client, editor_token, name="Replayed one")
    upsert(client, editor_token, name="Replayed two")
    replayed = public(dataset, start_version)

    socket = Socket(url)
    socket.ack()
    socket.subscribe("1", CHANGES, after=start_version)
    got = socket.changes("1", len(replayed))
    assert keys(got) == replayed
    assert got[0]["kind"] == "actor.created" and got[0]["actors"] == [
        {"id": first, "name": "Replayed one"}
    ]
    assert {item["by"] for item in got} == {None}  # not an editor: who wrote is not shown
    socket.nothing_more()

    before = dataset.graph_version()
    live = upsert(client, editor_token, name="Streamed", commune="84007")
    streamed = socket.changes("1", len(public(dataset, before)))
    assert keys(streamed) == public(dataset, before)
    assert streamed[0]["targets"] == [live]
    socket.nothing_more()
    socket.close()


def test_filters_and_who_wrote_for_an_editor(
    served: tuple[httpx.Client, str, FastAPI], dataset: GraphStore, editor_token: str
) -> None:
    client, url, _app = served
    editor = Socket(url, {"authorization": f"Bearer {editor_token}"})
    editor.ack()
    editor.subscribe("e", CHANGES, kinds=["actor.created"], territory="84")
    anyone = Socket(url)
    anyone.ack()
    anyone.subscribe("a", CHANGES, kinds=["token", "actor.created"])
    refused = anyone.receive()  # an error of the resolver: a result with errors, then the end
    assert refused["id"] == "a" and refused["type"] == "next", refused
    assert refused["payload"]["data"] is None
    assert "éditeurs" in refused["payload"]["errors"][0]["message"]  # French by default
    assert anyone.receive() == {"id": "a", "type": "complete"}
    time.sleep(0.3)  # the subscription is registered once its (empty) replay is read

    upsert(client, editor_token, name="Elsewhere", commune="31555")
    inside = upsert(client, editor_token, name="In Vaucluse", commune="84007")
    (created,) = editor.changes("e", 1)
    assert created["targets"] == [inside] and created["by"] == "test-editor"
    editor.nothing_more()
    editor.close()
    anyone.close()


def test_queries_go_by_http_and_a_bad_token_is_refused(
    served: tuple[httpx.Client, str, FastAPI],
) -> None:
    _client, url, _app = served
    socket = Socket(url)
    socket.ack()
    socket.subscribe("q", "{ figures { actors } }")
    answer = socket.receive()
    assert answer["type"] == "error" and "POST /graphql" in answer["payload"][0]["message"]
    socket.close()

    bad = Socket(url, {"authorization": "Bearer mlg_" + "x" * 43})
    with pytest.raises(ConnectionClosed) as closed:
        bad.receive()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    assert "token" in closed.value.rcvd.reason


def test_without_public_reads_the_socket_needs_a_token(
    dataset: GraphStore, reader_token: str
) -> None:
    with serve(dataset, public_read=False) as (_client, url, _app):
        anonymous = Socket(url)
        with pytest.raises(ConnectionClosed) as closed:
            anonymous.receive()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        reader = Socket(url, {"authorization": f"Bearer {reader_token}"})
        reader.ack()
        reader.subscribe("r", CHANGES)
        reader.nothing_more()
        reader.close()


def test_a_subscriber_that_cannot_keep_up_is_closed_and_the_others_go_on(
    served: tuple[httpx.Client, str, FastAPI], dataset: GraphStore, editor_token: str
) -> None:
    client, url, app = served
    feed: ChangeFeed = app.state.feed
    steady = Socket(url)
    steady.ack()
    steady.subscribe("s", CHANGES)
    time.sleep(0.3)
    feed.queue_size = 2  # the next subscriber holds two changes at most
    try:
        small = Socket(url)
        small.ack()
        small.subscribe("t", CHANGES)
        time.sleep(0.3)
        before = dataset.graph_version()
        upsert(client, editor_token, name="Burst")  # one write, four public changes
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                small.receive()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
        assert f"after={before}" in closed.value.rcvd.reason
    finally:
        feed.queue_size = 256
    assert keys(steady.changes("s", len(public(dataset, before)))) == public(dataset, before)
    steady.close()


def test_a_slow_subscriber_is_dropped_without_slowing_the_others(
    dataset: GraphStore, editor_token: str
) -> None:
    """The feed itself, on the real services: one subscriber takes every change as it comes,
    the other stops taking; the second is dropped (with where to resume), the first misses
    nothing, and resuming where the dropped one was told gives it what it had not taken."""
    from api.editing import Author, upsert_actor  # the mutations' own writing path

    async def take(stream: AsyncGenerator[dict[str, Any], None]) -> dict[str, Any]:
        return await anext(stream)

    async def scenario() -> None:
        services = Services.build(settings(), dataset)
        await services.projection.ensure_loaded()
        feed = ChangeFeed(services, queue_size=5)
        wanted = await feed_filter(services, editor=False, kinds="actor.created")
        start_version = dataset.graph_version()
        fast = feed.stream(wanted, start_version)
        slow = feed.stream(wanted, start_version)
        author = Author(name="feed-test", token_id=None)
        created: list[str] = []

        async def write(n: int) -> None:
            actor = "mai-" + secrets.token_hex(6)
            fields = {"id": actor, "kind": ActorKind.ORGANISATION, "name": f"Slow {n}"}
            await services.guard.run(upsert_actor, dataset, fields, author)
            await services.projection.catch_up()
            created.append(actor)

        # both wait for what comes (nothing to replay): they are the feed's subscribers
        fast_next = asyncio.create_task(take(fast))
        slow_next = asyncio.create_task(take(slow))
        while feed.subscribers < 2:
            await asyncio.sleep(0.01)
        taken_fast: list[str] = []
        for n in range(12):
            await write(n)
            taken_fast.append((await asyncio.wait_for(fast_next, 10))["targets"][0])
            fast_next = asyncio.create_task(take(fast))
        assert taken_fast == created  # the fast one took each as it came
        taken_slow = [(await asyncio.wait_for(slow_next, 10))["targets"][0]]  # then it stopped
        with pytest.raises(Dropped) as dropped:
            await asyncio.wait_for(anext(slow), 10)
        assert "after=" in str(dropped.value)
        assert feed.subscribers == 1
        resumed = feed.stream(wanted, dropped.value.resume)
        rest = [(await asyncio.wait_for(anext(resumed), 10))["targets"][0] for _ in created[1:]]
        assert taken_slow + rest == created  # resumed where it was told: nothing lost
        await write(12)
        assert (await asyncio.wait_for(fast_next, 10))["targets"][0] == created[-1]
        for stream in (fast, resumed, slow):
            await stream.aclose()
        await feed.close()
        await services.projection.close()

    asyncio.run(scenario())


def test_a_subscriber_dropped_in_the_middle_of_a_write_resumes_with_all_of_it(
    dataset: GraphStore,
) -> None:
    """A write's changes come together; a subscriber that took only part of one when it was
    dropped is told to resume before it, so that it gets the rest (and the part again, by the
    same ``(seq, n)``), never a write cut in two."""
    from api.editing import Author, upsert_actor

    async def scenario() -> None:
        services = Services.build(settings(), dataset)
        await services.projection.ensure_loaded()
        author = Author(name="feed-test", token_id=None)

        async def write() -> int:
            fields = {
                "id": "mai-" + secrets.token_hex(6),
                "kind": ActorKind.ORGANISATION,
                "name": "Partly taken",
                "commune": "84007",
            }
            await services.guard.run(upsert_actor, dataset, fields, author)
            await services.projection.catch_up()
            return dataset.graph_version()

        probe = await write()
        per_write = len([c for c in dataset.changes_since(probe - 1) if c.kind in PUBLIC_KINDS])
        assert per_write >= 3
        feed = ChangeFeed(services, queue_size=per_write)  # holds one write, no more
        wanted = await feed_filter(services, editor=False)
        stream = feed.stream(wanted, dataset.graph_version())
        first = asyncio.create_task(anext(stream))
        while feed.subscribers < 1:
            await asyncio.sleep(0.01)
        seq = await write()
        taken = [await asyncio.wait_for(first, 10), await anext(stream)]  # two of its changes
        assert [item["seq"] for item in taken] == [seq, seq]
        await write()  # the rest of the first write and this one do not fit
        with pytest.raises(Dropped) as dropped:
            while True:
                taken.append(await asyncio.wait_for(anext(stream), 10))
        assert dropped.value.resume == seq - 1
        again = feed.stream(wanted, dropped.value.resume)
        replayed = [await asyncio.wait_for(anext(again), 10) for _ in range(2 * per_write)]
        assert {(i["seq"], i["n"]) for i in taken} <= {(i["seq"], i["n"]) for i in replayed}
        assert [i["seq"] for i in replayed] == [seq] * per_write + [seq + 1] * per_write
        await again.aclose()
        await stream.aclose()
        await feed.close()
        await services.projection.close()

    asyncio.run(scenario())
