"""Telephones (issue 12): read from every format that has them, kept in E.164 on every store,
compared by identity resolution (a shared switchboard merges nothing), shown to editors only.

The imports run on the ``graph`` fixture (in memory, then each server: the ArcadeDB run is
marked ``arcadedb``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.auth import Role, create_token
from graph_model.errors import ValidationError
from graph_model.model import Actor, ActorKind
from graph_model.phones import normalise_phone
from graph_model.port import GraphStore
from importers.blocking import NameIndex
from importers.formats.essglobal import EssGlobalReader
from importers.formats.gogocarto import GoGoCartoReader
from importers.formats.spreadsheet import SpreadsheetReader
from importers.names import Entry, Probe
from importers.records import Outcome
from importers.scoring import MERGE_THRESHOLD
from queries.store.memory import MemoryGraph
from tests.api.conftest import data, start, wait_ready
from tests.importers.helpers import report_rows, run

CAEN, BAYEUX, HEROUVILLE = "14118", "14047", "14327"


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("02 31 45 67 89", "+33231456789"),
        ("02.31.45.67.89", "+33231456789"),
        ("02-31-45-67-89", "+33231456789"),
        ("+33 2 31 45 67 89", "+33231456789"),
        ("+33 (0)2 31 45 67 89", "+33231456789"),
        ("0033 2 31 45 67 89", "+33231456789"),
        ("Tél. : 02 31 45 67 89", "+33231456789"),
        ("231456789", "+33231456789"),  # a spreadsheet dropped the leading zero
        ("06 12 34 56 78", "+33612345678"),
        ("0262 21 00 00", "+262262210000"),  # La Réunion dials +262
        ("+41 22 123 45 67", "+41221234567"),  # another country's, as written
        ("02 31 45 67", None),
        ("+33 2 31 45 67 89 0", None),
        ("02 31 45 67 89 ou 06 12 34 56 78", None),
        ("voir site", None),
    ],
)
def test_a_french_number_written_any_way_is_one_e164_number(written: str, e164: str | None) -> None:
    assert normalise_phone(written) == e164


def test_the_model_keeps_e164_and_refuses_what_is_not_a_number() -> None:
    actor = Actor(id="org-x", kind=ActorKind.ORGANISATION, name="X", phone="02 31 45 67 89")
    assert actor.phone == "+33231456789"
    with pytest.raises(ValidationError, match="not a telephone number") as refused:
        Actor(id="org-x", kind=ActorKind.ORGANISATION, name="X", phone="le standard")
    assert refused.value.field == "phone"


SHEET = (
    "Identifiant;Nom;Code postal;Commune;Téléphone\n"
    "1;La Cloche Bramavel;14000;Caen;02.31.45.67.89\n"
    "2;Les Jardins de Tréanbou;14400;Bayeux;voir le site\n"
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _phones(graph: GraphStore) -> dict[str, str | None]:
    return {row["name"]: row["phone"] for row in graph.name_index()}


def test_a_phone_is_stored_e164_and_a_bad_one_is_reported_with_its_column(
    graph: GraphStore, tmp_path: Path
) -> None:
    summary = run(graph, SpreadsheetReader(_write(tmp_path / "m.csv", SHEET)), tmp_path)
    assert summary.outcomes == {Outcome.CREATED: 2}
    phones = _phones(graph)
    assert phones["La Cloche Bramavel"] == "+33231456789"
    assert phones["Les Jardins de Tréanbou"] is None  # left out, not guessed
    (flagged,) = report_rows(tmp_path / "spreadsheet-rejects.csv")
    assert flagged["status"] == "flagged"
    assert "voir le site" in flagged["reason"] and "Téléphone" in flagged["reason"]
    state = graph.actor_state([next(r["id"] for r in graph.name_index() if r["phone"])])
    assert [row["phone"] for row in state.values()] == ["+33231456789"]


def test_a_later_list_with_the_same_number_written_otherwise_joins_the_actor(
    graph: GraphStore, tmp_path: Path
) -> None:
    first = "Identifiant;Nom;Code postal;Commune;Tél\n1;Épicerie solidaire;14000;Caen;0231456789\n"
    run(graph, SpreadsheetReader(_write(tmp_path / "a.csv", first), system="reseau"))
    # a generic name in one commune is only a candidate on its own; the same line settles it
    later = "Nom;CP;Ville;Téléphone\nEPICERIE SOLIDAIRE;14000;Caen;+33 2 31 45 67 89\n"
    summary = run(graph, SpreadsheetReader(_write(tmp_path / "b.csv", later), system="carte"))
    assert summary.outcomes == {Outcome.UPDATED: 1}
    assert list(_phones(graph).values()) == ["+33231456789"]


def test_gogocarto_and_essglobal_numbers_are_read(tmp_path: Path) -> None:
    elements = {
        "ontology": "gogofull",
        "data": [
            {"id": "a1", "name": "La Cloche", "status": 1, "telephone": "02 31 45 67 89",
             "geo": {"latitude": 49.18, "longitude": -0.37}},
            {"id": "a2", "name": "Le Hangar", "status": 1, "telephone": "private"},
        ],
    }  # fmt: skip
    path = tmp_path / "elements.json"
    path.write_text(json.dumps(elements), encoding="utf-8")
    reader = GoGoCartoReader(path)
    reader.prepare()
    records = [r for r in reader.records() if hasattr(r, "phone")]
    assert [r.phone for r in records] == ["02 31 45 67 89", None]
    csv = tmp_path / "essglobal.csv"
    csv.write_text(
        "Identifier,Name,Locality,Postcode,Country ID,Phone\n"
        "x1,La Cloche,Caen,14000,FR,+33 2 31 45 67 89\n",
        encoding="utf-8",
    )
    essglobal = EssGlobalReader(csv)
    essglobal.prepare()
    (record,) = list(essglobal.records())
    assert getattr(record, "phone", None) == "+33 2 31 45 67 89"


def _best(entries: list[Entry], probe: Probe) -> tuple[str, float] | None:
    index = NameIndex()
    for entry in entries:
        index.add(entry)
    found = index.best(probe)
    return None if found is None else (found.actor_id, found.score)


PHONE = "+33231456789"


def test_the_same_number_is_strong_evidence() -> None:
    known = [Entry("mai-a", "Organisation", "Épicerie solidaire", CAEN, "14", phone=PHONE)]
    alone = _best(known, Probe("Épicerie solidaire", CAEN, "14"))
    with_phone = _best(known, Probe("Épicerie solidaire", CAEN, "14", phone=PHONE))
    assert alone is not None and alone[1] < MERGE_THRESHOLD  # a generic name: held
    assert with_phone is not None and with_phone[1] >= MERGE_THRESHOLD


def test_a_switchboard_shared_by_branches_merges_none_of_them() -> None:
    branches = [
        Entry(f"mai-b{i}", "Organisation", f"Secours Bramavel {town}", code, "14", phone=PHONE)
        for i, (town, code) in enumerate(
            [("Caen", CAEN), ("Bayeux", BAYEUX), ("Hérouville", HEROUVILLE)]
        )
    ]
    # the federation's number and its name, no commune: which branch is it? none is told
    found = _best(branches, Probe("Secours Bramavel", None, "14", phone=PHONE))
    assert found is None or found[1] < MERGE_THRESHOLD
    # one actor giving the number: the same record merges
    found = _best(branches[:1], Probe("Secours Bramavel", None, "14", phone=PHONE))
    assert found is not None and found[1] >= MERGE_THRESHOLD


def test_the_phone_is_shown_to_editors_only(tmp_path: Path) -> None:
    graph = MemoryGraph()
    run(graph, SpreadsheetReader(_write(tmp_path / "m.csv", SHEET)))
    actor_id = next(r["id"] for r in graph.name_index() if r["phone"])
    editor = create_token(graph, name="phone-editor", role=Role.EDITOR)[1]
    reader = create_token(graph, name="phone-reader", role=Role.READER)[1]
    query = "query($id: ID!) { actor(id: $id) { phone } }"
    with start(graph) as client:
        wait_ready(client)
        seen = data(client, query, {"id": actor_id}, token=editor)
        assert seen["actor"]["phone"] == "+33231456789"
        for token in (None, reader):
            assert data(client, query, {"id": actor_id}, token=token)["actor"]["phone"] is None
