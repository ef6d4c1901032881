"""The live projection equals a rebuild: random sequences of writes through the port (actors
created and edited, links written, restated, ended, removed, deleted; concurrent writers; an
import), applied to a projection by following the change log (:mod:`queries.deltas`), give the
projection a rebuild from the store gives — same actors, links, spells, attributes, in the same
order — and the same paths, clusters and figures."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_model.changes import ChangeRecord
from graph_model.model import Actor, ActorKind, Link, LinkKind
from graph_model.port import GraphStore, WriteContext
from importers.formats.spreadsheet import SpreadsheetReader
from importers.pipeline import ImportOptions, Pipeline
from queries.analytics.clusters import ClusterQuery, find_clusters
from queries.analytics.figures import movement_figures
from queries.analytics.paths import PathQuery, find_paths
from queries.deltas import Delta, LogGap, apply_delta, follow
from queries.projection import Projection, build_projection
from queries.store.memory import MemoryGraph

CTX = WriteContext(run="run-test", by="tests")
DEPARTEMENTS = ("14", "69", "13", None)
KINDS = (LinkKind.MEMBER_OF, LinkKind.COOPERATES_WITH, LinkKind.SUPPORTS)
IDS = [f"org-{n}" for n in range(10)]


def canonical(projection: Projection) -> tuple[Any, ...]:
    """Everything a projection holds, order included."""
    graph = projection.graph
    return (
        list(graph._node.items()),
        [
            (u, [(v, list(keys.items())) for v, keys in nbrs.items()])
            for u, nbrs in graph._succ.items()
        ],
        [(v, [(u, list(keys)) for u, keys in nbrs.items()]) for v, nbrs in graph._pred.items()],
    )


def _actor(n: int, variant: int) -> Actor:
    return Actor(
        id=IDS[n],
        kind=ActorKind.ORGANISATION,
        name=f"Structure {n} v{variant}",
        departement=DEPARTEMENTS[variant % len(DEPARTEMENTS)],
        themes=[f"theme-{variant % 3}"],
    )


def _apply(graph: GraphStore, step: tuple[Any, ...]) -> None:
    """One write of the random sequence (writes that make no sense here are skipped, as a user
    would be refused)."""
    op = step[0]
    known = set(graph.actor_kinds(IDS))
    if op == "actor":
        graph.write_actors([_actor(step[1], step[2])], CTX)
        return
    source, target = IDS[step[1]], IDS[step[2]]
    if source == target or source not in known or target not in known:
        return
    kind = KINDS[step[3] % len(KINDS)]
    if op == "link":
        since = date(2015 + step[4], 1, 1) if step[4] else None
        graph.write_links([Link(source_id=source, target_id=target, kind=kind, since=since)], CTX)
        return
    links = graph.links_between(source, target, kind)
    if not links:
        return
    if op == "delete":
        graph.delete_links(kind, [links[0].id], CTX)
    elif op == "end":
        with graph.edit(CTX) as tx:
            tx.end_links(source, target, kind, [links[0].id], until=date(2030, 1, 1), sources=[])
    elif op == "remove":
        with graph.edit(CTX) as tx:
            tx.remove_links(source, target, kind, [links[0].id])


ints = st.integers(0, len(IDS) - 1)
steps = st.one_of(
    st.tuples(st.just("actor"), ints, st.integers(0, 7)),
    st.tuples(st.just("link"), ints, ints, st.integers(0, 2), st.integers(0, 4)),
    st.tuples(st.sampled_from(["delete", "end", "remove"]), ints, ints, st.integers(0, 2)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(steps, st.booleans()), min_size=1, max_size=30))
def test_following_the_log_equals_a_rebuild(plan: list[tuple[tuple[Any, ...], bool]]) -> None:
    graph = MemoryGraph()
    for n in range(4):
        graph.write_actors([_actor(n, 0)], CTX)
    projection = build_projection(graph)
    for step, look in plan:
        _apply(graph, step)
        if look:  # follow now and then, as a worker tailing the log does
            projection = follow(projection, graph).projection
    projection = follow(projection, graph).projection
    rebuilt = build_projection(graph)
    assert projection.version == rebuilt.version == graph.graph_version()
    assert canonical(projection) == canonical(rebuilt)
    # the count of links /ready gives is carried by every delta, never counted again
    assert "link_count" in dict(projection.derived_items())
    assert projection.link_count() == rebuilt.graph.number_of_edges()


def test_the_count_of_links_follows_every_kind_of_write() -> None:
    """``/ready``'s count of links is carried by the deltas (counting a multigraph's edges walks
    every actor): links made, restated, ended, removed and deleted leave it equal to a count."""
    graph = MemoryGraph()
    for n in range(4):
        graph.write_actors([_actor(n, 0)], CTX)
    projection = build_projection(graph)
    plan = [
        ("link", 0, 1, 0, 0),
        ("link", 0, 1, 1, 1),
        ("link", 1, 2, 1, 2),
        ("link", 2, 3, 2, 0),
        ("link", 0, 1, 0, 0),  # the same link again
        ("end", 0, 1, 1),
        ("remove", 1, 2, 1),
        ("delete", 0, 1, 0),
        ("actor", 2, 3),
    ]
    counts = []
    for step in plan:
        _apply(graph, step)
        projection = follow(projection, graph).projection
        assert "link_count" in dict(projection.derived_items()), step  # carried, not counted
        counts.append(projection.link_count())
        assert projection.link_count() == projection.graph.number_of_edges(), step
    assert counts == [1, 2, 3, 4, 4, 4, 3, 2, 2]


def test_concurrent_writers_and_an_import_follow_to_the_rebuild(tmp_path: Path) -> None:
    graph = MemoryGraph()
    for n in range(len(IDS)):
        graph.write_actors([_actor(n, n)], CTX)
    start = build_projection(graph)

    def writer(seed: int) -> None:
        for k in range(15):
            a, b = (seed * 7 + k) % len(IDS), (seed * 3 + 2 * k + 1) % len(IDS)
            _apply(graph, ("link", a, b, k % 3, k % 5))
            _apply(graph, ("actor", (seed + k) % len(IDS), k))
            if k % 4 == 3:
                _apply(graph, ("end", a, b, k % 3))

    sheet = tmp_path / "membres.csv"
    sheet.write_text(
        "nom,type,commune,code_postal\n"
        "Épicerie solidaire du Val,organisation,Caen,14000\n"
        "Jardin des Possibles,organisation,Lyon,69001\n",
        encoding="utf-8",
    )
    with ThreadPoolExecutor(3) as pool:
        done = [pool.submit(writer, seed) for seed in range(2)]
        done.append(pool.submit(_import, graph, sheet))
        for future in done:
            future.result()
    followed = follow(start, graph)
    rebuilt = build_projection(graph)
    assert followed.projection.version == rebuilt.version
    assert canonical(followed.projection) == canonical(rebuilt)
    assert followed.projection.graph.number_of_nodes() == len(IDS) + 2


def _import(graph: GraphStore, sheet: Path) -> None:
    """The real import, in its five steps."""
    summary = Pipeline(graph, SpreadsheetReader(sheet), ImportOptions()).run()
    assert summary.adds_up()


def test_analytics_agree_after_following() -> None:
    graph = MemoryGraph()
    for n in range(len(IDS)):
        graph.write_actors([_actor(n, n)], CTX)
    for n in range(len(IDS) - 1):
        _apply(graph, ("link", n, n + 1, n % 3, n % 4))
    projection = build_projection(graph)
    projection.derived("warm", lambda p: None)
    for n in range(0, len(IDS) - 2, 2):
        _apply(graph, ("link", n, n + 2, 1, 0))
        _apply(graph, ("remove", n + 1, n + 2, (n + 1) % 3))
        _apply(graph, ("actor", n, n + 3))
    followed = follow(projection, graph).projection
    rebuilt = build_projection(graph)
    query = PathQuery.build(IDS[0], IDS[-1])
    assert find_paths(followed, query) == find_paths(rebuilt, query)
    clusters = ClusterQuery.build(None, min_size=2)
    assert find_clusters(followed, clusters) == find_clusters(rebuilt, clusters)
    for day in (None, "2017-06-01"):
        assert movement_figures(followed, None, as_of=day) == movement_figures(
            rebuilt, None, as_of=day
        )


def test_a_hole_in_the_log_or_a_cleared_graph_asks_for_a_rebuild() -> None:
    graph = MemoryGraph()
    graph.write_actors([_actor(0, 0), _actor(1, 1)], CTX)
    projection = build_projection(graph)
    graph.delete_all()
    graph.write_actors([_actor(0, 0)], CTX)
    with pytest.raises(LogGap):
        follow(projection, graph)

    other = MemoryGraph()
    other.write_actors([_actor(0, 0)], CTX)
    projection = build_projection(other)
    # a write that bypasses the port's log (as a raw statement would): the sequence jumps
    with other._write() as journal:
        journal.entries.clear()
    other._state.nodes["Change"].pop(f"chg-{other.graph_version()}-0")
    other.write_actors([_actor(1, 1)], CTX)
    with pytest.raises(LogGap, match="jumps"):
        follow(projection, other)


class _WriteBetweenReads:
    """The store with a write that commits after the log was read and before the version is:
    what a writer on another connection does at any moment."""

    def __init__(self, graph: MemoryGraph) -> None:
        self.graph = graph
        self.written = False

    def changes_since(self, after: int, limit: int = 10_000) -> list[ChangeRecord]:
        return self.graph.changes_since(after, limit)

    def graph_version(self) -> int:
        if not self.written:
            self.written = True
            self.graph.write_actors([_actor(7, 7)], CTX)
        return self.graph.graph_version()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.graph, name)


def test_a_write_between_reading_the_log_and_the_version_is_followed_not_rebuilt() -> None:
    graph = MemoryGraph()
    graph.write_actors([_actor(0, 0)], CTX)
    projection = build_projection(graph)
    followed = follow(projection, _WriteBetweenReads(graph))
    assert followed.projection.version == graph.graph_version()
    assert canonical(followed.projection) == canonical(build_projection(graph))


def test_a_failed_delta_leaves_the_projection_serving() -> None:
    graph = MemoryGraph()
    graph.write_actors([_actor(0, 0)], CTX)
    projection = build_projection(graph)
    before = canonical(projection)
    bad = Delta(
        projection.version + 1,
        {IDS[0]: {"id": IDS[0], "kind": "Organisation", "latitude": "north"}},
    )
    with pytest.raises(ValueError, match="north"):
        apply_delta(projection, bad)
    assert canonical(projection) == before


def test_carried_indexes_follow_and_others_are_rebuilt() -> None:
    graph = MemoryGraph()
    graph.write_actors([_actor(0, 0), _actor(1, 1)], CTX)
    projection = build_projection(graph)

    def names(p: Projection) -> dict[str, str]:
        return {a: attrs["name"] for a, attrs in p.graph.nodes(data=True)}

    def carry(index: dict[str, str], applied: Any) -> dict[str, str]:
        out = dict(index)
        for actor, (_, after) in applied.actors.items():
            if after is None:
                out.pop(actor, None)
            else:
                out[actor] = after["name"]
        return out

    projection.derived("test.names", names, carry)
    projection.derived("test.count", lambda p: p.graph.number_of_nodes())
    graph.write_actors([_actor(2, 2), _actor(0, 5)], CTX)
    followed = follow(projection, graph)
    new = followed.projection
    assert dict(new.derived_items()).get("test.names") == names(build_projection(graph))
    assert "test.count" not in dict(new.derived_items())
    assert new.derived("test.count", lambda p: p.graph.number_of_nodes()) == 3
    assert followed.applied is not None and followed.applied.touched == {IDS[0], IDS[2]}
    # the old projection is as it was
    assert projection.derived("test.names", names, carry) == {
        IDS[0]: "Structure 0 v0",
        IDS[1]: "Structure 1 v1",
    }


def test_a_change_naming_a_large_part_of_the_graph_asks_for_a_rebuild(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import queries.deltas

    graph = MemoryGraph()
    graph.write_actors([_actor(0, 0)], CTX)
    projection = build_projection(graph)
    monkeypatch.setattr(queries.deltas, "LARGE", 3)
    graph.write_actors([_actor(n, 1) for n in range(1, 5)], CTX)
    with pytest.raises(LogGap, match="rebuild is faster"):
        follow(projection, graph)
    graph.write_actors([_actor(0, 2)], CTX)  # a small change after it is followed again
    rebuilt = build_projection(graph)
    graph.write_actors([_actor(1, 3)], CTX)
    assert canonical(follow(rebuilt, graph).projection) == canonical(build_projection(graph))
