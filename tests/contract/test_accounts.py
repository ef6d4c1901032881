"""The port's accounts, sessions, sign-in links, proposals and history: the same assertions on
every implementation (``conftest.graph``: memory, ArcadeDB, Neo4j).

What a caller relies on: names are unique whatever their case; a sign-in link works once and
not after it expires; a session is found while open and unexpired only; a proposal claimed by
one editor cannot be claimed by another and is decided in the edit transaction that applies
it (or not at all); every write is logged, and no secret reaches the log; the history finds an
actor's audit entries and, within the scanned range, the imports' entries."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from graph_model.batch import GraphBatch
from graph_model.changes import ChangeKind, ChangeRecord
from graph_model.errors import DuplicateError
from graph_model.port import GraphStore, ProposalRecord, SessionRecord, UserRecord
from tests.contract.data import AT, CTX, LATER, Boom, sample_actors

HOUR = timedelta(hours=1)


def _alice(graph: GraphStore, name: str = "Alice Martin", network: str | None = None) -> str:
    user = UserRecord(id="usr-" + name.split(maxsplit=1)[0].lower(), name=name, role="editor",
                      network=network)  # fmt: skip
    graph.create_user(user, CTX)
    return user.id


def _logged(graph: GraphStore, after: int) -> list[ChangeRecord]:
    return graph.changes_since(after)


def test_a_user_is_found_by_id_or_name_and_names_are_unique(graph: GraphStore) -> None:
    before = graph.graph_version()
    user_id = _alice(graph, network="net-mes")
    found = graph.user("alice martin")
    assert found is not None and found == graph.user(user_id)
    assert (found.name, found.role, found.network, found.created_by) == (
        "Alice Martin", "editor", "net-mes", "alice",
    )  # fmt: skip
    assert found.password_hash is None and found.created_at is not None
    with pytest.raises(DuplicateError):
        graph.create_user(UserRecord(id="usr-other", name="ALICE MARTIN", role="editor"), CTX)
    assert [u.id for u in graph.users()] == [user_id]
    assert graph.user("nobody") is None
    changed = graph.set_user_role(user_id, "admin", None, LATER)
    assert changed is not None and (changed.role, changed.network) == ("admin", None)
    assert graph.set_user_role("usr-nobody", "admin", None, LATER) is None
    kinds = [(c.kind, c.targets) for c in _logged(graph, before) if c.kind == ChangeKind.USER]
    assert kinds[:2] == [("user", (user_id,)), ("user", (user_id,))]


def test_a_sign_in_link_works_once_and_not_after_it_expires(graph: GraphStore) -> None:
    user_id = _alice(graph)
    before = graph.graph_version()
    graph.create_sign_in_link("lnk-1", "hash-1", user_id, AT + HOUR, CTX)
    graph.create_sign_in_link("lnk-2", "hash-2", user_id, AT + HOUR, CTX)
    assert graph.redeem_sign_in_link("hash-9", "$argon2id$x", AT, CTX) is None
    redeemed = graph.redeem_sign_in_link("hash-1", "$argon2id$x", AT, CTX)
    assert redeemed is not None and redeemed.id == user_id
    assert graph.user(user_id).password_hash == "$argon2id$x"  # type: ignore[union-attr]
    assert graph.redeem_sign_in_link("hash-1", "$argon2id$y", AT, CTX) is None  # used
    assert graph.redeem_sign_in_link("hash-2", "$argon2id$y", AT + 2 * HOUR, CTX) is None
    assert graph.user(user_id).password_hash == "$argon2id$x"  # type: ignore[union-attr]
    logged = _logged(graph, before)
    assert {c.kind for c in logged} >= {"sign_in_link", "user"}
    text = " ".join(c.detail + " ".join(c.targets) for c in logged)
    assert "hash-" not in text and "argon2" not in text


def test_a_session_is_found_while_open_and_unexpired(graph: GraphStore) -> None:
    user_id = _alice(graph)
    session = SessionRecord(id="ses-1", user=user_id, created_at=AT, expires_at=AT + HOUR)
    graph.create_session(session, "digest-1", CTX)
    found = graph.session_by_hash("digest-1", AT)
    assert found is not None and (found.id, found.user) == ("ses-1", user_id)
    assert found.expires_at == AT + HOUR
    assert graph.session_by_hash("digest-1", AT + 2 * HOUR) is None  # expired
    assert graph.session_by_hash("digest-9", AT) is None
    ended = graph.end_session("digest-1", AT, LATER)
    assert ended is not None and ended.targets == ("ses-1",)
    assert graph.session_by_hash("digest-1", AT) is None
    assert graph.end_session("digest-1", AT, LATER) is None
    with pytest.raises(DuplicateError):
        graph.create_session(session, "digest-2", CTX)


def _proposal(number: int, actors: tuple[str, ...], status: str = "pending") -> ProposalRecord:
    return ProposalRecord(
        id=f"prp-{number:04d}",
        kind="link",
        status=status,
        payload=json.dumps({"from": actors[0], "to": actors[-1]}),
        actors=actors,
        side=actors[0],
        proposed_by="carla",
        proposer="usr-carla",
        network="net-mes",
        created_at=AT,
    )


def test_proposals_are_listed_by_status_actor_and_page(graph: GraphStore) -> None:
    for number, ends in enumerate([("a", "b"), ("b", "c"), ("c", "d")], start=1):
        graph.create_proposal(_proposal(number, ends), CTX)
    assert graph.proposal("prp-0001") == _proposal(1, ("a", "b"))
    assert graph.proposal("prp-9999") is None
    listed = graph.proposals("pending", None)
    assert [p.id for p in listed] == ["prp-0001", "prp-0002", "prp-0003"]
    assert [p.id for p in graph.proposals("pending", ["b"])] == ["prp-0001", "prp-0002"]
    assert [p.id for p in graph.proposals(None, ["d", "x"])] == ["prp-0003"]
    assert [p.id for p in graph.proposals(None, None, after="prp-0001", limit=1)] == ["prp-0002"]
    assert graph.proposals("confirmed", None) == []
    with pytest.raises(DuplicateError):
        graph.create_proposal(_proposal(1, ("a", "b")), CTX)


def test_a_proposal_claimed_by_one_editor_stops_another(graph: GraphStore) -> None:
    graph.create_proposal(_proposal(1, ("a", "b")), CTX)
    stale = AT - HOUR
    claimed = graph.claim_proposal("prp-0001", "claim-a", at=AT, stale=stale)
    assert claimed is not None and claimed.status == "deciding"
    assert graph.claim_proposal("prp-0001", "claim-b", at=AT, stale=stale) is None
    assert graph.claim_proposal("prp-9999", "claim-b", at=AT, stale=stale) is None
    with graph.edit(LATER) as tx:
        assert not tx.decide_proposal("prp-0001", "claim-b", "rejected", "no", None)
    with graph.edit(LATER) as tx:
        assert tx.decide_proposal("prp-0001", "claim-a", "rejected", "pas de source", None)
    decided = graph.proposal("prp-0001")
    assert decided is not None
    assert (decided.status, decided.note, decided.decided_by) == (
        "rejected",
        "pas de source",
        "bob",
    )
    assert decided.decided_at is not None
    assert graph.claim_proposal("prp-0001", "claim-c", at=AT, stale=AT + HOUR) is None


def test_a_decision_commits_with_its_edit_or_not_at_all(graph: GraphStore) -> None:
    graph.create_proposal(_proposal(1, ("net-mes", "adv-ess-france")), CTX)
    claimed = graph.claim_proposal("prp-0001", "claim-a", at=AT, stale=AT - HOUR)
    assert claimed is not None
    actor = sample_actors()[0]
    with pytest.raises(Boom), graph.edit(LATER) as tx:
        batch = GraphBatch(LATER.stamp())
        batch.add_actor(actor, {"name": actor.name, "kind": actor.kind.value}, [], new=True)
        tx.write(batch)
        assert tx.decide_proposal("prp-0001", "claim-a", "confirmed", None, "net-mes")
        raise Boom
    assert graph.proposal("prp-0001").status == "deciding"  # type: ignore[union-attr]
    assert graph.actors_by_id(["net-mes"]) == {}
    assert graph.release_proposal("prp-0001", "claim-b") is None
    assert graph.release_proposal("prp-0001", "claim-a") is not None
    assert graph.proposal("prp-0001").status == "pending"  # type: ignore[union-attr]
    assert graph.claim_proposal("prp-0001", "claim-b", at=AT, stale=AT - HOUR) is not None


def test_a_stale_claim_is_taken_over(graph: GraphStore) -> None:
    graph.create_proposal(_proposal(1, ("a", "b")), CTX)
    assert graph.claim_proposal("prp-0001", "claim-a", at=AT, stale=AT - HOUR) is not None
    taken = graph.claim_proposal("prp-0001", "claim-b", at=AT + 2 * HOUR, stale=AT + HOUR)
    assert taken is not None


def _audit(change_id: str, target: str) -> ChangeRecord:
    return ChangeRecord(
        id=change_id, at=AT, by="alice", operation="update_actor", target=target,
        detail=json.dumps({"before": {"name": "A"}, "after": {"name": "B"}}),
    )  # fmt: skip


def test_the_history_of_an_actor_holds_its_edits_and_imports(graph: GraphStore) -> None:
    graph.write_actors(sample_actors()[:2], CTX)  # an import: actor.created, targets both
    first = graph.graph_version()
    for number in range(3):
        with graph.edit(LATER) as tx:
            tx.record_change(_audit(f"chg-audit-{number}", "net-mes"))
    with graph.edit(LATER) as tx:
        tx.record_change(_audit("chg-audit-other", "adv-ess-france"))
    history = graph.history("net-mes")
    ids = [c.id for c in history]
    assert ids[:3] == ["chg-audit-2", "chg-audit-1", "chg-audit-0"]
    assert any(c.kind == "actor.created" and c.seq == first for c in history)
    assert "chg-audit-other" not in ids
    assert [c.id for c in graph.history("net-mes", limit=2)] == ids[:2]
    older = graph.history("net-mes", before=history[1].seq)
    assert older[0].id == "chg-audit-0" and older[-1].id == history[-1].id
    assert all(c.seq < history[1].seq for c in older)
    # the imports' entries are looked for in the scanned range only; the audit ones always
    recent = graph.history("net-mes", scan=2)
    assert [c.id for c in recent] == ["chg-audit-2", "chg-audit-1", "chg-audit-0"]
    assert graph.history("nobody") == []
    assert graph.change("chg-audit-1") == next(c for c in history if c.id == "chg-audit-1")
    assert graph.change("chg-nothing") is None
