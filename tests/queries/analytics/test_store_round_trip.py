"""The analytics give the same answers on a graph written through the store port and pulled back
by ``build_projection`` as on the in-memory fixture: on every adapter (memory, each server)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from graph_model.model import Actor, Link, SourceRef
from graph_model.port import GraphStore, WriteContext
from queries.analytics import (
    brokers,
    cooperation_paths,
    isolated_actors,
    movement_figures,
    neighbourhood,
    peer_projects,
    territorial_clusters,
)
from queries.analytics.example import example_projection
from queries.projection import Projection, build_projection


def _load(graph: GraphStore, fixture: Projection) -> None:
    actors = []
    for node, attrs in fixture.graph.nodes(data=True):
        fields: dict[str, Any] = {
            "id": node,
            "kind": attrs["kind"],
            "name": attrs["name"],
            "legal_form": attrs.get("legal_form"),
            "level": attrs.get("level"),
            "commune": attrs.get("commune"),
            "departement": attrs.get("departement"),
            "region": attrs.get("region"),
            "themes": sorted(attrs.get("themes") or ()),
            "methods": sorted(attrs.get("methods") or ()),
        }
        if attrs.get("lat") is not None:
            fields.update(latitude=attrs["lat"], longitude=attrs["lon"])
            fields["location_precision"] = "exact" if attrs.get("precise") else "commune"
        actors.append(Actor(**fields))
    links = []
    for source, target, attrs in fixture.graph.edges(data=True):
        sources = [SourceRef(**json.loads(raw)) for raw in attrs.get("sources") or ()]
        links.append(
            Link(
                kind=attrs["kind"],
                source_id=source,
                target_id=target,
                subkind=attrs.get("subkind"),
                since=attrs.get("since"),
                until=attrs.get("until"),
                sources=sources,
            )
        )
    graph.write_actors(actors, WriteContext())
    graph.write_links(links, WriteContext())


def _path_view(p: Projection, **options: Any) -> Any:
    answer = cooperation_paths(p, "org-collectif", "prj-graines", **options)
    return (
        answer.found,
        answer.blocking,
        [
            (
                path.actor_ids,
                [
                    sorted(
                        (link.kind, link.direction, link.since, link.until) for link in hop.links
                    )
                    for hop in path.hops
                ],
                round(path.cost, 9),
            )
            for path in answer.paths
        ],
    )


@pytest.fixture
def both(graph: GraphStore) -> tuple[Projection, Projection]:
    fixture = example_projection()
    _load(graph, fixture)
    loaded = build_projection(graph)
    assert loaded.graph.number_of_nodes() == fixture.graph.number_of_nodes()
    assert loaded.graph.number_of_edges() == fixture.graph.number_of_edges()
    return fixture, loaded


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"k": 3},
        {"weighted": True, "as_of": date(2025, 1, 1)},
        {"as_of": date(2016, 6, 1)},
        {"avoid_kinds": ["AdvocacyBody:national"]},
        {"kinds": ["COOPERATES_WITH", "MEMBER_OF", "SITS_ON", "CARRIES"], "max_hops": 4},
    ],
)
def test_paths_agree(both: tuple[Projection, Projection], options: dict[str, Any]) -> None:
    fixture, loaded = both
    assert _path_view(loaded, **options) == _path_view(fixture, **options)


def test_clusters_brokers_peers_and_figures_agree(both: tuple[Projection, Projection]) -> None:
    fixture, loaded = both

    def clusters(p: Projection) -> Any:
        result = territorial_clusters(p, seed=7)
        return round(result.modularity, 9), [(c.id, c.members) for c in result.clusters]

    def ranking(p: Projection) -> Any:
        return [(b.actor.id, round(b.score, 9)) for b in brokers(p).actors]

    def peers(p: Projection) -> Any:
        answer = peer_projects(p, "org-collectif")
        return [(x.actor.id, x.score, x.shared_themes, x.shared_methods) for x in answer.peers]

    def around(p: Projection) -> Any:
        found = neighbourhood(p, "net-aura", depth=2)
        return sorted(n.actor.id for n in found.actors)

    def figures(p: Projection) -> Any:
        result = movement_figures(p)
        return (
            result.actors,
            result.by_kind,
            result.by_legal_form,
            result.links_by_kind,
            result.density,
            result.same_departement,
            result.across_regions,
            result.region_matrix,
        )

    for view in (clusters, ranking, peers, around, figures):
        assert view(loaded) == view(fixture), view.__name__
    assert [a.id for a in isolated_actors(loaded).actors] == ["org-seule"]
