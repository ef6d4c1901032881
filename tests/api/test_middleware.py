"""What a request meets before a route: bodies bounded in size and time (before being read
whole), headers bounded in time, a client leaving mid-body logged as one line, and the
browser's security headers on every answer."""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from api.server import uvicorn_options
from graph_model.port import GraphStore
from tests.api.conftest import settings, start, wait_ready

pytestmark = pytest.mark.memory

MB = 1_048_576


def _address(client: httpx.Client) -> tuple[str, int]:
    return client.base_url.host, int(client.base_url.port or 80)


def _raw(client: httpx.Client, head: bytes, timeout: float = 10.0) -> socket.socket:
    sock = socket.create_connection(_address(client), timeout=timeout)
    sock.sendall(head)
    return sock


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    with contextlib.suppress(ConnectionResetError):  # a close with our bytes still unread
        while chunk := sock.recv(65_536):
            chunks.append(chunk)
    return b"".join(chunks)


def _body_refused(response: httpx.Response, code: str) -> str:
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == code, errors
    assert errors[0]["extensions"]["requestId"] == response.headers["x-request-id"]
    message: str = errors[0]["message"]
    return message


def test_a_body_over_the_limit_is_refused_413(client: httpx.Client) -> None:
    query = '{ actor(id: "net-mes") { name } }'
    padding = " " * (2 * MB)
    response = client.post("/graphql", json={"query": query + padding})
    assert response.status_code == 413
    message = _body_refused(response, "body_too_large")
    assert "max_body_bytes of 1048576" in message and "MAILLAGE_MAX_BODY_BYTES" in message
    # under the limit, the same query runs
    assert client.post("/graphql", json={"query": query}).status_code == 200


def test_a_chunked_body_is_counted_as_it_streams(client: httpx.Client) -> None:
    sock = _raw(
        client,
        b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n",
    )
    chunk = b"%x\r\n%s\r\n" % (65_536, b" " * 65_536)
    with sock:
        # 1.5 MB and no end: the answer comes as the count passes 1 MB, not at the body's end;
        # sending stops once it has come (writing on would meet a closed connection)
        with contextlib.suppress(OSError):
            for _ in range(24):
                sock.sendall(chunk)
                if select.select([sock], [], [], 0)[0]:
                    break
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b'"body_too_large"' in answer


def test_a_body_too_slow_is_refused_408(dataset: GraphStore) -> None:
    with start(dataset, body_timeout=1.0) as client:
        sock = _raw(
            client,
            b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"query"',
        )
        began = time.monotonic()
        with sock:
            answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
        assert b"MAILLAGE_BODY_TIMEOUT" in answer
        assert time.monotonic() - began < 5


def test_a_client_leaving_mid_body_is_one_log_line(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    sock = _raw(
        client,
        b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"query"',
    )
    time.sleep(0.2)
    sock.close()
    deadline = time.monotonic() + 5
    while "went away" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [r for r in caplog.records if "went away" in r.getMessage()]
    assert len(left) == 1 and left[0].levelno == logging.INFO
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text


async def _hello(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})


@pytest.fixture
def slow_headers_server() -> Iterator[tuple[str, int]]:
    """A server with ``maillage serve``'s protocol and a 1 s header time limit."""
    options = uvicorn_options(settings(header_timeout=1.0), http="h11")
    config = uvicorn.Config(
        _hello, host="127.0.0.1", port=0, lifespan="off", log_level="warning", **options
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    yield "127.0.0.1", server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    thread.join(timeout=10)


def test_headers_too_slow_close_the_connection(slow_headers_server: tuple[str, int]) -> None:
    with socket.create_connection(slow_headers_server, timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHo")
        began = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server
        assert time.monotonic() - began < 5
    # a request after an answer on the same connection has the same limit
    with socket.create_connection(slow_headers_server, timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        answer = b""
        while not answer.endswith(b"0\r\n\r\n"):  # the whole chunked answer, its last chunk
            part = sock.recv(1024)
            assert part, f"the connection closed after {answer!r}"
            answer += part
        assert b"hello" in answer
        sock.sendall(b"GET / HT")
        began = time.monotonic()
        assert sock.recv(1024) == b""
        assert time.monotonic() - began < 5


def _security_headers(response: httpx.Response) -> str:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    return policy


def test_security_headers_on_every_answer(client: httpx.Client) -> None:
    for path in (
        "/",
        "/ready",
        "/health",
        "/export/scope.csv?scope=departement:31",
        "/graphql?query={__typename}",
        "/no-such-page",
    ):
        response = client.get(path)
        policy = _security_headers(response)
        assert "frame-ancestors 'none'" in policy and "unpkg" not in policy, path
        assert response.headers["x-frame-options"] == "DENY"
    graphiql = client.get("/graphql", headers={"Accept": "text/html"})
    assert graphiql.status_code == 200 and "graphiql" in graphiql.text.lower()
    policy = _security_headers(graphiql)
    assert "frame-ancestors 'none'" in policy
    # GraphiQL's files are the API's own: no CDN, no inline script
    assert "unpkg" not in policy and "https:" not in policy
    assert "script-src 'self';" in policy
    assert "https://" not in graphiql.text and "<script>" not in graphiql.text
    refused = client.post("/graphql", content=b"x" * (2 * MB))
    assert refused.status_code == 413
    _security_headers(refused)


def test_frame_ancestors_by_configuration(dataset: GraphStore) -> None:
    with start(dataset, frame_ancestors="https://reseau.example.org, 'self'") as client:
        wait_ready(client)
        response = client.get("/")
        policy = _security_headers(response)
        assert "frame-ancestors https://reseau.example.org 'self'" in policy
        assert "x-frame-options" not in response.headers
