"""Change feed benchmark (issue 16): how soon a write reaches the subscribers of ``changes``.

``python -m bench.feed --actors 20000 --subscribers 50 --writes 100`` loads the reference data
and the shared synthetic movement (``bench/generator.py``) into the in-memory port, serves the
real app with uvicorn on 127.0.0.1 (WebSockets on), and then, in two phases:

1. *baseline*: one subscriber of ``changes`` (no filter); the writer makes ``--writes``
   ``upsertActor`` mutations one after the other, each creating an actor (half in Vaucluse, half
   in Haute-Garonne), and waits until the subscriber has it;
2. *fan-out*: ``--subscribers`` subscribers, half with no filter and half on ``territory: 84``
   (which gets only the Vaucluse writes), the same writes.

For each write it records the mutation's round trip (its answer comes once the projection of
the process holds the change) and, for each subscriber that should get it, the time from
sending the mutation to receiving its ``actor.created``: p50/p95/max of both, and the fan-out
phase's p50 against the baseline's (ratio). A write a subscriber does not get within 10 s, or
one a territory subscriber gets though it is elsewhere, is counted as wrong: the exit status is
1 when there is any.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field

import httpx
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from api.app import create_app
from api.auth import Role, create_token
from api.bootstrap import bootstrap
from api.settings import ApiSettings
from bench.api_bench import load_generated
from queries.store.memory import MemoryGraph

SUBSCRIPTION = """subscription($territory: String, $after: Int) {
  changes(territory: $territory, kinds: ["actor.created"], after: $after) { seq targets }
}"""
UPSERT = """mutation($input: ActorInput!) { upsertActor(input: $input) { __typename } }"""
PLACES = ("84007", "31555")  # Avignon (département 84), Toulouse (31)
WAIT = 10.0


@dataclass
class Subscriber:
    territory: str | None
    after: int
    received: dict[str, float] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)


async def _follow(url: str, subscriber: Subscriber) -> None:
    socket: ClientConnection
    async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        variables = {"territory": subscriber.territory, "after": subscriber.after}
        payload = {"query": SUBSCRIPTION, "variables": variables}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        subscriber.ready.set()
        async for raw in socket:
            message = json.loads(raw)
            if message.get("type") == "next":
                for target in message["payload"]["data"]["changes"]["targets"]:
                    subscriber.received[target] = time.perf_counter()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


async def _phase(
    base: str, url: str, token: str, subscribers: list[Subscriber], writes: int
) -> tuple[list[float], list[float], int]:
    tasks = [asyncio.create_task(_follow(url, s)) for s in subscribers]
    await asyncio.gather(*(s.ready.wait() for s in subscribers))
    await asyncio.sleep(0.5)  # every subscription registered (its empty replay read)
    round_trips: list[float] = []
    delivered: list[float] = []
    wrong = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        for n in range(writes):
            actor = "mai-" + secrets.token_hex(6)
            commune = PLACES[n % 2]
            fields = {
                "id": actor,
                "kind": "ORGANISATION",
                "name": f"Feed bench {n}",
                "commune": commune,
                "source": {"system": "bench", "key": actor},
            }
            sent = time.perf_counter()
            answer = await client.post(
                "/graphql", json={"query": UPSERT, "variables": {"input": fields}}
            )
            round_trips.append(time.perf_counter() - sent)
            assert answer.json()["data"]["upsertActor"]["__typename"] == "ActorSaved", answer.text
            expecting = [s for s in subscribers if s.territory is None or commune == "84007"]
            deadline = time.perf_counter() + WAIT
            while time.perf_counter() < deadline and not all(
                actor in s.received for s in expecting
            ):
                await asyncio.sleep(0.002)
            for s in expecting:
                if actor in s.received:
                    delivered.append(s.received[actor] - sent)
                else:
                    wrong += 1
            await asyncio.sleep(0.05)
            wrong += sum(1 for s in subscribers if s not in expecting and actor in s.received)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return round_trips, delivered, wrong


def _line(name: str, values: list[float]) -> str:
    p50, p95 = _percentile(values, 0.5) * 1000, _percentile(values, 0.95) * 1000
    most = max(values, default=0.0) * 1000
    return f"| {name} | {len(values)} | {p50:.1f} | {p95:.1f} | {most:.1f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.feed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--actors", type=int, default=20_000)
    parser.add_argument("--links-per-actor", type=float, default=3.0)
    parser.add_argument("--subscribers", type=int, default=50)
    parser.add_argument("--writes", type=int, default=100)
    args = parser.parse_args(argv)

    graph = MemoryGraph()
    started = time.perf_counter()
    bootstrap(graph)
    load_generated(graph, args.actors, args.links_per_actor, 0)
    token = create_token(graph, name="bench-feed", role=Role.EDITOR)[1]
    print(
        f"loaded {args.actors:,} actors in {time.perf_counter() - started:.1f} s", file=sys.stderr
    )
    app = create_app(ApiSettings(bootstrap=False, token_cache_seconds=0.0), graph=graph)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, ws="websockets-sansio", log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    base, url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/graphql"
    while httpx.get(f"{base}/ready").status_code != 200:
        time.sleep(0.1)
    warmed = time.perf_counter()  # the territories' index is built at its first use, once
    httpx.get(f"{base}/feed", params={"territory": "84", "limit": 1}, timeout=120)
    print(f"first territory filter: {time.perf_counter() - warmed:.1f} s", file=sys.stderr)

    async def run() -> tuple[tuple[list[float], list[float], int], ...]:
        # from the version before the phase: a subscription registered after a write still
        # gets it (replayed), so every write is expected by every subscriber that should get it
        one = await _phase(base, url, token, [Subscriber(None, graph.graph_version())], args.writes)
        now = graph.graph_version()
        many = [Subscriber(None if i % 2 else "84", now) for i in range(args.subscribers)]
        return one, await _phase(base, url, token, many, args.writes)

    try:
        (trips_1, feed_1, wrong_1), (trips_n, feed_n, wrong_n) = asyncio.run(run())
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    ratio = statistics.median(feed_n) / statistics.median(feed_1) if feed_1 and feed_n else 0.0
    print(
        f"actors {args.actors:,}, writes {args.writes} a phase, subscribers 1 then "
        f"{args.subscribers} (half on territory 84)"
    )
    print("| measure | n | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    print(_line("mutation round trip, 1 subscriber", trips_1))
    print(_line("write → feed, 1 subscriber (baseline)", feed_1))
    print(_line(f"mutation round trip, {args.subscribers} subscribers", trips_n))
    print(_line(f"write → feed, {args.subscribers} subscribers", feed_n))
    wrong = wrong_1 + wrong_n
    print(
        f"fan-out p50 / baseline p50: {ratio:.2f}×; wrong deliveries (missed, misfiltered): {wrong}"
    )
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
