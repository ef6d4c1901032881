"""The fast engine behind clusters and brokers: an igraph copy of the projection, and numpy
columns of its actors, built once per projection (graph version) and shared by every request.

The igraph graph is undirected and simple: one edge per pair of actors joined by at least one
cooperation link (a *tie*), vertices in the projection's canonical (id) order, edges sorted; so
the same graph gives the same igraph graph, and a seeded algorithm the same result. It is built
from an edge list (faster than ``igraph.Graph.from_networkx``).

>>> from queries.analytics.example import example_projection
>>> engine = engine_of(example_projection())
>>> engine.graph.vcount(), engine.graph.ecount()
(7, 7)
>>> engine.ids[:2]
('ab-ess-france', 'net-aura')
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import igraph as ig
import numpy as np
import numpy.typing as npt

from queries.projection import Projection

if TYPE_CHECKING:
    from queries.deltas import Applied

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_RNG_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class Engine:
    """igraph graph and numpy columns of one projection (see the module docstring)."""

    graph: ig.Graph
    ids: tuple[str, ...]
    index: dict[str, int]
    #: ends of every tie (``sources[i] < targets[i]``), same order as the igraph edges
    sources: IntArray
    targets: IntArray
    #: ties of each actor in the whole graph
    degree: IntArray
    lat: FloatArray
    lon: FloatArray
    #: territory columns: an index into the matching ``*_codes`` tuple, -1 when unknown
    departement: IntArray
    departement_codes: tuple[str, ...]
    commune: IntArray
    commune_codes: tuple[str, ...]
    region: IntArray
    region_codes: tuple[str, ...]
    #: actor × theme incidence: parallel arrays (actor index, theme index)
    theme_actor: IntArray
    theme_index: IntArray
    theme_codes: tuple[str, ...]

    def vertices(self, actors: frozenset[str] | None) -> IntArray:
        """Sorted vertex indices of ``actors`` (all vertices for ``None``)."""
        if actors is None:
            return np.arange(len(self.ids), dtype=np.int64)
        index = self.index
        return np.array(sorted(index[a] for a in actors if a in index), dtype=np.int64)


def _categories(values: list[str | None]) -> tuple[IntArray, tuple[str, ...]]:
    codes = tuple(sorted({v for v in values if v}))
    position = {code: i for i, code in enumerate(codes)}
    return np.array([position[v] if v else -1 for v in values], dtype=np.int64), codes


def _unique(values: IntArray) -> IntArray:
    """The sorted distinct values (``np.unique`` without options hashes, and is ~100x slower
    than sorting for half a million int64 in numpy 2.4)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def _tie_graph(n: int, sources: IntArray, targets: IntArray) -> ig.Graph:
    graph = ig.Graph(n=n)
    graph.add_edges(np.column_stack((sources, targets)))
    return graph


def _build(projection: Projection) -> Engine:
    graph = projection.graph
    ids = tuple(graph)  # canonical: the projection adds actors in id order
    index = {actor: i for i, actor in enumerate(ids)}
    ends: list[int] = []
    for u, targets in graph._succ.items():  # the raw dict: no view per actor
        iu = index[u]
        for v in targets:
            iv = index[v]
            ends.append(iu * len(ids) + iv if iu < iv else iv * len(ids) + iu)
    keys = _unique(np.array(ends, dtype=np.int64))
    sources, targets = keys // max(len(ids), 1), keys % max(len(ids), 1)
    degree = np.bincount(np.concatenate((sources, targets)), minlength=len(ids))
    nodes = graph._node
    attrs = [nodes[a] for a in ids]
    lat = np.array([a["lat"] if a["lat"] is not None else np.nan for a in attrs], dtype=np.float64)
    lon = np.array([a["lon"] if a["lon"] is not None else np.nan for a in attrs], dtype=np.float64)
    departement, departement_codes = _categories([a["departement"] for a in attrs])
    commune, commune_codes = _categories([a["commune"] for a in attrs])
    region, region_codes = _categories([a["region"] for a in attrs])
    theme_codes = tuple(sorted({t for a in attrs for t in a["themes"]}))
    theme_position = {t: i for i, t in enumerate(theme_codes)}
    pairs = [(i, theme_position[t]) for i, a in enumerate(attrs) for t in a["themes"]]
    theme_actor = np.array([i for i, _ in pairs], dtype=np.int64)
    theme_index = np.array([t for _, t in pairs], dtype=np.int64)
    return Engine(
        graph=_tie_graph(len(ids), sources, targets),
        ids=ids,
        index=index,
        sources=sources,
        targets=targets,
        degree=degree,
        lat=lat,
        lon=lon,
        departement=departement,
        departement_codes=departement_codes,
        commune=commune,
        commune_codes=commune_codes,
        region=region,
        region_codes=region_codes,
        theme_actor=theme_actor,
        theme_index=theme_index,
        theme_codes=theme_codes,
    )


# -- following the live graph -------------------------------------------------------------------
#: changes an engine may be behind before it is built again instead of caught up
MAX_BEHIND = 10_000


@dataclass(frozen=True, eq=False)
class _Behind:
    """The engine of a projection some changes after ``base``'s: caught up on first use
    (:func:`_catch_up`), not at each change. One link of a chain, one change each: carrying it
    costs the change's size, whatever the number of changes since ``base``."""

    base: Engine
    parent: _Behind | None
    #: actors whose attributes changed (made, removed, edited)
    changed: frozenset[str]
    #: actors whose ties may have changed (ends of the links changed, actors made or removed)
    tied: frozenset[str]
    #: actors were made or removed: vertex numbers move
    renumbered: bool
    depth: int
    _made: list[Engine] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def engine(self, projection: Projection) -> Engine:
        with self._lock:
            if not self._made:
                changed: set[str] = set()
                tied: set[str] = set()
                renumbered = False
                base = self.base
                link: _Behind | None = self
                while link is not None:
                    if link is not self and link._made:  # an earlier one caught up already
                        base = link._made[0]
                        break
                    changed |= link.changed
                    tied |= link.tied
                    renumbered = renumbered or link.renumbered
                    link = link.parent
                self._made.append(_catch_up(base, projection, changed, tied, renumbered))
            return self._made[0]


def _carry_engine(value: Engine | _Behind, applied: Applied) -> Engine | _Behind | None:
    """A change does not touch the engine: the projection it goes to gets a :class:`_Behind`,
    caught up when a cluster or broker question first needs it."""
    if not applied.actors and not applied.links:
        return value
    if isinstance(value, _Behind) and value._made:  # caught up meanwhile: start from it
        value = value._made[0]
    base, parent = (value, None) if isinstance(value, Engine) else (value.base, value)
    depth = 1 if parent is None else parent.depth + 1
    if depth > MAX_BEHIND:
        return None
    return _Behind(
        base=base,
        parent=parent,
        changed=frozenset(applied.actors),
        tied=applied.touched,
        renumbered=applied.actors_added or applied.actors_removed,
        depth=depth,
    )


def _catch_up(
    base: Engine, projection: Projection, changed: set[str], tied: set[str], renumbered: bool
) -> Engine:
    """``base`` brought to ``projection``: the ties of the ``tied`` actors read again from the
    graph, the columns of the ``changed`` ones; the rest is taken from ``base`` with numpy
    (vectorised), which is what makes it faster than a build. Equal to a build: vertices in id
    order, ties sorted, category codes sorted."""
    graph = projection.graph
    if renumbered:
        ids = tuple(graph)
        index = {actor: i for i, actor in enumerate(ids)}
        old_of_new = np.array([base.index.get(a, -1) for a in ids], dtype=np.int64)
    else:
        ids, index = base.ids, base.index
        old_of_new = np.arange(len(ids), dtype=np.int64)
    n = len(ids)
    new_of_old = np.full(len(base.ids), -1, dtype=np.int64)
    kept = old_of_new >= 0
    new_of_old[old_of_new[kept]] = np.flatnonzero(kept)
    # ties: every tie of a tied actor is read again, the others are renumbered
    gone = np.array(sorted(base.index[a] for a in tied if a in base.index), dtype=np.int64)
    stay = ~(np.isin(base.sources, gone) | np.isin(base.targets, gone))
    s, t = new_of_old[base.sources[stay]], new_of_old[base.targets[stay]]
    fresh: list[int] = []
    for actor in tied:
        i = index.get(actor)
        if i is None:
            continue
        for adjacency in (graph._succ[actor], graph._pred[actor]):
            for other in adjacency:
                j = index[other]
                fresh.append(i * n + j if i < j else j * n + i)
    kept_keys = s * n + t  # sorted: the base's ties are, and the renumbering keeps the order
    added = _unique(np.array(fresh, dtype=np.int64))
    at = np.searchsorted(kept_keys, added)
    known = at < len(kept_keys)
    known[known] = kept_keys[at[known]] == added[known]
    keys = np.insert(kept_keys, at[~known], added[~known])
    sources, targets = keys // max(n, 1), keys % max(n, 1)
    same_ties = (
        not renumbered
        and np.array_equal(sources, base.sources)
        and np.array_equal(targets, base.targets)
    )
    if same_ties:  # attributes only, or links restated: the tie graph is the base's
        sources, targets = base.sources, base.targets
    nodes = graph._node
    columns = _Columns(base, old_of_new, {index[a]: nodes[a] for a in changed if a in index})
    departement, departement_codes = columns.category("departement")
    commune, commune_codes = columns.category("commune")
    region, region_codes = columns.category("region")
    theme_actor, theme_index, theme_codes = columns.themes(new_of_old)
    return Engine(
        graph=base.graph if same_ties else _tie_graph(n, sources, targets),
        ids=ids,
        index=index,
        sources=sources,
        targets=targets,
        degree=base.degree
        if same_ties
        else np.bincount(np.concatenate((sources, targets)), minlength=n),
        lat=columns.number("lat"),
        lon=columns.number("lon"),
        departement=departement,
        departement_codes=departement_codes,
        commune=commune,
        commune_codes=commune_codes,
        region=region,
        region_codes=region_codes,
        theme_actor=theme_actor,
        theme_index=theme_index,
        theme_codes=theme_codes,
    )


class _Columns:
    """The actor columns of a caught-up engine: taken from the base through ``old_of_new``
    (-1: a new vertex), the ``edited`` vertices (new number -> attributes) set again."""

    def __init__(self, base: Engine, old_of_new: IntArray, edited: dict[int, Any]) -> None:
        self.base, self.edited = base, edited
        self.n = len(old_of_new)
        self.fresh = old_of_new < 0
        self.taken = np.where(self.fresh, 0, old_of_new)

    def _take(self, old: npt.NDArray[Any], missing: float) -> npt.NDArray[Any]:
        if not len(old):
            return np.full(self.n, missing, dtype=old.dtype)
        return np.where(self.fresh, missing, old[self.taken]).astype(old.dtype)

    def number(self, name: str) -> FloatArray:
        values: FloatArray = self._take(getattr(self.base, name), np.nan)
        for i, attrs in self.edited.items():
            values[i] = attrs[name] if attrs[name] is not None else np.nan
        return values

    def category(self, name: str) -> tuple[IntArray, tuple[str, ...]]:
        old_codes: tuple[str, ...] = getattr(self.base, f"{name}_codes")
        positions: IntArray = self._take(getattr(self.base, name), -1)
        for i in self.edited:
            positions[i] = -1
        used = np.flatnonzero(np.bincount(positions[positions >= 0], minlength=len(old_codes)))
        codes = sorted(
            {old_codes[i] for i in used} | {a[name] for a in self.edited.values() if a[name]}
        )
        position = {code: i for i, code in enumerate(codes)}
        recode = np.array([position.get(c, -1) for c in old_codes] + [-1], dtype=np.int64)
        values: IntArray = recode[positions]  # -1 picks the last entry: -1
        for i, attrs in self.edited.items():
            values[i] = position[attrs[name]] if attrs[name] else -1
        return values, tuple(codes)

    def themes(self, new_of_old: IntArray) -> tuple[IntArray, IntArray, tuple[str, ...]]:
        base = self.base
        actors = new_of_old[base.theme_actor]
        stay = (actors >= 0) & ~np.isin(actors, np.array(sorted(self.edited), dtype=np.int64))
        actors, themes = actors[stay], base.theme_index[stay]
        old_codes = base.theme_codes
        codes = sorted(
            {old_codes[i] for i in np.flatnonzero(np.bincount(themes, minlength=len(old_codes)))}
            | {t for a in self.edited.values() for t in a["themes"]}
        )
        position = {code: i for i, code in enumerate(codes)}
        recode = np.array([position.get(c, -1) for c in old_codes] + [-1], dtype=np.int64)
        extra = [(i, position[t]) for i, a in sorted(self.edited.items()) for t in a["themes"]]
        all_actors = np.concatenate((actors, np.array([i for i, _ in extra], dtype=np.int64)))
        all_themes = np.concatenate(
            (recode[themes], np.array([t for _, t in extra], dtype=np.int64))
        )
        order = np.argsort(all_actors, kind="stable")
        return all_actors[order], all_themes[order], tuple(codes)


def _first(projection: Projection) -> Engine | _Behind:
    return _build(projection)


def engine_of(projection: Projection) -> Engine:
    """The engine of a projection, built on first use and kept with it; along the live graph,
    caught up from the previous one on first use after changes (:class:`_Behind`)."""
    value = projection.derived("engine", _first, _carry_engine)
    if isinstance(value, Engine):
        return value
    engine = value.engine(projection)
    projection.keep("engine", engine)
    return engine


def subgraph(engine: Engine, vertices: IntArray) -> ig.Graph:
    """The tie graph induced by ``vertices`` (the whole graph when they are all of them)."""
    if len(vertices) == len(engine.ids):
        return engine.graph
    return engine.graph.induced_subgraph(vertices.tolist(), implementation="create_from_scratch")


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run igraph's randomised algorithms from ``seed``: same seed, same result.

    igraph draws from one process-wide generator; it is swapped for a seeded one under a lock
    and put back after, so concurrent requests neither disturb each other nor the caller's
    ``random`` module.
    """
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))  # noqa: S311 - reproducible on purpose
        try:
            yield
        finally:
            ig.set_random_number_generator(random)
