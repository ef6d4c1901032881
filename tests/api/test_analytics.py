"""The analytics through GraphQL: clusters, peers, brokers, isolated actors, neighbourhood,
figures (their algorithms are tested in tests of queries.analytics; here, the API's shape)."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from bench.generator import generate
from tests.api.conftest import LINKS_PER_ACTOR, N_ACTORS, SEED, data, error_codes, gql

pytestmark = pytest.mark.memory


def _busiest_departement() -> str:
    actors = generate(N_ACTORS, LINKS_PER_ACTOR, SEED).actors()
    return str(Counter(a["departement"] for a in actors).most_common(1)[0][0])


def _a_project() -> str:
    actors = generate(N_ACTORS, LINKS_PER_ACTOR, SEED).actors()
    return str(next(a["id"] for a in actors if a["kind"] == "Project"))


def test_territorial_clusters_are_stable_and_paged(client: httpx.Client) -> None:
    query = """query($scope: String) { territorialClusters(scope: $scope, seed: 3) {
      scope graphVersion modularity actors unclustered
      clusters { id size density departements { key share }
        centralActors { actor { id } tiesInside }
        centroid { latitude longitude } members(first: 2) { totalCount pageInfo { hasNextPage }
          nodes { id name } } } } }"""
    scope = f"departement:{_busiest_departement()}"
    first = data(client, query, {"scope": scope})["territorialClusters"]
    again = data(client, query, {"scope": scope})["territorialClusters"]
    assert first == again
    assert first["scope"] == scope and first["clusters"]
    biggest = first["clusters"][0]
    assert biggest["id"] == "c1" and biggest["members"]["totalCount"] == biggest["size"]
    assert sum(c["size"] for c in first["clusters"]) + first["unclustered"] == first["actors"]


def test_peers_brokers_isolated_neighbourhood_figures(client: httpx.Client) -> None:
    scope = f"departement:{_busiest_departement()}"
    found = data(
        client,
        """query($scope: String, $project: ID!) {
          peers: peerProjects(actor: $project, outside: REGION, first: 3) {
            actor { id } outside territory candidates peers { actor { id } score linked } }
          brokers(scope: $scope, first: 3) {
            exact actorsInScope actors { actor { id name } score } }
          isolatedActors(scope: $scope, first: 2) { totalCount actors { id } }
          neighbourhood(actor: "net-mes", depth: 1) { center { id } depth truncated
            actors { actor { id } distance } links { id kind from { id } to { id } } }
          figures(scope: $scope) { actors linksInside linksTouching density byKind { key count }
            regionMatrix { regionA regionB links } }
          territory(code: "FR") { figures { actors } }
        }""",
        {"scope": scope, "project": _a_project()},
    )
    assert found["peers"]["actor"]["id"] == _a_project()
    assert len(found["peers"]["peers"]) <= 3
    assert found["brokers"]["exact"] is True and len(found["brokers"]["actors"]) == 3
    scores = [b["score"] for b in found["brokers"]["actors"]]
    assert scores == sorted(scores, reverse=True)
    assert found["isolatedActors"]["totalCount"] >= len(found["isolatedActors"]["actors"])
    hood = found["neighbourhood"]
    assert hood["center"]["id"] == "net-mes" and hood["actors"][0] == {
        "actor": {"id": "net-mes"},
        "distance": 0,
    }
    assert {"adv-ess-france", "adv-csess"} <= {a["actor"]["id"] for a in hood["actors"]}
    figures = found["figures"]
    assert figures["actors"] == sum(c["count"] for c in figures["byKind"])
    assert found["territory"]["figures"]["actors"] >= N_ACTORS


def test_analytics_arguments_are_checked(client: httpx.Client) -> None:
    deep = gql(client, '{ neighbourhood(actor: "net-mes", depth: 4) { depth } }')
    assert error_codes(deep) == ["invalid"]
    assert "MAILLAGE_MAX_NEIGHBOURHOOD_DEPTH" in deep["errors"][0]["message"]
    resolution = gql(client, "{ territorialClusters(resolution: 1000) { actors } }")
    assert (
        error_codes(resolution) == ["invalid"]
        and "resolution" in resolution["errors"][0]["message"]
    )
    unknown = gql(client, '{ peerProjects(actor: "mai-000000000000") { candidates } }')
    assert error_codes(unknown) == ["not_found"]
    # an actor placed nowhere is compared with every placed actor, not refused
    nowhere = gql(client, '{ peerProjects(actor: "prj-graines-d-actions") { territory } }')
    assert "errors" not in nowhere and nowhere["data"]["peerProjects"]["territory"] == ""
