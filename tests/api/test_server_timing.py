"""Every GraphQL answer says how long the server took (``Server-Timing: app;dur=…``, as
browsers' developer tools show it): a refused request too, and never more than the client
waited."""

from __future__ import annotations

import re
import time

import httpx
import pytest

pytestmark = pytest.mark.memory

_TIMING = re.compile(r"^app;dur=(\d+(?:\.\d+)?)$")


def _server_ms(response: httpx.Response) -> float:
    header = response.headers.get("server-timing", "")
    match = _TIMING.match(header)
    assert match, f"no Server-Timing app;dur in {dict(response.headers)}"
    return float(match.group(1))


def test_an_answer_gives_the_servers_own_time(client: httpx.Client) -> None:
    sent = time.perf_counter()
    response = client.post("/graphql", json={"query": '{ search(text: "réseau") { id } }'})
    waited = (time.perf_counter() - sent) * 1000
    assert response.status_code == 200, response.text
    assert 0 < _server_ms(response) <= waited


def test_a_refused_request_gives_it_too(client: httpx.Client) -> None:
    response = client.post("/graphql", json={"query": "{ nosuchfield }"})
    assert response.status_code == 400
    assert _server_ms(response) >= 0
