"""The neighbour index the path searches walk, built once per projection, and its memoised
filtered views.

* :func:`all_neighbours`: each actor's distinct neighbours, either link direction, in canonical
  order; the links joining them are laid out as columns (:mod:`.columns`), one set of arrays
  per projection, so that a constraint set is tested on many links at once;
* :class:`FilteredNeighbours` (link kinds, a day, actors of avoided kinds left out) and
  :class:`CostedNeighbours` (the same, with crossing costs) work out an actor's usable
  neighbours the first time a search reaches it and keep them, so that repeated questions
  under the same constraints run at unconstrained speed; a projection keeps the last
  :data:`RECENT_CONSTRAINT_SETS` of them (:func:`recent_sets`). A breadth-first search asks
  for a whole level at once (:meth:`FilteredNeighbours.fill`): one vectorised test over the
  links of every actor of the level not seen yet, instead of one Python loop per actor.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterator, Mapping
from datetime import date
from itertools import compress
from typing import Any, TypeVar

import numpy as np

from queries.analytics.memo import RecentlyUsed
from queries.analytics.paths.columns import (
    OPEN_END,
    OPEN_START,
    LinkColumns,
    carry_columns,
    day_ordinal,
    link_columns,
)
from queries.analytics.paths.costs import KIND_COST, YEAR, PairLinks
from queries.projection import Projection

Neighbours = Mapping[str, tuple[str, ...]]

T = TypeVar("T")

#: below this many actors to fill at once, a Python loop over their links beats numpy's
#: fixed cost per call
BATCH_FROM = 4
#: a constraint set that has filled this share of the actors (and at least the floor) is
#: tested on every pair at once (:class:`FilteredNeighbours`)
EVERYWHERE_SHARE, EVERYWHERE_FLOOR = 0.01, 1_000


def usable(links: PairLinks, kinds: frozenset[str] | None, day: date | None) -> bool:
    """Whether one of ``links`` (kind, since, until) is of an allowed kind and valid on
    ``day``: the simple test, link by link, that the columns answer in bulk."""
    for kind, since, until in links:
        if (
            (kinds is None or kind in kinds)
            and (day is None or since is None or since <= day)
            and (day is None or until is None or day <= until)
        ):
            return True
    return False


class FilteredNeighbours(Mapping[str, tuple[str, ...]]):
    """Each actor's neighbours through at least one link of the allowed ``kinds`` valid on
    ``day``, less the ``excluded`` actors (avoided kinds), computed for an actor the first time
    a search reaches it (or fills it, with its level) and then kept: later searches with the
    same constraints run as fast as unconstrained ones.

    The first actors are tested a level at a time (:meth:`LinkColumns.usable_flags`); once
    the set has filled :data:`EVERYWHERE_SHARE` of the actors, every pair is tested at once
    (:meth:`LinkColumns.usable_everywhere`, a few tens of milliseconds at 300,000 actors) and
    an actor met after that costs one slice of those bytes. A constraint set asked once (a new
    day each time) never pays for the whole graph; one asked again and again pays once.
    """

    def __init__(
        self,
        neighbours: Neighbours,
        columns: LinkColumns,
        kinds: frozenset[str] | None,
        day: date | None,
        excluded: frozenset[str] = frozenset(),
    ) -> None:
        self._neighbours, self._columns = neighbours, columns
        self._kinds, self._date = kinds, day
        self._allowed = columns.kind_filter(kinds)
        self._allowed_codes = None if self._allowed is None else self._allowed.tolist()
        self._day = day_ordinal(day)
        self._excluded = excluded
        self._excluded_rows = columns.row_mask(excluded)
        self._memo: dict[str, tuple[str, ...]] = {}
        self._filled = 0
        self._everywhere: bytes | None = None
        self._everywhere_from = max(EVERYWHERE_FLOOR, int(EVERYWHERE_SHARE * len(columns.rows)))

    def __getitem__(self, actor: str) -> tuple[str, ...]:
        kept = self._memo.get(actor)
        if kept is None:
            self.fill((actor,))
            kept = self._memo[actor]
        return kept

    def fill(self, actors: Collection[str]) -> None:
        """Work out the usable neighbours of every actor of ``actors`` not known yet, at once."""
        memo, columns, neighbours = self._memo, self._columns, self._neighbours
        todo = [a for a in actors if a not in memo]
        if not todo:
            return
        patched = columns.patched
        if patched:
            for actor in [a for a in todo if a in patched]:
                self._one(actor)
            todo = [a for a in todo if a not in patched]
        everywhere = self._everywhere
        if everywhere is None and self._filled >= self._everywhere_from:
            everywhere = self._everywhere = columns.usable_everywhere(
                self._allowed, self._day, self._excluded_rows
            )
        if everywhere is not None:
            row_of, pair_start = columns.rows, columns.pair_start
            for actor in todo:
                around = neighbours[actor]
                first = int(pair_start[row_of[actor]])
                memo[actor] = tuple(compress(around, everywhere[first : first + len(around)]))
            return
        self._filled += len(todo)
        if len(todo) < BATCH_FROM:
            for actor in todo:
                self._one(actor)
            return
        row_of = columns.rows
        rows = np.fromiter((row_of[a] for a in todo), dtype=np.int64, count=len(todo))
        flags, offsets = columns.usable_flags(rows, self._allowed, self._day, self._excluded_rows)
        for i, actor in enumerate(todo):
            memo[actor] = tuple(compress(neighbours[actor], flags[offsets[i] : offsets[i + 1]]))
            # racing threads compute the same value: harmless

    def _one(self, actor: str) -> None:
        """One actor's usable neighbours, by a Python loop over its link ends."""
        around = self._neighbours[actor]
        allowed, day = self._allowed_codes, self._day
        flags = bytearray(len(around))
        for code, since, until, slot in zip(*self._columns.ends_of(actor), strict=True):
            if (allowed is None or (code < len(allowed) and allowed[code])) and (
                day is None or since <= day <= until
            ):
                flags[slot] = 1
        if self._excluded:
            excluded = self._excluded
            for i, v in enumerate(around):
                if v in excluded:
                    flags[i] = 0
        self._memo[actor] = tuple(compress(around, flags))

    def carried(
        self,
        neighbours: Neighbours,
        columns: LinkColumns,
        touched: Collection[str],
    ) -> FilteredNeighbours:
        """The same view over the next projection's indexes: what is known of the actors
        ``touched`` is forgotten, the rest kept (the excluded actors must not have changed)."""
        view = FilteredNeighbours(neighbours, columns, self._kinds, self._date, self._excluded)
        view._memo = _without(self._memo, touched)
        view._filled = self._filled
        return view

    def __iter__(self) -> Iterator[str]:
        return iter(self._neighbours)

    def __len__(self) -> int:
        return len(self._neighbours)


def _without(memo: dict[str, T], touched: Collection[str]) -> dict[str, T]:
    kept = dict(memo)  # a copy at C speed; the old view keeps serving the old projection
    for actor in touched:
        kept.pop(actor, None)
    return kept


class CostedNeighbours(Mapping[str, tuple[tuple[str, float], ...]]):
    """Each actor's usable neighbours with the cost of crossing to them (``1 / sum(1 / link
    cost)`` over the pair's usable links, :mod:`.costs`), computed on first use and kept (for
    the weighted searches of one reference day and constraint set)."""

    def __init__(
        self,
        neighbours: Neighbours,
        columns: LinkColumns,
        *,
        reference: date,
        kinds: frozenset[str] | None,
        day: date | None,
        excluded: frozenset[str] = frozenset(),
    ) -> None:
        self._neighbours, self._columns = neighbours, columns
        self._options = {"reference": reference, "kinds": kinds, "day": day, "excluded": excluded}
        allowed = columns.kind_filter(kinds)
        self._allowed = None if allowed is None else allowed.tolist()
        self._base = [KIND_COST.get(kind, 2.0) for kind in columns.kinds]
        self._reference = reference.toordinal()
        self._day = day_ordinal(day)
        self._excluded = excluded
        self._memo: dict[str, tuple[tuple[str, float], ...]] = {}

    def __getitem__(self, actor: str) -> tuple[tuple[str, float], ...]:
        kept = self._memo.get(actor)
        if kept is None:
            around = self._neighbours[actor]
            allowed, day, reference, base = self._allowed, self._day, self._reference, self._base
            conductance = [0.0] * len(around)
            for code, since, until, slot in zip(*self._columns.ends_of(actor), strict=True):
                if (allowed is None or (code < len(allowed) and allowed[code])) and (
                    day is None or since <= day <= until
                ):
                    # costs.link_cost, on day ordinals: the same arithmetic, the same float
                    years = 0.0
                    if since != OPEN_START:
                        stop = until if until != OPEN_END and until < reference else reference
                        years = max(stop - since, 0) / YEAR
                    cost = (base[code] if code < len(base) else 2.0) / (
                        1.0 + min(years, 10.0) / 5.0
                    )
                    conductance[slot] += 1.0 / cost
            excluded = self._excluded
            kept = tuple(
                (v, 1.0 / c)
                for v, c in zip(around, conductance, strict=True)
                if c and v not in excluded
            )
            self._memo[actor] = kept
        return kept

    def carried(
        self,
        neighbours: Neighbours,
        columns: LinkColumns,
        touched: Collection[str],
    ) -> CostedNeighbours:
        """As :meth:`FilteredNeighbours.carried`."""
        view = CostedNeighbours(neighbours, columns, **self._options)  # type: ignore[arg-type]
        view._memo = _without(self._memo, touched)
        return view

    def __iter__(self) -> Iterator[str]:
        return iter(self._neighbours)

    def __len__(self) -> int:
        return len(self._neighbours)


#: constraint sets whose filtered adjacency a projection keeps (each at most a few tens of MB)
RECENT_CONSTRAINT_SETS = 8


def recent_sets(_: Projection) -> RecentlyUsed:
    return RecentlyUsed(RECENT_CONSTRAINT_SETS, exclusive=True)


def kind_groups(projection: Projection) -> dict[str, frozenset[str]]:
    """The actors of each kind, and of each kind and level (``"AdvocacyBody:national"``)."""
    groups: dict[str, set[str]] = {}
    for actor_id, attrs in projection.graph.nodes(data=True):
        for key in _group_keys(attrs):
            groups.setdefault(key, set()).add(actor_id)
    return {key: frozenset(ids) for key, ids in groups.items()}


def _group_keys(attrs: Mapping[str, Any] | None) -> tuple[str, ...]:
    if attrs is None:
        return ()
    if attrs["level"]:
        return attrs["kind"], f"{attrs['kind']}:{attrs['level']}"
    return (attrs["kind"],)


# -- the indexes, with what lets them follow a change (queries.deltas) ---------------------------


def columns_of(projection: Projection) -> LinkColumns:
    return projection.derived("link_columns", link_columns, carry_columns)


def groups_of(projection: Projection) -> dict[str, frozenset[str]]:
    return projection.derived("kind_groups", kind_groups, carry_kind_groups)


def views_of(projection: Projection) -> RecentlyUsed:
    return projection.derived("recent_constraints", recent_sets, carry_views)


def carry_kind_groups(groups: dict[str, frozenset[str]], applied: Any) -> dict[str, frozenset[str]]:
    """The groups of ``applied.new``: only the groups an actor joined or left are made again
    (a copy of that group's set), the others shared."""
    joined: dict[str, set[str]] = {}
    left: dict[str, set[str]] = {}
    for actor, (before, after) in applied.actors.items():
        old, new = set(_group_keys(before)), set(_group_keys(after))
        for key in old - new:
            left.setdefault(key, set()).add(actor)
        for key in new - old:
            joined.setdefault(key, set()).add(actor)
    if not joined and not left:
        return groups
    carried = dict(groups)
    for key in joined.keys() | left.keys():
        members = (groups.get(key, frozenset()) - left.get(key, set())) | joined.get(key, set())
        if members:
            carried[key] = frozenset(members)
        else:
            carried.pop(key, None)
    return carried


def carry_views(views: RecentlyUsed, applied: Any) -> RecentlyUsed | None:
    """The constraint sets' views over ``applied.new``: each keeps what it knew of the actors
    the change did not touch. A view leaving out avoided kinds is dropped when an actor joined
    or left one of them (its excluded set changed); all are dropped when the neighbour index or
    the columns were not carried (built again on first use, the views with them)."""
    new = dict(applied.new.derived_items())
    neighbours, columns = new.get("neighbours"), new.get("link_columns")
    if neighbours is None or columns is None:
        return None
    touched = applied.touched
    regrouped = {
        key
        for before, after in applied.actors.values()
        for key in set(_group_keys(before)) ^ set(_group_keys(after))
    }

    def carry(key: Hashable, view: Any) -> Any:
        excluded_key: tuple[str, ...] = key[-1]  # type: ignore[index]
        if regrouped.intersection(excluded_key):
            return None
        return view.carried(neighbours, columns, touched)

    return views.carried(carry)
