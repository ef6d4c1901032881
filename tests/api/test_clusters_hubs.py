"""``territorialClusters(throughHubs: true)`` through GraphQL: the members of a scope linked to
the same actor elsewhere are tied through it, which is no member (the semantics are tested in
tests/queries/analytics/test_clusters_hubs.py)."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import data

pytestmark = pytest.mark.memory

QUERY = """query($scope: String, $hubs: Boolean!) {
  territorialClusters(scope: $scope, throughHubs: $hubs, seed: 1) {
    actors unclustered clusters { id size members(first: 100) { nodes { id } } } }
  actors(filter: {territory: $scope}, first: 100) { nodes { id } } }"""


def test_through_hubs_keeps_the_hubs_out_of_the_clusters(client: httpx.Client) -> None:
    scope = "departement:14"
    plain = data(client, QUERY, {"scope": scope, "hubs": False})
    hubs = data(client, QUERY, {"scope": scope, "hubs": True})
    assert hubs["territorialClusters"]["actors"] == plain["territorialClusters"]["actors"]
    inside = {a["id"] for a in hubs["actors"]["nodes"]}
    members = {
        m["id"] for c in hubs["territorialClusters"]["clusters"] for m in c["members"]["nodes"]
    }
    assert members and members <= inside  # hubs (national networks elsewhere) are no members
