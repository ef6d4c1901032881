"""The reference dataset grown from the public record (issue 13): its size, its dates, its
sources (each page cited by address, no page's prose copied), and seats that exist."""

from __future__ import annotations

from graph_model.territories import load_reference
from importers.formats.movement import MovementReader
from importers.formats.movement_dataset import MovementDataset

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
    assert len(data.actors) >= 150
    assert len(data.links) >= 200
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
    assert len(seated) >= 30
    for actor_id, commune in seated:
        assert reference.resolve_commune(commune) is not None, actor_id
