"""Every query of the schema, through the real app, on the reference and generated data."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from api.request_errors import describe
from bench.generator import generate
from graph_model.i18n import use_language
from graph_model.port import GraphStore
from tests.api.conftest import (
    LINKS_PER_ACTOR,
    N_ACTORS,
    SEED,
    data,
    error_codes,
    gql,
    start,
    wait_ready,
)

pytestmark = pytest.mark.memory

ACTOR_FIELDS = """
  id name kind legalForm siren rna website description createdAt updatedAt updatedBy
  location { latitude longitude precision }
  seat { id code name level }
  territories { id level }
  themes { id label }
  methods { id name }
  aliases
  sources { system key url }
"""


def _generated() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    movement = generate(N_ACTORS, LINKS_PER_ACTOR, SEED)
    return list(movement.actors()), list(movement.links())


def test_actor_by_id_with_every_field(client: httpx.Client) -> None:
    actor = data(client, f'{{ actor(id: "net-mes") {{ {ACTOR_FIELDS} }} }}')["actor"]
    assert actor["kind"] == "NETWORK"
    assert actor["name"] == "Mouvement pour l'Economie Solidaire"
    assert "id:net-mes" in actor["aliases"]
    assert any(s["system"] for s in actor["sources"])
    assert actor["createdAt"] is not None


def test_generated_actor_fields_match_the_generator(client: httpx.Client) -> None:
    actors, _ = _generated()
    record = next(a for a in actors if a["siren"] and a["kind"] == "Organisation")
    actor = data(client, f'{{ actor(id: "{record["id"]}") {{ {ACTOR_FIELDS} }} }}')["actor"]
    assert actor["name"] == record["name"]
    assert actor["siren"] == record["siren"]
    assert actor["legalForm"] == record["legal_form"]
    assert actor["seat"] == {
        "id": f"commune:{record['commune']}",
        "code": record["commune"],
        "name": record["commune_name"],
        "level": "COMMUNE",
    }
    assert {t["id"] for t in actor["themes"]} == set(record["themes"])
    assert f"siren:{record['siren']}" in actor["aliases"]
    assert actor["location"]["latitude"] is not None


def test_unknown_actor_is_null_and_a_malformed_id_says_why(client: httpx.Client) -> None:
    assert data(client, '{ actor(id: "mai-000000000000") { id } }') == {"actor": None}
    body = gql(client, '{ actor(id: "not an id!") { id } }')
    assert error_codes(body) == ["invalid_identifier"]
    assert "ids look like" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["field"] == "id"


def test_kinds_implement_the_actor_interface(client: httpx.Client) -> None:
    query = """{
      mes: actor(id: "net-mes") { __typename ... on Network { members(first: 5) { totalCount } } }
      body: actor(id: "adv-ess-france") {
        __typename ... on AdvocacyBody {
          level participants(first: 100) { totalCount nodes { id } } }
      }
      project: actor(id: "prj-generateur-bfc") { __typename ... on Project {
        carriers { totalCount } supporters { totalCount } } }
    }"""
    found = data(client, query)
    assert found["mes"]["__typename"] == "Network"
    assert found["body"]["__typename"] == "AdvocacyBody"
    assert found["body"]["level"] == "NATIONAL"
    assert "net-mes" in {n["id"] for n in found["body"]["participants"]["nodes"]}
    assert found["project"]["__typename"] == "Project"


def test_actor_links_with_kinds_direction_and_as_of(
    client: httpx.Client, dataset: GraphStore
) -> None:
    _, links = _generated()
    busiest = Counter(link["source"] for link in links).most_common(1)[0][0]
    outgoing = [link for link in links if link["source"] == busiest]
    query = """query($id: ID!, $kinds: [LinkKind!], $asOf: Date) {
      actor(id: $id) {
        all: links(first: 100) { totalCount }
        out: links(direction: OUTGOING, first: 100) { totalCount edges { node {
          id kind since until from { id } to { id name } sources { system } } } }
        some: links(kinds: $kinds, direction: OUTGOING) { totalCount }
        dated: links(asOf: $asOf, direction: OUTGOING) { totalCount }
      }
    }"""
    day = "2010-06-01"
    kinds = sorted({link["kind"] for link in outgoing})[:1]
    actor = data(client, query, {"id": busiest, "kinds": kinds, "asOf": day})["actor"]
    assert actor["out"]["totalCount"] == len(outgoing)
    assert all(e["node"]["from"]["id"] == busiest for e in actor["out"]["edges"])
    assert actor["some"]["totalCount"] == sum(1 for link in outgoing if link["kind"] in kinds)
    valid = [
        link
        for link in outgoing
        if link["since"].isoformat() <= day
        and (link["until"] is None or link["until"].isoformat() >= day)
    ]
    assert actor["dated"]["totalCount"] == len(valid)
    assert actor["all"]["totalCount"] >= len(outgoing)


def test_actors_pages_follow_one_another_without_gaps(client: httpx.Client) -> None:
    query = """query($after: String) { actors(first: 100, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id } } } }"""
    seen: list[str] = []
    after = None
    total = None
    while True:
        page = data(client, query, {"after": after})["actors"]
        total = page["totalCount"]
        seen.extend(e["node"]["id"] for e in page["edges"])
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == total
    assert total >= N_ACTORS


def _shipped_active(day: str) -> set[str]:
    """The reference dataset's actors with a link valid on ``day`` (an undated link is)."""
    from importers.formats.movement import MovementReader

    reader = MovementReader()
    reader.prepare()
    return {
        end
        for link in reader.data.links
        if (link.since is None or link.since.isoformat() <= day)
        and (link.until is None or link.until.isoformat() >= day)
        for end in (link.source, link.target)
    }


def _shipped_in(departement: str) -> set[str]:
    """The reference dataset's actors whose seat's commune is in ``departement``."""
    from graph_model.territories import load_reference
    from importers.formats.movement import MovementReader

    reference = load_reference()
    reader = MovementReader()
    reader.prepare()
    found = set()
    for entry in reader.data.actors:
        commune = reference.resolve_commune(entry.commune) if entry.commune else None
        if commune is not None and commune.departement == departement:
            found.add(entry.id)
    return found


def test_filters(client: httpx.Client) -> None:
    actors, links = _generated()
    departement = Counter(a["departement"] for a in actors).most_common(1)[0][0]
    in_dep = {a["id"] for a in actors if a["departement"] == departement}
    in_dep |= _shipped_in(departement)  # the reference dataset's actors seated there
    query = """query($f: ActorFilter) { actors(filter: $f, first: 100) {
      totalCount edges { node { id kind } } } }"""
    found = data(client, query, {"f": {"territory": f"departement:{departement}"}})["actors"]
    assert found["totalCount"] == len(in_dep)
    assert {e["node"]["id"] for e in found["edges"]} <= in_dep

    projects = data(client, query, {"f": {"kinds": ["PROJECT"], "territory": departement}})
    assert projects["actors"]["totalCount"] == sum(
        1 for a in actors if a["departement"] == departement and a["kind"] == "Project"
    ) + sum(1 for i in _shipped_in(departement) if i.startswith("prj-"))
    assert {e["node"]["kind"] for e in projects["actors"]["edges"]} <= {"PROJECT"}

    themed = data(client, query, {"f": {"themes": ["habitat"]}})["actors"]
    assert themed["totalCount"] == sum(1 for a in actors if "habitat" in a["themes"])

    network = Counter(lk["target"] for lk in links if lk["kind"] == "MEMBER_OF").most_common(1)
    members = {
        lk["source"] for lk in links if lk["kind"] == "MEMBER_OF" and lk["target"] == network[0][0]
    }
    by_network = data(client, query, {"f": {"memberOf": network[0][0]}})["actors"]
    assert by_network["totalCount"] == len(members)

    text = data(client, query, {"f": {"text": "ÉPICERIE solidaire"}})["actors"]
    assert text["totalCount"] == sum(
        1 for a in actors if "epicerie solidaire" in a["name"].lower().replace("é", "e")
    )

    day = "2000-01-01"
    active = {
        end
        for lk in links
        if lk["since"].isoformat() <= day
        and (lk["until"] is None or lk["until"].isoformat() >= day)
        for end in (lk["source"], lk["target"])
    }
    active |= _shipped_active(day)  # the reference dataset's links count too (undated: always)
    dated = data(client, query, {"f": {"activeAsOf": day, "territory": departement}})["actors"]
    assert dated["totalCount"] == len(active & in_dep)


def test_territory_and_its_actors(client: httpx.Client) -> None:
    found = data(
        client,
        """{ territory(code: "region:76") { id code name level parent { id }
              children(level: DEPARTEMENT) { code }
              actors(first: 5) { totalCount edges { node { seat { parents { id } } } } } } }""",
    )["territory"]
    assert found["name"] == "Occitanie" and found["level"] == "REGION"
    assert found["parent"] == {"id": "FR"}
    assert {"31", "34", "66"} <= {c["code"] for c in found["children"]}
    assert found["actors"]["totalCount"] > 0
    commune = data(client, '{ territory(code: "31555") { id name parents { id } } }')
    assert commune["territory"]["name"] == "Toulouse"
    assert "departement:31" in {p["id"] for p in commune["territory"]["parents"]}


def test_ambiguous_and_unknown_territories_say_what_to_do(client: httpx.Client) -> None:
    body = gql(client, '{ territory(code: "11") { id } }')
    assert error_codes(body) == ["invalid"]
    assert "region:11" in body["errors"][0]["message"]
    assert data(client, '{ territory(code: "11", level: DEPARTEMENT) { name } }') == {
        "territory": {"name": "Aude"}
    }
    body = gql(client, '{ territory(code: "region:99") { id } }')
    assert error_codes(body) == ["not_found"]


def test_search_ignores_accents_and_case_tolerates_typos_and_ranks(client: httpx.Client) -> None:
    query = "query($t: String!) { search(text: $t, first: 5) { id name } }"
    first = data(client, query, {"t": "mouvement pour l'économie solidaire"})["search"][0]
    assert first["id"] == "net-mes"
    assert (
        data(client, query, {"t": "MOUVEMENT ECONOMIE SOLIDAIRE"})["search"][0]["id"] == "net-mes"
    )
    assert data(client, query, {"t": "mouvemnt econmie solidaire"})["search"][0]["id"] == "net-mes"
    assert data(client, query, {"t": "ripess europe"})["search"][0]["id"] == "adv-ripess-europe"
    assert data(client, query, {"t": "   "})["search"] == []
    actors, _ = _generated()
    record = next(a for a in actors if a["siren"])
    spaced = f"{record['siren'][:3]} {record['siren'][3:6]} {record['siren'][6:]}"
    assert data(client, query, {"t": spaced})["search"][0]["id"] == record["id"]


def test_cooperation_paths(client: httpx.Client) -> None:
    query = """query($from: ID!, $to: ID!, $kinds: [LinkKind!], $asOf: Date) {
      cooperationPaths(from: $from, to: $to, k: 2, kinds: $kinds, asOf: $asOf) {
        found explanation blocking from { id } to { id }
        constraints { k maxHops avoidKinds }
        paths { length cost actors { id name kind } hops {
          from { id } to { id }
          links { id kind direction since until sources { system } } } } } }"""
    answer = data(client, query, {"from": "net-mes", "to": "adv-csess"})["cooperationPaths"]
    assert answer["found"] and answer["paths"][0]["length"] == 1
    assert answer["paths"][0]["hops"][0]["links"][0]["kind"] == "SITS_ON"
    assert answer["constraints"]["k"] == 2
    none = data(
        client,
        query,
        {"from": "net-mes", "to": "adv-csess", "kinds": ["FUNDS"], "asOf": "1900-01-01"},
    )["cooperationPaths"]
    assert not none["found"]
    assert "FUNDS" in none["explanation"] and "kinds" in none["blocking"]
    body = gql(client, '{ cooperationPaths(from: "net-mes", to: "org-nobody-here") { found } }')
    assert error_codes(body) == ["not_found"]


def test_figures_import_runs_changes_and_candidates(client: httpx.Client) -> None:
    found = data(
        client,
        """{ figures { actors linksTouching } importRuns(first: 5) { id source status counts }
             duplicateCandidates(first: 5) { id } changes(first: 3) { id } }""",
    )
    assert found["figures"]["actors"] >= N_ACTORS
    assert any(run["source"] == "movement" for run in found["importRuns"])
    assert isinstance(found["duplicateCandidates"], list)


# -- what the public may not see (issue 15) ---------------------------------------------------
WHO = """query($id: ID!, $target: String!) {
  actor(id: $id) { updatedBy links(first: 5) { edges { node { updatedBy } } } }
  changes(target: $target, first: 5) { by operation }
  importRuns(first: 5) { input source } }"""
SOURCE = {"system": "test", "key": "issue-15"}


def test_token_and_file_names_are_for_editors_only(
    client: httpx.Client, editor_token: str, reader_token: str
) -> None:
    ids = ["mai-leak0000a001", "mai-leak0000a002"]
    for actor_id in ids:
        data(
            client,
            """mutation($id: ID!, $s: SourceInput!) { upsertActor(input: {id: $id,
               kind: ORGANISATION, name: "Leak test", commune: "31555", source: $s}) {
               __typename } }""",
            {"id": actor_id, "s": SOURCE},
            token=editor_token,
        )
    data(
        client,
        """mutation($a: ID!, $b: ID!, $s: SourceInput!) { linkActors(input: {from: $a, to: $b,
           kind: COOPERATES_WITH, source: $s}) { __typename } }""",
        {"a": ids[0], "b": ids[1], "s": SOURCE},
        token=editor_token,
    )
    seen = data(client, WHO, {"id": ids[0], "target": ids[0]}, token=editor_token)
    assert seen["actor"]["updatedBy"] == "test-editor"
    assert seen["actor"]["links"]["edges"][0]["node"]["updatedBy"] == "test-editor"
    assert {c["by"] for c in seen["changes"]} == {"test-editor"}
    for token in (None, reader_token):
        hidden = data(client, WHO, {"id": ids[0], "target": ids[0]}, token=token)
        assert hidden["actor"]["updatedBy"] is None
        assert hidden["actor"]["links"]["edges"][0]["node"]["updatedBy"] is None
        assert hidden["changes"] and {c["by"] for c in hidden["changes"]} == {"hidden"}
        assert {run["input"] for run in hidden["importRuns"]} == {None}
        assert any(run["source"] for run in hidden["importRuns"])  # the rest stays public


def test_ready_names_no_address_and_shows_counts_to_readers_only(
    dataset: GraphStore, reader_token: str
) -> None:
    with start(dataset, public_read=False) as private:
        wait_ready(private)
        anonymous = private.get("/ready").json()
        assert anonymous["status"] == "ready" and "store" not in anonymous
        assert "actors" not in anonymous and "links" not in anonymous
        read = private.get("/ready", headers={"Authorization": f"Bearer {reader_token}"}).json()
        assert read["actors"] >= N_ACTORS and read["links"] > 0 and "store" not in read


# -- requests Strawberry refuses before running them ------------------------------------------
@use_language("en")
def test_the_refusals_say_what_happened_and_what_to_do() -> None:
    mutation = InvalidOperationTypeError(OperationType.MUTATION)
    assert describe(mutation, query="mutation { x }", method="GET") == (
        "mutations must be sent with POST: this request came by GET, which may only read "
        "(send the same body with POST /graphql)"
    )
    unknown = CannotGetOperationTypeError("B")
    assert describe(unknown, query="query A { a }", method="POST") == (
        "no operation named 'B' in the document: the document defines A: send one of them as "
        "operationName"
    )
    anonymous = describe(unknown, query="{ a }", method="POST")
    assert anonymous.endswith("defines no named operation: drop operationName")


def test_a_mutation_by_get_and_an_unknown_operation_are_explained(client: httpx.Client) -> None:
    by_get = client.get(
        "/graphql",
        params={"query": 'mutation { unlinkActors(input: {from: "a", to: "b"}) { __typename } }'},
        headers={"Accept": "application/json"},
    ).json()
    assert by_get["errors"][0]["message"].startswith("mutations must be sent with POST")
    unknown = client.post(
        "/graphql", json={"query": "query A { figures { actors } }", "operationName": "B"}
    ).json()
    assert unknown["errors"][0]["message"].startswith("no operation named 'B' in the document")
