"""The API's projection follows the store's change log (issue 16): a mutation is visible to
the next request of the process that made it, a write made elsewhere (another worker, an
import) within moments, and nothing is rebuilt in steady state; a hole in the log is repaired
by a rebuild, and a restart loads the snapshot and replays only the log's tail."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth import Role, create_token
from api.guard import StoreGuard
from api.projection import ProjectionService
from api.services import warm_paths
from graph_model.errors import StoreUnavailable
from graph_model.model import Actor, ActorKind, Link, LinkKind
from graph_model.port import WriteContext
from queries.projection import Projection
from queries.store.memory import MemoryGraph
from tests.api.conftest import data, start, wait_ready

pytestmark = pytest.mark.memory

ELSEWHERE = WriteContext(run="run-elsewhere", by="another worker")
SOURCE = {"system": "tests", "key": "live"}
UPSERT = """mutation($input: ActorInput!) { upsertActor(input: $input) {
  __typename ... on ActorSaved { actor { id } created } } }"""
LINK = """mutation($input: LinkInput!) { linkActors(input: $input) {
  __typename ... on LinkSaved { link { id } } } }"""
PATH = """query($a: ID!, $b: ID!) { cooperationPaths(from: $a, to: $b) {
  found paths { hops { to { id } } } } }"""


def _ready(client: httpx.Client) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/ready").json()
    return body


def _graph() -> MemoryGraph:
    graph = MemoryGraph()
    context = WriteContext(run="run-setup", by="tests")
    graph.write_actors(
        [
            Actor(id="org-a", kind=ActorKind.ORGANISATION, name="Atelier A", departement="14"),
            Actor(id="org-b", kind=ActorKind.ORGANISATION, name="Boutique B", departement="14"),
            Actor(id="net-c", kind=ActorKind.NETWORK, name="Réseau C", departement="69"),
        ],
        context,
    )
    graph.write_links(
        [Link(source_id="org-a", target_id="net-c", kind=LinkKind.MEMBER_OF)], context
    )
    return graph


def _eventually(check: Any, timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def test_a_mutation_is_visible_at_once_and_nothing_is_rebuilt() -> None:
    graph = _graph()
    token = create_token(graph, name="live-editor", role=Role.EDITOR)[1]
    with start(graph) as client:
        wait_ready(client)
        ready = _ready(client)
        before = ready["projection"]
        assert (ready["actors"], ready["links"]) == (3, 1)
        for n in range(5):
            actor = f"mai-{n:012x}"
            fields = {"kind": "ORGANISATION", "name": f"Nouvelle {n}", "id": actor}
            saved = data(client, UPSERT, {"input": fields}, token=token)
            assert saved["upsertActor"]["__typename"] == "ActorSaved", saved
            link = {"from": actor, "to": "net-c", "kind": "MEMBER_OF", "source": SOURCE}
            linked = data(client, LINK, {"input": link}, token=token)
            assert linked["linkActors"]["__typename"] == "LinkSaved", linked
            # the very next request of this process sees the link: no wait, no rebuild
            path = data(client, PATH, {"a": actor, "b": "org-a"})["cooperationPaths"]
            assert path["found"], path
        after = _ready(client)["projection"]
        assert after["rebuilds"] == before["rebuilds"]
        assert after["deltas"] >= before["deltas"] + 10
        ready = _ready(client)
        assert ready["projectionVersion"] == graph.graph_version()
        # its counts follow the deltas too
        assert (ready["actors"], ready["links"]) == (8, 6)


def test_a_write_made_elsewhere_is_followed_by_tailing_the_log() -> None:
    graph = _graph()
    with start(graph) as client:
        wait_ready(client)
        rebuilds = _ready(client)["projection"]["rebuilds"]
        started = time.monotonic()
        graph.write_links(
            [Link(source_id="org-b", target_id="net-c", kind=LinkKind.MEMBER_OF)], ELSEWHERE
        )

        def visible() -> bool:
            body = data(client, PATH, {"a": "org-b", "b": "org-a"})["cooperationPaths"]
            return bool(body["found"])

        assert _eventually(visible), "the other worker's write never became visible"
        assert time.monotonic() - started < 2.0
        assert _ready(client)["projection"]["rebuilds"] == rebuilds


def test_a_hole_in_the_log_is_repaired_by_a_rebuild(caplog: pytest.LogCaptureFixture) -> None:
    graph = _graph()
    with start(graph) as client:
        wait_ready(client)
        rebuilds = _ready(client)["projection"]["rebuilds"]
        # a write whose log entry is lost (as one that bypassed the port would be)
        graph.write_links(
            [Link(source_id="org-b", target_id="net-c", kind=LinkKind.MEMBER_OF)], ELSEWHERE
        )
        graph._state.nodes["Change"].pop(f"chg-{graph.graph_version()}-0")
        graph.write_actors([Actor(id="org-d", kind=ActorKind.ORGANISATION, name="D")], ELSEWHERE)

        def rebuilt() -> bool:
            return bool(_ready(client)["projection"]["rebuilds"] > rebuilds)

        assert _eventually(rebuilt)
        body = data(client, PATH, {"a": "org-b", "b": "org-a"})["cooperationPaths"]
        assert body["found"]
    assert any("rebuilding it from the store" in r.getMessage() for r in caplog.records)


def test_a_restart_loads_the_snapshot_and_replays_the_tail(tmp_path: Path) -> None:
    graph = _graph()
    snapshots = tmp_path / "data"
    with start(graph, snapshot_dir=snapshots) as client:
        wait_ready(client)
    assert (snapshots / "projection.snapshot").exists()
    graph.write_links(
        [Link(source_id="org-b", target_id="net-c", kind=LinkKind.MEMBER_OF)], ELSEWHERE
    )
    with start(graph, snapshot_dir=snapshots) as client:
        wait_ready(client)
        assert _ready(client)["projection"]["rebuilds"] == 0
        body = data(client, PATH, {"a": "org-b", "b": "org-a"})["cooperationPaths"]
        assert body["found"]


def test_background_warmers_run_once_the_writes_pause() -> None:
    """What the first constrained path question would pay (the link columns) is built once the
    projection is loaded, off the requests; after a burst of writes the warmers run once, on
    the latest projection."""
    graph = _graph()
    seen: list[int] = []

    def note(projection: Projection) -> None:
        seen.append(projection.version)

    async def scenario() -> tuple[Projection, Projection]:
        guard = StoreGuard(graph, where=lambda: "memory", probe_interval=1.0, call_timeout=5.0)
        service = ProjectionService(
            guard, background=[warm_paths, note], background_delay=0.2, tail_interval=0.02
        )
        loaded = await service.ensure_loaded()
        await asyncio.sleep(0.6)
        for n in range(5):  # a burst: one warming after it, not five
            graph.write_actors(
                [Actor(id=f"org-burst-{n}", kind=ActorKind.ORGANISATION, name=f"B {n}")],
                ELSEWHERE,
            )
            await service.catch_up()
        await asyncio.sleep(0.8)
        latest = await service.get()
        await service.close()
        return loaded, latest

    loaded, latest = asyncio.run(scenario())
    assert "link_columns" in dict(loaded.derived_items())  # warmed after the load
    assert "link_columns" in dict(latest.derived_items())  # carried by the deltas
    assert seen == [loaded.version, latest.version]


class _FlakyLog(MemoryGraph):
    """A store whose log is out of reach once (the server killed in the middle of a read)."""

    fail_next = False

    def changes_since(self, after: int, limit: int = 10_000) -> list[Any]:
        if self.fail_next:
            self.fail_next = False
            raise StoreUnavailable("the graph server does not answer")
        return super().changes_since(after, limit)


def test_the_tail_keeps_following_after_the_store_failed_under_it() -> None:
    graph = _FlakyLog()
    graph.write_actors(
        [
            Actor(id="org-a", kind=ActorKind.ORGANISATION, name="Atelier A"),
            Actor(id="org-b", kind=ActorKind.ORGANISATION, name="Boutique B"),
            Actor(id="org-c", kind=ActorKind.ORGANISATION, name="Coop C"),
        ],
        ELSEWHERE,
    )
    with start(graph) as client:
        wait_ready(client)
        graph.fail_next = True  # the tail meets the outage on its next read of the log
        graph.write_links(
            [Link(source_id="org-a", target_id="org-b", kind=LinkKind.COOPERATES_WITH)], ELSEWHERE
        )
        assert _eventually(lambda: not graph.fail_next), "the tail never read the log"
        wait_ready(client)  # the guard saw the outage; the store answers again
        # a later write made elsewhere is followed by the tail alone: /ready asks nothing of
        # the projection (a query would catch up by itself)
        graph.write_links(
            [Link(source_id="org-b", target_id="org-c", kind=LinkKind.COOPERATES_WITH)], ELSEWHERE
        )

        def followed() -> bool:
            return bool(_ready(client).get("projectionVersion") == graph.graph_version())

        assert _eventually(followed, timeout=10.0), "the tail died with the outage"
