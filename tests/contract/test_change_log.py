"""The change log's contract (:mod:`graph_model.changes`), on every implementation of the port:
every committed write gets the next sequence number and records what it changed in the same
transaction; a write that fails records nothing; the sequence has no holes; the links a change
names can be read again by their ends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from graph_model.batch import GraphBatch
from graph_model.changes import ChangeKind, ChangeRecord, LinkRef
from graph_model.model import Actor, ActorKind, Link, LinkKind
from graph_model.port import GraphStore, WriteContext
from graph_model.stored import actor_properties
from tests.contract.data import CTX, Boom, sample_actors, sample_links


def _log(graph: GraphStore, after: int = 0) -> list[ChangeRecord]:
    return graph.changes_since(after)


def _kinds(changes: list[ChangeRecord], seq: int) -> dict[str, tuple[str, ...]]:
    return {c.kind: c.targets for c in changes if c.seq == seq}


def _loaded(graph: GraphStore) -> int:
    graph.write_actors(sample_actors(), CTX)
    return graph.write_links(sample_links(), CTX).seq or 0


def test_every_write_gets_the_next_sequence_and_logs_what_it_changed(graph: GraphStore) -> None:
    start = graph.graph_version()
    written = graph.write_actors(sample_actors()[:2], CTX)
    assert written.seq == start + 1 == graph.graph_version()
    changes = _log(graph, start)
    assert [(c.seq, c.n) for c in changes] == [(start + 1, n) for n in range(len(changes))]
    created = _kinds(changes, start + 1)[ChangeKind.ACTOR_CREATED]
    assert created == ("net-mes", "adv-ess-france")
    first = changes[0]
    assert (first.by, first.token, first.run, first.operation) == (
        CTX.by,
        CTX.token,
        CTX.run,
        "write_actors",
    )

    again = graph.write_actors(sample_actors()[:1], CTX)
    assert again.seq == start + 2
    assert _kinds(_log(graph, start + 1), start + 2)[ChangeKind.ACTOR_UPDATED] == ("net-mes",)


def test_links_are_logged_with_their_ends_and_read_again_by_them(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    before = graph.graph_version()
    links = sample_links()
    graph.write_links(links, CTX)
    refs = [ref for c in _log(graph, before) for ref in c.links]
    assert {r.id for r in refs} == {link.id for link in links}
    assert all(isinstance(r, LinkRef) and r.source and r.target for r in refs)
    by_id = {row["id"]: row for row in graph.stream_links()}
    again = {row["id"]: row for row in graph.projection_links_by_ref(refs)}
    assert again == by_id
    # a link named with other ends (or gone) is not found
    stray = LinkRef(links[0].id, links[0].kind.value, links[0].target_id, links[0].source_id)
    assert graph.projection_links_by_ref([stray]) == []

    actors = {row["id"]: row for row in graph.stream_actors()}
    wanted = ["net-mes", "nobody", "adv-ess-france"]
    assert {r["id"]: r for r in graph.projection_actors_by_id(wanted)} == {
        a: actors[a] for a in ("net-mes", "adv-ess-france")
    }


def test_a_restated_link_is_logged_as_updated_not_created(graph: GraphStore) -> None:
    _loaded(graph)
    link = sample_links()[0]
    batch = GraphBatch(CTX.stamp())
    batch.add_link(link, unless_known=True)
    seq = graph.write_batch(batch, lambda known: {}).seq
    kinds = _kinds(_log(graph, (seq or 1) - 1), seq or 0)
    assert ChangeKind.LINK_CREATED not in kinds

    fresh = Link(
        source_id="prj-generateur-bfc",
        target_id="net-mes",
        kind=LinkKind.MEMBER_OF,
        since=date(2024, 1, 1),
    )
    batch = GraphBatch(CTX.stamp())
    batch.add_link(fresh, unless_known=True)
    seq = graph.write_batch(batch, lambda known: {}).seq or 0
    assert _kinds(_log(graph, seq - 1), seq)[ChangeKind.LINK_CREATED] == (fresh.id,)


def test_deleted_and_ended_links_are_logged(graph: GraphStore) -> None:
    _loaded(graph)
    member, other = sample_links()[0], sample_links()[1]
    deleted = graph.delete_links(member.kind, [member.id, "lnk-nothing"], CTX)
    (entry,) = [c for c in _log(graph, (deleted.seq or 1) - 1) if c.seq == deleted.seq]
    assert entry.kind == ChangeKind.LINK_REMOVED
    assert entry.links == (
        LinkRef(member.id, member.kind.value, member.source_id, member.target_id),
    )

    with graph.edit(CTX) as tx:
        tx.end_links(
            other.source_id,
            other.target_id,
            other.kind,
            [other.id],
            until=date(2026, 1, 31),
            sources=[],
        )
    seq = graph.graph_version()
    assert _kinds(_log(graph, seq - 1), seq)[ChangeKind.LINK_ENDED] == (other.id,)
    with graph.edit(CTX) as tx:
        tx.remove_links(other.source_id, other.target_id, other.kind, [other.id])
    seq = graph.graph_version()
    assert _kinds(_log(graph, seq - 1), seq)[ChangeKind.LINK_REMOVED] == (other.id,)


def test_an_edit_logs_its_audit_record_with_its_id_and_operation(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    actor = Actor(id="org-newcomer", kind=ActorKind.ORGANISATION, name="Newcomer")
    context = WriteContext(by="alice", token="tok-1")
    with graph.edit(context) as tx:
        batch = GraphBatch(context.stamp())
        batch.add_actor(actor, actor_properties(actor), actor.identity_keys(), new=True)
        tx.write(batch)
        tx.record_change(
            ChangeRecord("chg-api-1", CTX.at or date.today(), "alice", "create_actor", actor.id)  # type: ignore[arg-type]
        )
    seq = graph.graph_version()
    changes = _log(graph, seq - 1)
    assert {c.kind for c in changes} >= {ChangeKind.ACTOR_CREATED, ChangeKind.EDIT}
    assert {c.operation for c in changes} == {"create_actor"}
    assert {(c.by, c.token) for c in changes} == {("alice", "tok-1")}
    (audit,) = [c for c in changes if c.kind == ChangeKind.EDIT]
    assert (audit.id, audit.target) == ("chg-api-1", actor.id)
    assert [c.id for c in graph.changes(actor.id, 10)] == ["chg-api-1"]


def test_a_failed_write_logs_nothing_and_takes_no_number(graph: GraphStore) -> None:
    seq = _loaded(graph)
    with pytest.raises(Boom), graph.edit(CTX) as tx:
        link = sample_links()[0]
        tx.remove_links(link.source_id, link.target_id, link.kind, [link.id])
        raise Boom
    assert graph.graph_version() == seq
    assert _log(graph, seq) == []
    assert graph.write_actors(sample_actors()[:1], CTX).seq == seq + 1


def test_the_sequence_has_no_holes_under_concurrent_writers(graph: GraphStore) -> None:
    start = graph.graph_version()

    def write(n: int) -> int | None:
        actor = Actor(id=f"org-writer-{n}", kind=ActorKind.ORGANISATION, name=f"Writer {n}")
        return graph.write_actors([actor], CTX).seq

    with ThreadPoolExecutor(4) as pool:
        seqs = list(pool.map(write, range(12)))
    assert sorted(s for s in seqs if s is not None) == list(range(start + 1, start + 13))
    changes = _log(graph, start)
    assert sorted({c.seq for c in changes}) == list(range(start + 1, start + 13))
    created = [t for c in changes if c.kind == ChangeKind.ACTOR_CREATED for t in c.targets]
    assert sorted(created) == sorted(f"org-writer-{n}" for n in range(12))
    # each sequence's entries are numbered from 0
    for seq in range(start + 1, start + 13):
        assert [c.n for c in changes if c.seq == seq] == list(
            range(len([c for c in changes if c.seq == seq]))
        )


def test_clearing_the_graph_keeps_the_sequence_going(graph: GraphStore) -> None:
    seq = _loaded(graph)
    graph.delete_all()
    assert graph.graph_version() == seq + 1
    (entry,) = _log(graph)
    assert (entry.seq, entry.kind) == (seq + 1, ChangeKind.GRAPH_CLEARED)
    assert graph.counts().get("nodes.Actor", 0) == 0


def test_the_log_reads_in_pages(graph: GraphStore) -> None:
    start = graph.graph_version()
    for n in range(5):
        graph.meta_set(f"key-{n}", "v", CTX)
    page = graph.changes_since(start, limit=2)
    assert [c.seq for c in page] == [start + 1, start + 2]
    assert [c.seq for c in graph.changes_since(start + 2, limit=10)] == [
        start + 3,
        start + 4,
        start + 5,
    ]


def test_two_writers_on_one_actor_keep_both_changes_in_order(graph: GraphStore) -> None:
    """Each write of the same actor is in the log under its own number, and the projection that
    follows the log ends with the name of the write that committed last."""
    from queries.deltas import follow
    from queries.projection import build_projection

    graph.write_actors(sample_actors(), CTX)
    projection = build_projection(graph)
    start = graph.graph_version()

    def rename(writer: int) -> list[tuple[int, str]]:
        done = []
        for n in range(6):
            name = f"Réseau {writer}-{n}"
            actor = Actor(id="net-mes", kind=ActorKind.NETWORK, name=name)
            seq = graph.write_actors([actor], CTX).seq
            assert seq is not None
            done.append((seq, name))
        return done

    with ThreadPoolExecutor(2) as pool:
        written = [w for part in pool.map(rename, (1, 2)) for w in part]
    updates = [
        c.seq
        for c in _log(graph, start)
        if c.kind == ChangeKind.ACTOR_UPDATED and "net-mes" in c.targets
    ]
    assert updates == sorted(seq for seq, _ in written)  # every write, in commit order
    last_name = max(written)[1]
    followed = follow(projection, graph).projection
    assert followed.graph.nodes["net-mes"]["name"] == last_name
    assert graph.actors_by_id(["net-mes"])["net-mes"].props["name"] == last_name
