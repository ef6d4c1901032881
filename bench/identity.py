"""Identity benchmark: are the duplicates found, and the look-alikes kept apart?

``python -m bench.identity [--actors 2000] [--seed 0] [--real DIR] [--real-source FILE]
[--only-real] [--reresolve N]``

1. **Generated** (:mod:`bench.identity_noise`): source A (clean) is imported through the
   pipeline into the in-memory store, then source B (sloppier, every record labelled: the A
   actor it is and the kind of variation, or a decoy). Each B record ends *merged* (it joined an
   actor), *held* (a duplicate candidate for review) or *new*. A true pair is **found** when its B
   record was merged into, or held against, its A actor; a **wrong merge** is a B record merged
   into an actor it is not. Printed per kind of variation and per decoy: pairs, found, merged,
   held, missed, false links; then precision, recall and F1 of the pairs (found = merged or
   held), the wrong merges, and **every missed pair with why** (the score's comparisons against
   its true actor, or that no shared word brought them together).
2. The same B records, prepared the same way, against the **matcher of before issue 12**
   (:mod:`bench.identity_legacy`), for the baseline figures.
3. **Real** (``--real DIR``, default ``bench/data/identity``; ``--real-source FILE``): the
   labelled sample of public records (:mod:`bench.identity_real`: Transiscope records of a few
   départements, cut from the export its README names); the same figures.
4. **Re-resolving a whole graph** (``--reresolve N``): the name index of N generated actors is
   built, then every actor is resolved against it (itself left out); the time of each.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench import identity_legacy as legacy
from bench import identity_real
from bench.identity_noise import DECOYS, KINDS, Record, movement_pair
from graph_model.port import GraphStore
from importers import GoGoCartoReader, ImportOptions, Pipeline, SpreadsheetReader
from importers.blocking import NameIndex
from importers.identity import Identity
from importers.lookups import Lookups
from importers.names import Entry
from importers.places import shared_resolver
from importers.prepare import Preparation
from importers.reader import Reader
from importers.records import ActorRecord, ActorRow
from importers.scoring import score
from queries.store.memory import MemoryGraph

HEADER = (
    "Identifiant",
    "Nom",
    "SIREN",
    "Code postal",
    "Commune",
    "Latitude",
    "Longitude",
    "Site web",
    "Téléphone",
)
DATA = Path(__file__).parent / "data" / "identity"


def write_list(records: Iterable[Record], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(HEADER)
        for r in records:
            lat = "" if r.latitude is None else str(r.latitude)
            lon = "" if r.longitude is None else str(r.longitude)
            row = (r.key, r.name, r.siren, r.postcode, r.commune, lat, lon, r.website, r.phone)
            writer.writerow(row)


@dataclass
class Tally:
    pairs: int = 0
    merged: int = 0
    held: int = 0
    wrong_merges: int = 0
    false_links: int = 0
    #: records labelled as no A actor (a real sample's look-alikes need no decoy kind name)
    decoys: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def found(self) -> int:
        return self.merged + self.held


@dataclass
class Outcome:
    """What became of one B record: the actor it joined or was held against, and how."""

    how: str  # merged, held, new
    actor: str | None


def reader_for(path: Path, system: str) -> Reader:
    """The reader of a list: a GoGoCarto export (``.json``) or a spreadsheet; either way the
    list's aliases are ``<system>:<key>`` (``liste-a``, ``liste-b``)."""
    if path.suffix == ".json":
        reader: Reader = GoGoCartoReader(path)
        reader.system = system  # not gogocarto-…: the figures look aliases up by list
        return reader
    return SpreadsheetReader(path, system=system)


def _import(graph: GraphStore, path: Path, source: str) -> float:
    start = time.perf_counter()
    Pipeline(graph, reader_for(path, source), ImportOptions()).run()
    return time.perf_counter() - start


def _pipeline_outcomes(graph: GraphStore, b_list: list[Record]) -> dict[str, Outcome]:
    """Merged into or held against an actor of list A; a B record held against another B
    record's actor is a duplicate inside B, outside the pairs measured here: *new*."""
    held = {c.record_alias: c.actor for c in graph.candidates("pending")}
    keys = graph.resolve_keys(f"liste-b:{r.key}" for r in b_list)
    actors = graph.actors_by_id([*keys.values(), *held.values()]).values()
    from_a = {a.id for a in actors if any('"liste-a"' in s for s in a.props.get("sources") or [])}
    out: dict[str, Outcome] = {}
    for r in b_list:
        alias = f"liste-b:{r.key}"
        if held.get(alias) in from_a:
            out[r.key] = Outcome("held", held[alias])
            continue
        actor = keys.get(alias)
        joined = actor in from_a
        out[r.key] = Outcome("merged" if joined else "new", actor if joined else None)
    return out


def _count(
    b_list: list[Record],
    outcomes: dict[str, Outcome],
    truth: dict[str, str],
    why: dict[str, str],
    names: dict[str, str] | None = None,
) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {k: Tally() for k in (*KINDS, *DECOYS)}
    names = names or {}
    for r in b_list:
        tally = tallies.setdefault(r.kind, Tally())
        outcome = outcomes[r.key]
        expected = truth.get(r.same_as or "")
        # a true pair whose A record is no actor: it was held for review at the import of A
        held_a = (
            ""
            if expected or not r.same_as
            else f" (its A record {r.same_as} was held at A's import)"
        )
        tally.pairs += 1
        tally.decoys += r.same_as is None
        if outcome.how == "new":
            if r.same_as is not None:
                reason = why.get(r.key, "?") if expected else held_a.strip(" ()")
                tally.missed.append(f"{r.key} {r.name!r} [{r.commune}]: {reason}")
            continue
        if expected is not None and outcome.actor == expected:
            tally.merged += outcome.how == "merged"
            tally.held += outcome.how == "held"
            continue
        tally.false_links += 1
        tally.wrong_merges += outcome.how == "merged"
        other = names.get(outcome.actor or "", outcome.actor)
        if r.same_as is not None:
            tally.missed.append(f"{r.key} {r.name!r}: {outcome.how} with {other!r}{held_a}")
        elif names:
            tally.missed.append(f"{r.key} {r.name!r} ({r.kind}): {outcome.how} with {other!r}")
    return tallies


def _figures(title: str, tallies: dict[str, Tally], *, explain: bool = True) -> tuple[float, int]:
    print(f"\n{title}")
    print(
        f"  {'kind':16} {'pairs':>6} {'found':>6} {'merged':>7} {'held':>5} {'missed':>7} "
        f"{'false':>6} {'wrong merges':>13}"
    )
    tp = fp = fn = wrong = 0
    for kind, t in tallies.items():
        if not t.pairs:
            continue
        decoy = kind in DECOYS or t.decoys == t.pairs
        missed = 0 if decoy else t.pairs - t.found - t.false_links
        print(
            f"  {kind:16} {t.pairs:6} {'-' if decoy else t.found:>6} {t.merged:7} {t.held:5} "
            f"{missed:7} {t.false_links:6} {t.wrong_merges:13}"
        )
        tp += t.found
        fp += t.false_links
        fn += 0 if decoy else t.pairs - t.found
        wrong += t.wrong_merges
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"  pairs: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}; "
        f"wrong merges {wrong}"
    )
    missed_lines = [m for t in tallies.values() for m in t.missed]
    if missed_lines and explain:
        print(f"  missed pairs and false links ({len(missed_lines)}), and why:")
        for line in missed_lines:
            print(f"    {line}")
    return f1, wrong


def _rows(path: Path, source: str) -> dict[str, ActorRow]:
    prepare = Preparation(shared_resolver())
    rows: dict[str, ActorRow] = {}
    reader = reader_for(path, source)
    reader.prepare()
    for record in reader.records():
        if isinstance(record, ActorRecord) and not record.skip:
            rows[record.source.key] = prepare.row(record)
    return rows


def _explain(
    graph: GraphStore,
    rows: dict[str, ActorRow],
    truth: dict[str, str],
    b_list: list[Record],
    outcomes: dict[str, Outcome],
) -> dict[str, str]:
    """Why each missed pair was missed: its comparison with its true actor."""
    identity = Identity(Lookups(graph), None, None, forced={}, file_name="")  # type: ignore[arg-type]
    identity.build_index()
    index = identity.index
    assert index is not None
    entries = {e.actor_id: e for e in (index._current.values())}
    why: dict[str, str] = {}
    for r in b_list:
        expected = truth.get(r.same_as or "")
        if expected is None or outcomes[r.key].how != "new":
            continue
        row, entry = rows[r.key], entries.get(expected)
        if entry is None:
            why[r.key] = "its actor is not in the index"
            continue
        scored = score(row.probe, entry, index.stats, index.geo)
        if scored is None:
            why[r.key] = "no word of the names in common, or a conflicting identifier"
        else:
            why[r.key] = f"probability {scored.probability:.2f}: {scored.explain()}"
    return why


def _legacy_outcomes(
    graph: GraphStore, rows: dict[str, ActorRow], b_list: list[Record]
) -> dict[str, Outcome]:
    """The matcher of before on the same prepared B rows, against the A actors."""
    index = legacy.NameIndex()
    for stored in graph.name_index():
        index.add(
            legacy.Entry(
                stored["id"],
                stored.get("kind") or "",
                stored["name"],
                stored.get("commune"),
                stored.get("departement"),
                siren=stored.get("siren"),
                rna=stored.get("rna"),
            )
        )
    keys = graph.resolve_keys(k for r in rows.values() for k in r.keys if not k.startswith("id:"))
    out: dict[str, Outcome] = {}
    for r in b_list:
        row = rows[r.key]
        by_key = [keys[k] for k in row.keys if k in keys and not k.startswith("liste-b:")]
        if by_key:
            out[r.key] = Outcome("merged", by_key[0])
            continue
        probe = legacy.Probe(
            name=row.values["name"],
            commune=row.place.commune,
            departement=row.place.departement,
            siren=row.probe.siren,
            rna=row.probe.rna,
            web=row.probe.web,
        )
        best = index.best(probe)
        if best is not None and best.score >= legacy.MERGE_THRESHOLD:
            out[r.key] = Outcome("merged", best.actor_id)
        elif best is not None:
            out[r.key] = Outcome("held", best.actor_id)
        else:
            out[r.key] = Outcome("new", None)
    return out


def _prepared_csv(a_path: Path, b_path: Path, out: Path) -> None:
    """Both lists as the pipeline's step 2 prepares them, for Splink (see identity_splink)."""
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(
            (
                "unique_id",
                "source",
                "name",
                "first_word",
                "commune",
                "departement",
                "latitude",
                "longitude",
                "web",
                "siren",
            )
        )
        for source, path in (("a", a_path), ("b", b_path)):
            for key, row in _rows(path, f"liste-{source}").items():
                p = row.probe
                writer.writerow(
                    (
                        key,
                        source,
                        p.core,
                        p.tokens[0] if p.tokens else "",
                        p.commune or "",
                        p.departement or "",
                        "" if p.latitude is None else p.latitude,
                        "" if p.longitude is None else p.longitude,
                        p.web or "",
                        p.siren or "",
                    )
                )


def _splink_outcomes(
    python: str, a_path: Path, b_path: Path, b_list: list[Record]
) -> dict[str, Outcome] | None:
    """Splink's decisions (same thresholds: 0.99 merged, 0.5 held), or None if it failed."""
    with tempfile.TemporaryDirectory() as tmp:
        prepared, pairs = Path(tmp) / "prepared.csv", Path(tmp) / "pairs.csv"
        _prepared_csv(a_path, b_path, prepared)
        done = subprocess.run(  # noqa: S603 — the interpreter the user named, our own module
            [python, "-m", "bench.identity_splink", str(prepared), str(pairs)],
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
            check=False,
        )
        print("  " + (done.stdout.strip() or done.stderr.strip().splitlines()[-1]))
        if done.returncode != 0:
            return None
        best: dict[str, tuple[float, str]] = {}
        with pairs.open(encoding="utf-8") as stream:
            for row in csv.DictReader(stream, delimiter=";"):
                probability = float(row["probability"])
                if probability > best.get(row["b"], (0.0, ""))[0]:
                    best[row["b"]] = (probability, row["a"])
    out: dict[str, Outcome] = {}
    for r in b_list:
        probability, a_key = best.get(r.key, (0.0, ""))
        how = "merged" if probability >= 0.99 else "held" if probability >= 0.5 else "new"
        out[r.key] = Outcome(how, a_key if how != "new" else None)
    return out


def run_lists(  # noqa: PLR0917 — the two lists, their labels, the title, the comparison
    a_path: Path,
    b_path: Path,
    b_list: list[Record],
    a_keys: Iterable[str],
    title: str,
    splink: str | None = None,
) -> tuple[float, int]:
    graph = MemoryGraph()
    graph.setup_schema()
    seconds_a = _import(graph, a_path, "liste-a")
    seconds_b = _import(graph, b_path, "liste-b")
    a_alias = {key: f"liste-a:{key}" for key in a_keys}
    resolved = graph.resolve_keys(a_alias.values())
    truth = {key: resolved[alias] for key, alias in a_alias.items() if alias in resolved}
    outcomes = _pipeline_outcomes(graph, b_list)
    rows = _rows(b_path, "liste-b")
    why = _explain(graph, rows, truth, b_list, outcomes)
    print(
        f"\n== {title}: {len(a_alias)} A records, {len(b_list)} B records "
        f"(import A {seconds_a:.1f} s, B {seconds_b:.1f} s, in memory)"
    )
    ids = [o.actor for o in outcomes.values() if o.actor]
    names = {a.id: str(a.props.get("name")) for a in graph.actors_by_id(ids).values()}
    result = _figures(
        "today's identity (through the pipeline)", _count(b_list, outcomes, truth, why, names)
    )
    # the baseline: a graph with A only, the old matcher on the same prepared B rows
    baseline = MemoryGraph()
    baseline.setup_schema()
    _import(baseline, a_path, "liste-a")
    known = baseline.resolve_keys(a_alias.values())
    legacy_truth = {key: known[alias] for key, alias in a_alias.items() if alias in known}
    old = _legacy_outcomes(baseline, rows, b_list)
    _figures(
        "the matcher of before issue 12 (same prepared rows)",
        _count(b_list, old, legacy_truth, {}),
        explain=False,
    )
    if splink:
        print("\nSplink (same prepared rows, its own model: see bench/identity_splink.py)")
        linked = _splink_outcomes(splink, a_path, b_path, b_list)
        if linked is not None:
            keys = {key: key for key in a_alias}
            _figures("Splink", _count(b_list, linked, keys, {}), explain=False)
    return result


def reresolve(n: int) -> None:
    """Build the index of ``n`` generated actors, then resolve each against it."""
    from bench.generator import generate

    actors = list(generate(n, links_per_actor=0.0, seed=3).actors())
    start, cpu0 = time.perf_counter(), time.process_time()
    index = NameIndex()
    entries = []
    for a in actors:
        exact = a["location_precision"] == "exact"
        entry = Entry(
            a["id"],
            a["kind"],
            a["name"],
            a["commune"],
            a["departement"],
            siren=a.get("siren"),
            rna=a.get("rna"),
            latitude=a["latitude"] if exact else None,
            longitude=a["longitude"] if exact else None,
        )
        index.add(entry)
        entries.append(entry)
    built, built_cpu = time.perf_counter() - start, time.process_time() - cpu0
    from importers.names import Probe

    start, cpu = time.perf_counter(), time.process_time()
    found: Counter[str] = Counter()
    for e in entries:
        probe = Probe(
            e.name,
            e.commune,
            e.departement,
            siren=e.siren,
            rna=e.rna,
            latitude=e.latitude,
            longitude=e.longitude,
        )
        best = index.best(probe, exclude=(e.actor_id,))
        found["matched" if best is not None else "alone"] += 1
    resolved, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"\n== re-resolving a whole graph of {n} actors: index built in {built:.1f} s "
        f"({built_cpu:.1f} s of CPU), every "
        f"actor resolved in {resolved:.1f} s ({n / resolved:,.0f}/s); total "
        f"{built + resolved:.1f} s (resolving: {cpu:.1f} s of CPU; the machine may be shared); "
        f"{found['matched']} with a look-alike"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--real", type=Path, default=DATA)
    parser.add_argument("--reresolve", type=int, default=0, help="actors (0: skip)")
    parser.add_argument("--splink", help="a Python interpreter that has Splink, to compare")
    parser.add_argument(
        "--real-source", type=Path, help="the Transiscope export the real sample is cut from"
    )
    parser.add_argument("--only-real", action="store_true", help="skip the generated lists")
    args = parser.parse_args(argv)
    if not args.only_real:
        a_list, b_list = movement_pair(args.actors, args.seed)
        with tempfile.TemporaryDirectory() as tmp:
            a_path, b_path = Path(tmp) / "a.csv", Path(tmp) / "b.csv"
            write_list(a_list, a_path)
            write_list(b_list, b_path)
            keys = [r.key for r in a_list]
            run_lists(a_path, b_path, b_list, keys, f"generated (seed {args.seed})", args.splink)
    if (args.real / "a.csv").exists():
        a_keys, b_real = identity_real.real_lists(args.real)
        run_lists(
            args.real / "a.csv", args.real / "b.csv", b_real, a_keys, "real sample", args.splink
        )
    elif any(args.real.glob("labels-*.csv")):
        identity_real.run(args.real, args.real_source, args.splink)
    if args.reresolve:
        reresolve(args.reresolve)


if __name__ == "__main__":
    main()
