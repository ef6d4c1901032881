"""Cooperation paths: known answers on hand-built graphs, and networkx as the reference."""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import islice, pairwise
from typing import TYPE_CHECKING

import networkx as nx
import pytest

from graph_model.errors import AmbiguousReference, InvalidDates, NotFound, ValidationError
from graph_model.i18n import use_language
from queries.analytics.paths import KIND_COST, cooperation_paths, link_cost
from queries.projection import Projection

if TYPE_CHECKING:
    from tests.queries.analytics.conftest import Graphs


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the explanations in English (the French is checked once below)."""
    with use_language("en"):
        yield


# -- known answers --------------------------------------------------------------------------
def test_shortest_path_explains_every_hop(example: Projection) -> None:
    answer = cooperation_paths(example, "org-marseille", "net-aura")
    assert answer.found
    path = answer.paths[0]
    assert path.actor_ids == ("org-marseille", "ab-ess-france", "net-aura")
    assert path.length == 2
    first, second = path.hops
    assert [(s.id, s.kind, s.direction) for s in first.links] == [("l6", "SITS_ON", "forward")]
    # net-aura SITS_ON ab-ess-france: walked from the body to the network, so backward
    assert [(s.id, s.kind, s.direction) for s in second.links] == [("l4", "SITS_ON", "backward")]
    assert second.links[0].since is not None
    assert second.links[0].since.isoformat() == "2014-06-01"
    assert second.links[0].sources[0].system == "movement"
    assert second.links[0].sources[0].key == "l4"


def test_as_of_uses_only_links_valid_that_day(example: Projection) -> None:
    today = cooperation_paths(example, "org-collectif", "org-marseille")
    assert today.paths[0].length == 3
    in_2019 = cooperation_paths(example, "org-collectif", "org-marseille", as_of="2019-06-01")
    # l3 (collectif → network) ended in 2018 and l5 (atelier → ESS France) starts in 2020
    assert in_2019.paths[0].actor_ids == (
        "org-collectif",
        "org-atelier",
        "net-aura",
        "ab-ess-france",
        "org-marseille",
    )
    in_2015 = cooperation_paths(example, "org-collectif", "org-marseille", as_of="2015-06-01")
    assert not in_2015.found  # Marseille sits on ESS France from 2017 only
    assert in_2015.blocking == ("as_of",)
    assert "valid on 2015-06-01" in in_2015.explanation


def test_avoiding_the_umbrella_body_gives_an_explicit_no_path(example: Projection) -> None:
    answer = cooperation_paths(
        example, "org-collectif", "org-marseille", avoid_kinds=["AdvocacyBody:national"]
    )
    assert not answer.found
    assert answer.paths == ()
    assert answer.blocking == ("avoid_kinds",)
    assert "avoiding actors of kind AdvocacyBody (level national)" in answer.explanation
    assert "Lifting avoid_kinds alone gives a path" in answer.explanation
    by_id = cooperation_paths(example, "org-collectif", "org-marseille", avoid=["ab-ess-france"])
    assert not by_id.found
    assert by_id.blocking == ("avoid",)
    assert "avoiding ab-ess-france" in by_id.explanation


def test_avoided_kind_does_not_apply_to_the_ends(example: Projection) -> None:
    answer = cooperation_paths(example, "net-aura", "ab-ess-france", avoid_kinds=["AdvocacyBody"])
    assert answer.paths[0].actor_ids == ("net-aura", "ab-ess-france")


def test_tie_between_equal_paths_is_deterministic(
    example: Projection, graphs: type[Graphs]
) -> None:
    answer = cooperation_paths(example, "org-collectif", "org-marseille", k=2)
    expected = [
        ("org-collectif", "net-aura", "ab-ess-france", "org-marseille"),
        ("org-collectif", "org-atelier", "ab-ess-france", "org-marseille"),
    ]
    assert [p.actor_ids for p in answer.paths] == expected
    single = cooperation_paths(example, "org-collectif", "org-marseille").paths[0].actor_ids
    assert single in expected
    # the same graph given in another order (another server) gives the same answers
    graph = example.graph
    actors = [{"id": a, **_actor_record(d)} for a, d in graph.nodes(data=True)]
    links = [_link_record(u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)]
    rng = random.Random(4)
    for _ in range(5):
        rng.shuffle(actors)
        rng.shuffle(links)
        shuffled = Projection.from_records(actors, links, version=1)
        again = cooperation_paths(shuffled, "org-collectif", "org-marseille", k=2)
        assert [p.actor_ids for p in again.paths] == expected
        assert (
            cooperation_paths(shuffled, "org-collectif", "org-marseille").paths[0].actor_ids
            == single
        )


def _actor_record(attrs: dict[str, object]) -> dict[str, object]:
    record = dict(attrs)
    record["latitude"], record["longitude"] = record.pop("lat"), record.pop("lon")
    record["location_precision"] = "exact" if record.pop("precise") else None
    return record


def _link_record(u: str, v: str, key: str, attrs: dict[str, object]) -> dict[str, object]:
    return {"id": key, "source": u, "target": v, **attrs}


def test_an_end_without_any_link_is_named_as_the_reason(example: Projection) -> None:
    answer = cooperation_paths(example, "org-seule", "org-marseille")
    assert not answer.found
    assert answer.blocking == ()
    assert "Seule à Lyon (org-seule) has no cooperation link at all" in answer.explanation
    assert "org-marseille) has no" not in answer.explanation
    with use_language("fr"):
        french = cooperation_paths(example, "org-seule", "org-marseille").explanation
    assert "Aucun chemin de coopération de Seule à Lyon" in french
    assert "n'a aucun lien de coopération" in french


def test_disconnected_pair(graphs: type[Graphs]) -> None:
    actor, link = graphs.actor, graphs.link
    projection = graphs.build(
        [actor(a, "Organisation") for a in ("o-a", "o-b", "o-c", "o-d")],
        [link("l1", "o-a", "o-b", "COOPERATES_WITH"), link("l2", "o-c", "o-d", "COOPERATES_WITH")],
    )
    answer = cooperation_paths(projection, "o-a", "o-c")
    assert not answer.found and answer.blocking == ()
    assert "not connected" in answer.explanation


def test_max_hops_and_kinds(example: Projection) -> None:
    short = cooperation_paths(example, "org-collectif", "org-marseille", max_hops=2)
    assert not short.found
    assert short.blocking == ("max_hops",)
    assert "within 2 hops" in short.explanation
    members_only = cooperation_paths(
        example, "org-collectif", "net-aura", kinds=["COOPERATES_WITH", "member_of"]
    )
    assert members_only.paths[0].actor_ids == ("org-collectif", "net-aura")
    cooperation_only = cooperation_paths(
        example, "org-collectif", "net-aura", kinds=["COOPERATES_WITH"]
    )
    assert not cooperation_only.found
    assert cooperation_only.blocking == ("kinds",)


def test_k_alternatives_are_simple_and_ordered(example: Projection) -> None:
    answer = cooperation_paths(example, "org-collectif", "org-marseille", k=10)
    lengths = [p.length for p in answer.paths]
    assert lengths == sorted(lengths)
    for path in answer.paths:
        assert len(set(path.actor_ids)) == len(path.actor_ids)
    assert len({p.actor_ids for p in answer.paths}) == len(answer.paths) == 4


def test_weight_prefers_strong_long_lived_links(graphs: type[Graphs]) -> None:
    link = graphs.link
    projection = graphs.build(
        ["a-start", "b-funder", "c-end", "d-partner", "e-partner"],
        [
            link("w1", "a-start", "b-funder", "FUNDS", "2023-01-01"),
            link("w2", "b-funder", "c-end", "FUNDS", "2023-01-01"),
            link("s1", "a-start", "d-partner", "COOPERATES_WITH", "2005-01-01"),
            link("s2", "d-partner", "e-partner", "COOPERATES_WITH", "2005-01-01"),
            link("s3", "e-partner", "c-end", "COOPERATES_WITH", "2005-01-01"),
        ],
    )
    hops = cooperation_paths(projection, "a-start", "c-end", as_of="2024-01-01")
    assert hops.paths[0].actor_ids == ("a-start", "b-funder", "c-end")
    weighted = cooperation_paths(projection, "a-start", "c-end", weighted=True, as_of="2024-01-01")
    assert weighted.paths[0].actor_ids == ("a-start", "d-partner", "e-partner", "c-end")
    assert weighted.paths[0].cost == pytest.approx(1.0)  # three ten-year partnerships
    limited = cooperation_paths(
        projection, "a-start", "c-end", weighted=True, as_of="2024-01-01", max_hops=2
    )
    assert limited.paths[0].actor_ids == ("a-start", "b-funder", "c-end")
    assert limited.paths[0].cost == pytest.approx(2 * 2.0 / (1 + 1 / 5), rel=1e-3)  # ~1 year


def test_parallel_links_strengthen_a_hop(graphs: type[Graphs]) -> None:
    link = graphs.link
    one = graphs.build(["a-one", "b-two"], [link("x1", "a-one", "b-two", "SUPPORTS")])
    two = graphs.build(
        ["a-one", "b-two"],
        [link("x1", "a-one", "b-two", "SUPPORTS"), link("x2", "b-two", "a-one", "FUNDS")],
    )
    cost_one = cooperation_paths(one, "a-one", "b-two", weighted=True).paths[0].cost
    hop = cooperation_paths(two, "a-one", "b-two", weighted=True).paths[0].hops[0]
    assert cost_one == pytest.approx(KIND_COST["SUPPORTS"])
    assert hop.cost == pytest.approx(1 / (1 / 1.5 + 1 / 2.0))
    assert {(s.id, s.direction) for s in hop.links} == {("x1", "forward"), ("x2", "backward")}


def test_link_cost_bounds() -> None:
    from datetime import date

    day = date(2024, 1, 1)
    for kind, base in KIND_COST.items():
        fresh = link_cost({"kind": kind, "since": day, "until": None}, day)
        old = link_cost({"kind": kind, "since": date(1990, 1, 1), "until": None}, day)
        ended = link_cost({"kind": kind, "since": date(2020, 1, 1), "until": date(2021, 1, 1)}, day)
        assert fresh == base
        assert old == pytest.approx(base / 3)
        assert old < ended < fresh


# -- bad parameters name the parameter ---------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field", "error"),
    [
        ({"max_hops": 0}, "max_hops", ValidationError),
        ({"max_hops": 13}, "max_hops", ValidationError),
        ({"k": 0}, "k", ValidationError),
        ({"k": 21}, "k", ValidationError),
        ({"kinds": ["LIKES"]}, "kinds", ValidationError),
        ({"kinds": []}, "kinds", ValidationError),
        ({"as_of": "2019/01/01"}, "as_of", InvalidDates),
        ({"as_of": "01-01-2019"}, "as_of", InvalidDates),
        ({"avoid_kinds": ["Association"]}, "avoid_kinds", ValidationError),
        ({"avoid_kinds": ["Network:national"]}, "avoid_kinds", ValidationError),
        ({"avoid_kinds": ["AdvocacyBody:galactic"]}, "avoid_kinds", ValidationError),
        ({"avoid": ["org-collectif"]}, "avoid", ValidationError),
    ],
)
def test_bad_parameters(
    example: Projection, kwargs: dict[str, object], field: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        cooperation_paths(example, "org-collectif", "org-marseille", **kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValidationError)
    assert caught.value.field == field
    assert field in str(caught.value)


def test_unknown_and_ambiguous_actors(example: Projection, graphs: type[Graphs]) -> None:
    with pytest.raises(NotFound, match=r"^source: no actor 'org-nobody'"):
        cooperation_paths(example, "org-nobody", "org-marseille")
    with pytest.raises(NotFound, match=r"^target:"):
        cooperation_paths(example, "org-collectif", "nowhere")
    with pytest.raises(NotFound, match=r"^avoid:"):
        cooperation_paths(example, "org-collectif", "org-marseille", avoid=["ghost-actor"])
    with pytest.raises(ValidationError) as same:
        cooperation_paths(example, "org-collectif", "Collectif Lyonnais")
    assert same.value.field == "target"
    twins = graphs.build(
        [graphs.actor("a-one", name="Les Jardins"), graphs.actor("a-two", name="Les jardins")],
        [("a-one", "a-two")],
    )
    with pytest.raises(AmbiguousReference) as ambiguous:
        cooperation_paths(twins, "les jardins", "a-two")
    assert [c[0] for c in ambiguous.value.candidates] == ["a-one", "a-two"]
    # names resolve (accents and case ignored)
    found = cooperation_paths(example, "collectif lyonnais", "LA RECYCLERIE DE MARSEILLE")
    assert found.source.id == "org-collectif"


# -- networkx as the reference --------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_hop_lengths_equal_networkx(graphs: type[Graphs], seed: int) -> None:
    projection, reference = graphs.random(60, 90, seed)
    rng = random.Random(seed)
    nodes = list(reference)
    for _ in range(40):
        source, target = rng.sample(nodes, 2)
        answer = cooperation_paths(projection, source, target)
        if nx.has_path(reference, source, target):
            path = answer.paths[0]
            assert path.length == nx.shortest_path_length(reference, source, target)
            assert all(reference.has_edge(u, v) for u, v in pairwise(path.actor_ids))
        else:
            assert not answer.found


@pytest.mark.parametrize("seed", range(4))
def test_constrained_lengths_equal_networkx_on_the_filtered_graph(
    graphs: type[Graphs], seed: int
) -> None:
    from datetime import date

    projection, _ = graphs.random(60, 150, seed, dated=True)
    day = date(2012, 6, 1)
    kinds = {"COOPERATES_WITH", "MEMBER_OF", "SUPPORTS", "FUNDS"}
    avoided_kind = "Network"
    rng = random.Random(seed)
    nodes = list(projection.graph)
    for _ in range(30):
        source, target = rng.sample(nodes, 2)
        keep = [
            n
            for n, d in projection.graph.nodes(data=True)
            if d["kind"] != avoided_kind or n in (source, target)
        ]
        filtered = nx.Graph()
        filtered.add_nodes_from(keep)
        filtered.add_edges_from(
            (u, v)
            for u, v, d in projection.graph.edges(data=True)
            if u in filtered
            and v in filtered
            and d["kind"] in kinds
            and (d["since"] is None or d["since"] <= day)
        )
        answer = cooperation_paths(
            projection, source, target, as_of=day, kinds=kinds, avoid_kinds=[avoided_kind]
        )
        if nx.has_path(filtered, source, target):
            assert answer.paths[0].length == nx.shortest_path_length(filtered, source, target)
        else:
            assert not answer.found


@pytest.mark.parametrize("seed", range(4))
def test_weighted_costs_equal_networkx_dijkstra(graphs: type[Graphs], seed: int) -> None:
    from datetime import date

    projection, _ = graphs.random(50, 120, seed, dated=True)
    day = date(2024, 1, 1)
    weighted = nx.Graph()
    weighted.add_nodes_from(projection.graph)
    for u, v, d in projection.graph.edges(data=True):
        conductance = 1 / link_cost(d, day)
        if weighted.has_edge(u, v):
            conductance += 1 / weighted[u][v]["cost"]
        weighted.add_edge(u, v, cost=1 / conductance)
    rng = random.Random(seed)
    for _ in range(30):
        source, target = rng.sample(list(weighted), 2)
        answer = cooperation_paths(projection, source, target, weighted=True, as_of=day)
        if nx.has_path(weighted, source, target):
            expected = nx.dijkstra_path_length(weighted, source, target, weight="cost")
            assert answer.paths[0].cost == pytest.approx(expected)
            assert sum(h.cost for h in answer.paths[0].hops) == pytest.approx(expected)
        else:
            assert not answer.found


@pytest.mark.parametrize("seed", range(4))
def test_k_shortest_equals_networkx_prefix(graphs: type[Graphs], seed: int) -> None:
    projection, reference = graphs.random(40, 80, seed)
    rng = random.Random(seed)
    for _ in range(10):
        source, target = rng.sample(list(reference), 2)
        if not nx.has_path(reference, source, target):
            continue
        answer = cooperation_paths(projection, source, target, k=8)
        expected = list(islice(nx.shortest_simple_paths(reference, source, target), 8))
        assert [p.length for p in answer.paths] == [len(p) - 1 for p in expected]
        assert len({p.actor_ids for p in answer.paths}) == len(answer.paths)
        for path in answer.paths:  # each alternative is a simple path of the graph
            ids = path.actor_ids
            assert len(set(ids)) == len(ids)
            assert all(reference.has_edge(u, v) for u, v in pairwise(ids))
        # equal-length alternatives: the same set as networkx's, whatever the order
        if len(expected) < 8:
            assert {p.actor_ids for p in answer.paths} == {tuple(p) for p in expected}


@pytest.mark.parametrize("seed", range(3))
def test_weighted_k_shortest_equals_networkx(graphs: type[Graphs], seed: int) -> None:
    from datetime import date

    projection, _ = graphs.random(35, 70, seed, dated=True)
    day = date(2024, 1, 1)
    weighted = nx.Graph()
    for u, v, d in projection.graph.edges(data=True):
        conductance = 1 / link_cost(d, day) + (
            1 / weighted[u][v]["cost"] if weighted.has_edge(u, v) else 0
        )
        weighted.add_edge(u, v, cost=1 / conductance)
    rng = random.Random(seed)
    for _ in range(8):
        source, target = rng.sample(list(weighted), 2)
        if not nx.has_path(weighted, source, target):
            continue
        answer = cooperation_paths(projection, source, target, weighted=True, as_of=day, k=5)
        expected = list(islice(nx.shortest_simple_paths(weighted, source, target, "cost"), 5))
        costs = [nx.path_weight(weighted, p, "cost") for p in expected]
        assert [p.cost for p in answer.paths] == pytest.approx(costs)
