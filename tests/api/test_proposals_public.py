"""Proposed links for anonymous readers (the map draws them dashed for everyone): an anonymous
reader sees that a link is proposed — its ends, its kind, its source — never who proposed it,
and no analytic counts it; with ``MAILLAGE_PUBLIC_READ=false`` an anonymous reader sees nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api.auth import Role, create_token
from graph_model.model import Actor, ActorKind, SourceRef
from graph_model.port import GraphStore, WriteContext
from tests.api.conftest import data, gql, start, wait_ready

pytestmark = pytest.mark.memory

PENDING = """{ proposals(status: PENDING, first: 100) { items { id proposedBy decidedBy actor
  link { kind from to sources } } } }"""


@pytest.fixture(scope="module")
def proposal(dataset: GraphStore) -> str:
    src = [SourceRef(system="test", key="public")]
    dataset.write_actors(
        [
            Actor(id="org-pub-1", kind=ActorKind.ORGANISATION, name="Pub Un", sources=src),
            Actor(id="org-pub-2", kind=ActorKind.ORGANISATION, name="Pub Deux", sources=src),
        ],
        WriteContext(by="test"),
    )
    token = create_token(dataset, name="pub-contributor", role=Role.CONTRIBUTOR)[1]
    with start(dataset) as client:
        wait_ready(client)
        source = {"system": "test", "key": "pub", "url": "https://example.org/p"}
        link = {"from": "org-pub-1", "to": "org-pub-2", "kind": "COOPERATES_WITH", "source": source}
        made = data(
            client,
            "mutation($i: LinkInput!) { proposeLink(input: $i) { ... on Proposal { id } } }",
            {"i": link},
            token=token,
        )
    return str(made["proposeLink"]["id"])


@pytest.fixture(scope="module")
def client(dataset: GraphStore, proposal: str) -> Iterator[httpx.Client]:
    with start(dataset) as opened:
        wait_ready(opened)
        yield opened


def test_an_anonymous_reader_sees_the_proposal_not_the_proposer(
    client: httpx.Client, proposal: str
) -> None:
    items = data(client, PENDING)["proposals"]["items"]
    (mine,) = [p for p in items if p["id"] == proposal]
    assert mine["link"] == {
        "kind": "COOPERATES_WITH", "from": "org-pub-1", "to": "org-pub-2", "sources": ["test:pub"],
    }  # fmt: skip
    assert mine["proposedBy"] == "hidden" and mine["decidedBy"] is None
    # counted nowhere: no link, no path, no degree
    paths = '{ cooperationPaths(from: "org-pub-1", to: "org-pub-2") { found } }'
    assert data(client, paths)["cooperationPaths"]["found"] is False
    links = '{ actor(id: "org-pub-1") { links { totalCount } } }'
    assert data(client, links)["actor"]["links"]["totalCount"] == 0


def test_no_public_read_no_proposals_for_anonymous(dataset: GraphStore, proposal: str) -> None:
    with start(dataset, public_read=False) as closed:
        wait_ready(closed)
        refused = gql(closed, PENDING, status=401)
        assert refused["errors"][0]["extensions"]["code"] == "unauthenticated"
        reader = create_token(dataset, name="pub-reader", role=Role.READER)[1]
        items = data(closed, PENDING, token=reader)["proposals"]["items"]
        assert [p["proposedBy"] for p in items if p["id"] == proposal] == ["hidden"]
