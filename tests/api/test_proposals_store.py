"""Deciding proposals on every store (``graph``: memory, ArcadeDB, Neo4j): the claim and the
decision written with the link in one transaction, through the port only.

On the servers two editors deciding the same proposal in two threads really race for the
claim (a write conflict on ArcadeDB, a node lock on Neo4j): one wins, the other is told. An
actor removed after the proposal was made (by a hand in the database: the port has no
removal) fails the confirmation, writes nothing, and leaves the proposal pending."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from api.auth import Principal, Role
from api.proposals import ProposalTaken, decide, propose_link
from graph_model.errors import NotFound
from graph_model.model import Actor, ActorKind, Link, LinkKind, SourceRef
from graph_model.port import GraphStore, WriteContext
from queries.store import BoltGraph

SRC = [SourceRef(system="test", key="store")]
CARLA = Principal(token_id=None, name="Carla", role=Role.CONTRIBUTOR, user="usr-carla",
                  network="net-s-a")  # fmt: skip
EVE = Principal(token_id=None, name="Eve", role=Role.EDITOR, user="usr-eve")
ZOE = Principal(token_id=None, name="Zoe", role=Role.EDITOR, user="usr-zoe")


def _scenery(graph: GraphStore) -> None:
    ctx = WriteContext(by="test", at=datetime.now(UTC))
    graph.write_actors(
        [
            Actor(id="net-s-a", kind=ActorKind.NETWORK, name="Réseau S-A", sources=SRC),
            Actor(id="org-s-a1", kind=ActorKind.ORGANISATION, name="A1", sources=SRC),
            Actor(id="org-s-b1", kind=ActorKind.ORGANISATION, name="B1", sources=SRC),
        ],
        ctx,
    )
    graph.write_links(
        [Link(kind=LinkKind.MEMBER_OF, source_id="org-s-a1", target_id="net-s-a", sources=SRC)],
        ctx,
    )


def _proposal(graph: GraphStore, kind: LinkKind = LinkKind.COOPERATES_WITH) -> str:
    link = Link(kind=kind, source_id="org-s-a1", target_id="org-s-b1", sources=SRC)
    proposal = propose_link(graph, link, CARLA)
    assert proposal.side == "org-s-a1" and proposal.status == "pending"
    return proposal.id


def test_a_confirmation_writes_the_link_and_the_decision_together(graph: GraphStore) -> None:
    _scenery(graph)
    proposal_id = _proposal(graph)
    assert graph.links_between("org-s-a1", "org-s-b1", LinkKind.COOPERATES_WITH) == []
    assert [r for r in graph.stream_links() if r["kind"] == "COOPERATES_WITH"] == []
    decided = decide(graph, proposal_id, EVE, confirm=True, note=None)
    assert decided.link is not None and decided.proposal.status == "confirmed"
    assert decided.proposal.result == decided.link.id
    stored = graph.links_between("org-s-a1", "org-s-b1", LinkKind.COOPERATES_WITH)
    assert [link.id for link in stored] == [decided.link.id]
    seq = graph.graph_version()
    entries = [c for c in graph.changes_since(seq - 1) if c.seq == seq]
    assert {c.kind for c in entries} >= {"link.created", "proposal", "edit"}


def _race(graph: GraphStore, proposal_id: str) -> list[str]:
    """Eve confirms and Zoe rejects the same proposal, in two threads started together."""
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def decide_as(who: Principal, confirm: bool) -> None:
        start.wait()
        try:
            decide(graph, proposal_id, who, confirm=confirm, note=who.name)
            outcomes.append("decided")
        except ProposalTaken:
            outcomes.append("taken")

    threads = [
        threading.Thread(target=decide_as, args=(EVE, True)),
        threading.Thread(target=decide_as, args=(ZOE, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_two_editors_at_once_one_wins_the_other_is_told(graph: GraphStore) -> None:
    _scenery(graph)
    for kind in (LinkKind.COOPERATES_WITH, LinkKind.SUPPORTS, LinkKind.FUNDS, LinkKind.CARRIES):
        proposal_id = _proposal(graph, kind)
        outcomes = _race(graph, proposal_id)
        assert sorted(outcomes) == ["decided", "taken"], (kind, outcomes)
        final = graph.proposal(proposal_id)
        assert final is not None and final.status in ("confirmed", "rejected")
        links = graph.links_between("org-s-a1", "org-s-b1", kind)
        assert len(links) == (1 if final.status == "confirmed" else 0)


def test_an_actor_removed_meanwhile_fails_the_confirmation(graph: GraphStore) -> None:
    if not isinstance(graph, BoltGraph):
        pytest.skip("only a hand in the database removes an actor: the port has no removal")
    _scenery(graph)
    proposal_id = _proposal(graph)
    graph.store.commit([("MATCH (a:Actor {id: $id}) DETACH DELETE a", {"id": "org-s-b1"})])
    with pytest.raises(NotFound, match="org-s-b1"):
        decide(graph, proposal_id, EVE, confirm=True, note=None)
    again = graph.proposal(proposal_id)
    assert again is not None and again.status == "pending"  # released: an editor rejects it
    assert graph.links_between("org-s-a1", "org-s-b1", LinkKind.COOPERATES_WITH) == []
    rejected = decide(graph, proposal_id, EVE, confirm=False, note="l'acteur a disparu")
    assert rejected.proposal.status == "rejected" and rejected.proposal.note == (
        "l'acteur a disparu"
    )
