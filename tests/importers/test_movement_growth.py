"""The reference dataset grown from the public record (issue 13): its size, its dates, its
sources (each page cited by address, no page's prose copied), and seats that exist."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from graph_model.errors import ImportFailure
from graph_model.territories import load_reference
from importers.formats.movement import MovementReader
from importers.formats.movement_dataset import MovementDataset
from importers.formats.sirene import legal_forms
from importers.pipeline import ImportOptions, Pipeline
from importers.records import ActorRecord
from queries.analytics.legal import legal_family
from queries.store.memory import MemoryGraph

MES_TEXT = "mes-projet-2019-2022"
#: the citations the dataset had before issue 13 (the MES text and the bodies' own sites)
FIRST = {MES_TEXT, "ess-france-site", "ripess-site", "ripess-europe-site", "transiscope-site",
         "ctc-site", "cac-site", "mes-site", "bergerie-site"}  # fmt: skip


def _data() -> MovementDataset:
    reader = MovementReader()
    reader.prepare()
    data: MovementDataset = reader.data
    return data


def test_the_dataset_is_a_real_movement() -> None:
    data = _data()
    assert len(data.actors) >= 300
    assert len(data.links) >= 365
    dated = [link for link in data.links if link.since or link.until]
    assert len(dated) / len(data.links) >= 0.5
    cress = [a for a in data.actors if a.id.startswith("adv-cress-")]
    assert len(cress) == 18
    assert all(a.level is not None and a.active_in for a in cress)
    to_ess_france = {link.source for link in data.links if link.target == "adv-ess-france"}
    assert {a.id for a in cress} <= to_ess_france


def test_every_page_is_cited_by_its_address_and_none_is_copied() -> None:
    data = _data()
    for key, citation in data.sources.items():
        if key != MES_TEXT:
            assert citation.url and citation.url.startswith(("http://", "https://")), key
    for link in data.links:
        # the pages cited since issue 13 are never quoted: their links carry no "evidence"
        if not set(link.sources) & FIRST:
            assert link.evidence is None, link


def test_seats_are_communes_of_the_reference() -> None:
    reference = load_reference()
    data = _data()
    seated = [(a.id, a.commune) for a in data.actors if a.commune]
    assert len(seated) >= 100
    for actor_id, commune in seated:
        assert reference.resolve_commune(commune) is not None, actor_id


def test_legal_forms_are_insee_codes_and_fill_the_legal_families() -> None:
    reader = MovementReader()
    reader.prepare()
    coded = {a.id: a.legal_form for a in reader.data.actors if a.legal_form}
    assert len(coded) >= 40
    assert set(coded.values()) <= set(legal_forms())
    # the reader writes the INSEE label, as the SIRENE importer does, so the families read it
    records = {r.actor_id: r for r in reader.records() if isinstance(r, ActorRecord)}
    assert records["adv-cress-bretagne"].legal_form == "Association déclarée"
    assert records["net-federation-des-cigales"].legal_form is None  # no source states it
    families = Counter(legal_family(records[a].legal_form) for a in coded)
    assert families["association"] >= 30
    assert families["foundation"] >= 1 and families["other"] >= 3  # Fondation Macif; Régions


def test_a_legal_form_outside_the_nomenclature_is_refused(tmp_path: Path) -> None:
    text = MovementReader().path.read_text(encoding="utf-8")
    bad = text.replace("legal_form: '9300'", "legal_form: '9999'", 1)
    assert bad != text
    path = tmp_path / "movement.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ImportFailure, match="9999 is not a catégorie juridique"):
        MovementReader(path).prepare()


def test_most_actors_are_placed_once_imported(tmp_path: Path) -> None:
    """Placed: a point on the map (a seat's commune, or an area within one région)."""
    graph = MemoryGraph()
    Pipeline(graph, MovementReader(), ImportOptions(rejects=tmp_path / "rejects.csv")).run()
    actors = graph.actors_by_id([a.id for a in _data().actors])
    placed = [a for a in actors.values() if a.props.get("latitude") is not None]
    assert len(actors) == len(_data().actors)  # none held for review, none merged
    assert len(placed) / len(actors) >= 0.80  # 240 of 300 (the aim)
