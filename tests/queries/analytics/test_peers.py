"""Peer projects: outside the actor's territory, ranked by the documented similarity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings

import queries.analytics.peer_index as peer_index_module
from graph_model.errors import NotFound, ValidationError
from queries.analytics.peer_index import peer_index, rarity
from queries.analytics.peers import WEIGHTS, peer_projects
from queries.deltas import Delta, apply_delta
from queries.projection import Projection, build_projection
from tests.queries.live import IDS, follow_plan, plans, start_graph

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

    # p-lille shares everything: themes, method, network, carrier kind, each counting its rarity
    # among the 11 actors (alimentation: 7 hold it, reemploi 6, vises 3, n-reseau 3, carried by
    # an organisation 2)
    def rare(n: int) -> float:
        return rarity(n, 11)

    themes = (rare(7) + rare(6)) / 2
    assert lille.score == pytest.approx(
        WEIGHTS["themes"] * themes
        + WEIGHTS["methods"] * rare(3)
        + WEIGHTS["networks"] * rare(3)
        + WEIGHTS["carrier_kinds"] * rare(2),
        abs=1e-6,
    )
    assert lille.shared_themes == ("alimentation", "reemploi")
    assert lille.shared_methods == ("vises",)
    assert [n.id for n in lille.shared_networks] == ["n-reseau"]
    assert lille.shared_carrier_kinds == ("Organisation",)
    assert not lille.linked
    # p-grenoble: themes 1/2, methods 1, networks 1 (a past membership counts), no carrier
    expected = (
        WEIGHTS["themes"] * rare(7) / 2
        + WEIGHTS["methods"] * rare(3)
        + WEIGHTS["networks"] * rare(3)
    ) / sum(WEIGHTS.values())
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
    with pytest.raises(ValidationError) as kinds:
        peer_projects(projection, "p-me", kinds=["Cooperative"])
    assert kinds.value.field == "kinds"
    with pytest.raises(ValidationError) as limit:
        peer_projects(projection, "p-me", limit=0)
    assert limit.value.field == "limit"
    with pytest.raises(NotFound, match=r"^actor ?:"):
        peer_projects(projection, "p-ghost")


def test_an_actor_without_a_departement_falls_back_to_its_region(graphs: type[Graphs]) -> None:
    actor = graphs.actor
    lyon = {"commune": "69123", "departement": "69", "region": "84"}
    region_only = {"commune": None, "departement": None, "region": "84"}
    lille = {"commune": "59350", "departement": "59", "region": "32"}
    projection = graphs.build(
        [
            actor("p-me", "Project", themes=["jardins"], **region_only),
            actor("p-lyon", "Project", themes=["jardins"], **lyon),
            actor("p-lille", "Project", themes=["jardins"], **lille),
            *(actor(f"p-other-{n}", "Project", themes=["culture"], **lille) for n in range(3)),
        ],
        [],
    )
    answer = peer_projects(projection, "p-me")  # the default: outside the département
    assert (answer.asked, answer.level, answer.territory) == ("departement", "region", "84")
    assert [p.actor.id for p in answer.peers] == ["p-lille"]


def test_an_actor_placed_nowhere_is_compared_with_every_placed_actor(
    graphs: type[Graphs],
) -> None:
    answer = peer_projects(movement(graphs), "p-nowhere")
    assert answer.territory == ""
    ids = {p.actor.id for p in answer.peers}
    assert {"p-me", "p-lille", "p-same-city"} <= ids
    assert "p-nowhere" not in ids


def test_outside_the_departement_finds_at_least_the_candidates_outside_the_region(
    graphs: type[Graphs],
) -> None:
    actor = graphs.actor
    lyon = {"commune": "69123", "departement": "69", "region": "84"}
    nord = {"commune": None, "departement": None, "region": "32"}  # a région, no département
    projection = graphs.build(
        [
            actor("p-me", "Project", themes=["jardins"], **lyon),
            actor("p-nord", "Project", themes=["jardins"], **nord),
            *(actor(f"p-other-{n}", "Project", themes=["culture"], **nord) for n in range(3)),
        ],
        [],
    )
    region = peer_projects(projection, "p-me", level="region")
    departement = peer_projects(projection, "p-me", level="departement")
    assert [p.actor.id for p in region.peers] == ["p-nord"]
    assert {p.actor.id for p in departement.peers} >= {p.actor.id for p in region.peers}


def test_sharing_only_the_membership_most_members_state_weighs_little(
    graphs: type[Graphs],
) -> None:
    actor, link = graphs.actor, graphs.link
    places = [{"commune": None, "departement": f"{n:02d}", "region": f"r{n}"} for n in range(1, 41)]
    actors = [actor("n-mes", "Network")]
    actors += [actor(f"o-{n}", "Organisation", **places[n]) for n in range(40)]
    links = [link(f"m{n}", f"o-{n}", "n-mes", "MEMBER_OF") for n in range(40)]
    answer = peer_projects(graphs.build(actors, links), "o-0")
    assert answer.peers  # they do share something
    assert answer.peers[0].score < 0.1  # but not "100 % alike"


# -- the live graph ------------------------------------------------------------------------------
def _same_index(carried: Any, built: Any) -> None:
    assert carried.facets == built.facets
    assert carried.postings == built.postings
    assert carried.counts == built.counts
    assert {f: dict(r) for f, r in carried.rarity.items()} == {
        f: dict(r) for f, r in built.rarity.items()
    }


def _check(followed: Projection, rebuilt: Projection) -> None:
    _same_index(peer_index(followed), peer_index_module._index(rebuilt))
    for actor in rebuilt.graph:
        for level in ("commune", "region"):
            assert peer_projects(followed, actor, level=level, kinds=KINDS) == peer_projects(
                rebuilt, actor, level=level, kinds=KINDS
            )


KINDS = ["Organisation", "Network", "Project"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_the_peer_index_is_carried_and_equals_a_build(plan: list[Any]) -> None:
    follow_plan(plan, peer_index, no_build=[(peer_index_module, "_index")], check=_check)


def test_a_carrier_whose_kind_changes_changes_what_it_carries() -> None:
    # a kind is fixed at creation through the port; the delta itself may still say so
    projection = build_projection(start_graph())
    peer_index(projection)
    carried = {v for v, links in projection.graph._succ[IDS[2]].items()
               if any(d["kind"] == "CARRIES" for d in links.values())}  # fmt: skip
    assert carried == {IDS[3]}
    row = {"id": IDS[2], "kind": "AdvocacyBody", "name": "Conseil", "commune": "69381"}
    new, _ = apply_delta(projection, Delta(projection.version + 1, {IDS[2]: row}))
    _same_index(peer_index(new), peer_index_module._index(new))
    assert peer_index(new).facets[IDS[3]].carrier_kinds == {"AdvocacyBody"}
    assert peer_index(projection).facets[IDS[3]].carrier_kinds == {"Project"}


def test_a_removed_actor_leaves_the_peer_index_and_its_networks() -> None:
    projection = build_projection(start_graph())
    peer_index(projection)
    # org-01 is a network org-00 is a member of (MEMBER_OF, the first link of the start)
    new, _ = apply_delta(projection, Delta(projection.version + 1, {IDS[1]: None}))
    _same_index(peer_index(new), peer_index_module._index(new))
    assert IDS[1] not in peer_index(new).facets[IDS[0]].networks
