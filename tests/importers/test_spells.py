"""Link statements reconciled into spells (issue 12), through the real import on every store:
an undated statement and the same link imported later with a start date are one link, which
"as of" a day before that start does not count; memberships that stopped and
started again are two spells; overlapping or touching statements are one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from graph_model.model import LinkKind
from graph_model.port import GraphStore
from importers.formats import LinksReader, MovementReader
from importers.records import Outcome
from queries.analytics.figures import movement_figures
from queries.projection import build_projection
from queries.store.memory import MemoryGraph
from tests.api.conftest import data, start, wait_ready
from tests.importers.helpers import relationships, run

HEADER = "de;vers;type;depuis;jusqu'à;source\n"


def _links(tmp_path: Path, name: str, rows: str) -> LinksReader:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return LinksReader(path)


def test_a_dated_statement_dates_the_undated_link(graph: GraphStore, tmp_path: Path) -> None:
    run(graph, MovementReader())
    ends = ("prj-generateur-bfc", "adv-ess-france")
    first = run(
        graph, _links(tmp_path, "annuaire.csv", f"{ends[0]};{ends[1]};MEMBER_OF;;;annuaire\n")
    )
    assert first.outcomes == {Outcome.CREATED: 1}
    (undated,) = graph.links_between(*ends, LinkKind.MEMBER_OF)
    assert undated.since is None
    projection = build_projection(graph)
    counted_before = movement_figures(projection, None, as_of="2018-06-01").links_inside
    summary = run(
        graph,
        _links(tmp_path, "adhesions.csv", f"{ends[0]};{ends[1]};MEMBER_OF;01/01/2019;;CA 2019\n"),
    )
    assert summary.outcomes == {Outcome.UPDATED: 1}
    (spell,) = graph.links_between(*ends, LinkKind.MEMBER_OF)
    assert (spell.id, spell.since, spell.until) == (undated.id, date(2019, 1, 1), None)
    assert len(spell.sources) == 2  # the directory's and the file's
    # "as of" answers from the spell: not a member before 2019
    assert spell.id not in {link.id for link in graph.links_of_actor(ends[0], date(2018, 6, 1))}
    assert spell.id in {link.id for link in graph.links_of_actor(ends[0], date(2020, 6, 1))}
    projection = build_projection(graph)
    before = movement_figures(projection, None, as_of="2018-06-01")
    after = movement_figures(projection, None, as_of="2020-06-01")
    assert before.links_inside == counted_before - 1  # the undated link counted then, not now
    assert after.links_inside >= before.links_inside + 1


def test_memberships_that_stopped_and_started_again(graph: GraphStore, tmp_path: Path) -> None:
    run(graph, MovementReader())
    rows = (
        "prj-generateur-bfc;net-mes;MEMBER_OF;01/01/2010;31/12/2012;liste 2012\n"
        "prj-generateur-bfc;net-mes;MEMBER_OF;01/01/2018;;liste 2018\n"
        "prj-generateur-bfc;net-mes;MEMBER_OF;01/06/2011;31/03/2013;rapport 2013\n"
        "prj-generateur-bfc;net-mes;MEMBER_OF;01/04/2013;30/06/2013;avenant\n"
        "prj-generateur-bfc;net-mes;MEMBER_OF;;;annuaire\n"
    )
    summary = run(graph, _links(tmp_path, "adhesions.csv", rows), batch_size=2)
    spells = sorted(
        graph.links_between("prj-generateur-bfc", "net-mes", LinkKind.MEMBER_OF),
        key=lambda link: link.since or date.min,
    )
    # 2010-2012, widened to 31/03/2013 by the overlapping report and to 30/06/2013 by the
    # touching amendment; since 2018 on its own; the undated mention joins the open spell
    assert [(s.since, s.until) for s in spells] == [
        (date(2010, 1, 1), date(2013, 6, 30)),
        (date(2018, 1, 1), None),
    ]
    assert len(spells[1].sources) == 2
    assert summary.outcomes == {Outcome.CREATED: 2, Outcome.UPDATED: 3}
    members = {
        day: {link.id for link in graph.links_of_actor("prj-generateur-bfc", day)}
        for day in (date(2011, 1, 1), date(2015, 1, 1), date(2019, 1, 1))
    }
    assert members[date(2015, 1, 1)].isdisjoint({s.id for s in spells})
    assert spells[0].id in members[date(2011, 1, 1)] and spells[1].id in members[date(2019, 1, 1)]
    # a second run changes nothing
    again = run(graph, _links(tmp_path, "adhesions.csv", rows), batch_size=2)
    assert again.outcomes == {Outcome.UNCHANGED: 5}
    stored = graph.links_between("prj-generateur-bfc", "net-mes", LinkKind.MEMBER_OF)
    assert sorted(stored, key=lambda link: link.id) == sorted(spells, key=lambda link: link.id)


def _statements(graph: GraphStore, source: str, target: str) -> dict[str, list[dict[str, Any]]]:
    """Each stored spell's statements (by spell start), as the store holds them."""
    spells = [
        r["props"]
        for r in relationships(graph, "Actor")
        if (r["source"], r["target"], r["kind"]) == (source, target, "MEMBER_OF")
    ]
    return {
        str(props.get("since")): [json.loads(s) for s in props.get("statements") or ()]
        for props in spells
    }


def test_each_statement_keeps_its_own_dates(graph: GraphStore, tmp_path: Path) -> None:
    """A spell holds the statements that attest it, each source's own dates and run; a
    source that restates the same claim keeps its statement, one that changes it replaces it."""
    run(graph, MovementReader())
    ends = ("prj-generateur-bfc", "net-mes")
    rows = (
        f"{ends[0]};{ends[1]};MEMBER_OF;01/01/2010;31/12/2012;liste 2012\n"
        f"{ends[0]};{ends[1]};MEMBER_OF;01/06/2011;31/03/2013;rapport 2013\n"
        f"{ends[0]};{ends[1]};MEMBER_OF;01/01/2018;;liste 2018\n"
        f"{ends[0]};{ends[1]};MEMBER_OF;;;annuaire\n"
    )
    first = run(graph, _links(tmp_path, "adhesions.csv", rows), batch_size=2)
    spells = _statements(graph, *ends)
    assert set(spells) == {"2010-01-01", "2018-01-01"}
    claims = {
        since: sorted((s["source"]["key"], s["since"], s["until"]) for s in statements)
        for since, statements in spells.items()
    }
    assert claims == {
        # the spell runs 2010 to 31/03/2013; each source says what it said
        "2010-01-01": [
            ("liste 2012", "2010-01-01", "2012-12-31"),
            ("rapport 2013", "2011-06-01", "2013-03-31"),
        ],
        # the undated mention joined the open spell, undated
        "2018-01-01": [("annuaire", None, None), ("liste 2018", "2018-01-01", None)],
    }
    runs = {s["run"] for statements in spells.values() for s in statements}
    assert runs == {first.run_id}
    # the same file again: the same statements, with the run that first made them
    run(graph, _links(tmp_path, "adhesions.csv", rows), batch_size=2)
    assert _statements(graph, *ends) == spells
    # the list of 2018 learns an end: its statement changes, the other ones stay
    ended = rows.replace("01/01/2018;;liste 2018", "01/01/2018;30/06/2024;liste 2018")
    later = run(graph, _links(tmp_path, "adhesions.csv", ended), batch_size=2)
    after = {
        (s["source"]["key"], s["until"], s["run"]) for s in _statements(graph, *ends)["2018-01-01"]
    }
    assert after == {("annuaire", None, first.run_id), ("liste 2018", "2024-06-30", later.run_id)}


def test_graphql_shows_each_statement_with_its_dates(tmp_path: Path) -> None:
    graph = MemoryGraph()
    run(graph, MovementReader())
    ends = ("prj-generateur-bfc", "adv-ess-france")
    rows = (
        f"{ends[0]};{ends[1]};MEMBER_OF;;;annuaire\n"
        f"{ends[0]};{ends[1]};MEMBER_OF;01/01/2019;;CA 2019\n"
    )
    run(graph, _links(tmp_path, "liens.csv", rows))
    query = """query($id: ID!) { actor(id: $id) { links(first: 50) { edges { node {
      to { id } kind since statements { source { key } since until } } } } } }"""
    with start(graph) as client:
        wait_ready(client)
        edges = data(client, query, {"id": ends[0]})["actor"]["links"]["edges"]
    (link,) = [e["node"] for e in edges if e["node"]["to"]["id"] == ends[1]]
    assert link["since"] == "2019-01-01"
    claims = {(s["source"]["key"], s["since"], s["until"]) for s in link["statements"]}
    assert {("annuaire", None, None), ("CA 2019", "2019-01-01", None)} <= claims
