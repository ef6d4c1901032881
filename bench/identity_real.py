"""The labelled real sample of ``python -m bench.identity``: Transiscope records of a département.

The records are not shipped: they come from a public Transiscope export (GoGoCarto
``gogofull``, ODbL; ``bench/data/identity/README.md`` says where and which version), given with
``--real-source FILE``. :func:`cut` takes from it the elements of a département — by their
``postalCode``, or, when a source left it out, by the postcode written in ``streetAddress`` — and
splits them by source: list A is one source (Près de chez nous), list B every other source of
the same export (Cap ou pas cap, the MES's BDIS, the CRID, Oasis …). Both lists are written as
GoGoCarto exports and imported through the GoGoCarto reader, A first, as an operator would.

``labels-<dep>.csv`` (``b;a;kind;why``, one file per département) labels every B element: the A
element it is (empty: none), the kind of variation or of look-alike (``unsure``: the records
cannot decide; imported, not scored), and the reasoning read from the two records. The cut is
checked against the labels: a label whose element the export does not give, or a B element
without a label, stops the run (another export, or another cut, needs its own labels).
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.identity_noise import Record
from graph_model.port import GraphStore

#: the source that is list A; the départements are those of the ``labels-<dep>.csv`` files
A_SOURCE = "PresDeChezNous"
#: a label the two records cannot decide: the element is imported, its pair is not scored
UNSURE = "unsure"
_POSTCODE = re.compile(r"\b(\d{5})\b")


def departement(element: dict[str, Any]) -> str:
    """The département of an element: its postcode's first two digits, or those of a postcode
    written in its street address; empty when neither is given."""
    address = element.get("address")
    if not isinstance(address, dict):
        return ""
    postcode = str(address.get("postalCode") or "").strip()
    if postcode:
        return postcode[:2]
    found = _POSTCODE.search(str(address.get("streetAddress") or ""))
    return found.group(1)[:2] if found else ""


def cut(
    doc: dict[str, Any], dep: str, a_source: str = A_SOURCE
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The elements of ``dep``, split into list A (``sourceKey == a_source``) and list B."""
    chosen = [e for e in doc["data"] if isinstance(e, dict) and departement(e) == dep]
    a = [e for e in chosen if e.get("sourceKey") == a_source]
    b = [e for e in chosen if e.get("sourceKey") != a_source]
    return a, b


def labels(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return {row["b"]: row for row in csv.DictReader(stream, delimiter=";")}


def records(b: list[dict[str, Any]], labelled: dict[str, dict[str, str]]) -> list[Record]:
    """The B elements as labelled records; the cut and the labels must agree."""
    ids = [str(e.get("id")) for e in b]
    unlabelled = sorted(set(ids) - set(labelled))
    absent = sorted(set(labelled) - set(ids))
    if unlabelled or absent:
        raise SystemExit(
            f"the export does not give the labelled sample: {len(unlabelled)} B elements "
            f"without a label (e.g. {unlabelled[:3]}), {len(absent)} labels without their "
            f"element (e.g. {absent[:3]}); see bench/data/identity/README.md"
        )
    out = []
    for e in b:
        label = labelled[str(e["id"])]
        if label["kind"] == UNSURE:
            continue
        address = e.get("address") or {}
        out.append(
            Record(
                str(e["id"]),
                str(e.get("name") or ""),
                str(address.get("addressLocality") or address.get("streetAddress") or ""),
                str(address.get("postalCode") or ""),
                same_as=label["a"] or None,
                kind=label["kind"],
            )
        )
    return out


def write(elements: list[dict[str, Any]], licence: str, path: Path) -> None:
    doc = {"licence": licence, "ontology": "gogofull", "data": elements}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def real_lists(directory: Path) -> tuple[list[str], list[Record]]:
    """A labelled sample: ``a.csv`` and ``b.csv`` (the columns of :data:`HEADER`), and
    ``labels.csv`` (``b;a;kind;why``: a B key, the A key it is or nothing, the kind of
    variation or decoy, the one-line reasoning)."""
    with (directory / "a.csv").open(encoding="utf-8") as stream:
        a_keys = [row["Identifiant"] for row in csv.DictReader(stream, delimiter=";")]
    with (directory / "b.csv").open(encoding="utf-8") as stream:
        b_rows = {row["Identifiant"]: row for row in csv.DictReader(stream, delimiter=";")}
    b_list: list[Record] = []
    with (directory / "labels.csv").open(encoding="utf-8") as stream:
        for label in csv.DictReader(stream, delimiter=";"):
            row = b_rows[label["b"]]
            b_list.append(
                Record(
                    label["b"],
                    row["Nom"],
                    row["Commune"],
                    row["Code postal"],
                    same_as=label["a"] or None,
                    kind=label["kind"],
                )
            )
    return a_keys, b_list


def pair_labels(path: Path) -> dict[frozenset[str], dict[str, str]]:
    """``pairs-<dep>.csv`` (``x;y;label;why``): pairs of A elements, ``same``, ``different`` or
    ``unsure``; every pair the import linked inside A must be there."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as stream:
        return {
            frozenset((row["x"], row["y"])): row for row in csv.DictReader(stream, delimiter=";")
        }


def decisions(report: Path) -> dict[str, str]:
    """Why the import joined or held each element: its reason in the import's report (the
    ``joined … by name`` flag, or the held candidate's ``resembles …``), by element id."""
    out: dict[str, str] = {}
    with report.open(encoding="utf-8-sig") as stream:
        for row in csv.DictReader(stream, delimiter=";"):
            reason = row["reason"].split("; ")[0]
            if row["status"] == "candidate" or reason.startswith("joined"):
                out[str(json.loads(row["raw"]).get("id"))] = reason
    return out


def inside_a(
    graph: GraphStore,
    a_keys: list[str],
    labelled: dict[frozenset[str], dict[str, str]],
    why: dict[str, str],
) -> None:
    """The decisions the import of A took about A's own elements: pairs merged into one actor,
    and elements held for review against another A element's actor, scored by the labels."""
    aliases = {key: f"liste-a:{key}" for key in a_keys}
    resolved = graph.resolve_keys(aliases.values())
    by_actor: dict[str, list[str]] = {}
    for key, alias in aliases.items():
        if alias in resolved:
            by_actor.setdefault(resolved[alias], []).append(key)
    linked = [
        ("merged", frozenset((x, y)))
        for keys in by_actor.values()
        for i, x in enumerate(keys)
        for y in keys[i + 1 :]
    ]
    for candidate in graph.candidates("pending"):
        held = candidate.record_alias.removeprefix("liste-a:")
        if held != candidate.record_alias:
            linked += [("held", frozenset((held, y))) for y in by_actor.get(candidate.actor, [])]
    counts: Counter[tuple[str, str]] = Counter()
    lines = []
    for how, pair in linked:
        row = labelled.get(pair)
        label = row["label"] if row else "unlabelled"
        counts[how, label] += 1
        if label != "same":
            reason = "; ".join(why[k] for k in sorted(pair) if k in why)
            lines.append(f"    {how} ({label}): {row['why'] if row else ' / '.join(pair)}")
            lines.append(f"      the import: {reason}")
    found = {pair for _, pair in linked}
    missed = [r for p, r in labelled.items() if r["label"] == "same" and p not in found]
    wrong = counts["merged", "different"]
    print(
        "\ninside A (the first import's own decisions, pairs of A elements): "
        + ", ".join(f"{how} {label} {n}" for (how, label), n in sorted(counts.items()))
        + f"; same pairs missed {len(missed)}; wrong merges {wrong}"
    )
    print("\n".join(lines + [f"    missed (same): {r['why']}" for r in missed]))


def run(directory: Path, source: Path | None, splink: str | None = None) -> None:
    """For each ``labels-<dep>.csv``: cut the export, import A then B, print the figures
    (``bench.identity.run_lists``)."""
    from bench.identity import reader_for, run_lists
    from importers import ImportOptions, Pipeline
    from queries.store.memory import MemoryGraph

    if source is None or not source.exists():
        print(
            f"\n== real sample: skipped, the Transiscope export is not at {source} "
            f"(--real-source FILE; {directory / 'README.md'} says where to get it)"
        )
        return
    with source.open(encoding="utf-8") as stream:
        doc = json.load(stream)
    licence = str(doc.get("licence") or "")
    for labels_file in sorted(directory.glob("labels-*.csv")):
        dep = labels_file.stem.removeprefix("labels-")
        a, b = cut(doc, dep)
        labelled = labels(labels_file)
        b_list = records(b, labelled)
        unsure = sum(row["kind"] == UNSURE for row in labelled.values())
        with tempfile.TemporaryDirectory() as tmp:
            a_path, b_path = Path(tmp) / "a.json", Path(tmp) / "b.json"
            write(a, licence, a_path)
            write(b, licence, b_path)
            title = (
                f"real sample (Transiscope, département {dep}: A = {A_SOURCE}, B = the other "
                f"sources; {unsure} B elements labelled {UNSURE}, imported, not scored)"
            )
            a_keys = [str(e["id"]) for e in a]
            run_lists(a_path, b_path, b_list, a_keys, title, splink)
            only_a = MemoryGraph()
            only_a.setup_schema()
            report = Path(tmp) / "a-report.csv"
            Pipeline(only_a, reader_for(a_path, "liste-a"), ImportOptions(rejects=report)).run()
            pairs = pair_labels(directory / f"pairs-{dep}.csv")
            inside_a(only_a, a_keys, pairs, decisions(report))
