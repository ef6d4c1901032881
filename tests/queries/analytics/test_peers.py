"""Peer projects: outside the actor's territory, ranked by the documented similarity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from graph_model.errors import NotFound, ValidationError
from queries.analytics.peers import WEIGHTS, peer_projects
from queries.projection import Projection

if TYPE_CHECKING:
    from tests.queries.analytics.conftest import Graphs


def movement(graphs: type[Graphs]) -> Projection:
    actor, link = graphs.actor, graphs.link
    lyon = {"commune": "69123", "departement": "69", "region": "84"}
    villeurbanne = {"commune": "69266", "departement": "69", "region": "84"}
    grenoble = {"commune": "38185", "departement": "38", "region": "84"}
    lille = {"commune": "59350", "departement": "59", "region": "32"}
    nowhere = {"commune": None, "departement": None, "region": None}
    actors = [
        actor("p-me", "Project", themes=["alimentation", "reemploi"], methods=["vises"], **lyon),
        actor("p-same-city", "Project", themes=["alimentation", "reemploi"], **lyon),
        actor("p-neighbour", "Project", themes=["alimentation", "reemploi"], **villeurbanne),
        actor("p-grenoble", "Project", themes=["alimentation"], methods=["vises"], **grenoble),
        actor(
            "p-lille", "Project", themes=["alimentation", "reemploi"], methods=["vises"], **lille
        ),
        actor("p-nowhere", "Project", themes=["alimentation", "reemploi"], **nowhere),
        actor("p-unrelated", "Project", themes=["culture"], **lille),
        actor("o-lille", "Organisation", themes=["alimentation", "reemploi"], **lille),
        actor("n-reseau", "Network", **lille),
        actor("o-carrier", "Organisation", **lyon),
        actor("o-carrier2", "Organisation", **lille),
    ]
    links = [
        link("m1", "p-me", "n-reseau", "MEMBER_OF"),
        link("m2", "p-lille", "n-reseau", "MEMBER_OF"),
        link("m3", "p-grenoble", "n-reseau", "MEMBER_OF", "2010-01-01", "2012-01-01"),
        link("c1", "o-carrier", "p-me", "CARRIES"),
        link("c2", "o-carrier2", "p-lille", "CARRIES"),
        link("k1", "p-me", "p-grenoble", "COOPERATES_WITH"),
    ]
    return graphs.build(actors, links)


def test_peers_are_outside_the_territory_and_ranked_by_the_score(graphs: type[Graphs]) -> None:
    answer = peer_projects(movement(graphs), "p-me", level="departement")
    ids = [p.actor.id for p in answer.peers]
    assert ids == ["p-lille", "p-grenoble"]  # same département and unknown ones left out
    assert answer.territory == "69"
    lille, grenoble = answer.peers
    # p-lille shares everything: themes, method, network, carrier kind
    assert lille.score == 1.0
    assert lille.shared_themes == ("alimentation", "reemploi")
    assert lille.shared_methods == ("vises",)
    assert [n.id for n in lille.shared_networks] == ["n-reseau"]
    assert lille.shared_carrier_kinds == ("Organisation",)
    assert not lille.linked
    # p-grenoble: themes 1/2, methods 1, networks 1 (a past membership counts), no carrier
    expected = (WEIGHTS["themes"] * 0.5 + WEIGHTS["methods"] * 1 + WEIGHTS["networks"] * 1) / sum(
        WEIGHTS.values()
    )
    assert grenoble.score == pytest.approx(expected, abs=1e-6)
    assert grenoble.linked


def test_level_region_and_options(graphs: type[Graphs]) -> None:
    projection = movement(graphs)
    region = peer_projects(projection, "p-me", level="region")
    assert [p.actor.id for p in region.peers] == ["p-lille"]  # Grenoble is in the same région
    commune = peer_projects(projection, "p-me", level="commune")
    assert [p.actor.id for p in commune.peers] == ["p-lille", "p-grenoble", "p-neighbour"]
    hidden = peer_projects(projection, "p-me", exclude_linked=True)
    assert [p.actor.id for p in hidden.peers] == ["p-lille"]
    as_of = peer_projects(projection, "p-me", as_of="2020-01-01")
    assert as_of.peers[1].actor.id == "p-grenoble"
    assert as_of.peers[1].shared_networks == ()  # its membership ended in 2012
    assert as_of.peers[1].score < peer_projects(projection, "p-me").peers[1].score
    organisations = peer_projects(projection, "p-me", kinds=["Organisation"])
    assert [p.actor.id for p in organisations.peers] == ["o-lille"]
    assert organisations.kinds == ("Organisation",)
    assert [p.actor.id for p in peer_projects(projection, "p-me", limit=1).peers] == ["p-lille"]


def test_bad_parameters(graphs: type[Graphs]) -> None:
    projection = movement(graphs)
    with pytest.raises(ValidationError) as level:
        peer_projects(projection, "p-me", level="canton")
    assert level.value.field == "level"
    with pytest.raises(ValidationError) as nowhere:
        peer_projects(projection, "p-nowhere")
    assert nowhere.value.field == "level"
    with pytest.raises(ValidationError) as kinds:
        peer_projects(projection, "p-me", kinds=["Cooperative"])
    assert kinds.value.field == "kinds"
    with pytest.raises(ValidationError) as limit:
        peer_projects(projection, "p-me", limit=0)
    assert limit.value.field == "limit"
    with pytest.raises(NotFound, match=r"^actor:"):
        peer_projects(projection, "p-ghost")
