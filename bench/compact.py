"""A measured prototype (not used by the product): the generated movement held as columns and a
CSR adjacency (numpy arrays, as igraph and rustworkx hold graphs) instead of networkx's
dict-of-dicts, with the same path question answered on it.

Usage::

    python -m bench.compact --actors 1000000 --links 5000000 --seed 1 [--pairs 300]

What it builds and measures, in one run:

- **columns**: actors as rows (ids and names as one UTF-8 buffer and offsets; kind, level,
  legal form, commune, département, région, EPCI as small codes; coordinates as float32; themes
  and methods as bit sets), links as rows (ends as actor rows, kind and subkind codes, ``since``
  and ``until`` as day ordinals, ids and sources as buffers), and an undirected CSR (each link
  listed from both ends: neighbour row, link row). Everything the projection holds, nothing
  more; the bytes of every array are summed;
- **warm start**: the arrays saved with ``numpy.save`` into a directory, then loaded by a fresh
  process (``--load DIR``, run by this one), which also rebuilds the id → row dictionary the
  questions need; its time and resident memory are printed;
- **paths**: a level-synchronous bidirectional breadth-first search in numpy (each level: the
  frontier's CSR ranges, the links' constraint test, the unseen neighbours), against
  ``networkx.shortest_path`` on the undirected ``nx.Graph`` of the ties (the bare baseline of
  ``bench.analytics``), timed interleaved on the same random pairs; then under ``as_of`` +
  kinds + avoid national advocacy bodies, tested per level from the columns (every query is a
  "first pass": nothing is memoised), against networkx on the graph pre-filtered once. Hop
  counts are checked equal to networkx's on every pair.

Not here: the answer's explanations (the hops' links and sources, which the columns hold), Yen's
alternatives, the weighted search, ties broken in canonical order (links are kept in generation
order), and updates (a CSR is rebuilt, or patched through an overlay, by a delta).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import networkx as nx
import numpy as np
import numpy.typing as npt

from bench.generator import THEMES, generate

AVOID_KIND, AVOID_LEVEL = "AdvocacyBody", "national"
KINDS = ("COOPERATES_WITH", "MEMBER_OF", "SUPPORTS", "CARRIES")
AS_OF = date(2015, 1, 1)
OPEN_START, OPEN_END = -1, 2**31 - 1

Array = npt.NDArray[Any]


def _rss_mb() -> float:
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _say(label: str, value: str) -> None:
    print(f"  {label:<56} {value}", flush=True)


class _Codes:
    """Small integer codes for repeated texts (``None`` is 0)."""

    def __init__(self) -> None:
        self.values: dict[str | None, int] = {None: 0}

    def __call__(self, value: str | None) -> int:
        code = self.values.get(value)
        if code is None:
            code = self.values[value] = len(self.values)
        return code


def _text_buffer(texts: Iterable[str]) -> tuple[Array, Array]:
    """One UTF-8 buffer and the offsets of each text in it."""
    encoded = [t.encode() for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def build(n_actors: int, n_links: int, seed: int) -> dict[str, Array]:
    """The movement of the shared generator as columns and a CSR (see the module docstring)."""
    movement = generate(n_actors, links_per_actor=n_links / n_actors, seed=seed)
    actors = _ActorColumns()
    links = _LinkColumns()
    for actor, outgoing in movement.both():
        actors.add(actor)
        for link in outgoing:
            links.add(link)
    arrays = actors.arrays()
    rows = {a: i for i, a in enumerate(actors.ids)}
    arrays |= links.arrays(rows)
    arrays |= _csr(arrays["link_source"], arrays["link_target"], len(actors.ids))
    for name, codes in (("kinds", actors.kinds), ("levels", actors.levels)):
        arrays |= _code_arrays(name, codes)
    arrays |= _code_arrays("link_kinds", links.kinds)
    return arrays


class _ActorColumns:
    DTYPES: ClassVar[dict[str, Any]] = {
        "kind": np.int8, "level": np.int8, "legal_form": np.int8, "precise": np.bool_,
        "commune": np.int32, "departement": np.int32, "region": np.int32, "epci": np.int32,
        "lat": np.float32, "lon": np.float32, "themes": np.uint32, "methods": np.uint32,
    }  # fmt: skip

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.names: list[str] = []
        self.kinds, self.levels, self.forms, self.places = _Codes(), _Codes(), _Codes(), _Codes()
        self.methods = _Codes()
        self.themes = {t: i for i, t in enumerate(THEMES)}
        self.cols: dict[str, list[Any]] = {k: [] for k in self.DTYPES}

    def add(self, actor: dict[str, Any]) -> None:
        self.ids.append(actor["id"])
        self.names.append(actor["name"])
        cols = self.cols
        cols["kind"].append(self.kinds(actor["kind"]))
        cols["level"].append(self.levels(actor.get("level")))
        cols["legal_form"].append(self.forms(actor.get("legal_form")))
        for key in ("commune", "departement", "region", "epci"):
            cols[key].append(self.places(actor.get(key)))
        cols["lat"].append(actor.get("latitude") or np.nan)
        cols["lon"].append(actor.get("longitude") or np.nan)
        cols["precise"].append(actor.get("location_precision") == "exact")
        cols["themes"].append(sum(1 << self.themes[t] for t in actor.get("themes") or ()))
        cols["methods"].append(sum(1 << self.methods(m) for m in actor.get("methods") or ()))

    def arrays(self) -> dict[str, Array]:
        arrays: dict[str, Array] = {}
        arrays["actor_id"], arrays["actor_id_offsets"] = _text_buffer(self.ids)
        arrays["actor_name"], arrays["actor_name_offsets"] = _text_buffer(self.names)
        for key, dtype in self.DTYPES.items():
            arrays[f"actor_{key}"] = np.array(self.cols.pop(key), dtype=dtype)
        self.names.clear()
        return arrays


class _LinkColumns:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.sources: list[str] = []
        self.ends: list[str] = []
        self.kinds, self.subkinds = _Codes(), _Codes()
        self.cols: dict[str, list[int]] = {k: [] for k in ("kind", "subkind", "since", "until")}

    def add(self, link: dict[str, Any]) -> None:
        self.ids.append(link["id"])
        self.sources.append("\n".join(link["sources"]))
        self.ends.append(link["source"])
        self.ends.append(link["target"])
        cols = self.cols
        cols["kind"].append(self.kinds(link["kind"]))
        cols["subkind"].append(self.subkinds(link.get("subkind")))
        since, until = link.get("since"), link.get("until")
        cols["since"].append(OPEN_START if since is None else since.toordinal())
        cols["until"].append(OPEN_END if until is None else until.toordinal())

    def arrays(self, rows: dict[str, int]) -> dict[str, Array]:
        ends = self.ends
        pairs = np.fromiter((rows[e] for e in ends), dtype=np.int32, count=len(ends))
        pairs = pairs.reshape(-1, 2)
        ends.clear()
        keep = pairs[:, 0] != pairs[:, 1]  # no link from an actor to itself, as the projection
        kept = keep.tolist()
        arrays: dict[str, Array] = {
            "link_source": pairs[keep, 0].copy(),
            "link_target": pairs[keep, 1].copy(),
        }
        for key, values in self.cols.items():
            dtype = np.int8 if key in ("kind", "subkind") else np.int32
            arrays[f"link_{key}"] = np.array(values, dtype=dtype)[keep]
        arrays["link_id"], arrays["link_id_offsets"] = _text_buffer(
            itertools.compress(self.ids, kept)
        )
        arrays["link_sources"], arrays["link_sources_offsets"] = _text_buffer(
            itertools.compress(self.sources, kept)
        )
        self.ids.clear()
        self.sources.clear()
        return arrays


def _csr(source: Array, target: Array, n: int) -> dict[str, Array]:
    """The undirected CSR: each link from both ends, by actor row (stable: generation order)."""
    m = len(source)
    owner = np.concatenate([source, target])
    order = np.argsort(owner, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=indptr[1:])
    return {
        "csr_indptr": indptr,
        "csr_neighbour": np.concatenate([target, source])[order].astype(np.int32),
        "csr_link": (order % m).astype(np.int32),
    }


def _code_arrays(name: str, codes: _Codes) -> dict[str, Array]:
    """The meanings of a column's codes, as a text buffer (a few hundred entries at most)."""
    labels = sorted(codes.values, key=codes.values.__getitem__)
    buffer, offsets = _text_buffer("" if x is None else x for x in labels)
    return {f"code_{name}": buffer, f"code_{name}_offsets": offsets}


def _labels(arrays: dict[str, Array], name: str) -> list[str]:
    buffer, offsets = arrays[f"code_{name}"].tobytes(), arrays[f"code_{name}_offsets"].tolist()
    return [buffer[a:b].decode() for a, b in itertools.pairwise(offsets)]


def actor_ids(arrays: dict[str, Array]) -> list[str]:
    buffer, offsets = arrays["actor_id"].tobytes(), arrays["actor_id_offsets"].tolist()
    return [buffer[a:b].decode() for a, b in itertools.pairwise(offsets)]


class CompactPaths:
    """Bidirectional breadth-first search over the CSR, a level at a time, in numpy; one search
    at a time (the visit marks are reused from query to query)."""

    def __init__(self, arrays: dict[str, Array]) -> None:
        self.indptr = arrays["csr_indptr"]
        self.neighbour = arrays["csr_neighbour"]
        self.link = arrays["csr_link"]
        self.kind, self.since, self.until = (
            arrays["link_kind"],
            arrays["link_since"],
            arrays["link_until"],
        )
        n = len(self.indptr) - 1
        self.marks = [np.zeros(n, dtype=np.int32), np.zeros(n, dtype=np.int32)]
        self.parents = [np.zeros(n, dtype=np.int32), np.zeros(n, dtype=np.int32)]
        self.stamp = 0
        self.link_kinds = _labels(arrays, "link_kinds")

    def constraint(
        self, kinds: Iterable[str] | None, day: date | None, excluded: Array | None
    ) -> tuple[Array | None, int | None, Array | None]:
        allowed = None
        if kinds is not None:
            wanted = set(kinds)
            allowed = np.array([k in wanted for k in self.link_kinds], dtype=np.bool_)
        return allowed, (None if day is None else day.toordinal()), excluded

    def search(
        self,
        source: int,
        target: int,
        constraint: tuple[Array | None, int | None, Array | None] = (None, None, None),
    ) -> list[int] | None:
        if source == target:
            return [source]
        self.stamp += 1
        stamp = self.stamp
        marks, parents = self.marks, self.parents
        allowed, day, excluded = constraint
        for side, start in ((0, source), (1, target)):
            marks[side][start] = stamp
            parents[side][start] = -1
        fringes = [np.array([source], dtype=np.int64), np.array([target], dtype=np.int64)]
        indptr = self.indptr
        while len(fringes[0]) and len(fringes[1]):
            side = 0 if len(fringes[0]) <= len(fringes[1]) else 1
            fringe = fringes[side]
            starts = indptr[fringe]
            lengths = indptr[fringe + 1] - starts
            total = int(lengths.sum())
            if total == 0:
                return None
            offsets = np.cumsum(lengths) - lengths
            at = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)
            reached = self.neighbour[at]
            owners = np.repeat(fringe, lengths)
            ok = marks[side][reached] != stamp
            if allowed is not None or day is not None or excluded is not None:
                links = self.link[at]
                if allowed is not None:
                    ok &= allowed[self.kind[links]]
                if day is not None:
                    ok &= (self.since[links] <= day) & (self.until[links] >= day)
                if excluded is not None:
                    ok &= ~excluded[reached]
            reached, owners = reached[ok], owners[ok]
            if not len(reached):
                return None
            # the first time each actor is reached, in frontier then neighbour order
            _, first = np.unique(reached, return_index=True)
            order = np.sort(first)
            reached, owners = reached[order], owners[order]
            marks[side][reached] = stamp
            parents[side][reached] = owners
            met = np.flatnonzero(marks[1 - side][reached] == stamp)
            if len(met):
                return self._join(int(reached[met[0]]))
            fringes[side] = reached.astype(np.int64)
        return None

    def _join(self, meet: int) -> list[int]:
        path: list[int] = []
        node = meet
        while node != -1:
            path.append(node)
            node = int(self.parents[0][node])
        path.reverse()
        node = int(self.parents[1][meet])
        while node != -1:
            path.append(node)
            node = int(self.parents[1][node])
        return path


def _nbytes(arrays: dict[str, Array]) -> int:
    return sum(a.nbytes for a in arrays.values())


def _race(
    pairs: list[tuple[int, int]], contenders: dict[str, Callable[[int, int], Any]]
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for source, target in pairs:
        for name, function in contenders.items():
            start = time.perf_counter()
            function(source, target)
            times[name].append(time.perf_counter() - start)
    return times


def _report(title: str, times: dict[str, list[float]]) -> None:
    def stats(samples: list[float]) -> tuple[float, float]:
        ordered = sorted(samples)
        return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99)] * 1000

    (bm, bp), (om, op) = stats(times["bare"]), stats(times["compact"])
    _say(f"{title}: bare networkx median / p99 (ms)", f"{bm:.3f} / {bp:.3f}")
    _say(f"{title}: compact median / p99 (ms)", f"{om:.3f} / {op:.3f}")
    _say(f"{title}: ratio compact / bare (median, p99)", f"{om / bm:.2f}x, {op / bp:.2f}x")


def _length(graph: nx.Graph, s: int, t: int) -> int | None:
    try:
        return len(nx.shortest_path(graph, s, t)) - 1
    except nx.NetworkXNoPath:
        return None


def bench_paths(arrays: dict[str, Array], pairs: list[tuple[int, int]]) -> None:
    print("paths (compact CSR, numpy, against networkx)", flush=True)
    compact = CompactPaths(arrays)
    _unconstrained(arrays, compact, pairs)
    gc.collect()
    _constrained(arrays, compact, pairs)


def _unconstrained(
    arrays: dict[str, Array], compact: CompactPaths, pairs: list[tuple[int, int]]
) -> None:
    source, target = arrays["link_source"].tolist(), arrays["link_target"].tolist()
    start = time.perf_counter()
    ties = nx.Graph()
    ties.add_nodes_from(range(len(arrays["csr_indptr"]) - 1))
    ties.add_edges_from(zip(source, target, strict=True))
    gc.freeze()
    _say("bare baseline nx.Graph of the ties, built once (s)", f"{time.perf_counter() - start:.1f}")
    _say("  resident memory with it (MB)", f"{_rss_mb():,.0f}")

    def ours(s: int, t: int) -> int | None:
        found = compact.search(s, t)
        return None if found is None else len(found) - 1

    times = _race(pairs, {"bare": lambda s, t: _length(ties, s, t), "compact": ours})
    _report("hops, unconstrained", times)
    wrong = sum(ours(s, t) != _length(ties, s, t) for s, t in pairs)
    _say("pairs whose hop count differs from networkx's", f"{wrong}")


def _constrained(
    arrays: dict[str, Array], compact: CompactPaths, pairs: list[tuple[int, int]]
) -> None:
    levels, kinds = _labels(arrays, "levels"), _labels(arrays, "kinds")
    excluded = (arrays["actor_kind"] == kinds.index(AVOID_KIND)) & (
        arrays["actor_level"] == (levels.index(AVOID_LEVEL) if AVOID_LEVEL in levels else -1)
    )
    link_kinds = _labels(arrays, "link_kinds")
    allowed = np.array([k in KINDS for k in link_kinds])
    day = AS_OF.toordinal()
    keep = (
        allowed[arrays["link_kind"]]
        & (arrays["link_since"] <= day)
        & (arrays["link_until"] >= day)
        & ~excluded[arrays["link_source"]]
        & ~excluded[arrays["link_target"]]
    )
    filtered = nx.Graph()
    filtered.add_nodes_from(np.flatnonzero(~excluded).tolist())
    filtered.add_edges_from(
        zip(arrays["link_source"][keep].tolist(), arrays["link_target"][keep].tolist(), strict=True)
    )
    gc.freeze()
    plain = [(s, t) for s, t in pairs if not excluded[s] and not excluded[t]]

    def ours_constrained(s: int, t: int) -> int | None:
        found = compact.search(s, t, compact.constraint(KINDS, AS_OF, excluded))
        return None if found is None else len(found) - 1

    times = _race(
        plain, {"bare": lambda s, t: _length(filtered, s, t), "compact": ours_constrained}
    )
    _report("hops, as_of + kinds + avoid (every query a first pass)", times)
    wrong = sum(ours_constrained(s, t) != _length(filtered, s, t) for s, t in plain)
    _say("pairs whose hop count differs from networkx's", f"{wrong}")


def save(arrays: dict[str, Array], directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        np.save(directory / f"{name}.npy", array, allow_pickle=False)
    return sum((directory / f"{name}.npy").stat().st_size for name in arrays)


def load(directory: Path) -> None:
    """The warm start of a fresh process: every array read back, the id → row dictionary."""
    before = _rss_mb()
    start = time.perf_counter()
    arrays = {
        path.stem: np.load(path, allow_pickle=False) for path in sorted(directory.glob("*.npy"))
    }
    read = time.perf_counter() - start
    ids = actor_ids(arrays)
    rows = {a: i for i, a in enumerate(ids)}
    total = time.perf_counter() - start
    print(
        f"{read:.3f} {total:.3f} {before:.1f} {_rss_mb():.1f} {len(rows)}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.compact", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--actors", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--load", type=Path, help=argparse.SUPPRESS)  # the warm-start child
    args = parser.parse_args(argv)
    if args.load is not None:
        load(args.load)
        return 0
    print(f"python -m bench.compact {' '.join(sys.argv[1:] if argv is None else argv)}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("build (generator → columns + CSR)", flush=True)
    start = time.perf_counter()
    arrays = build(args.actors, args.links, args.seed)
    gc.collect()
    _say("generate and build (s)", f"{time.perf_counter() - start:.1f}")
    _say(
        "actors / links / CSR entries",
        f"{len(arrays['csr_indptr']) - 1:,} / {len(arrays['link_source']):,} / "
        f"{len(arrays['csr_neighbour']):,}",
    )
    print("memory", flush=True)
    _say("all arrays (MB)", f"{_nbytes(arrays) / 2**20:,.0f}")
    for group in ("actor_", "link_", "csr_"):
        part = {k: v for k, v in arrays.items() if k.startswith(group)}
        _say(f"  of which {group[:-1]} (MB)", f"{_nbytes(part) / 2**20:,.0f}")
    with tempfile.TemporaryDirectory(prefix="maillage-compact-") as directory:
        size = save(arrays, Path(directory))
        _say("saved with numpy.save (MB on disk)", f"{size / 2**20:,.0f}")
        child = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bench.compact", "--load", directory],
            capture_output=True,
            text=True,
            check=True,
        )
        read, total, before, after, _ = child.stdout.split()
        print("warm start (a fresh process)", flush=True)
        _say("read the arrays (s)", read)
        _say("  + id → row dictionary (s)", total)
        _say("resident memory before / after (MB)", f"{float(before):,.0f} / {float(after):,.0f}")
    rng = random.Random(args.seed)
    n = len(arrays["csr_indptr"]) - 1
    pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(args.pairs)]
    pairs = [(s, t) for s, t in pairs if s != t]
    bench_paths(arrays, pairs)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    _say(
        "peak resident set (MB)",
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f}",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
