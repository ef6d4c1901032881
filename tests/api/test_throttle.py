"""Token guessing is slowed down: refused tokens count per address, 429 with Retry-After past
the limit, other addresses unaffected, accepted again once the window has moved on."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from api.middleware import AuthThrottle
from api.throttle import FailureThrottle
from graph_model.port import GraphStore
from tests.api.conftest import error_codes, gql, start, wait_ready

pytestmark = pytest.mark.memory

READ = '{ actor(id: "net-mes") { name } }'
WRONG = "mlg_" + "x" * 43


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_counts_failures_per_key() -> None:
    clock = Clock()
    throttle = FailureThrottle(3, 60, clock=clock)
    for _ in range(3):
        assert throttle.retry_after("a") is None
        throttle.fail("a")
    assert throttle.retry_after("a") == 60
    assert throttle.retry_after("b") is None  # another key is not affected
    clock.now += 45
    assert throttle.retry_after("a") == 15
    clock.now += 15
    assert throttle.retry_after("a") is None  # the oldest failure left the window


def test_the_window_forgets_idle_keys_when_full() -> None:
    clock = Clock()
    throttle = FailureThrottle(1, 10, clock=clock, max_keys=4)
    for key in "abcd":
        throttle.fail(key)
    clock.now += 11
    throttle.fail("e")
    assert throttle.retry_after("e") == 10
    assert len(throttle._failures) == 1


async def _checker(scope: Scope, receive: Receive, send: Send) -> None:
    """A stand-in for the app: 200 for the token 'good', 401 for any other."""
    headers = dict(scope["headers"])
    status = 200 if headers.get(b"authorization") == b"Bearer good" else 401
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def _status(app: AuthThrottle, address: str, token: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(address, 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://maillage") as client:
        return await client.get("/graphql", headers={"Authorization": f"Bearer {token}"})


def test_the_eleventh_wrong_token_of_an_address_is_throttled() -> None:
    clock = Clock()
    app = AuthThrottle(_checker, FailureThrottle(10, 60, clock=clock))

    async def scenario() -> None:
        for _ in range(10):
            assert (await _status(app, "10.0.0.1", "bad")).status_code == 401
        refused = await _status(app, "10.0.0.1", "bad")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "60"
        assert refused.json()["errors"][0]["extensions"]["code"] == "too_many_requests"
        assert "MAILLAGE_AUTH_FAILURES" in refused.json()["errors"][0]["message"]
        # the guessing address is refused even with a good token; another one is not
        assert (await _status(app, "10.0.0.1", "good")).status_code == 429
        assert (await _status(app, "10.0.0.2", "good")).status_code == 200
        clock.now += 60
        assert (await _status(app, "10.0.0.1", "good")).status_code == 200

    asyncio.run(scenario())


def test_the_api_throttles_wrong_tokens(dataset: GraphStore) -> None:
    with start(dataset, auth_failures=3) as client:
        wait_ready(client)
        for _ in range(3):
            assert error_codes(gql(client, READ, token=WRONG, status=401)) == ["unauthenticated"]
        response = client.post(
            "/graphql", json={"query": READ}, headers={"Authorization": f"Bearer {WRONG}"}
        )
        assert response.status_code == 429
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert (
            client.get("/export/scope.csv", headers={"Authorization": "Bearer x"}).status_code
            == 429
        )
        gql(client, READ)  # reads without a token stay public
