"""Every GraphQL answer says how long the server took (``Server-Timing: app;dur=…``, as
browsers' developer tools show it): a refused request too, and never more than the client
waited; a mutation also says how much of it went to the store's calls and to following the log
(``store;dur=…, follow;dur=…``), each a part of the whole."""

from __future__ import annotations

import re
import secrets
import time

import httpx
import pytest

from tests.api.conftest import data

pytestmark = pytest.mark.memory

_ENTRY = re.compile(r"^([a-z]+);dur=(\d+(?:\.\d+)?)$")


def _timings(response: httpx.Response) -> dict[str, float]:
    header = response.headers.get("server-timing", "")
    entries = [_ENTRY.match(part.strip()) for part in header.split(",")]
    assert all(entries), f"a malformed Server-Timing: {header!r}"
    timings = {m.group(1): float(m.group(2)) for m in entries if m}
    assert list(timings)[:1] == ["app"], f"no Server-Timing app;dur first in {header!r}"
    return timings


def test_an_answer_gives_the_servers_own_time(client: httpx.Client) -> None:
    sent = time.perf_counter()
    response = client.post("/graphql", json={"query": '{ search(text: "réseau") { id } }'})
    waited = (time.perf_counter() - sent) * 1000
    assert response.status_code == 200, response.text
    assert 0 < _timings(response)["app"] <= waited


def test_a_refused_request_gives_it_too(client: httpx.Client) -> None:
    response = client.post("/graphql", json={"query": "{ nosuchfield }"})
    assert response.status_code == 400
    timings = _timings(response)
    assert timings["app"] >= 0 and set(timings) == {"app"}


def test_a_mutation_says_where_its_time_went(client: httpx.Client, editor_token: str) -> None:
    upsert = """mutation($input: ActorInput!) { upsertActor(input: $input) {
      __typename ... on ActorSaved { created } } }"""
    made = {"id": "mai-" + secrets.token_hex(6), "kind": "PROJECT", "name": "Chronométré"}
    sent = time.perf_counter()
    response = client.post(
        "/graphql",
        json={"query": upsert, "variables": {"input": made}},
        headers={"Authorization": f"Bearer {editor_token}"},
    )
    waited = (time.perf_counter() - sent) * 1000
    assert response.status_code == 200, response.text
    assert response.json()["data"]["upsertActor"] == {"__typename": "ActorSaved", "created": True}
    timings = _timings(response)
    # the edit's transaction and the projection following the log are both in the request
    assert {"store", "follow"} <= set(timings), timings
    assert timings["store"] > 0 and timings["follow"] > 0
    assert timings["store"] + timings["follow"] <= timings["app"] <= waited
    # and what it wrote is then what a reader of the same process finds
    found = data(client, "query($id: ID!) { actor(id: $id) { name } }", {"id": made["id"]})
    assert found["actor"]["name"] == "Chronométré"
