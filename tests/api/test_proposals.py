"""Proposals, history, revert and stale entries through the real app (memory store).

A contributor of one side proposes a link; it counts nowhere until an editor of the other side
confirms it (the proposer's own network editor may not); then it is a link, in the analytics at
once, with its history; a rejection carries its note back; two editors deciding at once: one
wins, the other is told. An edit records before/after; a revert restores it, is itself in the
history, and is refused when a later change touched the same field. Stale entries list a
network's old entries; confirming one takes it off the list."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.auth import Role, create_token
from graph_model.model import Actor, ActorKind, Link, LinkKind, SourceRef
from graph_model.port import GraphStore, WriteContext
from tests.api.conftest import data, gql, start, wait_ready

pytestmark = pytest.mark.memory

SOURCE = {"system": "test", "key": "proposals", "url": "https://example.org/accord"}
OLD = WriteContext(by="import", at=datetime.now(UTC) - timedelta(days=1_000))


@pytest.fixture(scope="module")
def graph(dataset: GraphStore) -> GraphStore:
    src = [SourceRef(system="test", key="proposals")]
    dataset.write_actors(
        [
            Actor(id="net-prop-a", kind=ActorKind.NETWORK, name="Réseau P-A", sources=src),
            Actor(id="net-prop-b", kind=ActorKind.NETWORK, name="Réseau P-B", sources=src),
            Actor(id="org-prop-a1", kind=ActorKind.ORGANISATION, name="Coop A1", sources=src),
            Actor(id="org-prop-b1", kind=ActorKind.ORGANISATION, name="Coop B1", sources=src),
        ],
        OLD,
    )
    dataset.write_links(
        [
            Link(
                kind=LinkKind.MEMBER_OF,
                source_id="org-prop-a1",
                target_id="net-prop-a",
                sources=src,
            ),
            Link(
                kind=LinkKind.MEMBER_OF,
                source_id="org-prop-b1",
                target_id="net-prop-b",
                sources=src,
            ),
        ],
        OLD,
    )
    return dataset


@pytest.fixture(scope="module")
def client(graph: GraphStore) -> Iterator[httpx.Client]:
    with start(graph) as opened:
        wait_ready(opened)
        yield opened


class Accounts:
    """Tokens standing for people (the sessions are tested in test_accounts.py): the same
    principals, with their networks, built as sessions build them."""

    def __init__(self, graph: GraphStore) -> None:
        from api.accounts import create_user, open_session
        from api.csrf import csrf_token

        self.sessions: dict[str, tuple[str, str]] = {}
        for key, name, role, network in (
            ("carla", "Carla P", Role.CONTRIBUTOR, "net-prop-a"),
            ("nina", "Nina P", Role.EDITOR, "net-prop-a"),
            ("bob", "Bob P", Role.EDITOR, "net-prop-b"),
            ("eve", "Eve P", Role.EDITOR, None),
            ("zoe", "Zoe P", Role.EDITOR, None),
        ):
            user, _ = create_user(graph, name, role, network=network, by="test")
            opened = open_session(graph, user)
            self.sessions[key] = (opened.secret, csrf_token(opened.secret))

    def post(self, client: httpx.Client, who: str, query: str, variables: Any = None) -> Any:
        secret, csrf = self.sessions[who]
        response = client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"X-CSRF-Token": csrf, "Cookie": f"maillage_session={secret}"},
        )
        return response.json()


@pytest.fixture(scope="module")
def people(graph: GraphStore) -> Accounts:
    return Accounts(graph)


PROPOSE = """mutation($input: LinkInput!) { proposeLink(input: $input) { __typename
  ... on Proposal { id status side actors link { kind from to } }
  ... on Problem { code message } } }"""
DECIDE = """mutation($id: ID!, $note: String) { %s(id: $id, note: $note) { __typename
  ... on ProposalDecided { proposal { status note decidedBy result } change
      link { id kind from { id } to { id } } }
  ... on ProposalTaken { message current { status } }
  ... on Problem { code message } } }"""
LINKS = """query($id: ID!) { actor(id: $id) { links { nodes { kind to { id } } } } }"""
PROPOSALS = """query($status: ProposalStatus, $network: ID) { proposals(status: $status,
  network: $network) { items { id status note proposedBy mayDecide link { from to } } } }"""
HISTORY = """query($of: ID!, $after: String) { history(of: $of, first: 5, after: $after) {
  items { id operation kind by before after revertible detail } endCursor hasNextPage } }"""
REVERT = """mutation($id: ID!) { revertChange(change: $id) { __typename
  ... on Reverted { change { id operation } reverts }
  ... on RevertRefused { message conflicts }
  ... on Problem { code message } } }"""


def _link_input(source: str, target: str, kind: str = "COOPERATES_WITH") -> dict[str, Any]:
    return {"input": {"from": source, "to": target, "kind": kind, "source": SOURCE}}


def _cooperations(client: httpx.Client, actor: str) -> list[str]:
    nodes = data(client, LINKS, {"id": actor})["actor"]["links"]["nodes"]
    return [n["to"]["id"] for n in nodes if n["kind"] == "COOPERATES_WITH"]


def test_a_link_proposed_by_one_side_is_confirmed_by_the_other(
    client: httpx.Client, people: Accounts
) -> None:
    proposed = people.post(client, "carla", PROPOSE, _link_input("org-prop-a1", "org-prop-b1"))
    proposal = proposed["data"]["proposeLink"]
    assert proposal["status"] == "PENDING" and proposal["side"] == "org-prop-a1"
    assert _cooperations(client, "org-prop-a1") == []  # no link, in no analytics
    listed = data(client, PROPOSALS, {"status": "PENDING", "network": "net-prop-b"})
    mine = [p for p in listed["proposals"]["items"] if p["id"] == proposal["id"]]
    assert mine and mine[0]["proposedBy"] == "hidden"  # the public sees it, not who
    assert mine[0]["mayDecide"] is False
    for who, may in (("nina", False), ("bob", True), ("eve", True), ("carla", False)):
        seen = people.post(client, who, PROPOSALS, {"status": "PENDING"})["data"]["proposals"]
        item = next(p for p in seen["items"] if p["id"] == proposal["id"])
        assert item["mayDecide"] is may, who
    # the proposer's own side may not confirm it
    refused = people.post(client, "nina", DECIDE % "confirmProposal", {"id": proposal["id"]})
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"
    variables = {"id": proposal["id"], "note": "d'accord"}
    answer = people.post(client, "bob", DECIDE % "confirmProposal", variables)
    confirmed = answer["data"]["confirmProposal"]
    assert confirmed["__typename"] == "ProposalDecided"
    assert confirmed["proposal"]["status"] == "CONFIRMED"
    assert confirmed["proposal"]["decidedBy"] == "Bob P"
    assert confirmed["link"]["from"]["id"] == "org-prop-a1"
    assert _cooperations(client, "org-prop-a1") == ["org-prop-b1"]  # a link now, at once
    history = people.post(client, "eve", HISTORY, {"of": confirmed["link"]["id"]})
    first = history["data"]["history"]["items"][0]
    assert first["operation"] == "link_actors" and first["by"] == "Bob P"
    assert first["detail"]["proposal"] == proposal["id"]
    assert first["detail"]["proposed_by"] == "Carla P"
    again = people.post(client, "eve", DECIDE % "rejectProposal", {"id": proposal["id"]})
    taken = again["data"]["rejectProposal"]
    assert taken["__typename"] == "ProposalTaken" and "Bob P" in taken["message"]


def test_a_rejection_carries_its_note_back(client: httpx.Client, people: Accounts) -> None:
    proposal = people.post(client, "carla", PROPOSE,
                           _link_input("org-prop-a1", "net-prop-b", "SUPPORTS"))  # fmt: skip
    proposal_id = proposal["data"]["proposeLink"]["id"]
    rejected = people.post(client, "bob", DECIDE % "rejectProposal",
                           {"id": proposal_id, "note": "aucune trace de ce soutien"})  # fmt: skip
    assert rejected["data"]["rejectProposal"]["proposal"]["status"] == "REJECTED"
    seen = people.post(client, "carla", PROPOSALS, {"status": "REJECTED"})
    mine = next(p for p in seen["data"]["proposals"]["items"] if p["id"] == proposal_id)
    assert mine["note"] == "aucune trace de ce soutien" and mine["proposedBy"] == "Carla P"


def _race(client: httpx.Client, people: Accounts, proposal_id: str) -> list[str]:
    """Eve confirms and Zoe rejects the same proposal at the same time."""

    def one(who: str) -> str:
        root = "confirmProposal" if who == "eve" else "rejectProposal"
        answer = people.post(client, who, DECIDE % root, {"id": proposal_id})
        return str(answer["data"][root]["__typename"])

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, ["eve", "zoe"]))


def test_two_editors_deciding_at_once_one_wins_the_other_is_told(
    client: httpx.Client, people: Accounts
) -> None:
    unlink = """mutation($input: UnlinkInput!) { unlinkActors(input: $input) { __typename } }"""
    for attempt in range(3):
        variables = _link_input("org-prop-a1", "net-prop-b", "FUNDS")
        proposal = people.post(client, "carla", PROPOSE, variables)
        outcomes = _race(client, people, proposal["data"]["proposeLink"]["id"])
        assert sorted(outcomes) == ["ProposalDecided", "ProposalTaken"], (attempt, outcomes)
        if outcomes[0] == "ProposalDecided":  # a FUNDS link was recorded: gone for the next
            removal = {**variables["input"], "remove": True}
            people.post(client, "eve", unlink, {"input": removal})


UPSERT = """mutation($input: ActorInput!) { upsertActor(input: $input) { __typename
  ... on ActorSaved { change { id } actor { name website } } ... on Problem { code message } } }"""


def test_an_edit_records_before_after_and_a_revert_restores_it(
    client: httpx.Client, people: Accounts
) -> None:
    edit = {"id": "org-prop-b1", "kind": "ORGANISATION", "name": "Coop B1 renommée",
            "website": "https://b1.example.org"}  # fmt: skip
    saved = people.post(client, "bob", UPSERT, {"input": edit})["data"]["upsertActor"]
    change = saved["change"]["id"]
    items = people.post(client, "eve", HISTORY, {"of": "org-prop-b1"})["data"]["history"]
    entry = items["items"][0]
    assert entry["id"] == change and entry["revertible"]
    assert entry["before"] == {"name": "Coop B1", "website": None}
    assert entry["after"] == {"name": "Coop B1 renommée", "website": "https://b1.example.org"}
    assert any(i["kind"] == "actor.created" for i in items["items"])  # the import's entry
    reverted = people.post(client, "eve", REVERT, {"id": change})["data"]["revertChange"]
    assert reverted["__typename"] == "Reverted" and reverted["reverts"] == change
    name = data(client, '{ actor(id: "org-prop-b1") { name website } }')["actor"]
    assert name == {"name": "Coop B1", "website": None}
    latest = people.post(client, "eve", HISTORY, {"of": "org-prop-b1"})["data"]["history"]
    assert latest["items"][0]["operation"] == "revert_actor"
    assert latest["items"][0]["detail"]["reverts"] == change
    # reverting the same change again: its fields are no longer what it left
    again = people.post(client, "eve", REVERT, {"id": change})["data"]["revertChange"]
    assert again["__typename"] == "RevertRefused"
    assert again["conflicts"] == [latest["items"][0]["id"]]
    assert "name" in again["message"] and "revert the later ones first" in again["message"]
    # the revert of the revert restores the edit
    back = people.post(client, "eve", REVERT, {"id": latest["items"][0]["id"]})
    assert back["data"]["revertChange"]["__typename"] == "Reverted"
    assert data(client, '{ actor(id: "org-prop-b1") { name } }')["actor"]["name"] == (
        "Coop B1 renommée"
    )


def test_a_link_recorded_then_reverted_is_removed(client: httpx.Client, people: Accounts) -> None:
    link = """mutation($input: LinkInput!) { linkActors(input: $input) { __typename
      ... on LinkSaved { change { id } link { id } } ... on Problem { code message } } }"""
    saved = people.post(client, "eve", link, _link_input("org-prop-b1", "net-prop-a", "CARRIES"))
    change = saved["data"]["linkActors"]["change"]["id"]
    reverted = people.post(client, "eve", REVERT, {"id": change})["data"]["revertChange"]
    assert reverted["__typename"] == "Reverted", reverted
    links = data(client, LINKS, {"id": "org-prop-b1"})["actor"]["links"]["nodes"]
    assert not [n for n in links if n["kind"] == "CARRIES"]
    # and its revert records it again
    again = people.post(client, "eve", REVERT, {"id": reverted["change"]["id"]})
    assert again["data"]["revertChange"]["__typename"] == "Reverted"
    links = data(client, LINKS, {"id": "org-prop-b1"})["actor"]["links"]["nodes"]
    assert [n["to"]["id"] for n in links if n["kind"] == "CARRIES"] == ["net-prop-a"]


def test_a_network_editor_cannot_revert_outside_its_network(
    client: httpx.Client, people: Accounts
) -> None:
    edit = {"id": "org-prop-a1", "kind": "ORGANISATION", "name": "Coop A1 bis"}
    change = people.post(client, "nina", UPSERT, {"input": edit})["data"]["upsertActor"]
    refused = people.post(client, "bob", REVERT, {"id": change["change"]["id"]})
    assert refused["errors"][0]["extensions"]["code"] == "outside_network"
    assert (
        people.post(client, "nina", REVERT, {"id": change["change"]["id"]})["data"]["revertChange"][
            "__typename"
        ]
        == "Reverted"
    )


STALE = """query($n: ID!) { staleEntries(network: $n) { months actors { actor { id }
  lastChanged } links { link { id kind from { id } } } } }"""
CONFIRM = """mutation($id: ID!, $from: ID, $until: Date) { confirmEntry(id: $id, from: $from,
  until: $until) { __typename ... on Problem { code message } } }"""


def test_stale_entries_are_listed_and_confirmed(client: httpx.Client, people: Accounts) -> None:
    stale = people.post(client, "nina", STALE, {"n": "net-prop-a"})["data"]["staleEntries"]
    assert stale["months"] == 24
    actors = {a["actor"]["id"] for a in stale["actors"]}
    assert "net-prop-a" in actors
    member = next(s for s in stale["links"] if s["link"]["kind"] == "MEMBER_OF")
    confirmed = people.post(client, "nina", CONFIRM, {"id": "net-prop-a"})
    assert confirmed["data"]["confirmEntry"]["__typename"] == "EntryConfirmed"
    ended = people.post(client, "nina", CONFIRM, {"id": member["link"]["id"],
                        "from": member["link"]["from"]["id"], "until": "2026-01-31"})  # fmt: skip
    assert ended["data"]["confirmEntry"]["__typename"] == "EntryConfirmed", ended
    after = people.post(client, "nina", STALE, {"n": "net-prop-a"})["data"]["staleEntries"]
    assert "net-prop-a" not in {a["actor"]["id"] for a in after["actors"]}
    assert member["link"]["id"] not in {s["link"]["id"] for s in after["links"]}


def test_a_contributor_token_can_propose_an_actor_confirmed_by_a_national_editor(
    client: httpx.Client, graph: GraphStore, people: Accounts
) -> None:
    token = create_token(graph, name="bot-contrib", role=Role.CONTRIBUTOR)[1]
    propose = """mutation($input: ActorInput!) { proposeActor(input: $input) { __typename
      ... on Proposal { id status actor } ... on Problem { code message } } }"""
    new = {"kind": "ORGANISATION", "name": "Nouvelle coop",
           "source": {"system": "test", "key": "nouvelle-coop"}}  # fmt: skip
    made = data(client, propose, {"input": new}, token=token)["proposeActor"]
    assert made["__typename"] == "Proposal" and made["actor"]["new"] is True
    actor_id = made["actor"]["id"]
    public = data(client, "query($id: ID!) { proposal(id: $id) { actor proposedBy } }",
                  {"id": made["id"]})["proposal"]  # fmt: skip
    assert public == {"actor": None, "proposedBy": "hidden"}
    assert data(client, "query($id: ID!) { actor(id: $id) { id } }", {"id": actor_id}) == {
        "actor": None
    }
    refused = people.post(client, "nina", DECIDE % "confirmProposal", {"id": made["id"]})
    assert refused["errors"][0]["extensions"]["code"] == "forbidden"
    done = people.post(client, "eve", DECIDE % "confirmProposal", {"id": made["id"]})
    assert done["data"]["confirmProposal"]["proposal"]["result"] == actor_id
    shown = data(client, "query($id: ID!) { actor(id: $id) { name } }", {"id": actor_id})
    assert shown["actor"]["name"] == "Nouvelle coop"
    upsert = gql(client, UPSERT, {"input": {"id": actor_id, "kind": "ORGANISATION",
                                            "name": "x"}}, token=token, status=403)  # fmt: skip
    assert upsert["errors"][0]["extensions"]["code"] == "forbidden"


def test_what_an_import_changed_is_in_the_history_and_reverted(
    client: httpx.Client, graph: GraphStore, people: Accounts
) -> None:
    from importers.field_changes import FieldChanges

    src = [SourceRef(system="test", key="import-fields")]
    actor = Actor(id="org-prop-imp", kind=ActorKind.ORGANISATION, name="Nom d'avant", sources=src)
    graph.write_actors([actor], WriteContext(run="run-before", by="import"))
    renamed = actor.model_copy(update={"name": "Nom importé"})
    graph.write_actors([renamed], WriteContext(run="run-after", by="import"))
    changes = FieldChanges(graph)
    changes.add("org-prop-imp", {"name": "Nom d'avant"}, {"name": "Nom importé"}, ["sheet:1"])
    record = changes.flush(WriteContext(run="run-after", by="import"))
    assert record is not None
    record()
    items = people.post(client, "eve", HISTORY, {"of": "org-prop-imp"})["data"]["history"]
    entry = next(i for i in items["items"] if i["operation"] == "import.fields")
    assert entry["before"] == {"name": "Nom d'avant"} and entry["after"] == {"name": "Nom importé"}
    assert entry["revertible"]
    reverted = people.post(client, "eve", REVERT, {"id": entry["id"]})["data"]["revertChange"]
    assert reverted["__typename"] == "Reverted", reverted
    shown = data(client, '{ actor(id: "org-prop-imp") { name } }')["actor"]["name"]
    assert shown == "Nom d'avant"
    again = people.post(client, "eve", REVERT, {"id": entry["id"]})["data"]["revertChange"]
    assert again["__typename"] == "RevertRefused"
