"""Round trips through the pipeline on the graph, through the store port on every backend (in
memory, then each server): every format, re-imports, reviews, dry runs, unreadable files. The
fixtures are in ``tests/fixtures/importers``."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from graph_model.errors import ImportFailure, ValidationError
from graph_model.model import LinkKind
from graph_model.port import GraphStore
from importers import review
from importers.formats import (
    EssGlobalReader,
    GoGoCartoReader,
    LinksReader,
    MovementReader,
    MurmurationsReader,
    SireneReader,
    SpreadsheetReader,
)
from importers.records import Outcome
from tests.importers.helpers import (
    actor,
    actor_by_alias,
    actors_named,
    count,
    import_run,
    links_of,
    relationships,
    report_rows,
    run,
    snapshot,
)

C, U, S, R, K, H = (
    Outcome.CREATED,
    Outcome.UPDATED,
    Outcome.UNCHANGED,
    Outcome.REJECTED,
    Outcome.SKIPPED,
    Outcome.CANDIDATE,
)


def members(graph: GraphStore, fixtures: Path, tmp_path: Path) -> None:
    run(graph, MovementReader(), tmp_path)
    run(
        graph, SpreadsheetReader(fixtures / "members_cp1252.csv", system="reseau-normand"), tmp_path
    )


def test_the_movement_dataset_round_trip(graph: GraphStore, tmp_path: Path) -> None:
    summary = run(graph, MovementReader(), tmp_path)
    # 300 actors and 368 links (issue 13 grew the dataset from the public record)
    assert summary.outcomes == {C: 668}
    assert summary.nodes["themes"] == 12 and summary.nodes["methods"] == 3
    figures = graph.counts()
    assert figures["nodes.Actor"] == 300
    assert (figures["nodes.Theme"], figures["nodes.Method"], figures["nodes.Event"]) == (12, 3, 2)
    mes = actor(graph, "net-mes")
    assert mes["name"] == "Mouvement pour l'Economie Solidaire" and mes["kind"] == "Network"
    assert sorted(mes["themes"]) == ["mes-axis:1", "mes-axis:2", "mes-axis:3", "mes-axis:4"]
    assert actor_by_alias(graph, "name:mes")["id"] == "net-mes"
    assert ("net-mes", "MEMBER_OF", "adv-ess-france") in links_of(graph, "net-mes")
    assert ("net-mes", "SITS_ON", "adv-csess") in links_of(graph, "net-mes")
    assert ("net-mes", "TOOK_PART", "evt-ag-mes-2019") in links_of(graph, "net-mes")
    assert ("adv-ripess-europe", "MEMBER_OF", "adv-ripess") in links_of(graph, "adv-ripess-europe")
    assert ("prj-generateur-bfc", "ACTIVE_IN", "region:27") in links_of(graph, "prj-generateur-bfc")
    tzcld = links_of(graph, "prj-tzcld-colombelles")
    assert ("prj-tzcld-colombelles", "LOCATED_IN", "commune:14167") in tzcld
    assert ("prj-tzcld-colombelles", "ACTIVE_IN", "commune:14167") in tzcld
    events = sorted(
        (
            {"e": r["source"], "t": r["target"]}
            for r in relationships(graph, "Event")
            if r["kind"] == "LOCATED_IN"
        ),
        key=lambda row: row["e"],
    )
    assert events == [
        {"e": "evt-ag-mes-2019", "t": "commune:13055"},
        {"e": "evt-seminaire-coconstruire-2019", "t": "commune:95150"},
    ]
    region = [t.id for t in graph.territory_ancestors("commune:14167")]
    assert "departement:14" in region  # territories the import needed exist with their parents
    before = snapshot(graph)
    again = run(graph, MovementReader(), tmp_path)
    assert again.outcomes == {S: 668}
    assert snapshot(graph) == before


def test_member_lists_from_two_sources(graph: GraphStore, fixtures: Path, tmp_path: Path) -> None:
    members(graph, fixtures, tmp_path)
    report = report_rows(tmp_path / "spreadsheet-rejects.csv")
    by_line = {(r["line"], r["status"]): r["reason"] for r in report}
    assert "Luhn" in by_line[("9", "rejected")]  # bad SIREN
    assert "no name" in by_line[("14", "rejected")]
    assert by_line[("8", "skipped")] == "empty row"
    assert "read as 'Colombelles'" in by_line[("4", "flagged")]
    assert "text repaired" in by_line[("7", "flagged")]

    fabrique = actor(graph, "siren-812345676")
    assert (fabrique["commune"], fabrique["departement"], fabrique["region"]) == (
        "14167",
        "14",
        "28",
    )
    assert fabrique["website"] == "https://www.fabrique-colombelles.fr"
    assert ("siren-812345676", "MEMBER_OF", "net-mes") in links_of(graph, "siren-812345676")
    assert ("siren-812345676", "ACTIVE_IN", "departement:14") in links_of(graph, "siren-812345676")
    network = actor_by_alias(graph, "name:reseau des ressourceries normandes")
    assert network["kind"] == "Network"
    assert actor_by_alias(graph, "rna:W141234567")["commune"] == "14118"
    viriat = [{"c": a["commune"]} for a in actors_named(graph, "Épicerie solidaire de Viriat")]
    assert viriat == [{"c": "01451"}]  # postcode 1440 read as 01440
    reunion = next(
        {"c": a["commune"], "r": a["region"]}
        for a in actors_named(graph, "Collectif Entraide Réunion")
    )
    assert reunion == {"c": "97411", "r": "04"}
    recycleries = sorted(
        ({"c": a["commune"]} for a in actors_named(graph, "Recyclerie du Pays")),
        key=lambda row: row["c"],
    )
    assert [r["c"] for r in recycleries] == ["60175", "76540"]  # same name, two communes

    partners = run(graph, SpreadsheetReader(fixtures / "partners_utf8_bom.csv"), tmp_path)
    assert partners.outcomes == {U: 4, C: 2, H: 1}
    assert partners.merged == 3
    fabrique = actor(graph, "siren-812345676")
    assert fabrique["siret"] == "81234567600017"  # joined by SIRET, gained it
    assert fabrique["name"] == "Ressourcerie La Fabrique de Colombelles"  # the leading source's
    bocage = actor_by_alias(graph, "rna:W141234567")
    assert len(bocage["sources"]) == 2  # the partner list became a source of it
    network_now = actor_by_alias(graph, "name:reseau des ressourceries normandes")
    assert network_now["id"] == network["id"]  # the partner list's network row joined it
    creil = next(
        {"lat": a["latitude"], "p": a["location_precision"]}
        for a in actors_named(graph, "Recyclerie du Pays")
        if a["commune"] == "60175"
    )
    assert creil == {"lat": 49.2583, "p": "exact"}
    flags = report_rows(tmp_path / "spreadsheet-rejects.csv")
    assert any("km apart" in r["reason"] for r in flags)
    assert any("Sainte-Clotilde" in r["reason"] for r in flags)

    before = snapshot(graph)
    again = run(graph, SpreadsheetReader(fixtures / "members_cp1252.csv", system="reseau-normand"))
    assert again.outcomes == {S: 9, R: 2, K: 1} and again.links == {S: 3}
    again = run(graph, SpreadsheetReader(fixtures / "partners_utf8_bom.csv"))
    assert again.outcomes == {S: 6, H: 1}
    assert snapshot(graph) == before


def held_candidate(graph: GraphStore, fixtures: Path, tmp_path: Path) -> review.Candidate:
    """The members, then the partners file: one row of it resembles a member, and is held."""
    members(graph, fixtures, tmp_path)
    run(graph, SpreadsheetReader(fixtures / "partners_utf8_bom.csv"), tmp_path)
    (candidate,) = review.list_candidates(graph)
    return candidate


def test_reviewing_duplicate_candidates(graph: GraphStore, fixtures: Path, tmp_path: Path) -> None:
    candidate = held_candidate(graph, fixtures, tmp_path)
    assert candidate.record_name == "Maison des Jardins du Bocage"
    assert candidate.actor_name == "Les Jardins du Bocage"
    assert candidate.line == 4 and candidate.score >= 0.8

    summary, joined = review.accept(graph, candidate.id, by="test", note="même structure")
    assert summary.outcomes == {U: 1} and joined == candidate.actor
    decided = review.list_candidates(graph, "accepted")[0]
    assert (decided.decided_by, decided.note, decided.result) == ("test", "même structure", joined)
    assert review.list_candidates(graph) == []
    with pytest.raises(ValidationError, match="already decided"):
        review.reject(graph, candidate.id)
    again = run(graph, SpreadsheetReader(fixtures / "partners_utf8_bom.csv"))
    assert again.outcomes == {S: 7}  # the record is now known by its key: no question twice


def test_rejecting_a_candidate_creates_the_actor(
    graph: GraphStore, fixtures: Path, tmp_path: Path
) -> None:
    candidate = held_candidate(graph, fixtures, tmp_path)
    summary, created = review.reject(graph, candidate.id)
    assert summary.outcomes == {C: 1}
    assert actor(graph, created)["name"] == "Maison des Jardins du Bocage"
    assert created != candidate.actor


def test_an_accept_and_a_reject_at_once_never_both_apply(
    graph: GraphStore, fixtures: Path, tmp_path: Path
) -> None:
    """Two reviewers decide the same candidate at the same moment, one each way: one decision
    applies, the other is told the candidate is taken; the graph shows only the first."""
    candidate = held_candidate(graph, fixtures, tmp_path)
    actors_before = count(graph, "Actor")
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(name: str, how: Callable[..., Any]) -> None:
        start.wait()
        try:
            outcomes[name] = how(graph, candidate.id, by=name)
        except Exception as exc:  # the losing decision's error is the point
            outcomes[name] = exc

    threads = [
        threading.Thread(target=decide, args=("accepting", review.accept)),
        threading.Thread(target=decide, args=("rejecting", review.reject)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    errors = {k: v for k, v in outcomes.items() if isinstance(v, Exception)}
    assert len(outcomes) == 2 and len(errors) == 1, outcomes
    ((loser, error),) = errors.items()
    assert isinstance(error, ValidationError), error
    assert "being decided" in str(error) or "already decided" in str(error)
    (decided,) = review.list_candidates(graph, None)
    winner = "accepting" if loser == "rejecting" else "rejecting"
    assert decided.status == ("accepted" if winner == "accepting" else "rejected")
    assert decided.decided_by == winner
    actors_after = count(graph, "Actor")
    assert actors_after == actors_before + (0 if winner == "accepting" else 1)


def test_a_decision_that_died_is_taken_over(
    graph: GraphStore, fixtures: Path, tmp_path: Path
) -> None:
    candidate = held_candidate(graph, fixtures, tmp_path)
    claimed = datetime.now(UTC)
    # a decision claims the candidate, then dies without releasing it
    stale = claimed - review.CLAIM_TIMEOUT
    assert graph.claim_candidate(candidate.id, "gone", at=claimed, stale=stale) is not None
    with pytest.raises(ValidationError, match="being decided"):
        review.accept(graph, candidate.id)
    # … long ago: its claim is older than the timeout
    assert graph.release_candidate(candidate.id, "gone") is not None
    long_ago = claimed - review.CLAIM_TIMEOUT - timedelta(seconds=1)
    taken = graph.claim_candidate(
        candidate.id, "gone", at=long_ago, stale=long_ago - review.CLAIM_TIMEOUT
    )
    assert taken is not None
    summary, joined = review.accept(graph, candidate.id, by="relief")
    assert summary.outcomes == {U: 1} and joined == candidate.actor
    assert review.list_candidates(graph, "accepted")[0].decided_by == "relief"


def test_gogocarto_maps(graph: GraphStore, fixtures: Path, tmp_path: Path) -> None:
    members(graph, fixtures, tmp_path)
    full = run(
        graph, GoGoCartoReader(fixtures / "gogocarto_full.json", system="transiscope"), tmp_path
    )
    assert full.outcomes == {K: 3, U: 1, C: 3}
    assert full.merged == 1  # the Fabrique, by name, commune and website
    fabrique = actor(graph, "siren-812345676")
    assert any("gogocarto-transiscope" in s for s in fabrique["sources"])
    assert actor_by_alias(graph, "gogocarto-transiscope:a1b2")["id"] == "siren-812345676"
    rnrr = actor_by_alias(graph, "name:reseau national des ressourceries et recycleries")
    assert ("siren-812345676", "MEMBER_OF", rnrr["id"]) in links_of(graph, "siren-812345676")
    for key in ("c3d4", "e5f6", "g7h8"):  # deleted, duplicate, refused: not live actors
        assert not graph.resolve_keys([f"gogocarto-transiscope:{key}"])
    panier = actor_by_alias(graph, "gogocarto-transiscope:i9j0")
    assert panier["commune"] == "97411" and "maillage:alimentation" in panier["themes"]
    compact = run(
        graph,
        GoGoCartoReader(
            fixtures / "gogocarto_compact.json", taxonomy=fixtures / "gogocarto_taxonomy.json"
        ),
        tmp_path,
    )
    assert compact.outcomes == {C: 2, K: 1}
    before = snapshot(graph)
    again = run(graph, GoGoCartoReader(fixtures / "gogocarto_full.json", system="transiscope"))
    assert again.outcomes == {K: 3, S: 4}
    assert snapshot(graph) == before


def test_essglobal_and_murmurations(graph: GraphStore, fixtures: Path, tmp_path: Path) -> None:
    essglobal = run(graph, EssGlobalReader(fixtures / "essglobal_standard.csv"), tmp_path)
    assert essglobal.outcomes == {C: 3, R: 1}
    theme = graph.themes_by_id(["essglobal:AM10"])["essglobal:AM10"]
    assert (theme["label_fr"], theme["label_en"], theme["scheme"]) == (
        "Arts, médias, culture et loisirs",
        "Arts, Media, Culture & Leisure",
        "essglobal",
    )
    livre = actor_by_alias(graph, "essglobal:ESS001")
    assert livre["commune"] == "69123" and livre["location_precision"] == "exact"

    profiles = run(graph, MurmurationsReader(fixtures / "murmurations_profiles.json"), tmp_path)
    assert profiles.outcomes == {C: 3, K: 1, R: 1}
    assert profiles.links == {C: 2, R: 1}
    fablab = actor_by_alias(graph, "murmurations:fablab-caen.example.fr")
    opencoop = actor_by_alias(graph, "murmurations:opencoop.example.fr")
    communs = actor_by_alias(graph, "murmurations:communs.example.org")
    assert (fablab["id"], "MEMBER_OF", opencoop["id"]) in links_of(graph, fablab["id"])
    assert (fablab["id"], "MEMBER_OF", communs["id"]) in links_of(graph, fablab["id"])
    assert (opencoop["id"], "ACTIVE_IN", "FR") in links_of(graph, opencoop["id"])
    report = report_rows(tmp_path / "murmurations-rejects.csv")
    assert any("inconnu.example.org" in r["reason"] for r in report if r["status"] == "rejected")
    again = run(graph, MurmurationsReader(fixtures / "murmurations_profiles.json"))
    assert again.outcomes == {S: 3, K: 1, R: 1} and again.links == {S: 2, R: 1}


def test_sirene_enriches_and_adds(graph: GraphStore, fixtures: Path, tmp_path: Path) -> None:
    members(graph, fixtures, tmp_path)
    summary = run(
        graph, SireneReader(fixtures / "sirene_unites_legales.csv", ess_only=True), tmp_path
    )
    assert summary.outcomes == {U: 2, C: 1, K: 4, R: 1}
    # units the register or --ess-only leaves out are counted by reason, not listed one by one
    # (a stock file has millions); the rejected row is listed with its line
    assert summary.skipped_by == {
        "not in the ESS (--ess-only)": 1,
        "ceased legal unit (état administratif C)": 1,
        "natural person (entrepreneur individuel): not imported": 1,
        "not public in SIRENE (statut de diffusion partielle)": 1,
    }
    listed = report_rows(tmp_path / "sirene-rejects.csv")
    assert [r["status"] for r in listed if r["status"] != "flagged"] == ["rejected"]
    assert ("  not in the ESS (--ess-only)", "1") in summary.table()
    reasons = import_run(graph, summary.run_id)["skipped_reasons"]
    assert json.loads(reasons) == dict(summary.skipped_by)
    fabrique = actor(graph, "siren-812345676")
    assert fabrique["legal_form"] == "SARL coopérative ouvrière de production (SCOP)"
    assert fabrique["siret"] == "81234567600017"
    assert fabrique["name"] == "Ressourcerie La Fabrique de Colombelles"  # not the register's
    bocage = actor_by_alias(graph, "rna:W141234567")
    assert bocage["siren"] == "424242428" and bocage["legal_form"] == "Association déclarée"
    assert actor_by_alias(graph, "siren:424242428")["id"] == bocage["id"]
    bray = actor(graph, "siren-798765434")
    assert bray.get("commune") is None and bray.get("departement") is None  # nothing invented
    again = run(graph, SireneReader(fixtures / "sirene_unites_legales.csv", ess_only=True))
    assert again.outcomes == {S: 3, K: 4, R: 1}
    everything = run(graph, SireneReader(fixtures / "sirene_unites_legales.csv"))
    assert everything.outcomes == {S: 3, C: 1, K: 3, R: 1}  # the non-ESS company too


def test_links_file(graph: GraphStore, fixtures: Path, tmp_path: Path) -> None:
    members(graph, fixtures, tmp_path)
    before_spells = graph.links_between("siren-812345676", "net-mes", LinkKind.MEMBER_OF)
    summary = run(graph, LinksReader(fixtures / "links.csv"), tmp_path)
    # the membership since 2018 (line 10) overlaps the member list's, since 15/03/2018: one
    # spell, which now starts at the earlier date (it was a second link before)
    assert [link.since for link in before_spells] == [date(2018, 3, 15)]
    assert summary.outcomes == {U: 2, C: 1, R: 5, K: 1}
    (spell,) = graph.links_between("siren-812345676", "net-mes", LinkKind.MEMBER_OF)
    assert (spell.id, spell.since) == (before_spells[0].id, date(2018, 1, 1))
    reasons = {r["line"]: r["reason"] for r in report_rows(tmp_path / "links-rejects.csv")}
    assert "names 2 actors" in reasons["4"] and "mai-" in reasons["4"]  # candidates named
    assert "no actor is named 'Réseau inconnu'" in reasons["5"]
    assert "to itself" in reasons["6"]
    assert "before it starts" in reasons["7"]
    assert "not recognised" in reasons["9"]
    bocage = actor_by_alias(graph, "rna:W141234567")["id"]
    assert ("siren-812345676", "COOPERATES_WITH", bocage) in links_of(graph, "siren-812345676")
    sources = graph.links_between("net-mes", "adv-ess-france", LinkKind.MEMBER_OF)[0].sources
    assert len(sources) == 3  # the movement dataset's two and this file's
    before = snapshot(graph)
    again = run(graph, LinksReader(fixtures / "links.csv"))
    assert again.outcomes == {S: 3, R: 5, K: 1}
    assert snapshot(graph) == before


LINK_STATEMENTS = """de;vers;type;depuis;jusqu'à;source
prj-generateur-bfc;prj-tzcld-colombelles;partenariat;01/03/2020;;convention A
prj-generateur-bfc;prj-tzcld-colombelles;partenariat;01/03/2020;;convention B
prj-generateur-bfc;prj-tzcld-colombelles;partenariat;;31/12/2022;compte rendu C
prj-generateur-bfc;prj-tzcld-colombelles;partenariat;01/03/2020;;convention A
prj-generateur-bfc;prj-tzcld-colombelles;mutualisation;;;D
prj-tzcld-colombelles;prj-generateur-bfc;partenariat;2021;;E
"""


@pytest.mark.parametrize("batch_size", [2, 100])
def test_statements_of_one_link_make_one_link(
    graph: GraphStore, tmp_path: Path, batch_size: int
) -> None:
    """Restating a link (another source, a missing end date, an undated mention) joins it,
    whether the earlier statement is in the same batch, an earlier batch or the graph; and a
    dry run says what the real run does."""
    run(graph, MovementReader())
    path = tmp_path / "liens.csv"
    path.write_text(LINK_STATEMENTS, encoding="utf-8")
    preview = run(graph, LinksReader(path), dry_run=True, batch_size=batch_size)
    summary = run(graph, LinksReader(path), batch_size=batch_size)
    # created: the dated partnership, the undated mutualisation, the reverse partnership;
    # updated: source B, then C (an undated statement: the same partnership, its end date)
    assert summary.outcomes == {C: 3, U: 2, S: 1}
    assert preview.outcomes == summary.outcomes
    rows = sorted(
        (
            link.as_dict()
            for link in graph.links_between(
                "prj-generateur-bfc", "prj-tzcld-colombelles", LinkKind.COOPERATES_WITH
            )
        ),
        key=lambda row: row["subkind"],
    )
    assert [r["subkind"] for r in rows] == ["mutualisation", "partenariat"]
    partnership = rows[1]
    assert str(partnership["since"]) == "2020-03-01" and str(partnership["until"]) == "2022-12-31"
    keys = sorted(json.loads(s)["key"] for s in partnership["sources"])
    assert keys == ["compte rendu C", "convention A", "convention B"]
    before = snapshot(graph)
    again = run(graph, LinksReader(path), batch_size=batch_size)
    assert again.outcomes == {S: 6}
    assert run(graph, LinksReader(path), dry_run=True).outcomes == {S: 6}
    assert snapshot(graph) == before


def test_a_kind_change_is_rejected(graph: GraphStore, fixtures: Path, tmp_path: Path) -> None:
    members(graph, fixtures, tmp_path)  # the Fabrique is an Organisation (SIREN 812345676)
    path = tmp_path / "types.csv"
    path.write_text("Nom;SIREN;Type\nLa Fabrique;812345676;Réseau\n", encoding="utf-8")
    summary = run(graph, SpreadsheetReader(path), tmp_path)
    assert summary.outcomes == {R: 1}
    reason = report_rows(tmp_path / "spreadsheet-rejects.csv")[0]["reason"]
    assert "kind is fixed at creation" in reason
    assert actor(graph, "siren-812345676")["kind"] == "Organisation"
    # stated by name only, the same difference makes a candidate, never an automatic merge
    path.write_text("Nom;Type\nMouvement pour l'Economie Solidaire;Projet\n", encoding="utf-8")
    assert run(graph, SpreadsheetReader(path)).outcomes == {H: 1}


def test_identifiers_naming_two_actors_are_rejected(
    graph: GraphStore, fixtures: Path, tmp_path: Path
) -> None:
    members(graph, fixtures, tmp_path)
    path = tmp_path / "conflict.csv"
    path.write_text("Nom;SIREN;RNA\nMélange;812345676;W141234567\n", encoding="utf-8")
    summary = run(graph, SpreadsheetReader(path), tmp_path)
    assert summary.outcomes == {R: 1}
    reason = report_rows(tmp_path / "spreadsheet-rejects.csv")[0]["reason"]
    assert "siren-812345676" in reason and "rna-W141234567" in reason


def test_an_import_run_records_what_it_did(
    graph: GraphStore, fixtures: Path, tmp_path: Path
) -> None:
    summary = run(graph, MovementReader(), tmp_path)
    spreadsheet = run(graph, SpreadsheetReader(fixtures / "members_cp1252.csv"), tmp_path)
    props = import_run(graph, spreadsheet.run_id)
    assert props["format"] == "spreadsheet" and props["file_name"] == "members_cp1252.csv"
    assert props["status"] == "finished" and len(props["sha256"]) == 64
    assert (props["rows"], props["created"], props["rejected"], props["skipped"]) == (12, 9, 2, 1)
    assert props["candidates"] == 0 and props["links_created"] == 3
    assert props["started_at"] <= props["finished_at"]
    fabrique = actor(graph, "siren-812345676")
    assert fabrique["created_run"] == fabrique["updated_run"] == spreadsheet.run_id
    assert actor(graph, "net-mes")["created_run"] == summary.run_id


def test_a_dry_run_writes_nothing(graph: GraphStore, fixtures: Path, tmp_path: Path) -> None:
    run(graph, MovementReader())
    before = snapshot(graph)
    runs = count(graph, "ImportRun")
    summary = run(graph, SpreadsheetReader(fixtures / "members_cp1252.csv"), tmp_path, dry_run=True)
    assert summary.dry_run and summary.run_id is None
    assert summary.outcomes == {C: 9, R: 2, K: 1} and summary.links == {C: 3}
    assert summary.nodes["networks created from member lists"] == 1
    partners = run(graph, SpreadsheetReader(fixtures / "partners_utf8_bom.csv"), dry_run=True)
    # the members were not written: nothing to join, but the run sees its own rows
    assert partners.outcomes == {C: 6, H: 1}
    assert snapshot(graph) == before
    assert count(graph, "ImportRun") == runs
    assert report_rows(tmp_path / "spreadsheet-rejects.csv")  # the report is still written


@pytest.mark.parametrize(
    ("name", "content", "reader"),
    [
        ("truncated.json", None, "gogocarto"),
        ("binary.csv", b"Nom;SIREN\n\x00\x00\x01\x02", "spreadsheet"),
        ("not-profiles.json", b'{"hello": "world"}', "murmurations"),
        ("empty.csv", b"", "sirene"),
    ],
)
def test_an_unreadable_file_writes_nothing(
    graph: GraphStore, fixtures: Path, tmp_path: Path, name: str, content: bytes | None, reader: str
) -> None:
    run(graph, MovementReader())
    before = snapshot(graph)
    runs = count(graph, "ImportRun")
    path = fixtures / "gogocarto_truncated.json" if content is None else tmp_path / name
    if content is not None:
        path.write_bytes(content)
    readers = {
        "gogocarto": GoGoCartoReader,
        "spreadsheet": SpreadsheetReader,
        "murmurations": MurmurationsReader,
        "sirene": SireneReader,
    }
    with pytest.raises(ImportFailure):
        run(graph, readers[reader](path), tmp_path)
    assert snapshot(graph) == before
    assert count(graph, "ImportRun") == runs
