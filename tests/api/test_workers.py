"""Two worker processes of one server over one embedded ArcadeDB: identical ``upsertActor``
calls split between them create one actor, record one creation, and tell every client the same
id (the second creator's transaction is refused by the store and resolved again as an update:
``GraphEdit.write``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest

from api.auth import Role, create_token
from graph_model.changes import ChangeKind
from queries.store import BoltGraph
from tests.api.conftest import worker_processes

pytestmark = pytest.mark.arcadedb

WORKER = """
import sys, uvicorn
from api.app import create_app
uvicorn.run(create_app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            http="h11", ws="none")
"""
UPSERT = """mutation { upsertActor(input: {kind: ORGANISATION, name: "Atelier partagé",
  commune: "31555", source: {system: "workers-test", key: "atelier-1"}}) {
  __typename ... on ActorSaved { created actor { id } } ... on Problem { code message } } }"""


def _workers(graph: BoltGraph, count: int) -> AbstractContextManager[list[str]]:
    """``count`` API processes over ``graph``'s embedded server: their base URLs, once ready."""
    assert graph.embedded is not None
    env = {
        "MAILLAGE_DATA_DIR": str(graph.embedded.data_dir),
        "MAILLAGE_BACKEND": "embedded",
        "MAILLAGE_BOOTSTRAP": "false",
        "MAILLAGE_RESTART_EMBEDDED": "false",
        "MAILLAGE_TOKEN_CACHE_SECONDS": "0",
    }
    return worker_processes(
        WORKER,
        count,
        env,
        ready=lambda url: httpx.get(f"{url}/ready", timeout=2).status_code == 200,
        timeout=120,
        stop_timeout=20,
    )


def test_identical_upserts_on_two_workers_create_one_actor(arcadedb_dataset: BoltGraph) -> None:
    graph = arcadedb_dataset
    _, token = create_token(graph, name="workers-test", role=Role.EDITOR)
    before = graph.graph_version()
    with _workers(graph, 2) as urls:

        def upsert(n: int) -> dict[str, Any]:
            answer = httpx.post(
                f"{urls[n % 2]}/graphql",
                json={"query": UPSERT},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            assert answer.status_code == 200, answer.text
            result: dict[str, Any] = answer.json()["data"]["upsertActor"]
            return result

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(upsert, range(8)))
    assert {r["__typename"] for r in results} == {"ActorSaved"}, results
    ids = {r["actor"]["id"] for r in results}
    assert len(ids) == 1, results
    assert sum(r["created"] for r in results) == 1, results
    (actor_id,) = ids
    created = [
        c
        for c in graph.changes_since(before)
        if c.kind == ChangeKind.ACTOR_CREATED.value and actor_id in c.targets
    ]
    assert len(created) == 1, created
    assert graph.actor_kinds([actor_id]) == {actor_id: "Organisation"}
