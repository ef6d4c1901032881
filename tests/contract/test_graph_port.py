"""The graph port's contract: every operation of :class:`graph_model.port.GraphStore`, with the
same assertions on every implementation (``conftest.graph``: memory, ArcadeDB, Neo4j).

What is asserted is what a caller relies on: what is written reads back equal (same keys, same
Python types), an actor's kind is fixed, aliases follow a merge, a restated link is merged rather
than doubled, a write is all or nothing, a claim held by one reviewer stops another, and every
write moves the graph version. Where the servers differ underneath (null properties, empty
lists, map values, the order rows stream in), the port must not let it show.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest

from graph_model.batch import GraphBatch, KnownLinks, link_row
from graph_model.changes import ChangeRecord
from graph_model.errors import DuplicateError, ValidationError
from graph_model.model import Actor, ActorKind, Link, LinkKind, Theme
from graph_model.port import (
    ActorPlace,
    Decision,
    GraphStore,
    StoredLink,
    TerritoryRef,
    TokenRecord,
    Written,
)
from graph_model.spells import statement
from graph_model.stored import actor_properties, source_json, territory_lookup, territory_rows
from queries.cache import ProjectionCache
from queries.projection import Projection, build_projection
from tests.contract.data import (
    AT,
    CTX,
    LATER,
    MOVEMENT,
    SHEET,
    STAMPS,
    Boom,
    by_id,
    expected_props,
    reference_slice,
    sample_actors,
    sample_ids,
    sample_links,
    types_of,
    unstamped,
    without,
)


# -- lifecycle, meta, version ----------------------------------------------------------------
def test_an_emptied_graph_answers_and_counts_nothing(graph: GraphStore) -> None:
    graph.ping()
    assert graph.setup_schema() >= 0
    figures = graph.counts()
    assert {k for k, n in figures.items() if n} == set()
    assert figures["nodes.Actor"] == 0 and figures["nodes.DuplicateCandidate"] == 0
    assert graph.meta_get("territories") is None


def test_meta_values_are_kept(graph: GraphStore) -> None:
    assert graph.meta_get("marker") is None
    assert graph.meta_set("marker", "v1", CTX) == Written("meta_set", ("marker",), 1, CTX)
    graph.meta_set("marker", "v2", CTX)
    assert graph.meta_get("marker") == "v2"
    assert graph.meta_get("graph") is None  # the version's node holds no value


def test_every_write_bumps_the_version_and_reads_do_not(graph: GraphStore) -> None:
    seen = [graph.graph_version()]

    def moved() -> None:
        seen.append(graph.graph_version())
        assert seen[-1] > seen[-2]

    graph.meta_set("k", "v", CTX)
    moved()
    graph.write_actors(sample_actors(), CTX)
    moved()
    graph.write_links(sample_links(), CTX)
    moved()
    graph.write_batch(GraphBatch(CTX.stamp()))
    moved()
    with graph.edit(CTX) as tx:
        tx.actor_kinds(["net-mes"])
    moved()
    graph.save_import_run("run-1", {"status": "running"}, CTX)
    moved()
    graph.create_token(TokenRecord("tok-9", "script", "editor"), "h9", CTX)
    moved()
    graph.delete_links(LinkKind.MEMBER_OF, [sample_links()[0].id], CTX)
    moved()
    graph.counts()
    graph.actors_by_id(sample_ids())
    graph.links_of_actor("net-mes")
    assert graph.graph_version() == seen[-1]


# -- actors ------------------------------------------------------------------------------------
def test_actors_read_back_as_written(graph: GraphStore) -> None:
    written = graph.write_actors(sample_actors(), CTX)
    assert written == Written("write_actors", tuple(sample_ids()), 4, CTX)
    stored = graph.actors_by_id([*sample_ids(), "org-nobody"])
    assert sorted(stored) == sorted(sample_ids())
    for actor in sample_actors():
        record = stored[actor.id]
        assert (record.id, record.kind) == (actor.id, actor.kind.value)
        assert type(record.kind) is str
        got = dict(record.props)
        assert all(got[stamp] is not None for stamp in STAMPS)
        expected = expected_props(actor)
        assert without(got, *STAMPS) == expected
        assert types_of(without(got, *STAMPS)) == types_of(expected)
    assert graph.actor_kinds(["net-mes", "prj-generateur-bfc", "org-nobody"]) == {
        "net-mes": "Network",
        "prj-generateur-bfc": "Project",
    }
    figures = graph.counts()
    assert figures["nodes.Actor"] == 4
    assert (figures["nodes.Network"], figures["nodes.Project"], figures["nodes.AdvocacyBody"]) == (
        2,
        1,
        1,
    )


def test_stamps_are_the_write_time_in_utc(graph: GraphStore) -> None:
    """ArcadeDB stores times without their zone; the port gives them back in UTC, as Neo4j
    does, so a stamp compares with ``datetime.now(UTC)`` on every server."""
    graph.write_actors(sample_actors()[:1], CTX)
    props = graph.actors_by_id(["net-mes"])["net-mes"].props
    assert props["created_at"] == AT and props["updated_at"] == AT
    assert props["created_at"].tzinfo is not None
    graph.write_actors(sample_actors()[1:2], CTX)
    graph.write_links(sample_links()[:1], CTX)
    (link,) = graph.links_between("net-mes", "adv-ess-france", LinkKind.MEMBER_OF)
    assert link.created_at == AT and link.created_at.tzinfo is not None


def test_rewriting_actors_is_idempotent_and_updates_in_place(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    first = {a: without(s.props, *STAMPS) for a, s in graph.actors_by_id(sample_ids()).items()}
    figures = graph.counts()
    graph.write_actors(sample_actors(), CTX)
    again = {a: without(s.props, *STAMPS) for a, s in graph.actors_by_id(sample_ids()).items()}
    assert again == first and graph.counts() == figures

    renamed = sample_actors()[0].model_copy(update={"name": "MES", "website": None})
    graph.write_actors([renamed], LATER)
    props = graph.actors_by_id(["net-mes"])["net-mes"].props
    assert (props["name"], props["name_key"]) == ("MES", "mes")
    assert "website" not in props  # a value the source no longer gives is cleared
    assert (props["created_run"], props["updated_run"]) == ("run-1", "run-2")
    assert graph.actors_by_name(["mouvement pour l'economie solidaire"]) == []
    assert graph.actors_by_name(["mes"]) == [
        {"key": "mes", "id": "net-mes", "name": "MES", "kind": "Network", "commune": None}
    ]


def test_an_actor_kind_cannot_change(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    version = graph.graph_version()
    newcomer = Actor(id="org-newcomer", kind=ActorKind.ORGANISATION, name="Newcomer")
    as_project = sample_actors()[0].model_copy(update={"kind": ActorKind.PROJECT})
    with pytest.raises(ValidationError, match="is a Network; its kind cannot become Project"):
        graph.write_actors([newcomer, as_project], CTX)
    assert graph.actor_kinds(["net-mes", "org-newcomer"]) == {"net-mes": "Network"}
    assert graph.graph_version() == version
    assert graph.counts()["nodes.Project"] == 1


def test_importer_reads_of_actors(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    props_of = {a.id: actor_properties(a) for a in sample_actors()}
    index = sorted(graph.name_index(), key=lambda row: row["id"])
    assert index == [
        {
            "id": a,
            "kind": graph.actor_kinds([a])[a],
            **{
                k: props_of[a][k]
                for k in (
                    "name",
                    "commune",
                    "departement",
                    "siren",
                    "rna",
                    "website",
                    "email",
                    "phone",
                )
            },
            **{
                k: props_of[a].get(k)
                for k in ("siret", "latitude", "longitude", "location_precision")
            },
        }
        for a in sorted(props_of)
    ]
    state = graph.actor_state(["net-relais-occitanie", "org-nobody"])
    assert list(state) == ["net-relais-occitanie"]
    row = state["net-relais-occitanie"]
    assert row["themes"] == ["axe-1"] and row["methods"] == [] and row["sources"] == []
    assert row["region"] == "76" and row["siren"] is None
    assert row["content_hash"] == props_of["net-relais-occitanie"]["content_hash"]
    assert by_id(graph.actors_by_name(["ess france", "nobody", "ess france"])) == [
        {
            "key": "ess france",
            "id": "adv-ess-france",
            "name": "ESS France",
            "kind": "AdvocacyBody",
            "commune": None,
        }
    ]


# -- aliases -----------------------------------------------------------------------------------
def test_aliases_resolve_and_follow_a_merge(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    assert graph.resolve_keys(["movement:test", "id:net-mes", "siren:000000000"]) == {
        "movement:test": "net-mes",
        "id:net-mes": "net-mes",
    }
    assert graph.aliases_of(["net-mes", "adv-ess-france", "org-nobody"]) == {
        "net-mes": ["id:net-mes", "movement:test"],
        "adv-ess-france": ["id:adv-ess-france"],
    }
    merge = GraphBatch(LATER.stamp())  # adv-ess-france found to be net-mes: its keys move
    merge.aliases["id:adv-ess-france"] = "net-mes"
    merge.aliases["sheet:line 3"] = "net-mes"
    assert graph.write_batch(merge, operation="merge") == Written("merge", (), 0)
    assert graph.resolve_keys(["id:adv-ess-france", "sheet:line 3"]) == {
        "id:adv-ess-france": "net-mes",
        "sheet:line 3": "net-mes",
    }
    assert graph.aliases_of(["net-mes", "adv-ess-france"]) == {
        "net-mes": ["id:adv-ess-france", "id:net-mes", "movement:test", "sheet:line 3"]
    }
    assert graph.resolve_keys([]) == {}


# -- territories and places -----------------------------------------------------------------
def test_territories_load_once_with_their_hierarchy(graph: GraphStore) -> None:
    reference = reference_slice()
    rows = territory_rows(reference)
    before = graph.graph_version()
    assert graph.ensure_territories(reference, CTX) == (len(rows), True)
    assert graph.graph_version() > before
    assert graph.ensure_territories(reference, CTX) == (len(rows), False)
    figures = graph.counts()
    assert figures["nodes.Territory"] == len(rows)
    assert figures["territories.country"] == 1
    assert figures["territories.commune"] == 4
    assert figures["territories.region"] == len(reference.regions)
    assert figures["links.PART_OF"] == sum(len(r["parents"]) for r in rows)
    ancestors = graph.territory_ancestors("commune:97411")
    assert [t.id for t in ancestors] == ["FR", "departement:974", "epci:249740119", "region:04"]
    assert ancestors[0] == TerritoryRef("FR", "country", "France")
    lyon = {t.id for t in graph.territory_ancestors("commune:69381")}
    assert {"commune:69123", "departement:69", "region:84", "FR"} <= lyon
    assert graph.territory_ancestors("region:84") == [TerritoryRef("FR", "country", "France")]
    assert graph.territory_ancestors("commune:00000") == []
    assert graph.missing_territories(["commune:69123", "commune:00000", "FR"]) == {"commune:00000"}
    written = graph.load_territories(reference, CTX)  # again: nothing doubles
    assert written.count == len(rows) and graph.counts() == figures


def test_places_follow_the_seat_and_the_areas(graph: GraphStore) -> None:
    reference = reference_slice()
    graph.load_territories(reference, CTX)
    lookup = territory_lookup(reference)
    actor = Actor(
        id="org-lyon",
        kind=ActorKind.ORGANISATION,
        name="Lyon coop",
        commune="69381",
        active_in=["region:84", "region:00"],
    )
    graph.write_actors([actor], CTX, territories=lookup)
    props = graph.actors_by_id(["org-lyon"])["org-lyon"].props
    assert (props["departement"], props["region"]) == ("69", "84")
    assert props["location_precision"] == "commune"
    assert without(props, *STAMPS) == expected_props(actor, lookup=lookup)

    def places() -> set[tuple[str, str]]:
        found = graph.places_of(["org-lyon", "org-nobody"])
        assert all(isinstance(p, ActorPlace) and p.actor == "org-lyon" for p in found)
        return {(p.relation, p.territory) for p in found}

    assert places() == {("LOCATED_IN", "commune:69381"), ("ACTIVE_IN", "region:84")}
    moved = actor.model_copy(update={"commune": "69123"})
    graph.write_actors([moved], LATER, territories=lookup)
    assert places() == {("LOCATED_IN", "commune:69123"), ("ACTIVE_IN", "region:84")}
    with graph.edit(LATER) as tx:
        batch = GraphBatch(LATER.stamp())
        batch.add_actor(
            moved,
            actor_properties(moved, lookup),
            [],
            active_in=["departement:69"],
            replace_areas=True,
            themes=(),
        )
        tx.write(batch)
    assert places() == {("LOCATED_IN", "commune:69123"), ("ACTIVE_IN", "departement:69")}
    assert graph.counts()["links.LOCATED_IN"] == 1


# -- links -------------------------------------------------------------------------------------
def test_links_read_back_as_written(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    ghost = Link(kind=LinkKind.FUNDS, source_id="net-mes", target_id="org-nobody")
    written = graph.write_links([*sample_links(), ghost], CTX)
    assert written.operation == "write_links" and written.count == 4
    assert graph.counts()["links.MEMBER_OF"] == 2 and graph.counts().get("links.FUNDS", 0) == 0
    ended = sample_links()[1]
    (stored,) = graph.links_between("net-relais-occitanie", "net-mes", LinkKind.MEMBER_OF)
    assert unstamped(stored) == StoredLink(
        id=ended.id,
        kind="MEMBER_OF",
        source="net-relais-occitanie",
        target="net-mes",
        since=date(2015, 6, 1),
        until=date(2018, 12, 31),
    )
    assert stored.created_at is not None and stored.updated_at is not None
    assert type(stored.since) is date
    (first,) = graph.links_between("net-mes", "adv-ess-france", LinkKind.MEMBER_OF)
    assert first.sources == (source_json(MOVEMENT),)
    assert graph.links_between("adv-ess-france", "net-mes", LinkKind.MEMBER_OF) == []
    assert graph.links_between("net-mes", "adv-ess-france", LinkKind.FUNDS) == []
    graph.write_links(sample_links(), CTX)  # idempotent on the link id
    assert graph.counts()["links.MEMBER_OF"] == 2
    with pytest.raises(ValueError, match="not an actor-to-actor link"):
        graph.write_links(
            [Link(kind=LinkKind.ACTIVE_IN, source_id="net-mes", target_id="region:84")], CTX
        )


def test_links_of_actors_both_ways_and_as_of(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    graph.write_links(sample_links(), CTX)
    member, ended, cooperation = sample_links()

    def around(actor: str, as_of: date | None = None) -> list[tuple[str, str, str]]:
        return [(s.kind, s.source, s.target) for s in graph.links_of_actor(actor, as_of)]

    everything = graph.links_of_actor("net-relais-occitanie")
    assert [s.id for s in everything] == sorted([ended.id, cooperation.id])
    assert all(s.created_at is None for s in everything)  # the statement gives no stamps
    assert sorted(around("net-mes")) == [
        ("MEMBER_OF", "net-mes", "adv-ess-france"),
        ("MEMBER_OF", "net-relais-occitanie", "net-mes"),
    ]
    assert around("net-relais-occitanie", date(2016, 3, 1)) == around("net-relais-occitanie")
    assert around("net-relais-occitanie", date(2019, 3, 1)) == [
        ("COOPERATES_WITH", "net-relais-occitanie", "prj-generateur-bfc")
    ]
    assert around("net-mes", date(2018, 12, 31)) == [
        ("MEMBER_OF", "net-relais-occitanie", "net-mes")
    ]
    rows = graph.links_of_actors(["net-mes", "prj-generateur-bfc", "net-mes", "org-nobody"])
    seen = sorted((r.actor, r.link.id) for r in rows)
    assert seen == sorted(
        [("net-mes", member.id), ("net-mes", ended.id), ("prj-generateur-bfc", cooperation.id)]
    )
    link = next(r.link for r in rows if r.link.id == cooperation.id)
    assert (link.subkind, link.since, link.until, link.updated_by) == (
        "mutualisation",
        None,
        None,
        None,
    )
    assert link.created_at is not None


def test_existing_links_and_deleting_links(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    graph.write_links(sample_links(), CTX)
    member, ended, _ = sample_links()
    rows = graph.existing_links(
        LinkKind.MEMBER_OF,
        [
            ("net-relais-occitanie", "net-mes"),
            ("net-mes", "adv-ess-france"),
            ("net-mes", "net-relais-occitanie"),
            ("org-nobody", "net-mes"),
        ],
    )
    assert by_id(rows) == by_id(
        [
            {
                "source": "net-relais-occitanie",
                "target": "net-mes",
                "id": ended.id,
                "subkind": None,
                "since": date(2015, 6, 1),
                "until": date(2018, 12, 31),
                "sources": [],
                "statements": [],
            },
            {
                "source": "net-mes",
                "target": "adv-ess-france",
                "id": member.id,
                "subkind": None,
                "since": date(2019, 1, 1),
                "until": None,
                "sources": [source_json(MOVEMENT)],
                # each source's statement, with its own dates (graph_model.spells)
                "statements": [statement(source_json(MOVEMENT), date(2019, 1, 1), None, CTX.run)],
            },
        ]
    )
    assert all(type(r["since"]) is date for r in rows)
    assert graph.existing_links(LinkKind.MEMBER_OF, []) == []
    gone = graph.delete_links(LinkKind.MEMBER_OF, [member.id, "lnk-nothing"], CTX)
    assert gone == Written("delete_links", (member.id, "lnk-nothing"), 1, CTX)
    assert graph.delete_links(LinkKind.COOPERATES_WITH, [member.id], CTX).count == 0
    assert graph.counts()["links.MEMBER_OF"] == 1


def test_streams_give_what_the_projection_is_built_from(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    graph.write_links(sample_links(), CTX)
    actors = sorted(graph.stream_actors(), key=lambda row: row["id"])
    assert actors[0] == {
        "id": "adv-ess-france",
        "kind": "AdvocacyBody",
        "name": "ESS France",
        "legal_form": None,
        "level": "national",
        "commune": None,
        "departement": None,
        "region": None,
        "epci": None,
        "latitude": None,
        "longitude": None,
        "location_precision": None,
        "themes": [],
        "methods": [],
    }
    assert (actors[-1]["latitude"], actors[-1]["location_precision"]) == (47.2, "exact")
    links = sorted(graph.stream_links(), key=lambda row: row["id"])
    assert [row["id"] for row in links] == sorted(link.id for link in sample_links())
    cooperation = next(row for row in links if row["kind"] == "COOPERATES_WITH")
    assert cooperation == {
        "id": sample_links()[2].id,
        "kind": "COOPERATES_WITH",
        "source": "net-relais-occitanie",
        "target": "prj-generateur-bfc",
        "subkind": "mutualisation",
        "since": None,
        "until": None,
        "sources": [],
    }
    projection = Projection.from_records(
        graph.stream_actors(), graph.stream_links(), version=graph.graph_version()
    )
    assert sorted(projection.graph.nodes) == sorted(sample_ids())
    edge = projection.graph.edges["net-relais-occitanie", "net-mes", sample_links()[1].id]
    assert (edge["kind"], edge["since"], edge["until"]) == (
        "MEMBER_OF",
        date(2015, 6, 1),
        date(2018, 12, 31),
    )
    assert projection.graph.nodes["net-relais-occitanie"]["themes"] == frozenset({"axe-1"})


def test_the_projection_is_built_from_the_port_and_follows_its_version(
    graph: GraphStore,
) -> None:
    graph.write_actors(sample_actors(), CTX)
    graph.write_links(sample_links(), CTX)
    cache = ProjectionCache(freeze=False)
    first = cache.get(graph)
    assert first.version == graph.graph_version()
    assert first.graph.number_of_nodes() == 4 and first.graph.number_of_edges() == 3
    assert cache.get(graph) is first  # nothing moved: no rebuild
    built = build_projection(graph)
    assert sorted(built.graph.edges(keys=True, data=True)) == sorted(
        first.graph.edges(keys=True, data=True)
    )
    graph.delete_links(LinkKind.COOPERATES_WITH, [sample_links()[2].id], CTX)
    second = cache.get(graph)
    assert second is not first and second.version > first.version
    assert second.graph.number_of_edges() == 2


# -- batches -----------------------------------------------------------------------------------
def _restating_batch() -> tuple[GraphBatch, Link, Link, Link]:
    """The cooperation link again from another source (same statement), an undated one of
    another sub-kind, and a dated one of the same sub-kind: the first and the last join the
    stored spell (undated: its period was unknown, the dated statement dates it)."""
    _, _, cooperation = sample_links()
    again = cooperation.model_copy(update={"sources": [SHEET]})
    other = cooperation.model_copy(update={"subkind": "co-portage"})
    dated = cooperation.model_copy(update={"since": date(2020, 1, 1)})
    batch = GraphBatch(LATER.stamp())
    for link in (again, other, dated):
        batch.add_link(link, unless_known=True)
    return batch, again, other, dated


def test_a_restated_link_is_settled_not_doubled(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    graph.write_links(sample_links(), CTX)
    batch, again, other, dated = _restating_batch()
    calls: list[KnownLinks] = []

    def settle(known: KnownLinks) -> dict[LinkKind, list[dict[str, Any]]]:
        calls.append(known)
        rows = []
        for found in known.get(LinkKind.COOPERATES_WITH, []):
            (twin,) = found["same"]
            merged = again.model_copy(update={"sources": [SHEET, MOVEMENT]})
            rows.append(
                link_row(
                    merged, {**twin, "sources": sorted({*twin["sources"], source_json(SHEET)})}
                )
            )
        return {LinkKind.COOPERATES_WITH: rows}

    written = graph.write_batch(batch, settle)
    assert written == Written("import", (again.id, other.id, dated.id), 3)
    twin = {"id": again.id, "subkind": "mutualisation", "since": None, "until": None}
    found = {row["id"]: row["same"] for row in calls[-1][LinkKind.COOPERATES_WITH]}
    assert set(found) == {again.id, dated.id}
    for same in found.values():
        assert [
            {k: v for k, v in s.items() if k not in ("sources", "statements")} for s in same
        ] == [twin]
    stored = graph.links_between(
        "net-relais-occitanie", "prj-generateur-bfc", LinkKind.COOPERATES_WITH
    )
    assert sorted((s.id, s.subkind, s.since) for s in stored) == sorted(
        [(again.id, "mutualisation", None), (other.id, "co-portage", None)]
    )
    restated = next(s for s in stored if s.id == again.id)
    assert restated.sources == (source_json(SHEET),)
    created = next(s for s in stored if s.id == other.id)
    assert created.sources == () and created.updated_by is None
    graph.write_batch(_restating_batch()[0])  # no settle step: the known ones are left alone
    assert (
        len(
            graph.links_between(
                "net-relais-occitanie", "prj-generateur-bfc", LinkKind.COOPERATES_WITH
            )
        )
        == 2
    )


def test_spells_follow_the_statements(graph: GraphStore) -> None:
    """Dated statements that overlap or touch a spell join it; disjoint ones are another
    spell (a member 2010-2012, again since 2018); an undated one joins the open spell."""
    graph.write_actors(sample_actors(), CTX)
    ends = {"source_id": "prj-generateur-bfc", "target_id": "net-mes", "kind": LinkKind.MEMBER_OF}
    first = Link(**ends, since=date(2010, 1, 1), until=date(2012, 12, 31))
    graph.write_links([first], CTX)

    def state(statement: Link) -> list[tuple[str, list[Any]]]:
        batch = GraphBatch(LATER.stamp())
        batch.add_link(statement, unless_known=True)
        seen: list[tuple[str, list[Any]]] = []

        def settle(known: KnownLinks) -> dict[LinkKind, list[dict[str, Any]]]:
            seen.extend(
                (row["id"], sorted(s["id"] for s in row["same"]))
                for row in known.get(LinkKind.MEMBER_OF, [])
            )
            return {}

        graph.write_batch(batch, settle)
        return seen

    touching = Link(**ends, since=date(2013, 1, 1), until=date(2014, 6, 30))
    assert state(touching) == [(touching.id, [first.id])]
    again = Link(**ends, since=date(2018, 1, 1))
    assert state(again) == []  # disjoint: a spell of its own
    spells = graph.links_between("prj-generateur-bfc", "net-mes", LinkKind.MEMBER_OF)
    assert sorted(s.id for s in spells) == sorted([first.id, again.id])
    undated = Link(**ends)
    assert state(undated) == [(undated.id, sorted([first.id, again.id]))]  # both offered


def test_a_dated_restatement_is_known_by_its_id(graph: GraphStore) -> None:
    """A dated statement is the same link only under the same id (same start): its stored
    twin is found whatever the other values, and what settle returns is what is kept."""
    graph.write_actors(sample_actors(), CTX)
    graph.write_links(sample_links(), CTX)
    ended = sample_links()[1]
    longer = ended.model_copy(update={"until": date(2020, 6, 30), "sources": [SHEET]})
    batch = GraphBatch(LATER.stamp())
    batch.add_link(longer, unless_known=True)
    calls: list[KnownLinks] = []

    def settle(known: KnownLinks) -> dict[LinkKind, list[dict[str, Any]]]:
        calls.append(known)
        (found,) = known[LinkKind.MEMBER_OF]
        return {LinkKind.MEMBER_OF: [link_row(longer)] if found["id"] == longer.id else []}

    graph.write_batch(batch, settle)
    (twin,) = calls[-1][LinkKind.MEMBER_OF][0]["same"]
    assert twin == {
        "id": ended.id,
        "subkind": None,
        "since": date(2015, 6, 1),
        "until": date(2018, 12, 31),
        "sources": [],
        "statements": [],
    }
    (stored,) = graph.links_between("net-relais-occitanie", "net-mes", LinkKind.MEMBER_OF)
    assert (stored.id, stored.until, stored.sources) == (
        ended.id,
        date(2020, 6, 30),
        (source_json(SHEET),),
    )
    assert (stored.created_at, stored.updated_at) == (AT, LATER.at)


def test_territories_written_through_a_batch(graph: GraphStore) -> None:
    """What an import does when a row names a territory the graph lacks."""
    rows = territory_rows(reference_slice())
    some = [r for r in rows if r["id"] in {"FR", "region:84", "departement:69"}]
    batch = GraphBatch(CTX.stamp())
    batch.add_territories(some)
    graph.write_batch(batch)
    assert graph.missing_territories(["FR", "region:84", "departement:69", "region:04"]) == {
        "region:04"
    }
    assert [t.id for t in graph.territory_ancestors("departement:69")] == ["FR", "region:84"]
    assert graph.counts()["links.PART_OF"] == 2


def test_equal_rows_of_one_batch_write_one_link(graph: GraphStore) -> None:
    """A statement sent twice in one batch (the servers group equal rows) is one link, found
    by neither row: the settlement step hears of nothing."""
    graph.write_actors(sample_actors(), CTX)
    cooperation = sample_links()[2]
    batch = GraphBatch(CTX.stamp())
    batch.add_link(cooperation, unless_known=True)
    batch.add_link(cooperation, unless_known=True)
    calls: list[KnownLinks] = []

    def settle(known: KnownLinks) -> dict[LinkKind, list[dict[str, Any]]]:
        calls.append(known)
        return {}

    graph.write_batch(batch, settle)
    assert calls == [{}]
    (stored,) = graph.links_between(
        "net-relais-occitanie", "prj-generateur-bfc", LinkKind.COOPERATES_WITH
    )
    assert stored.id == cooperation.id


def test_one_link_restated_differently_in_one_batch_is_refused(graph: GraphStore) -> None:
    """Two rows with one link id that differ (another source) would each create a relationship
    (every row is checked against the graph as it was before the batch): the batch refuses the
    second one, and the first still writes one link."""
    graph.write_actors(sample_actors(), CTX)
    cooperation = sample_links()[2]
    again = cooperation.model_copy(update={"sources": [SHEET]})
    assert again.id == cooperation.id
    batch = GraphBatch(CTX.stamp())
    batch.add_link(cooperation, unless_known=True)
    with pytest.raises(ValueError, match="stated twice in one batch"):
        batch.add_link(again, unless_known=True)
    batch.add_link(cooperation, unless_known=True)  # the same row again: one row
    assert [row["id"] for row in batch.new_links[LinkKind.COOPERATES_WITH]] == [cooperation.id]
    graph.write_batch(batch, lambda known: {})
    (stored,) = graph.links_between(
        "net-relais-occitanie", "prj-generateur-bfc", LinkKind.COOPERATES_WITH
    )
    assert stored.id == cooperation.id


def test_a_batch_whose_settlement_raises_writes_nothing(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    graph.write_links(sample_links(), CTX)
    before, version = graph.counts(), graph.graph_version()
    batch, *_ = _restating_batch()
    newcomer = Actor(id="org-newcomer", kind=ActorKind.ORGANISATION, name="Newcomer")
    batch.add_actor(newcomer, actor_properties(newcomer), newcomer.identity_keys(), new=True)
    batch.add_link(Link(kind=LinkKind.SUPPORTS, source_id="org-newcomer", target_id="net-mes"))

    def settle(known: KnownLinks) -> dict[LinkKind, list[dict[str, Any]]]:
        assert known  # reached after every row was sent
        raise Boom

    with pytest.raises(Boom):
        graph.write_batch(batch, settle)
    assert graph.counts() == before and graph.graph_version() == version
    assert graph.actor_kinds(["org-newcomer"]) == {}
    assert graph.resolve_keys(["id:org-newcomer"]) == {}


def test_a_batch_writes_themes_methods_events_and_candidates(graph: GraphStore) -> None:
    graph.load_territories(reference_slice(), CTX)
    batch = GraphBatch(CTX.stamp())
    batch.add_theme(Theme(id="axe-1", label_fr="Axe 1", scheme="mes-axis"))
    actor = sample_actors()[2]
    batch.add_actor(actor, actor_properties(actor), actor.identity_keys(), new=True)
    batch.methods.append({"id": "mth-evalumip", "props": {"name": "EVALUMIP"}})
    batch.events.append(
        {"id": "evt-ag-2019", "props": {"name": "AG 2019", "start": date(2019, 6, 1)}}
    )
    batch.method_links[LinkKind.USES].append(
        {"actor": actor.id, "method": "mth-evalumip", "props": {"sources": ["s"]}}
    )
    batch.event_parts.append({"actor": actor.id, "event": "evt-ag-2019", "props": {}})
    batch.event_places.append({"event": "evt-ag-2019", "territory": "commune:69123"})
    graph.write_batch(batch)
    figures = graph.counts()
    assert (figures["nodes.Theme"], figures["nodes.Method"], figures["nodes.Event"]) == (1, 1, 1)
    assert figures["links.WORKS_ON"] == 1 and figures["links.USES"] == 1
    assert figures["links.TOOK_PART"] == 1 and figures["links.LOCATED_IN"] == 1
    assert graph.themes_by_id(["axe-1", "axe-9"]) == {
        "axe-1": {"id": "axe-1", "label_fr": "Axe 1", "scheme": "mes-axis"}
    }
    assert graph.methods_by_id(["mth-evalumip", "evt-ag-2019"]) == {
        "mth-evalumip": {"id": "mth-evalumip", "name": "EVALUMIP"}
    }
    assert graph.methods_and_events(["mth-evalumip", "evt-ag-2019", "nothing"]) == {
        "mth-evalumip": {"id": "mth-evalumip", "name": "EVALUMIP"},
        "evt-ag-2019": {"id": "evt-ag-2019", "name": "AG 2019", "start": date(2019, 6, 1)},
    }


# -- edits -------------------------------------------------------------------------------------
def test_an_edit_commits_its_writes_and_its_change_record(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    graph.write_links(sample_links(), CTX)
    member, ended, cooperation = sample_links()
    newcomer = Actor(id="org-newcomer", kind=ActorKind.ORGANISATION, name="Newcomer")
    support = Link(kind=LinkKind.SUPPORTS, source_id="org-newcomer", target_id="net-mes")
    with graph.edit(LATER) as tx:
        batch = GraphBatch(LATER.stamp())
        batch.add_actor(newcomer, actor_properties(newcomer), newcomer.identity_keys(), new=True)
        batch.add_link(support)
        assert tx.write(batch) == Written("edit", ("org-newcomer", support.id), 2, LATER)
        assert tx.actor_kinds(["org-newcomer"]) == {"org-newcomer": "Organisation"}
        assert list(tx.actors_by_id(["org-newcomer"])) == ["org-newcomer"]
        (seen,) = tx.links_between("org-newcomer", "net-mes", LinkKind.SUPPORTS)
        assert seen.id == support.id
        (now_ended,) = tx.end_links(
            "net-mes",
            "adv-ess-france",
            LinkKind.MEMBER_OF,
            [member.id, "lnk-other"],
            until=date(2026, 1, 31),
            sources=["ended by bob"],
        )
        assert unstamped(now_ended) == StoredLink(
            id=member.id,
            kind="MEMBER_OF",
            source="net-mes",
            target="adv-ess-france",
            since=date(2019, 1, 1),
            until=date(2026, 1, 31),
            sources=("ended by bob",),
            # ending a link keeps the statements that attested it, with their own dates
            statements=(statement(source_json(MOVEMENT), date(2019, 1, 1), None, CTX.run),),
            updated_by="bob",
        )
        assert (
            tx.remove_links(
                "net-relais-occitanie",
                "prj-generateur-bfc",
                LinkKind.COOPERATES_WITH,
                [cooperation.id],
            )
            == 1
        )
        assert (
            tx.remove_links("net-relais-occitanie", "net-mes", LinkKind.COOPERATES_WITH, [ended.id])
            == 0
        )
        tx.record_change(
            ChangeRecord(
                "chg-1",
                LATER.at or AT,
                "bob",
                "link.end",
                "net-mes",
                token=None,
                detail='{"link": "x"}',
            )
        )
    (stored,) = graph.links_between("net-mes", "adv-ess-france", LinkKind.MEMBER_OF)
    assert (stored.until, stored.updated_by) == (date(2026, 1, 31), "bob")
    assert (
        graph.links_between("net-relais-occitanie", "prj-generateur-bfc", LinkKind.COOPERATES_WITH)
        == []
    )
    assert graph.counts()["links.SUPPORTS"] == 1
    (change,) = graph.changes(None, 10)
    assert (change.id, change.by, change.operation, change.target, change.token, change.detail) == (
        "chg-1",
        "bob",
        "link.end",
        "net-mes",
        None,
        '{"link": "x"}',
    )


def test_an_edit_that_raises_writes_nothing(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    graph.write_links(sample_links(), CTX)
    before, version = graph.counts(), graph.graph_version()
    newcomer = Actor(id="org-newcomer", kind=ActorKind.ORGANISATION, name="Newcomer")
    with pytest.raises(Boom), graph.edit(LATER) as tx:
        batch = GraphBatch(LATER.stamp())
        batch.add_actor(newcomer, actor_properties(newcomer), newcomer.identity_keys(), new=True)
        tx.write(batch)
        tx.remove_links("net-mes", "adv-ess-france", LinkKind.MEMBER_OF, [sample_links()[0].id])
        tx.record_change(ChangeRecord("chg-1", AT, "bob", "actor.create", "org-newcomer"))
        assert tx.actor_kinds(["org-newcomer"]) == {"org-newcomer": "Organisation"}
        raise Boom
    assert graph.counts() == before and graph.graph_version() == version
    assert graph.actor_kinds(["org-newcomer"]) == {}
    assert graph.changes(None, 10) == []
    assert len(graph.links_between("net-mes", "adv-ess-france", LinkKind.MEMBER_OF)) == 1


def test_changes_newest_first_and_unique(graph: GraphStore) -> None:
    with graph.edit(CTX) as tx:
        for n, target in enumerate(["net-mes", "adv-ess-france", "net-mes"]):
            tx.record_change(
                ChangeRecord(
                    f"chg-{n}",
                    AT + timedelta(minutes=n),
                    "alice",
                    "actor.update",
                    target,
                    token="tok-1",
                )
            )
    assert [c.id for c in graph.changes(None, 10)] == ["chg-2", "chg-1", "chg-0"]
    assert [c.id for c in graph.changes("net-mes", 10)] == ["chg-2", "chg-0"]
    assert [c.id for c in graph.changes(None, 1)] == ["chg-2"]
    first = graph.changes("adv-ess-france", 10)[0]
    assert (first.token, first.detail, first.at.replace(tzinfo=None)) == (
        "tok-1",
        "{}",
        (AT + timedelta(minutes=1)).replace(tzinfo=None),
    )
    with pytest.raises(DuplicateError) as info, graph.edit(CTX) as tx:
        tx.record_change(ChangeRecord("chg-9", AT, "alice", "actor.update", "x"))
        tx.record_change(ChangeRecord("chg-0", AT, "alice", "actor.update", "x"))
    assert info.value.key == "chg-0"
    assert len(graph.changes(None, 10)) == 3


# -- import runs -------------------------------------------------------------------------------
def test_import_runs_newest_first(graph: GraphStore) -> None:
    graph.save_import_run("run-1", {"started_at": AT, "status": "running", "format": "csv"}, CTX)
    graph.save_import_run("run-1", {"status": "done", "rows": 12, "note": None}, CTX)
    later = AT + timedelta(hours=2)
    assert graph.save_import_run("run-2", {"started_at": later, "status": "running"}, CTX) == (
        Written("save_import_run", ("run-2",), 1, CTX)
    )
    runs = graph.import_runs(10)
    assert [r.id for r in runs] == ["run-2", "run-1"]
    props = dict(runs[1].props)
    assert props.pop("started_at").replace(tzinfo=None) == AT.replace(tzinfo=None)
    assert props == {"id": "run-1", "status": "done", "format": "csv", "rows": 12}
    assert [r.id for r in graph.import_runs(1)] == ["run-2"]
    assert graph.counts()["nodes.ImportRun"] == 2


def test_runs_left_running_are_listed_then_marked_interrupted(graph: GraphStore) -> None:
    later = AT + timedelta(hours=2)
    running = {"status": "running", "pid": 4242, "host": "box"}
    graph.save_import_run("run-b", {"started_at": later, **running}, CTX)
    graph.save_import_run("run-a", {"started_at": AT, **running}, CTX)
    graph.save_import_run("run-c", {"started_at": AT, "status": "finished"}, CTX)
    listed = graph.running_import_runs()
    assert [r.id for r in listed] == ["run-a", "run-b"]  # oldest first
    assert (listed[0].props["pid"], listed[0].props["host"]) == (4242, "box")
    stop = AT + timedelta(hours=3)
    # only runs still running are marked: a finished one and an unknown id are left alone
    assert graph.interrupt_import_runs(["run-a", "run-c", "run-x"], stop, CTX) == Written(
        "interrupt_import_runs", ("run-a",), 1, CTX
    )
    assert [r.id for r in graph.running_import_runs()] == ["run-b"]
    runs = {r.id: dict(r.props) for r in graph.import_runs(10)}
    assert runs["run-a"]["status"] == "interrupted" and runs["run-c"]["status"] == "finished"
    for name in ("interrupted_at", "finished_at"):
        assert runs["run-a"][name].replace(tzinfo=None) == stop.replace(tzinfo=None)
    assert graph.interrupt_import_runs(["run-a"], stop, CTX).count == 0  # already marked


# -- duplicate candidates ----------------------------------------------------------------------
def _candidate(line: int) -> dict[str, Any]:
    return {
        "actor": "net-mes",
        "score": 0.82,
        "reasons": "name",
        "format": "spreadsheet",
        "file_name": "members.csv",
        "line": line,
        "record_name": "MES",
        "record_alias": f"sheet:line {line}",
        "record_commune": None,
        "payload_hash": f"hash-{line}",
    }


def _held_candidates(graph: GraphStore) -> None:
    graph.write_actors(sample_actors(), CTX)
    for n, ctx in ((1, CTX), (2, LATER)):
        batch = GraphBatch(ctx.stamp())
        batch.add_candidate(f"cand-{n}", _candidate(n))
        graph.write_batch(batch)


def test_candidates_are_listed_with_the_actor_they_resemble(graph: GraphStore) -> None:
    _held_candidates(graph)
    listed = graph.candidates()
    assert [c.id for c in listed] == ["cand-1", "cand-2"]
    first = listed[0]
    assert (first.status, first.score, first.line, first.actor, first.actor_name) == (
        "pending",
        0.82,
        1,
        "net-mes",
        "Mouvement pour l'Economie Solidaire",
    )
    assert (first.record_commune, first.decided_at, first.note) == (None, None, None)
    assert type(first.line) is int and first.created_at is not None
    props = graph.candidate("cand-1")
    assert props is not None
    assert without(props, *STAMPS) == {
        "id": "cand-1",
        "status": "pending",
        "created_run": "run-1",
        "updated_run": "run-1",
        **without(_candidate(1), "record_commune"),
    }
    assert graph.candidate("cand-9") is None
    states = graph.candidates_by_id(["cand-2", "cand-9"])
    assert list(states) == ["cand-2"]
    assert (states["cand-2"].status, states["cand-2"].actor, states["cand-2"].payload_hash) == (
        "pending",
        "net-mes",
        "hash-2",
    )
    assert graph.counts()["nodes.DuplicateCandidate"] == 2


def test_a_claim_held_by_one_reviewer_stops_another(graph: GraphStore) -> None:
    _held_candidates(graph)
    stale = AT - timedelta(minutes=10)
    claimed = graph.claim_candidate("cand-1", "claim-a", at=AT, stale=stale)
    assert claimed is not None
    assert (claimed["status"], claimed["claim"], claimed["actor"]) == (
        "deciding",
        "claim-a",
        "net-mes",
    )
    assert graph.claim_candidate("cand-1", "claim-b", at=AT, stale=stale) is None
    assert graph.claim_candidate("cand-9", "claim-b", at=AT, stale=stale) is None
    refused = Decision(status="rejected", note="not the same", result=None, run=None)
    assert graph.decide_candidate("cand-1", "claim-b", refused, LATER) is None
    accepted = Decision(status="accepted", note="same", result="net-mes", run="run-3")
    assert graph.decide_candidate("cand-1", "claim-a", accepted, LATER) == Written(
        "decide_candidate", ("cand-1",), 1, LATER
    )
    props = graph.candidate("cand-1")
    assert props is not None
    assert not {"claim", "claimed_at", "claim_attempt"} & set(props)
    assert (
        props["status"],
        props["decided_by"],
        props["note"],
        props["result"],
        props["decision_run"],
    ) == ("accepted", "bob", "same", "net-mes", "run-3")
    assert graph.decide_candidate("cand-1", "claim-a", accepted, LATER) is None
    assert [c.id for c in graph.candidates()] == ["cand-2"]
    assert [c.id for c in graph.candidates(None)] == ["cand-1", "cand-2"]
    (decided,) = graph.candidates("accepted")
    assert (decided.decided_by, decided.result) == ("bob", "net-mes")


def test_a_claim_is_released_or_taken_over_when_stale(graph: GraphStore) -> None:
    _held_candidates(graph)
    early = AT - timedelta(minutes=10)
    assert graph.claim_candidate("cand-2", "claim-a", at=AT, stale=early) is not None
    assert graph.release_candidate("cand-2", "claim-b") is None
    assert graph.release_candidate("cand-2", "claim-a") == Written(
        "release_candidate", ("cand-2",), 1
    )
    props = graph.candidate("cand-2")
    assert props is not None and props["status"] == "pending"
    assert not {"claim", "claimed_at", "claim_attempt"} & set(props)
    assert graph.release_candidate("cand-2", "claim-a") is None
    assert graph.claim_candidate("cand-2", "claim-a", at=AT, stale=early) is not None
    assert graph.claim_candidate("cand-2", "claim-b", at=AT, stale=early) is None
    taken = graph.claim_candidate(
        "cand-2", "claim-b", at=AT + timedelta(minutes=11), stale=AT + timedelta(minutes=1)
    )
    assert taken is not None and taken["claim"] == "claim-b"
    accepted = Decision(status="accepted", note=None, result=None, run=None)
    assert graph.decide_candidate("cand-2", "claim-a", accepted, LATER) is None
    assert graph.decide_candidate("cand-2", "claim-b", accepted, LATER) is not None


# -- tokens ------------------------------------------------------------------------------------
def test_tokens_are_found_by_hash_until_revoked(graph: GraphStore) -> None:
    token = TokenRecord("tok-1", "script", "editor")
    assert graph.create_token(token, "hash-1", CTX) == Written("create_token", ("tok-1",), 1, CTX)
    graph.create_token(TokenRecord("tok-2", "admin", "admin", created_by="root"), "hash-2", LATER)
    assert graph.token_by_hash("hash-1") == token  # the statement gives id, name, role only
    assert graph.token_by_hash("hash-9") is None
    listed = graph.tokens()
    assert [(t.id, t.created_by, t.revoked_at) for t in listed] == [
        ("tok-1", "alice", None),
        ("tok-2", "root", None),
    ]
    assert all(t.created_at is not None for t in listed)
    with pytest.raises(DuplicateError) as info:
        graph.create_token(TokenRecord("tok-1", "again", "editor"), "hash-3", CTX)
    assert info.value.key == "tok-1"
    (revoked,) = graph.revoke_tokens("script", LATER)
    assert (revoked.id, revoked.name, revoked.role) == ("tok-1", "script", "editor")
    assert revoked.revoked_at is not None
    assert graph.token_by_hash("hash-1") is None
    assert graph.revoke_tokens("script", LATER) == []
    assert [t.id for t in graph.revoke_tokens("tok-2", LATER)] == ["tok-2"]
    assert [t.revoked_at is not None for t in graph.tokens()] == [True, True]


def test_concurrent_claims_let_one_reviewer_through(graph: GraphStore) -> None:
    """The API decides in worker threads: of claims racing for one candidate, one wins."""
    _held_candidates(graph)
    stale = AT - timedelta(minutes=10)

    def claim(n: int) -> dict[str, Any] | None:
        return graph.claim_candidate("cand-1", f"claim-{n}", at=AT, stale=stale)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(claim, range(8)))
    winners = [r["claim"] for r in results if r is not None]
    assert len(winners) == 1
    props = graph.candidate("cand-1")
    assert props is not None and props["claim"] == winners[0]


def test_concurrent_writes_all_land(graph: GraphStore) -> None:
    def write(n: int) -> Written:
        actor = Actor(id=f"org-thread-{n}", kind=ActorKind.ORGANISATION, name=f"Thread {n}")
        return graph.write_actors([actor], CTX)

    before = graph.graph_version()
    with ThreadPoolExecutor(max_workers=4) as pool:
        written = list(pool.map(write, range(12)))
    assert [w.count for w in written] == [1] * 12
    assert graph.counts()["nodes.Organisation"] == 12
    assert graph.graph_version() == before + 12
