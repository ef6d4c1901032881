"""Territorial clusters: planted communities, stable ids, seeds, statistics, the cache."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import pytest

from graph_model.errors import ValidationError
from queries.analytics.clusters import territorial_clusters
from queries.projection import Projection
from queries.snapshots import ClusterCache

if TYPE_CHECKING:
    from tests.queries.analytics.conftest import Graphs

DEPARTEMENTS = {"69": ("84", "69123"), "13": ("93", "13055"), "33": ("75", "33063"),
                "35": ("53", "35238"), "59": ("32", "59350")}  # fmt: skip
KNOWN = {"departement": set(DEPARTEMENTS), "region": {r for r, _ in DEPARTEMENTS.values()}}


def planted(
    graphs: type[Graphs], groups: int = 4, size: int = 8, extra: list[tuple[str, str]] | None = None
) -> Projection:
    """``groups`` cliques of ``size`` actors, one per département, joined in a ring by one
    link each: the communities are the cliques."""
    actors, links = [], []
    codes = list(DEPARTEMENTS)
    for g in range(groups):
        departement = codes[g % len(codes)]
        region, commune = DEPARTEMENTS[departement]
        for i in range(size):
            actors.append(
                graphs.actor(
                    f"g{g}-a{i:02d}",
                    departement=departement,
                    region=region,
                    commune=commune,
                    latitude=40.0 + g + i / 100,
                    longitude=1.0 + g,
                    themes=["reemploi"] if i % 2 else ["reemploi", "habitat"],
                )
            )
        links += [(f"g{g}-a{i:02d}", f"g{g}-a{j:02d}") for i in range(size) for j in range(i)]
        links.append((f"g{g}-a00", f"g{(g + 1) % groups}-a01"))
    return graphs.build(actors, links + (extra or []))


def test_planted_communities_are_found_with_their_figures(graphs: type[Graphs]) -> None:
    result = territorial_clusters(planted(graphs), seed=3)
    assert sorted(c.members for c in result.clusters) == [
        tuple(f"g{g}-a{i:02d}" for i in range(8)) for g in range(4)
    ]
    assert [c.id for c in result.clusters] == ["c1", "c2", "c3", "c4"]
    assert result.next_id == 5
    first = result.clusters[0]
    assert first.size == 8
    assert first.internal_links == 28
    assert first.external_links == 2
    assert first.density == 1.0
    assert first.internal_ratio == pytest.approx(28 / 30, abs=1e-6)
    assert [(s.key, s.share) for s in first.departements] == [("69", 1.0)]
    assert [(s.key, s.count) for s in first.themes] == [("reemploi", 8), ("habitat", 4)]
    assert first.centroid is not None
    assert first.centroid.lat == pytest.approx(40.035)
    assert first.bbox is not None
    assert (first.bbox.south, first.bbox.north) == (40.0, 40.07)
    # the two actors with a link outside still have 7 ties inside: ties broken by id
    assert [a.actor.id for a in first.central_actors] == [f"g0-a{i:02d}" for i in range(5)]
    assert result.unclustered == 0
    assert result.actors == 32


def test_modularity_is_networkx_modularity_of_the_partition(graphs: type[Graphs]) -> None:
    projection = planted(graphs, groups=5, size=6)
    result = territorial_clusters(projection, seed=1)
    ties = nx.Graph(projection.graph.to_undirected())
    expected = nx.community.modularity(ties, [set(c.members) for c in result.clusters])
    assert result.modularity == pytest.approx(expected, abs=1e-6)


def test_same_seed_same_clusters(graphs: type[Graphs]) -> None:
    projection, _ = graphs.random(300, 900, seed=5)
    first = territorial_clusters(projection, seed=11)
    for _ in range(3):
        again = territorial_clusters(projection, seed=11)
        assert [(c.id, c.members) for c in again.clusters] == [
            (c.id, c.members) for c in first.clusters
        ]
        assert again.modularity == first.modularity
    rebuilt, _ = graphs.random(300, 900, seed=5)
    assert [c.members for c in territorial_clusters(rebuilt, seed=11).clusters] == [
        c.members for c in first.clusters
    ]


def test_ids_survive_the_addition_of_one_link(graphs: type[Graphs]) -> None:
    before = territorial_clusters(planted(graphs, groups=5), seed=2)
    after_graph = planted(graphs, groups=5, extra=[("g1-a03", "g3-a04")])
    fresh = territorial_clusters(after_graph, seed=2)
    after = territorial_clusters(after_graph, seed=2, previous=before)
    ids_before = {c.members: c.id for c in before.clusters}
    ids_after = {c.members: c.id for c in after.clusters}
    assert ids_after == ids_before
    assert after.next_id == before.next_id
    assert {c.members for c in fresh.clusters} == set(ids_before)


def test_a_genuinely_new_cluster_gets_a_new_id(graphs: type[Graphs]) -> None:
    before = territorial_clusters(planted(graphs, groups=4), seed=2)
    extra_actors = [graphs.actor(f"new-a{i}") for i in range(6)]
    base = planted(graphs, groups=4)
    graph = base.graph
    actors = [
        {"id": a, "kind": d["kind"], "departement": d["departement"], "region": d["region"]}
        for a, d in graph.nodes(data=True)
    ] + extra_actors
    links = [(u, v) for u, v in graph.edges()] + [
        (f"new-a{i}", f"new-a{j}") for i in range(6) for j in range(i)
    ]
    after = territorial_clusters(graphs.build(actors, links), seed=2, previous=before)
    new = [c for c in after.clusters if c.members[0].startswith("new-")]
    assert [c.id for c in new] == ["c5"]
    assert after.next_id == 6
    kept = {c.members: c.id for c in after.clusters if c not in new}
    assert kept == {c.members: c.id for c in before.clusters}


def test_scope_limits_the_clustering(graphs: type[Graphs]) -> None:
    projection = planted(graphs, groups=4)
    result = territorial_clusters(projection, "departement:13", seed=0, known_codes=KNOWN)
    assert result.scope == "departement:13"
    assert [c.members for c in result.clusters] == [tuple(f"g1-a{i:02d}" for i in range(8))]
    # ties leaving the scope count as external
    assert result.clusters[0].external_links == 2
    region = territorial_clusters(projection, "region:93", seed=0, known_codes=KNOWN)
    assert region.actors == 8
    with pytest.raises(ValidationError) as unknown:
        territorial_clusters(projection, "departement:44", known_codes=KNOWN)
    assert unknown.value.field == "scope"


def test_isolated_actors_are_unclustered(graphs: type[Graphs]) -> None:
    projection = graphs.build(["a-1", "a-2", "a-3", "a-lonely"], [("a-1", "a-2"), ("a-2", "a-3")])
    result = territorial_clusters(projection)
    assert [c.members for c in result.clusters] == [("a-1", "a-2", "a-3")]
    assert result.unclustered == 1
    alone = territorial_clusters(graphs.build(["a-1", "a-2"], []))
    assert alone.clusters == ()
    assert alone.modularity == 0.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"resolution": 0}, "resolution"),
        ({"resolution": 1000}, "resolution"),
        ({"seed": -1}, "seed"),
        ({"min_size": 0}, "min_size"),
        ({"min_jaccard": 0}, "min_jaccard"),
        ({"scope": "region:XX"}, "scope"),
    ],
)
def test_bad_parameters(graphs: type[Graphs], kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        territorial_clusters(planted(graphs), **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_cache_serves_repeats_and_keeps_ids_across_versions(graphs: type[Graphs]) -> None:
    cache = ClusterCache()
    v1 = planted(graphs, groups=5)
    first = cache.get(v1, seed=4)
    start = time.perf_counter()
    repeat = cache.get(v1, seed=4)
    assert (time.perf_counter() - start) < 0.010
    assert repeat is first
    actors = [
        {"id": a, "kind": d["kind"], "departement": d["departement"], "region": d["region"]}
        for a, d in v1.graph.nodes(data=True)
    ]
    links = [*v1.graph.edges(), ("g0-a05", "g2-a06")]
    v2 = Projection.from_records(
        actors,
        [
            {"id": f"x{i}", "kind": "COOPERATES_WITH", "source": u, "target": v}
            for i, (u, v) in enumerate(links)
        ],
        version=2,
    )
    second = cache.get(v2, seed=4)
    assert second.version == 2
    assert {c.members: c.id for c in second.clusters} == {c.members: c.id for c in first.clusters}
    assert cache.get(v2, seed=5) is not second  # another seed is another question


def test_cluster_ids_survive_a_restart(tmp_path: Path) -> None:
    """A new process (a new cache) reading the kept memberships keeps the ids researchers cite,
    even when the graph changed in between."""
    from queries.analytics.example import example_projection

    first = ClusterCache(directory=tmp_path).get(example_projection(), seed=3)
    ids_before = {frozenset(c.members): c.id for c in first.clusters}
    # a different numbering would come out of a fresh computation only if ids were not kept:
    # shift the kept ids so that keeping them is visible
    kept = next(tmp_path.glob("clusters-*.json"))
    assert kept.stat().st_mode & 0o777 == 0o600  # the owner's only, as the data directory
    data = json.loads(kept.read_text())
    data["clusters"] = {f"c{int(k[1:]) + 40}": v for k, v in data["clusters"].items()}
    data["next_id"] += 40
    kept.write_text(json.dumps(data))
    again = ClusterCache(directory=tmp_path).get(example_projection(), seed=3)
    assert {frozenset(c.members): c.id for c in again.clusters} == {
        members: f"c{int(cid[1:]) + 40}" for members, cid in ids_before.items()
    }
