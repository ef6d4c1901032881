"""The real sample's cut (``bench.identity_real``): which Transiscope elements make lists A and B,
and that a cut which does not give the labelled elements stops the run instead of scoring it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the benchmarks are commands, not an installed package
from bench import identity_real  # noqa: E402

LABELS = ROOT / "bench" / "data" / "identity" / "labels-93.csv"


def _element(id_: str, source: str, address: dict[str, str]) -> dict[str, Any]:
    return {"id": id_, "name": f"Élément {id_}", "sourceKey": source, "address": address}


def test_the_departement_is_read_from_the_street_when_the_postcode_is_left_out() -> None:
    cap = _element("c", "CapOuPasCap", {"streetAddress": "4 rue Garibaldi 93100 MONTREUIL"})
    pdcn = _element("p", "PresDeChezNous", {"postalCode": "93100", "addressLocality": "Montreuil"})
    paris = _element("x", "mes-bdis", {"postalCode": "75011", "addressLocality": "Paris"})
    a, b = identity_real.cut({"data": [cap, pdcn, paris, "not an element"]}, "93")
    assert [e["id"] for e in a] == ["p"]
    assert [e["id"] for e in b] == ["c"]
    assert identity_real.departement(_element("n", "CAC", {"streetAddress": "rue sans code"})) == ""


def test_an_export_that_does_not_give_the_labelled_elements_stops_the_run() -> None:
    labelled = identity_real.labels(LABELS)
    b = [_element(key, "mes-bdis", {"postalCode": "93100"}) for key in list(labelled)[:-1]]
    with pytest.raises(SystemExit, match="1 labels without their element"):
        identity_real.records(b, labelled)


def test_an_unsure_label_is_imported_but_not_scored() -> None:
    labelled = {
        "x": {"b": "x", "a": "", "kind": "unsure", "why": "X — the records cannot say"},
        "y": {"b": "y", "a": "p", "kind": "typography", "why": "Y — same address"},
    }
    b = [_element(key, "mes-bdis", {"postalCode": "93100"}) for key in ("x", "y")]
    assert [(r.key, r.same_as) for r in identity_real.records(b, labelled)] == [("y", "p")]


@pytest.mark.parametrize(
    ("dep", "elements", "pairs"), [("93", 287, 39), ("92", 192, 30), ("94", 229, 40)]
)
def test_every_label_names_its_kind_and_says_why(dep: str, elements: int, pairs: int) -> None:
    labelled = identity_real.labels(LABELS.with_name(f"labels-{dep}.csv"))
    assert len(labelled) == elements
    assert sum(bool(row["a"]) for row in labelled.values()) == pairs
    assert all(row["kind"] and " — " in row["why"] for row in labelled.values())


def test_a_sample_is_scored_through_the_gogocarto_reader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pair is found, a look-alike at the same address is not linked, and a B record held
    against another B record's actor (a duplicate inside B) counts for nothing."""

    def element(id_: str, source: str, name: str, street: str, web: str) -> dict[str, Any]:
        return {
            "id": id_, "name": name, "sourceKey": source, "website": web,
            "geo": {"latitude": 48.8555, "longitude": 2.42844},
            "address": {"streetAddress": street, "postalCode": "93100",
                        "addressLocality": "Montreuil"},
        }  # fmt: skip

    data = [
        element("a1", "PresDeChezNous", "OHCYCLO", "4 rue Garibaldi", "http://www.ohcyclo.org"),
        element("b1", "CapOuPasCap", "Ohcyclo", "4 rue Garibaldi", "http://ohcyclo.org/"),
        element("b2", "mes-bdis", "Turbul", "4 rue Garibaldi", "http://turbul.example"),
        element("b3", "CapOuPasCap", "Turbul Café associatif", "16 rue Pépin", ""),
    ]
    source = tmp_path / "transiscope.json"
    source.write_text(json.dumps({"licence": "odbl", "data": data}), encoding="utf-8")
    (tmp_path / "labels-93.csv").write_text(
        "b;a;kind;why\n"
        "b1;a1;typography;Ohcyclo — same address and website\n"
        "b2;;neighbour;Turbul — another actor at the same address\n"
        "b3;;neighbour;Turbul Café associatif — no A actor of that name\n",
        encoding="utf-8",
    )
    identity_real.run(tmp_path, source)
    printed = capsys.readouterr().out
    today = printed.split("the matcher of before")[0]
    assert "1 A records, 3 B records" in today
    assert "pairs: precision 1.000, recall 1.000, F1 1.000; wrong merges 0" in today


def test_a_merge_inside_the_first_list_is_scored_against_its_pair_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two shops of a chain in list A, joined by the first import, are a wrong merge when the
    pair is labelled different, and the report says why the import joined them."""

    def shop(id_: str, street: str, latitude: float) -> dict[str, Any]:
        return {
            "id": id_, "name": "Cojean", "sourceKey": "PresDeChezNous",
            "website": "http://www.cojean.fr", "geo": {"latitude": latitude, "longitude": 2.4284},
            "address": {"streetAddress": street, "postalCode": "93100",
                        "addressLocality": "Montreuil"},
        }  # fmt: skip

    data = [shop("a1", "4 rue Garibaldi", 48.8555), shop("a2", "90 rue de Paris", 48.8581)]
    source = tmp_path / "transiscope.json"
    source.write_text(json.dumps({"licence": "odbl", "data": data}), encoding="utf-8")
    (tmp_path / "labels-93.csv").write_text("b;a;kind;why\n", encoding="utf-8")
    (tmp_path / "pairs-93.csv").write_text(
        "x;y;label;why\na1;a2;different;Cojean / Cojean — two shops of a chain\n",
        encoding="utf-8",
    )
    identity_real.run(tmp_path, source)
    inside = capsys.readouterr().out.split("inside A")[1]
    assert "merged different 1; same pairs missed 0; wrong merges 1" in inside
    assert "the import: joined" in inside
