"""Two transactions creating the same actor at once: one creates it, the other is refused
(``DuplicateError``, or a transient ``StoreConflict`` on a server that detects it at the commit)
and writes nothing, so that the caller resolves again and updates: never two "created" answers
and two creation records for one actor, whether the two run in one process or in two."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

from graph_model.batch import GraphBatch
from graph_model.changes import ChangeKind
from graph_model.errors import DuplicateError
from graph_model.model import Actor, ActorKind
from graph_model.port import GraphStore, WriteContext
from graph_model.retry import StoreConflict
from graph_model.stored import actor_properties
from tests.contract.data import CTX, LATER, sample_actors

NEWCOMER = Actor(id="org-newcomer", kind=ActorKind.ORGANISATION, name="Newcomer")


def _create(graph: GraphStore, context: WriteContext, ready: threading.Barrier | None) -> str:
    """One edit that creates the actor (after reading it absent, with ``ready``): ``"created"``,
    ``"found"`` or the refusal."""
    try:
        with graph.edit(context) as tx:
            if ready is not None and tx.actors_by_id([NEWCOMER.id]):
                return "found"  # a store whose edits run one at a time: the other one's
            if ready is not None:
                # both have read "absent" (a store whose edits run one at a time: go on)
                with contextlib.suppress(threading.BrokenBarrierError):
                    ready.wait(timeout=1.0)
            batch = GraphBatch(context.stamp())
            props = actor_properties(NEWCOMER)
            batch.add_actor(NEWCOMER, props, NEWCOMER.identity_keys(), new=True)
            tx.write(batch)
        return "created"
    except (DuplicateError, StoreConflict) as exc:
        return type(exc).__name__


def test_an_edit_creating_an_actor_that_exists_is_refused(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    graph.write_actors([NEWCOMER], CTX)
    version = graph.graph_version()
    assert _create(graph, LATER, None) == "DuplicateError"
    assert graph.graph_version() == version  # nothing committed, not even a change record
    assert graph.actors_by_id([NEWCOMER.id])[NEWCOMER.id].props["name"] == "Newcomer"


def test_two_edits_creating_one_actor_at_once_create_it_once(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    after = graph.graph_version()
    ready = threading.Barrier(2)
    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(lambda _: _create(graph, LATER, ready), range(2)))
    assert outcomes.count("created") == 1, outcomes
    # refused at the write or the commit (edits at once), or seen (edits one at a time)
    (other,) = (o for o in outcomes if o != "created")
    assert other in {"DuplicateError", "StoreConflict", "found"}, outcomes
    assert graph.actor_kinds([NEWCOMER.id]) == {NEWCOMER.id: "Organisation"}
    created = [
        entry
        for entry in graph.changes_since(after)
        if entry.kind == ChangeKind.ACTOR_CREATED.value and NEWCOMER.id in entry.targets
    ]
    assert len(created) == 1, created
