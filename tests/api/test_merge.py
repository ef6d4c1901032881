"""Duplicate candidates merged field by field through the real app (memory store).

Two member lists name the same garden differently: the second import holds its row as a
duplicate candidate. An editor compares the two side by side and merges them, field by field:
one change (in the history, with before/after; reverted as any edit), the record's name kept as
an alias with its source, the decision remembered (the same file imported again joins the actor
and is not held again). Roles: anonymous, reader, contributor refused; a network editor merges
its network's actors only. Bad cases: a candidate decided already, an actor removed meanwhile,
unknown fields and sides a field does not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth import Role, create_token
from graph_model.batch import GraphBatch
from graph_model.model import Actor, ActorKind, Link, LinkKind, SourceRef
from graph_model.port import GraphStore, WriteContext
from importers.formats.spreadsheet import SpreadsheetReader
from importers.pipeline import ImportOptions, Pipeline
from tests.api.conftest import data, error_codes, gql, start, wait_ready

pytestmark = pytest.mark.memory

FIRST = "\n".join(
    [
        "Nom;Forme juridique;Code postal;Ville;Site web;Thématiques",
        "Les Jardins du Bocage Merge;Association;14000;Caen;https://jardins-bocage.example.org;"
        "Agriculture paysanne",
    ]
)
SECOND = "\n".join(
    [
        "Nom;Forme juridique;Code postal;Ville;Site web;Email;Latitude;Longitude;Thématiques",
        "Maison des Jardins du Bocage Merge;SCIC;14200;Hérouville-Saint-Clair;;"
        "maison@jardins-bocage.example.org;49.2;-0.33;Alimentation",
    ]
)

COMPARE = """query($id: ID!) { duplicateComparison(id: $id) { candidate status recordAlias
  actor { id name } fields { field record actor differs sides } } }"""
MERGE = """mutation($id: ID!, $choices: [FieldChoice!]!) {
  mergeCandidate(id: $id, choices: $choices, note: "vu au téléphone") { __typename
    ... on CandidateMerged { change actor { id name legalForm website
        location { latitude precision } } }
    ... on InvalidInput { field }
    ... on Problem { code message } } }"""
CHOICES = [
    {"field": "name", "side": "ACTOR"},
    {"field": "legalForm", "side": "RECORD"},
    {"field": "commune", "side": "RECORD"},
    {"field": "position", "side": "RECORD"},
    {"field": "email", "side": "RECORD"},
    {"field": "themes", "side": "BOTH"},
]


def _import(graph: GraphStore, folder: Path, name: str, text: str, system: str) -> dict[str, int]:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    summary = Pipeline(graph, SpreadsheetReader(path, system=system), ImportOptions()).run()
    return {k.value: v for k, v in summary.outcomes.items()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("merge")


@pytest.fixture(scope="module")
def graph(dataset: GraphStore, folder: Path) -> GraphStore:
    """The garden (a member of net-merge-a) and the second list's row, held."""
    assert _import(dataset, folder, "first.csv", FIRST, "sheet-merge-a") == {"created": 1}
    assert _import(dataset, folder, "second.csv", SECOND, "sheet-merge-b") == {"candidate": 1}
    garden = next(c.actor for c in dataset.candidates("pending") if "Merge" in c.record_name)
    src = [SourceRef(system="test", key="merge")]
    context = WriteContext(by="test")
    dataset.write_actors(
        [
            Actor(id="net-merge-a", kind=ActorKind.NETWORK, name="Réseau Merge A", sources=src),
            Actor(id="net-merge-b", kind=ActorKind.NETWORK, name="Réseau Merge B", sources=src),
        ],
        context,
    )
    link = Link(kind=LinkKind.MEMBER_OF, source_id=garden, target_id="net-merge-a", sources=src)
    dataset.write_links([link], context)
    return dataset


@pytest.fixture(scope="module")
def client(graph: GraphStore) -> Iterator[httpx.Client]:
    with start(graph) as opened:
        wait_ready(opened)
        yield opened


class People:
    """Accounts signed in (sessions, with their CSRF token): national, or a network's editor."""

    def __init__(self, graph: GraphStore) -> None:
        from api.accounts import create_user, open_session
        from api.csrf import csrf_token

        self.sessions: dict[str, tuple[str, str]] = {}
        for key, name, network in (
            ("eve", "Eve Merge", None),
            ("bob", "Bob Merge", "net-merge-b"),
            ("mia", "Mia Merge", "net-merge-a"),
        ):
            user, _ = create_user(graph, name, Role.EDITOR, network=network, by="test")
            opened = open_session(graph, user)
            self.sessions[key] = (opened.secret, csrf_token(opened.secret))

    def post(self, client: httpx.Client, who: str, query: str, variables: Any) -> Any:
        secret, csrf = self.sessions[who]
        response = client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"X-CSRF-Token": csrf, "Cookie": f"maillage_session={secret}"},
        )
        return response.json()


@pytest.fixture(scope="module")
def people(graph: GraphStore) -> People:
    return People(graph)


def _held(graph: GraphStore, name: str, actor: str, key: str) -> str:
    """Another candidate of the same record shape, held against ``actor``."""
    from importers.records import ActorRecord

    record = ActorRecord(line=2, raw={}, source=SourceRef(system="test", key=key), name=name)
    candidate = f"dup-merge-{key}"
    props = {
        "actor": actor, "score": 0.9, "reasons": "test", "record_name": name,
        "record_alias": record.source.alias, "payload": record.to_json(), "format": "test",
        "file_name": "test.csv", "line": 2,
    }  # fmt: skip
    batch = GraphBatch(WriteContext().stamp())
    batch.add_candidate(candidate, props)
    graph.write_batch(batch)
    return candidate


def _fields(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["field"]: f for f in answer["duplicateComparison"]["fields"]}


def test_an_editor_merges_field_by_field_in_one_change_remembered_and_revertible(
    client: httpx.Client, graph: GraphStore, folder: Path
) -> None:
    candidate = next(c for c in graph.candidates("pending") if "Merge" in c.record_name)
    token = create_token(graph, name="merge-editor", role=Role.EDITOR)[1]
    compared = data(client, COMPARE, {"id": candidate.id}, token=token)
    fields = _fields(compared)
    assert compared["duplicateComparison"]["actor"]["name"] == "Les Jardins du Bocage Merge"
    assert fields["name"]["record"] == "Maison des Jardins du Bocage Merge"
    assert fields["legalForm"] == {
        "field": "legalForm", "record": "SCIC", "actor": "Association", "differs": True,
        "sides": ["RECORD", "ACTOR"],
    }  # fmt: skip
    assert fields["commune"]["record"] == "14327" and fields["commune"]["actor"] == "14118"
    assert fields["website"]["differs"] is False  # the record says nothing: nothing to choose
    assert fields["themes"]["sides"] == ["RECORD", "ACTOR", "BOTH"]
    assert fields["kind"]["sides"] == []  # shown, fixed at creation

    merged = data(client, MERGE, {"id": candidate.id, "choices": CHOICES}, token=token)
    answer = merged["mergeCandidate"]
    assert answer["__typename"] == "CandidateMerged", answer
    actor = answer["actor"]
    assert actor["name"] == "Les Jardins du Bocage Merge"  # the actor's name, chosen
    assert actor["legalForm"] == "SCIC" and actor["website"] == "https://jardins-bocage.example.org"
    assert actor["location"]["latitude"] == 49.2 and actor["location"]["precision"] == "EXACT"
    stored = graph.actors_by_id([actor["id"]])[actor["id"]].props
    assert stored["commune"] == "14327"
    assert stored["email"] == "maison@jardins-bocage.example.org"
    assert sorted(stored["themes"]) == ["maillage:agriculture-paysanne", "maillage:alimentation"]
    # the record's name that lost stays as an alias with its source; its key names the actor
    aliases = graph.aliases_of([actor["id"]])[actor["id"]]
    assert "name@sheet-merge-b:Maison des Jardins du Bocage Merge" in aliases
    assert graph.resolve_keys([candidate.record_alias]) == {candidate.record_alias: actor["id"]}

    # one change, in the history, with before and after
    history = data(
        client,
        "query($of: ID!) { history(of: $of, first: 5) { items { id operation before after "
        "detail revertible } } }",
        {"of": actor["id"]},
        token=token,
    )["history"]["items"]
    assert history[0]["id"] == answer["change"] and history[0]["operation"] == "update_actor"
    assert history[0]["detail"]["merged_candidate"] == candidate.id
    assert history[0]["before"]["legal_form"] == "Association"
    assert history[0]["after"]["legal_form"] == "SCIC" and history[0]["revertible"] is True

    # the decision is kept as an accept: importing the same list again holds nothing
    (decided,) = [c for c in graph.candidates("accepted") if c.id == candidate.id]
    assert decided.result == actor["id"] and decided.note == "vu au téléphone"
    again = _import(graph, folder, "second.csv", SECOND, "sheet-merge-b")
    assert "candidate" not in again, again
    assert not [c for c in graph.candidates("pending") if "Merge" in c.record_name]

    # reverting the merge restores what the actor held
    revert = """mutation($c: ID!) { revertChange(change: $c) { __typename
      ... on Problem { message } } }"""
    reverted = data(client, revert, {"c": answer["change"]}, token=token)["revertChange"]
    assert reverted["__typename"] == "Reverted", reverted
    after = graph.actors_by_id([actor["id"]])[actor["id"]].props
    assert after["legal_form"] == "Association" and after["commune"] == "14118"
    assert after.get("email") is None


def test_who_may_merge(client: httpx.Client, graph: GraphStore, people: People) -> None:
    garden = graph.resolve_keys(["sheet-merge-a:les jardins du bocage merge|14000"])
    actor = next(iter(garden.values()))
    choices = [{"field": "name", "side": "RECORD"}]
    variables = {"id": _held(graph, "X", actor, "anon"), "choices": choices}
    anonymous = gql(client, MERGE, variables, status=401)
    assert error_codes(anonymous) == ["unauthenticated"]
    for role in (Role.READER, Role.CONTRIBUTOR):
        token = create_token(graph, name=f"merge-{role.value}", role=role)[1]
        refused = gql(client, MERGE, variables, token=token, status=None)
        assert error_codes(refused) == ["forbidden"], role
    # an editor of the other network: refused, the candidate pending again
    other = people.post(client, "bob", MERGE, {"id": "dup-merge-anon", "choices": choices})
    assert error_codes(other) == ["outside_network"]
    assert graph.candidate("dup-merge-anon")["status"] == "pending"  # type: ignore[index]
    # a national editor merges it
    mine = people.post(client, "eve", MERGE, {"id": "dup-merge-anon", "choices": choices})
    assert mine["data"]["mergeCandidate"]["__typename"] == "CandidateMerged", mine
    assert mine["data"]["mergeCandidate"]["actor"]["name"] == "X"


def test_a_network_editor_merges_its_networks_actors(
    client: httpx.Client, graph: GraphStore, people: People
) -> None:
    garden = graph.resolve_keys(["sheet-merge-a:les jardins du bocage merge|14000"])
    actor = next(iter(garden.values()))
    held = _held(graph, "Jardins du Bocage (Mia)", actor, "mia")
    choices = [{"field": "name", "side": "ACTOR"}]
    answer = people.post(client, "mia", MERGE, {"id": held, "choices": choices})
    assert answer["data"]["mergeCandidate"]["__typename"] == "CandidateMerged", answer
    # but not a candidate resembling an actor outside net-merge-a
    outside = _held(graph, "Mouvement (Mia)", "net-mes", "mia-out")
    refused = people.post(client, "mia", MERGE, {"id": outside, "choices": choices})
    assert error_codes(refused) == ["outside_network"]


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        ([{"field": "colour", "side": "RECORD"}], "choices"),
        ([{"field": "name", "side": "BOTH"}], "choices"),
        ([{"field": "kind", "side": "RECORD"}], "choices"),
        ([{"field": "aliases", "side": "RECORD"}], "choices"),
        ([{"field": "name", "side": "RECORD"}, {"field": "name", "side": "ACTOR"}], "choices"),
    ],
)
def test_wrong_choices_are_refused_and_change_nothing(
    client: httpx.Client, graph: GraphStore, choices: list[dict[str, str]], field: str
) -> None:
    token = create_token(graph, name="merge-editor-bad", role=Role.EDITOR)[1]
    held = _held(graph, "Fusion refusée", "net-mes", f"bad-{len(choices)}-{choices[0]['field']}")
    answer = data(client, MERGE, {"id": held, "choices": choices}, token=token)["mergeCandidate"]
    assert (answer["__typename"], answer["field"]) == ("InvalidInput", field), answer
    assert choices[0]["field"] in answer["message"]
    assert graph.candidate(held)["status"] == "pending"  # type: ignore[index]


def test_a_candidate_decided_or_unknown_or_whose_actor_went(
    client: httpx.Client, graph: GraphStore
) -> None:
    token = create_token(graph, name="merge-editor-cases", role=Role.EDITOR)[1]
    choices = [{"field": "name", "side": "ACTOR"}]
    held = _held(graph, "Deux fois", "net-mes", "twice")
    first = data(client, MERGE, {"id": held, "choices": choices}, token=token)["mergeCandidate"]
    assert first["__typename"] == "CandidateMerged"
    again = data(client, MERGE, {"id": held, "choices": choices}, token=token)["mergeCandidate"]
    assert again["__typename"] == "CandidateTakenProblem"
    assert again["code"] == "candidate_taken" and "already decided" in again["message"]
    unknown = data(client, MERGE, {"id": "dup-nope", "choices": choices}, token=token)
    assert unknown["mergeCandidate"]["__typename"] == "CandidateNotFound"
    gone = _held(graph, "Orphelin", "mai-removed-meanwhile", "gone")
    answer = data(client, MERGE, {"id": gone, "choices": choices}, token=token)["mergeCandidate"]
    assert answer["__typename"] == "ActorNotFound" and "removed meanwhile" in answer["message"]
    assert graph.candidate(gone)["status"] == "pending"  # type: ignore[index]
    assert data(client, COMPARE, {"id": "dup-nope"}, token=token)["duplicateComparison"] is None
