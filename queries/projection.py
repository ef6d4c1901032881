"""The in-memory projection of the cooperation graph, on which every analytic runs.

A :class:`Projection` is a ``networkx.MultiDiGraph`` of the actors (node = actor id) and of the
actor-to-actor links (edge key = link id, direction as stored), tied to the graph version it was
read at. It is built from the store by two catalogue statements (``projection_actors``,
``projection_links``), kept up to date by following the store's change log
(:mod:`queries.deltas`; :class:`~queries.cache.ProjectionCache` for the CLI,
``api/projection.py`` for the API), and saved to a snapshot file so that a restart does not
pull everything over Bolt again.

Invariants:

* **canonical**: actors are added in id order and links in id order, so two stores holding the
  same graph (Neo4j, ArcadeDB) give identical projections, hence identical answers, whatever
  order the server streams rows in;
* **immutable once built**: analytics never change ``graph``; derived indexes (the igraph copy,
  per-territory lists…) are built lazily once per projection by :meth:`Projection.derived` and
  die with it, so a new graph version can never be served stale indexes;
* node attributes: ``name, kind, level, legal_form, commune, departement, region, epci, lat,
  lon, precise`` (bool: the coordinates are the actor's own, not its commune's centre),
  ``themes``, ``methods`` (frozensets); edge attributes: ``kind, subkind, since, until``
  (``datetime.date`` or ``None``) and ``sources`` (tuple of JSON strings);
* a snapshot is a header (magic, format, graph version, length, CRC-32) then a pickle read back
  with an allow-list unpickler; a missing, corrupt, foreign or out-of-date snapshot is ignored
  with a warning and the projection is rebuilt from the store.

Snapshot format, measured on 100k actors / 500k links (``bench/RESULTS.md``, a shared 2-core
machine): pickling the graph's own dicts, with strings interned and equal dates and theme sets
shared, loads in 2.2-2.7 s with the cyclic garbage collector paused (4.6-5.9 s with it
running: loading creates millions of containers); rebuilding the graph from column records is
slower (6.5-8.8 s, pickle or marshal alike), so the graph's dicts are what is pickled.

>>> p = Projection.from_records(
...     [{"id": "org-a", "kind": "Organisation", "name": "A", "departement": "69"},
...      {"id": "net-b", "kind": "Network", "name": "B"}],
...     [{"id": "l1", "kind": "MEMBER_OF", "source": "org-a", "target": "net-b",
...       "since": "2019-01-01"}],
...     version=3)
>>> p.version, p.graph.number_of_nodes(), p.link_count()
(3, 2, 1)
>>> p.graph.edges["org-a", "net-b", "l1"]["since"]
datetime.date(2019, 1, 1)
"""

from __future__ import annotations

import gc
import io
import logging
import os
import pickle
import struct
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

import networkx as nx

from graph_model.errors import InvalidDates
from queries.collector import paused

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: bump when the pickled layout changes: older snapshots are then ignored
SNAPSHOT_FORMAT = 1
_MAGIC = b"MAILLAGE-PROJECTION\n"
_HEADER = struct.Struct("<IQQI")  # format, graph version, payload length, CRC-32
SNAPSHOT_NAME = "projection.snapshot"


class GraphSource(Protocol):
    """What a projection is built from: the part of the port (:class:`graph_model.port.GraphStore`)
    it reads."""

    def graph_version(self) -> int: ...

    def stream_actors(self) -> Iterator[dict[str, Any]]: ...

    def stream_links(self) -> Iterator[dict[str, Any]]: ...


@dataclass(frozen=True, eq=False)
class Projection:
    """The cooperation graph in memory, at one graph version (see the module docstring)."""

    graph: nx.MultiDiGraph
    version: int
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)

    def __repr__(self) -> str:
        return (
            f"Projection(version={self.version}, actors={self.graph.number_of_nodes()}, "
            f"links={self.link_count()})"
        )

    def link_count(self) -> int:
        """How many links the projection holds. A multigraph counts its edges by walking
        every actor's (``number_of_edges()``: 28 ms at 10k actors and 51k links, on the event
        loop when ``/ready`` asked it); counted once, then carried by each delta."""
        return self.derived("link_count", _count_links, _carry_link_count)

    @classmethod
    def from_records(
        cls,
        actors: Iterable[Mapping[str, Any]],
        links: Iterable[Mapping[str, Any]],
        version: int = 0,
    ) -> Projection:
        """Build a projection from actor and link records (the catalogue's rows, or hand-made).

        Actor keys: ``id`` and ``kind`` (required), ``name, legal_form, level, commune,
        departement, region, epci, latitude, longitude, location_precision, themes, methods``.
        Link keys: ``id, kind, source, target`` (required), ``subkind, since, until, sources``.
        Dates may be ``datetime.date`` or ISO strings (the port hands Python values). A link
        whose ends are not both actors is skipped with a warning; extra keys are ignored.
        """
        interner = _Interner()
        graph = nx.MultiDiGraph()
        nodes_key = sys.intern
        with paused():
            actor_rows = sorted(actors, key=lambda row: str(row["id"]))
            graph.add_nodes_from(
                (interner.text(row["id"]), _node(row, interner)) for row in actor_rows
            )
            del actor_rows
            link_rows = sorted(links, key=lambda row: str(row["id"]))
            nodes = graph._node  # the raw dict: a membership test per link must be cheap
            edges = [
                (
                    nodes_key(row["source"]),
                    nodes_key(row["target"]),
                    str(row["id"]),
                    _edge(row, interner),
                )
                for row in link_rows
                if row["source"] in nodes
                and row["target"] in nodes
                and row["source"] != row["target"]
            ]
            if len(edges) != len(link_rows):
                logger.warning(
                    "projection: %d link(s) skipped: an end is not an actor, or both ends are one",
                    len(link_rows) - len(edges),
                )
            del link_rows
            graph.add_edges_from(edges)
        return cls(graph=graph, version=int(version))

    def derived(
        self,
        name: str,
        build: Callable[[Projection], T],
        carry: Callable[[T, Any], T | None] | None = None,
    ) -> T:
        """A derived index of this projection, built once (thread-safe; a build may use other
        derived indexes) and kept with it.

        ``carry`` (``(index, applied) -> index | None``) lets the index follow the live
        graph: when a change is applied to this projection (:mod:`queries.deltas`), it gets
        the index and the :class:`~queries.deltas.Applied` change and returns the index of the
        new projection — a new object, the old one still serves — or ``None`` to have it built
        again on first use. An index without one is built again."""
        if carry is not None:
            _CARRIERS.setdefault(name, carry)
        try:
            return self._derived[name]  # type: ignore[no-any-return]
        except KeyError:
            pass
        with self._lock:
            if name not in self._derived:
                self._derived[name] = build(self)
            return self._derived[name]  # type: ignore[no-any-return]

    def derived_items(self) -> list[tuple[str, Any]]:
        """The derived indexes built so far (name, index)."""
        with self._lock:
            return list(self._derived.items())

    def keep(self, name: str, value: object) -> None:
        """Hold ``value`` as the derived index ``name`` (a carried index, before this
        projection is published)."""
        with self._lock:
            self._derived[name] = value

    def moved_to(self, version: int) -> Projection:
        """This graph at a later version where nothing it holds changed (a write of tokens,
        runs…): the same graph and derived indexes under the new version."""
        moved = Projection(graph=self.graph, version=int(version))
        for name, value in self.derived_items():
            moved.keep(name, value)
        return moved


#: carry functions of the derived indexes, by name (:meth:`Projection.derived`)
_CARRIERS: dict[str, Callable[[Any, Any], Any]] = {}


def _count_links(projection: Projection) -> int:
    return int(projection.graph.number_of_edges())


def _carry_link_count(count: int, applied: Any) -> int:
    """The count after a delta (:class:`queries.deltas.Applied`): its links made, less those
    it removed."""
    for before, after in applied.links.values():
        count += (after is not None) - (before is not None)
    return count


def carriers() -> dict[str, Callable[[Any, Any], Any]]:
    """The carry functions registered so far, by derived index name."""
    return dict(_CARRIERS)


class _Interner:
    """Shares equal strings, dates and theme sets: less memory, a smaller and faster pickle
    (pickle writes a shared object once and refers to it after)."""

    def __init__(self) -> None:
        self._dates: dict[object, date | None] = {None: None}
        self._sets: dict[frozenset[str], frozenset[str]] = {}

    def text(self, value: object) -> str:
        return sys.intern(str(value))

    def optional_text(self, value: object) -> str | None:
        return None if value is None or value == "" else sys.intern(str(value))

    def day(self, value: object, field_name: str) -> date | None:
        try:
            return self._dates[value]
        except (KeyError, TypeError):
            pass
        converted = _to_date(value, field_name)
        try:
            self._dates[value] = converted
        except TypeError:  # an unhashable value: convert it each time
            return converted
        return converted

    def strings(self, values: object) -> frozenset[str]:
        if not values:
            return frozenset()
        items = frozenset(sys.intern(str(v)) for v in values)  # type: ignore[attr-defined]
        return self._sets.setdefault(items, items)


def _to_date(value: object, field_name: str) -> date | None:
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):  # a datetime
        value = value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise InvalidDates(
                f"{field_name}: {value!r} is not a date (expected YYYY-MM-DD)", field=field_name
            ) from exc
    raise InvalidDates(f"{field_name}: {value!r} is not a date", field=field_name)


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _node(row: Mapping[str, Any], interner: _Interner) -> dict[str, Any]:
    text = interner.optional_text
    return {
        "name": str(row.get("name") or row["id"]),
        "kind": interner.text(row["kind"]),
        "level": text(row.get("level")),
        "legal_form": text(row.get("legal_form")),
        "commune": text(row.get("commune")),
        "departement": text(row.get("departement")),
        "region": text(row.get("region")),
        "epci": text(row.get("epci")),
        "lat": _float(row.get("latitude")),
        "lon": _float(row.get("longitude")),
        "precise": row.get("location_precision") == "exact",
        "themes": interner.strings(row.get("themes")),
        "methods": interner.strings(row.get("methods")),
    }


def _edge(row: Mapping[str, Any], interner: _Interner) -> dict[str, Any]:
    sources = row.get("sources")
    subkind = row.get("subkind")
    return {
        "kind": sys.intern(row["kind"]),
        "subkind": sys.intern(subkind) if subkind else None,
        "since": interner.day(row.get("since"), "since"),
        "until": interner.day(row.get("until"), "until"),
        "sources": tuple(sources) if sources else (),
    }


def build_projection(source: GraphSource) -> Projection:
    """Pull the cooperation graph from the store into a new projection.

    The version is read *before* the pull: a write that lands during the pull makes the
    projection look older than it is, so the next :meth:`~queries.cache.ProjectionCache.get`
    catches up.
    """
    version = source.graph_version()
    actors = list(source.stream_actors())
    links = source.stream_links()
    projection = Projection.from_records(actors, links, version=version)
    logger.info(
        "projection built: version %d, %d actors, %d links",
        version,
        projection.graph.number_of_nodes(),
        projection.link_count(),
    )
    return projection


# -- snapshots ----------------------------------------------------------------------------------
#: a snapshot holds dicts, tuples, strings, floats, dates and frozensets: nothing else loads
_ALLOWED_GLOBALS = {("datetime", "date"), ("builtins", "frozenset")}


class _GraphUnpickler(pickle.Unpickler):
    """Only the classes a projection is made of may be loaded: a tampered snapshot cannot
    make the unpickler call anything else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"snapshot refers to {module}.{name}, which is not allowed")


def save_snapshot(projection: Projection, path: Path) -> int:
    """Write the projection to ``path`` atomically (temporary file, then rename); returns the
    bytes written."""
    with paused():
        graph = projection.graph
        state = (graph.graph, graph._node, graph._succ, graph._pred)
        payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    header = _MAGIC + _HEADER.pack(
        SNAPSHOT_FORMAT, projection.version, len(payload), zlib.crc32(payload)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(header)
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(header) + len(payload)


def load_snapshot(path: Path, *, expected_version: int | None = None) -> Projection | None:
    """The projection saved in ``path``, or ``None`` (with a warning saying why) when the file
    is missing, corrupt, of another format, or not at ``expected_version``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        logger.info("no projection snapshot at %s", path)
        return None
    except OSError as exc:
        logger.warning("projection snapshot %s unreadable, ignored: %s", path, exc)
        return None
    problem, version, payload = _check_snapshot(raw, expected_version)
    if problem is not None:
        logger.warning("projection snapshot %s ignored: %s", path, problem)
        return None
    try:
        with paused():
            state = _GraphUnpickler(io.BytesIO(payload)).load()
        graph = _graph_from_state(state)
    except Exception as exc:  # any failure to unpickle means: do not trust it
        logger.warning("projection snapshot %s cannot be read, ignored: %s", path, exc)
        return None
    return Projection(graph=graph, version=version)


def _check_snapshot(raw: bytes, expected_version: int | None) -> tuple[str | None, int, memoryview]:
    """(what is wrong or ``None``, graph version, payload) of a snapshot file's bytes."""
    start = len(_MAGIC) + _HEADER.size
    payload = memoryview(raw)[start:]
    if len(raw) < start or not raw.startswith(_MAGIC):
        return "not a Maillage projection snapshot", 0, payload
    fmt, version, length, crc = _HEADER.unpack_from(raw, len(_MAGIC))
    if fmt != SNAPSHOT_FORMAT:
        return f"format {fmt}, this version reads format {SNAPSHOT_FORMAT}", version, payload
    if expected_version is not None and version != expected_version:
        return f"graph version {version}, the store is at {expected_version}", version, payload
    if len(payload) != length or zlib.crc32(payload) != crc:
        return "corrupt (length or checksum differs)", version, payload
    return None, int(version), payload


def _graph_from_state(state: object) -> nx.MultiDiGraph:
    """Rebuild the graph around its pickled adjacency dicts (no copy)."""
    if not (
        isinstance(state, tuple) and len(state) == 4 and all(isinstance(x, dict) for x in state)
    ):
        raise pickle.UnpicklingError("the snapshot does not hold a projection")
    graph = nx.MultiDiGraph()
    graph.graph, graph._node, graph._succ, graph._pred = state
    graph._adj = graph._succ  # networkx's own invariant for directed graphs
    return graph


def settle(*, replaced: bool = False) -> None:
    """Take a new projection's millions of containers out of the cyclic collector's sight.

    A projection is created with the collector paused, so all its containers sit in the
    youngest generation; left there, the next collections would walk them all, up to three
    times (seconds at 100k actors), at whatever moment they happen to run. ``gc.freeze()``
    moves every object alive now to the permanent generation, which collections skip. When a
    projection replaces another, ``gc.unfreeze()`` and one full collection first let the old
    one be reclaimed (a rebuild already takes seconds; this is when to pay). Objects of the
    rest of the process alive at that moment are frozen too: they are still freed by reference
    counting, and cycles among them wait for the next rebuild.
    """
    if replaced:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
