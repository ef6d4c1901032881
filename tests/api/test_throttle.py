"""Token guessing is slowed down: refused tokens count per address, 429 with Retry-After past
the limit, other addresses unaffected, accepted again once the window has moved on."""

from __future__ import annotations

import asyncio
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from api.middleware import AuthThrottle
from api.throttle import DATABASE, FailureThrottle
from graph_model.port import GraphStore
from tests.api.conftest import error_codes, gql, start, wait_ready, worker_processes

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


# -- shared by the workers of one server -------------------------------------------------------
#: one worker process: the real brake (middleware and throttle, shared through
#: MAILLAGE_THROTTLE_DIR) in front of the stand-in app, served by uvicorn on a free port
WORKER = """
import sys, uvicorn
from api.middleware import AuthThrottle
from api.throttle import FailureThrottle
from tests.api.test_throttle import _checker
throttle = FailureThrottle(3, 60, name="auth")
assert throttle.shared
uvicorn.run(AuthThrottle(_checker, throttle), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning", http="h11", ws="none", lifespan="off")
"""


def _workers(directory: Path, count: int) -> AbstractContextManager[list[str]]:
    """``count`` worker processes sharing ``directory``'s windows: their base URLs, once each
    answers."""
    return worker_processes(
        WORKER,
        count,
        {"MAILLAGE_THROTTLE_DIR": str(directory)},
        ready=lambda url: httpx.get(url, timeout=1).status_code > 0,  # any answer
        timeout=30,
    )


def _guess(url: str, token: str = "bad") -> httpx.Response:
    return httpx.get(f"{url}/graphql", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def test_two_workers_share_the_failures_of_an_address(tmp_path: Path) -> None:
    with _workers(tmp_path, 2) as (first, second):
        # 3 allowed in all, whichever worker answers: 2 on one, 1 on the other
        assert [_guess(url).status_code for url in (first, second, first)] == [401, 401, 401]
        refused = _guess(second)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert _guess(first, "good").status_code == 429  # the address, on both
    assert stat.S_IMODE((tmp_path / DATABASE).stat().st_mode) == 0o600


def test_workers_of_separate_servers_keep_their_own_windows(tmp_path: Path) -> None:
    with (
        _workers(tmp_path / "a", 1) as (first,),
        _workers(tmp_path / "b", 1) as (second,),
    ):
        for _ in range(3):
            assert _guess(first).status_code == 401
        assert _guess(first).status_code == 429
        assert _guess(second).status_code == 401  # another server's brake is its own


def test_shared_windows_keep_every_concurrent_failure(tmp_path: Path) -> None:
    clock = Clock()
    throttles = [
        FailureThrottle(40, 60, clock=clock, name="t", path=tmp_path / DATABASE) for _ in range(2)
    ]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: throttles[n % 2].fail("10.0.0.9"), range(39)))
    assert throttles[0].retry_after("10.0.0.9") is None  # 39 of 40
    throttles[1].fail("10.0.0.9")
    assert throttles[0].retry_after("10.0.0.9") == 60
    assert (
        FailureThrottle(40, 60, clock=clock, name="u", path=tmp_path / DATABASE).retry_after(
            "10.0.0.9"
        )
        is None
    )  # another throttle's namespace
    clock.now += 60
    assert throttles[0].retry_after("10.0.0.9") is None


_OPEN = """
import sys, time
from pathlib import Path
from api.throttle import FailureThrottle
start = float(sys.argv[2])
while time.time() < start:
    pass
FailureThrottle(10, 60, name="t", path=Path(sys.argv[1])).fail("10.0.0.1")
"""


def test_workers_opening_a_fresh_database_together_all_start(tmp_path: Path) -> None:
    """Workers of one server open the shared file at the same instant; none may fail to start
    because another was switching the file to WAL ("database is locked" at startup)."""
    rounds, width = 6, 8
    for round_ in range(rounds):
        path = tmp_path / f"{round_}-{DATABASE}"
        start_at = time.time() + 1.5
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN, str(path), repr(start_at)],
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(width)
        ]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0] * width, "\n".join(e for e in errors if e)
        clock = Clock()
        clock.now = time.time()
        shared = FailureThrottle(width, 600, clock=clock, name="t", path=path)
        assert shared.retry_after("10.0.0.1") is not None  # every worker's failure was kept
