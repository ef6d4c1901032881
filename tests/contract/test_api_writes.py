"""The API's writes (``api.editing``, ``api.auth``) through the port on every backend: what a
person's edit leaves in the graph, and its change record, are the same on the memory graph and
on each server.

The edits need the territories of the places they name (``_check_places`` reads the shipped
reference; the links need the nodes): a slice of the reference is loaded first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import TypeVar

import pytest
from neo4j import exceptions as neo4j_errors

from api.auth import Role, TokenVerifier, Unauthenticated, create_token, list_tokens, revoke_token
from api.editing import (
    Author,
    DuplicateLink,
    KindChangeRefused,
    LinkNotFound,
    link_actors,
    unlink_actors,
    upsert_actor,
)
from graph_model.model import Link, LinkKind, SourceRef
from graph_model.port import GraphEdit, GraphStore, WriteContext
from graph_model.retry import StoreConflict
from queries.store.adapter import Store
from tests.contract.data import reference_slice

ALICE = Author(name="alice", token_id="tok-alice")
SHEET = SourceRef(system="sheet", key="line 3")
T = TypeVar("T")


@pytest.fixture
def places(graph: GraphStore) -> GraphStore:
    graph.load_territories(reference_slice(), WriteContext(by="setup"))
    return graph


def test_an_actor_created_then_updated_by_an_edit(places: GraphStore) -> None:
    graph = places
    given = {
        "kind": "Organisation",
        "name": "Coop Lyon",
        "commune": "69381",
        "active_in": ["region:84"],
        "source": SHEET,
    }
    actor_id, created, change = upsert_actor(graph, given, ALICE)
    assert created and actor_id.startswith("mai-")
    props = graph.actors_by_id([actor_id])[actor_id].props
    assert (props["name"], props["departement"], props["region"]) == ("Coop Lyon", "69", "84")
    assert (props["created_by"], props["updated_by"], props["location_precision"]) == (
        "alice",
        "alice",
        "commune",
    )
    assert graph.resolve_keys(["sheet:line 3"]) == {"sheet:line 3": actor_id}
    assert {(p.relation, p.territory) for p in graph.places_of([actor_id])} == {
        ("LOCATED_IN", "commune:69381"),
        ("ACTIVE_IN", "region:84"),
    }

    again, created_again, second = upsert_actor(
        graph,
        {
            "kind": "Organisation",
            "source": SHEET,
            "commune": "69123",
            "active_in": ["departement:69"],
        },
        Author("bob", None),
    )
    assert (again, created_again) == (actor_id, False)
    props = graph.actors_by_id([actor_id])[actor_id].props
    assert (props["name"], props["commune"], props["updated_by"], props["created_by"]) == (
        "Coop Lyon",
        "69123",
        "bob",
        "alice",
    )
    assert {(p.relation, p.territory) for p in graph.places_of([actor_id])} == {
        ("LOCATED_IN", "commune:69123"),
        ("ACTIVE_IN", "departement:69"),
    }
    changes = graph.changes(actor_id, 10)
    assert [(c.id, c.operation, c.by, c.token) for c in changes] == [
        (second.id, "update_actor", "bob", None),
        (change.id, "create_actor", "alice", "tok-alice"),
    ]
    assert changes[1].at == change.at and changes[1].at.tzinfo is not None

    with pytest.raises(KindChangeRefused):
        upsert_actor(graph, {"kind": "Project", "id": actor_id}, ALICE)
    assert graph.actor_kinds([actor_id]) == {actor_id: "Organisation"}
    assert len(graph.changes(actor_id, 10)) == 2


def test_links_recorded_refused_ended_and_removed_by_edits(places: GraphStore) -> None:
    graph = places
    a, _, _ = upsert_actor(graph, {"kind": "Network", "id": "net-lyon", "name": "Réseau"}, ALICE)
    b, _, _ = upsert_actor(graph, {"kind": "Project", "id": "prj-lyon", "name": "Projet"}, ALICE)
    link = Link(
        kind=LinkKind.CARRIES, source_id=a, target_id=b, since=date(2020, 1, 1), sources=[SHEET]
    )
    written, change = link_actors(graph, link, ALICE)
    assert (written.id, written.kind, written.since, written.updated_by) == (
        link.id,
        "CARRIES",
        date(2020, 1, 1),
        "alice",
    )
    assert written.created_at is not None
    with pytest.raises(DuplicateLink):
        link_actors(graph, link.model_copy(update={"since": date(2021, 1, 1)}), ALICE)
    assert len(graph.links_between(a, b, LinkKind.CARRIES)) == 1

    ended, end_change = unlink_actors(
        graph,
        source_id=a,
        target_id=b,
        kind=LinkKind.CARRIES,
        until=date(2024, 6, 30),
        source=SourceRef(system="sheet", key="line 9"),
        remove=False,
        author=ALICE,
    )
    assert [(e.id, e.until) for e in ended] == [(link.id, date(2024, 6, 30))]
    (stored,) = graph.links_between(a, b, LinkKind.CARRIES)
    assert stored.until == date(2024, 6, 30) and len(stored.sources) == 2
    with pytest.raises(LinkNotFound):
        unlink_actors(
            graph,
            source_id=a,
            target_id=b,
            kind=LinkKind.CARRIES,
            until=date(2025, 1, 1),
            source=SHEET,
            remove=False,
            author=ALICE,
        )

    removed, remove_change = unlink_actors(
        graph,
        source_id=a,
        target_id=b,
        kind=LinkKind.CARRIES,
        until=date(2024, 1, 1),
        source=SHEET,
        remove=True,
        author=ALICE,
    )
    assert [r.id for r in removed] == [link.id]
    assert graph.links_between(a, b, LinkKind.CARRIES) == []
    assert [c.operation for c in graph.changes(link.id, 10)] == [
        "remove_link",
        "end_link",
        "link_actors",
    ]
    assert {c.id for c in graph.changes(link.id, 10)} == {
        change.id,
        end_change.id,
        remove_change.id,
    }


def test_tokens_through_the_api(graph: GraphStore) -> None:
    token_id, secret = create_token(graph, name="import-bot", role=Role.EDITOR, created_by="alice")
    assert secret and token_id.startswith("tok-")
    verifier = TokenVerifier(graph, cache_seconds=0)
    principal = verifier.verify(secret)
    assert (principal.name, principal.role) == ("import-bot", Role.EDITOR)
    (info,) = list_tokens(graph)
    assert (info.id, info.name, info.role, info.created_by) == (
        token_id,
        "import-bot",
        Role.EDITOR,
        "alice",
    )
    assert info.created_at is not None and info.created_at <= datetime.now(UTC)
    assert [t.id for t in revoke_token(graph, "import-bot")] == [token_id]
    (info,) = list_tokens(graph)
    assert info.revoked_at is not None and info.revoked_at <= datetime.now(UTC)
    with pytest.raises(Unauthenticated):
        verifier.verify(secret)


def _at_once(count: int, call: Callable[[], T]) -> list[T | Exception]:
    """``call`` from ``count`` threads released together; each result or its error."""
    barrier = threading.Barrier(count)

    def run() -> T | Exception:
        barrier.wait()
        try:
            return call()
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: run(), range(count)))


def test_identical_links_at_once_make_one_link_and_one_change(places: GraphStore) -> None:
    graph = places
    ends = [
        upsert_actor(graph, {"kind": kind, "name": name, "source": source}, ALICE)[0]
        for kind, name, source in (
            ("Organisation", "Coop A", SourceRef(system="sheet", key="a")),
            ("Network", "Réseau B", SourceRef(system="sheet", key="b")),
        )
    ]
    link = Link(
        kind=LinkKind.MEMBER_OF, source_id=ends[0], target_id=ends[1], since=date(2020, 1, 1),
        sources=[SHEET],
    )  # fmt: skip
    results = _at_once(8, lambda: link_actors(graph, link, ALICE))
    saved = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, DuplicateLink)]
    assert len(saved) == 1 and len(refused) == 7, results
    assert saved[0][0].id == link.id and {r.existing.id for r in refused} == {link.id}
    assert [s.id for s in graph.links_between(ends[0], ends[1], LinkKind.MEMBER_OF)] == [link.id]
    assert [c.operation for c in graph.changes(link.id, 10)] == ["link_actors"]


def test_identical_upserts_without_id_at_once_make_one_actor(places: GraphStore) -> None:
    graph = places
    given = {"kind": "Organisation", "name": "Coop C", "source": SourceRef(system="sheet", key="c")}
    results = _at_once(8, lambda: upsert_actor(graph, given, ALICE))
    assert all(isinstance(r, tuple) for r in results), results
    ids = {r[0] for r in results if isinstance(r, tuple)}
    created = [r[1] for r in results if isinstance(r, tuple)]
    assert len(ids) == 1 and created.count(True) == 1 and created.count(False) == 7
    (actor_id,) = ids
    operations = [c.operation for c in graph.changes(actor_id, 20)]
    assert sorted(operations) == ["create_actor"] + ["update_actor"] * 7


def test_a_transient_conflict_is_retried_and_a_lasting_one_is_explained(
    places: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = places
    edit = graph.edit
    refusals = iter([True, True])  # the store refuses the first two tries

    def flaky(context: WriteContext) -> AbstractContextManager[GraphEdit]:
        if next(refusals, False):
            raise StoreConflict("Please retry the operation")
        return edit(context)

    monkeypatch.setattr(graph, "edit", flaky)
    given = {"kind": "Organisation", "name": "Coop D", "source": SourceRef(system="s", key="d")}
    actor_id, created, _ = upsert_actor(graph, given, ALICE)
    assert created and graph.actors_by_id([actor_id])
    assert len(graph.changes(actor_id, 10)) == 1

    def refused(context: WriteContext) -> AbstractContextManager[GraphEdit]:
        raise StoreConflict("Slot rebase not possible")

    monkeypatch.setattr(graph, "edit", refused)
    with pytest.raises(StoreConflict, match=r"5 times .* try again in a moment"):
        upsert_actor(graph, given, ALICE)


@pytest.mark.parametrize(
    "error",
    [
        neo4j_errors.TransientError("Neo.TransientError.Transaction.DeadlockDetected"),
        neo4j_errors.DatabaseError("Slot rebase not possible … Please retry the operation"),
    ],
)
def test_the_adapter_names_transient_conflicts(error: Exception) -> None:
    store = object.__new__(Store)
    with pytest.raises(StoreConflict) as conflict:
        store._translate(error)
    assert "try again" in str(conflict.value) and "Slot rebase" not in str(conflict.value)
