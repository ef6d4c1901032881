"""The in-memory adapter against each backend: the same generated movement written through the
port into ``graph`` and into a fresh :class:`~queries.store.memory.MemoryGraph` reads back the
same from both, row for row (order aside where the statement does not order), so that tests
run on the memory graph say what the servers would.

Stored times too are compared as they are: the port reads ArcadeDB's zone-less times as UTC.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from graph_model.batch import GraphBatch, KnownLinks, link_row
from graph_model.identifiers import fold
from graph_model.model import Actor, ActorKind, Link, LinkKind, SourceRef
from graph_model.port import GraphStore, WriteContext
from graph_model.stored import actor_properties, territory_lookup
from graph_model.territories import TerritoryReference, load_reference
from queries.store.memory import MemoryGraph

AT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
COMMUNES = ("97411", "97415", "69123", "69381", "75056", "13055", "31555", "33063")
KINDS = list(ActorKind)
LINKS = [
    k
    for k in LinkKind
    if k.value in {"MEMBER_OF", "COOPERATES_WITH", "CARRIES", "SUPPORTS", "FUNDS", "SITS_ON"}
]


def _reference() -> TerritoryReference:
    reference = load_reference()
    communes = {code: c for code, c in reference.communes.items() if code in COMMUNES}
    epcis = {c.epci for c in communes.values() if c.epci}
    return dataclasses.replace(
        reference,
        communes=communes,
        epcis={code: e for code, e in reference.epcis.items() if code in epcis},
    )


def _movement(seed: int, n: int = 120) -> tuple[list[Actor], list[Link]]:
    rng = random.Random(seed)
    actors = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        commune = rng.choice((*COMMUNES, None))
        actors.append(
            Actor(
                id=f"mai-{i:012x}",
                kind=kind,
                name=f"Acteur {i} {rng.choice(['é', 'ç', ''])}",
                level="regional" if kind is ActorKind.ADVOCACY_BODY else None,
                commune=commune,
                website=rng.choice((None, f"https://a{i}.fr")),
                active_in=rng.sample(
                    ["region:84", "departement:69", "region:04", "FR"], k=rng.randint(0, 2)
                ),
                themes=rng.sample(["axe-1", "axe-2", "axe-3"], k=rng.randint(0, 2)),
                sources=[SourceRef(system="gen", key=str(i))],
                aliases=[f"gogocarto:{i}"] if i % 3 == 0 else [],
            )
        )
    links = []
    for _ in range(n * 3):
        a, b = rng.sample(actors, 2)
        since = rng.choice((None, date(2015 + rng.randint(0, 9), rng.randint(1, 12), 1)))
        until = (
            since + timedelta(days=rng.randint(30, 2000)) if since and rng.random() < 0.3 else None
        )
        links.append(
            Link(
                kind=rng.choice(LINKS),
                source_id=a.id,
                target_id=b.id,
                subkind=rng.choice((None, "partenariat", "co-portage")),
                since=since,
                until=until,
                sources=[SourceRef(system="gen", key=f"{a.id}>{b.id}")],
            )
        )
    return actors, links


def _settle(links: Iterable[Link]) -> Callable[[KnownLinks], dict[LinkKind, list[dict[str, Any]]]]:
    """Merge a restated statement's source into its first stored twin."""
    by_id = {link.id: link for link in links}

    def settle(known: KnownLinks) -> dict[LinkKind, list[dict[str, Any]]]:
        out: dict[LinkKind, list[dict[str, Any]]] = {}
        for kind, found in known.items():
            rows = []
            for row in sorted(found, key=lambda r: r["id"]):
                twin = sorted(row["same"], key=lambda s: s["id"])[0]
                sources = sorted({*(twin["sources"] or []), '{"restated":true}'})
                rows.append(link_row(by_id[row["id"]], {**twin, "sources": sources}))
            out[kind] = rows
        return out

    return settle


def _write(graph: GraphStore, seed: int) -> None:
    reference = _reference()
    ctx = WriteContext(run="gen-1", at=AT, by="gen")
    graph.load_territories(reference, ctx)
    actors, links = _movement(seed)
    graph.write_actors(actors, ctx, territories=territory_lookup(reference), batch_size=50)
    graph.write_links(links[: len(links) // 2], ctx, batch_size=70)
    later = WriteContext(run="gen-2", at=AT + timedelta(days=1), by="gen")
    batch = GraphBatch(later.stamp())
    for actor in actors[::7]:  # a re-import: renamed, its themes linked
        renamed = actor.model_copy(update={"name": actor.name + " (bis)"})
        batch.add_actor(renamed, actor_properties(renamed), renamed.identity_keys())
    for link in links[len(links) // 3 :]:  # half of them already known
        batch.add_link(link, unless_known=True)
    graph.write_batch(batch, _settle(links))
    merge = GraphBatch(later.stamp())
    merge.aliases.update({f"id:{actors[1].id}": actors[0].id, "gogocarto:3": actors[0].id})
    graph.write_batch(merge)


def _plain(value: Any) -> Any:
    """Records as dicts (their order of rows aside), for one comparison of everything."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    return value


def _sorted(rows: Iterable[Any]) -> list[Any]:
    return sorted((_plain(r) for r in rows), key=repr)


def _reads(graph: GraphStore) -> dict[str, Callable[[], Any]]:
    ids = [a.id for a in _movement(0)[0]] + ["mai-nobody"]
    keys = [f"id:{i}" for i in ids] + ["gogocarto:3", "gogocarto:6", "gen:5"]
    first = ids[0]
    actors = _movement(0)[0]
    names = [fold(actors[1].name), fold(actors[7].name + " (bis)"), "nobody"]
    return {
        "counts": graph.counts,
        "actors_by_id": lambda: _plain(graph.actors_by_id(ids)),
        "actor_kinds": lambda: graph.actor_kinds(ids),
        "resolve_keys": lambda: graph.resolve_keys(keys),
        "aliases_of": lambda: graph.aliases_of(ids),
        "places_of": lambda: _sorted(graph.places_of(ids)),
        "links_of_actors": lambda: _sorted(graph.links_of_actors(ids)),
        "links_of_actor": lambda: _plain(graph.links_of_actor(first)),
        "links_of_actor_2019": lambda: _plain(graph.links_of_actor(first, date(2019, 6, 1))),
        "name_index": lambda: _sorted(graph.name_index()),
        "actor_state": lambda: _plain(graph.actor_state(ids)),
        "actors_by_name": lambda: _sorted(graph.actors_by_name(names)),
        "stream_actors": lambda: _sorted(graph.stream_actors()),
        "stream_links": lambda: _sorted(graph.stream_links()),
        "ancestors": lambda: graph.territory_ancestors("commune:69381"),
        "changes_since": lambda: _log(graph),
        "projection_actors_by_id": lambda: _sorted(graph.projection_actors_by_id(ids)),
        "projection_links_by_ref": lambda: _sorted(
            graph.projection_links_by_ref(ref for c in graph.changes_since(0) for ref in c.links)
        ),
    }


def _log(graph: GraphStore) -> list[tuple[object, ...]]:
    """The change log since the graph was cleared, numbered from there."""
    changes = graph.changes_since(0)
    first = changes[0].seq if changes else 0
    return [
        (c.seq - first, c.n, c.kind, c.targets, c.links, c.operation, c.by, c.run) for c in changes
    ]


def test_the_memory_graph_reads_back_what_this_backend_does(graph: GraphStore) -> None:
    memory = MemoryGraph()
    memory.delete_all()
    _write(graph, 0)
    _write(memory, 0)
    theirs, ours = _reads(graph), _reads(memory)
    differ = [name for name in theirs if theirs[name]() != ours[name]()]
    assert differ == []
    assert graph.counts()["nodes.Actor"] == 120
    pairs = {(r["source"], r["target"], r["kind"]) for r in graph.stream_links()}
    for source, target, kind in sorted(pairs)[:40]:
        assert _plain(graph.links_between(source, target, LinkKind(kind))) == _plain(
            memory.links_between(source, target, LinkKind(kind))
        )
        assert _sorted(graph.existing_links(LinkKind(kind), [(source, target)])) == _sorted(
            memory.existing_links(LinkKind(kind), [(source, target)])
        )


def test_a_copy_of_the_memory_graph_is_independent() -> None:
    """``MemoryGraph.copy`` (not part of the port): what a test writes in its copy stays
    there, and the original reads back as before."""
    original = MemoryGraph()
    _write(original, 1)
    before = {name: read() for name, read in _reads(original).items()}
    copy = original.copy()
    assert {name: read() for name, read in _reads(copy).items()} == before
    _write(copy, 2)
    copy.write_batch(GraphBatch())
    assert copy.graph_version() > original.graph_version()
    with copy.edit(WriteContext(by="t")) as tx:
        first = next(iter(copy.stream_links()))
        tx.remove_links(first["source"], first["target"], LinkKind(first["kind"]), [first["id"]])
    assert {name: read() for name, read in _reads(original).items()} == before
    copy.delete_all()
    assert {name: read() for name, read in _reads(original).items()} == before
