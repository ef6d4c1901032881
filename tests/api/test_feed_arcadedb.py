"""The change feed on the embedded ArcadeDB server: the log as the Bolt adapter reads it back
(``changes_since``), through ``GET /feed`` and the subscription, on the real app served by
uvicorn."""

from __future__ import annotations

import secrets

import pytest

from api.auth import Role, create_token
from api.feed import PUBLIC_KINDS
from queries.store import BoltGraph, Store
from tests.api.conftest import data
from tests.api.test_feed import feed, keys
from tests.api.test_feed_subscription import CHANGES, Socket, serve

pytestmark = pytest.mark.arcadedb

UPSERT = """mutation($input: ActorInput!) { upsertActor(input: $input) { __typename } }"""
LINK = """mutation($input: LinkInput!) { linkActors(input: $input) { __typename } }"""
SOURCE = {"system": "test", "key": "feed-arcadedb"}


def test_the_feed_on_the_embedded_server(embedded_store: Store) -> None:
    graph = BoltGraph(embedded_store)
    token = create_token(graph, name="feed-editor", role=Role.EDITOR)[1]
    start_version = graph.graph_version()
    with serve(graph) as (client, url, _app):
        socket = Socket(url)
        socket.ack()
        socket.subscribe("1", CHANGES, after=start_version)
        a, b = ("mai-" + secrets.token_hex(6) for _ in range(2))
        for actor, kind in ((a, "ORGANISATION"), (b, "NETWORK")):
            fields = {"id": actor, "kind": kind, "name": f"Arcade {kind}", "source": SOURCE}
            assert data(client, UPSERT, {"input": fields}, token=token)["upsertActor"] == {
                "__typename": "ActorSaved"
            }
        given = {"from": a, "to": b, "kind": "MEMBER_OF", "source": SOURCE}
        assert data(client, LINK, {"input": given}, token=token)["linkActors"] == {
            "__typename": "LinkSaved"
        }
        expected = [
            (c.seq, c.n) for c in graph.changes_since(start_version) if c.kind in PUBLIC_KINDS
        ]
        assert len(expected) >= 8  # two actors (created, aliases, edit), a link (created, edit)

        whole, cursor = feed(client, after=start_version)
        assert keys(whole) == expected
        assert cursor == {"next": graph.graph_version(), "more": False}
        link = next(item for item in whole if item["kind"] == "link.created")
        assert {x["id"]: x["name"] for x in link["actors"]} == {
            a: "Arcade ORGANISATION",
            b: "Arcade NETWORK",
        }
        paged: list[tuple[int, int]] = []
        after = start_version
        while True:
            page, cursor = feed(client, after=after, limit=2)
            paged.extend(keys(page))
            after = cursor["next"]
            if not cursor["more"]:
                break
        assert paged == expected
        on_network, _cursor = feed(client, after=start_version, network=b)
        assert {item["kind"] for item in on_network} >= {"actor.created", "link.created"}

        streamed = socket.changes("1", len(expected))  # replayed and streamed alike
        assert keys(streamed) == expected
        socket.nothing_more()
        socket.close()
