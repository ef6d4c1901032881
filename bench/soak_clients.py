"""The soak's clients (:mod:`bench.soak`): readers, writers, a hostile client, and what each saw.

Every client is a bounded loop over one :class:`Soak` (it stops when ``soak.stop`` is set, and
every network wait has a time limit), so the run ends by itself whatever the server does. An
answer is *expected* when it is what a sound server says: a 200; ``store_unavailable`` while
the graph server is down (from the ``kill -9`` until the readers are answered again, plus a
grace of :data:`OUTAGE_GRACE` seconds); a refusal of a hostile request. Anything else is
counted as unexpected, by kind.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.api_bench import ACTOR_LINKS, PATHS, Connection

#: seconds after the readers are answered again during which ``store_unavailable`` still counts
#: as the outage's (requests sent just before the recovery)
OUTAGE_GRACE = 5.0
#: seconds any single answer may take before the client gives up on it (counted as ``no answer``)
ANSWER_LIMIT = 30.0
#: identical mutations sent at once by a writer (the issue's concurrency case, scaled down)
BURST = 4

SEARCH = "query Search($text: String!) { search(text: $text, first: 10) { id name } }"
UPSERT = """mutation Upsert($name: String!, $key: String!) { upsertActor(input: {
  kind: ORGANISATION, name: $name, commune: "31555", source: {system: "soak", key: $key}}) {
  __typename ... on ActorSaved { created actor { id } } ... on Problem { code message } } }"""
LINK = """mutation Link($from: ID!, $to: ID!, $key: String!) { linkActors(input: {from: $from,
  to: $to, kind: COOPERATES_WITH, source: {system: "soak", key: $key}}) {
  __typename ... on LinkSaved { link { id } } ... on DuplicateLink { existing { id } }
  ... on Problem { code message } } }"""


@dataclass
class Tally:
    """What one kind of client saw: answers by kind, and the latencies of the good ones."""

    kind: str
    requests: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # ms, of expected answers

    def note(self, what: str, started: float, *, expected: bool) -> None:
        self.requests += 1
        self.answers[what] += 1
        if expected:
            self.latencies.append((time.monotonic() - started) * 1000)
        else:
            self.unexpected[what] += 1

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Soak:
    """The shared state of one run: where the API is, the tallies, the writes acknowledged."""

    port: int
    token: str
    actor_ids: list[str]
    words: list[str]
    #: the data directory of the embedded graph server (whose process the soak kills)
    data_dir: Path
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tallies: dict[str, Tally] = field(default_factory=dict)
    #: actors an upsert acknowledged (ActorSaved), and links a linkActors acknowledged (from, to)
    acked_actors: set[str] = field(default_factory=set)
    acked_links: set[tuple[str, str]] = field(default_factory=set)
    killed_at: float | None = None
    outage_seen_at: float | None = None
    recovered_at: float | None = None

    def tally(self, kind: str) -> Tally:
        return self.tallies.setdefault(kind, Tally(kind))

    def saw(self, what: str, started: float) -> None:
        """Follow the outage: it shows with the first ``store_unavailable`` after the kill, and
        ends with the first read *sent after that* and answered (the API refuses every request
        at once while the store is down; a read in flight before may still be answered)."""
        if self.killed_at is None or self.recovered_at is not None:
            return
        if what == "store_unavailable" and self.outage_seen_at is None:
            self.outage_seen_at = time.monotonic()
        elif what == "ok" and self.outage_seen_at is not None and started > self.outage_seen_at:
            self.recovered_at = time.monotonic()

    def in_outage(self) -> bool:
        if self.killed_at is None:
            return False
        return self.recovered_at is None or time.monotonic() < self.recovered_at + OUTAGE_GRACE


def request(path: str, payload: dict[str, Any], token: str | None = None) -> bytes:
    body = json.dumps(payload).encode()
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{auth}Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def classify(status: int, body: bytes) -> tuple[str, dict[str, Any]]:
    """``ok`` or the error's code (``http 413`` without one), and the decoded body."""
    try:
        decoded = json.loads(body) if body else {}
    except ValueError:
        return f"http {status} (not JSON)", {}
    if not isinstance(decoded, dict):
        return f"http {status}", {}
    errors = decoded.get("errors") or (
        [decoded["error"]] if isinstance(decoded.get("error"), dict) else []
    )
    if errors:
        first = errors[0]
        code = (first.get("extensions") or {}).get("code") or first.get("code")
        return str(code or f"http {status}"), decoded
    return ("ok" if status == 200 else f"http {status}"), decoded


async def _ask(
    connection: Connection | None, port: int, raw: bytes
) -> tuple[Connection, int, bytes]:
    """Send ``raw`` on ``connection`` (a new one if None); the connection, status and body."""
    if connection is None:
        connection = await asyncio.wait_for(Connection.open(port), ANSWER_LIMIT)
    status, body = await asyncio.wait_for(connection.request(raw), ANSWER_LIMIT)
    return connection, status, body


# -- readers ----------------------------------------------------------------------------------
def _reader_request(soak: Soak, rng: random.Random) -> tuple[str, bytes]:
    choice = rng.randrange(3)
    if choice == 0:
        a, b = rng.sample(soak.actor_ids, 2)
        return "paths", request("/graphql", {"query": PATHS, "variables": {"from": a, "to": b}})
    if choice == 1:
        actor = rng.choice(soak.actor_ids)
        return "actor links", request(
            "/graphql", {"query": ACTOR_LINKS, "variables": {"id": actor}}
        )
    text = rng.choice(soak.words)
    return "search", request("/graphql", {"query": SEARCH, "variables": {"text": text}})


async def reader(soak: Soak, number: int, kind: str = "reader") -> None:
    """Paths, an actor's links and searches in a closed loop on one keep-alive connection."""
    rng = random.Random(number)
    tally = soak.tally(kind)
    connection: Connection | None = None
    while not soak.stop.is_set():
        _, raw = _reader_request(soak, rng)
        started = time.monotonic()
        try:
            connection, status, body = await _ask(connection, soak.port, raw)
            what, _ = classify(status, body)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
            what = "no answer"
            if connection is not None:
                connection.close()
            connection = None
        soak.saw(what, started)
        expected = what == "ok" or (what == "store_unavailable" and soak.in_outage())
        tally.note(what, started, expected=expected)
        if what == "store_unavailable":
            await asyncio.sleep(0.05)  # the outage answers at once: do not spin on it
    if connection is not None:
        connection.close()


# -- writers ----------------------------------------------------------------------------------
async def _burst(soak: Soak, payload: dict[str, Any]) -> list[tuple[str, dict[str, Any], float]]:
    """The same mutation sent :data:`BURST` times at once, each on a connection of its own."""

    async def one() -> tuple[str, dict[str, Any], float]:
        started = time.monotonic()
        connection: Connection | None = None
        try:
            connection, status, body = await _ask(
                None, soak.port, request("/graphql", payload, soak.token)
            )
            what, decoded = classify(status, body)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
            what, decoded = "no answer", {}
        finally:
            if connection is not None:
                connection.close()
        return what, decoded, started

    return list(await asyncio.gather(*(one() for _ in range(BURST))))


def _result(decoded: dict[str, Any], root: str) -> dict[str, Any]:
    data = decoded.get("data") or {}
    found = data.get(root) or {}
    return found if isinstance(found, dict) else {}


_ANSWERS = frozenset({"ActorSaved", "LinkSaved", "DuplicateLink"})


def _answer(what: str, decoded: dict[str, Any], root: str) -> tuple[str, dict[str, Any]]:
    """The mutation's answer: its result type when it is one the soak expects, else the
    problem's code (``upsertActor duplicate``), or the request's error (``what``)."""
    result = _result(decoded, root)
    if what != "ok":
        return what, result
    name = str(result.get("__typename"))
    if name in _ANSWERS:
        return name, result
    return f"{root} {result.get('code') or name}", result


async def _upsert_burst(soak: Soak, tally: Tally, key: str) -> str | None:
    answers = await _burst(
        soak, {"query": UPSERT, "variables": {"name": f"Soak {key}", "key": key}}
    )
    ids: set[str] = set()
    for answered, decoded, started in answers:
        what, result = _answer(answered, decoded, "upsertActor")
        if what == "ActorSaved":
            ids.add(result["actor"]["id"])
        expected = what == "ActorSaved" or (what == "store_unavailable" and soak.in_outage())
        tally.note(what, started, expected=expected)
    if len(ids) > 1:
        tally.unexpected["one upsert burst made twins"] += 1
    soak.acked_actors |= ids
    return next(iter(ids)) if len(ids) == 1 else None


async def _link_burst(soak: Soak, tally: Tally, ends: tuple[str, str], key: str) -> None:
    variables = {"from": ends[0], "to": ends[1], "key": key}
    answers = await _burst(soak, {"query": LINK, "variables": variables})
    saved: set[str] = set()
    for answered, decoded, started in answers:
        what, result = _answer(answered, decoded, "linkActors")
        if what == "LinkSaved":
            saved.add(result["link"]["id"])
        # DuplicateLink names the link a twin request made: a truthful answer
        good = what in ("LinkSaved", "DuplicateLink")
        outage = what == "store_unavailable" and soak.in_outage()
        tally.note(what, started, expected=good or outage)
    if len(saved) > 1:
        tally.unexpected["one link burst saved several links"] += 1
    if saved:
        soak.acked_links.add(ends)


async def writer(soak: Soak, number: int) -> None:
    """Bursts of identical ``upsertActor`` (no id: minted from the source key), then bursts of
    identical ``linkActors`` between the last two actors it made, until the soak stops."""
    tally = soak.tally("writer")
    made: list[str] = []
    step = 0
    while not soak.stop.is_set():
        step += 1
        key = f"{number}-{step}-{time.monotonic_ns()}"
        actor = await _upsert_burst(soak, tally, f"actor-{key}")
        if actor is not None:
            made.append(actor)
        if len(made) >= 2:
            await _link_burst(soak, tally, (made[-2], made[-1]), f"link-{key}")
        # a pause, longer while the store is down (its answers come at once: do not spin)
        await asyncio.sleep(1.0 if soak.in_outage() else 0.2)
