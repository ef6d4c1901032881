"""The links of the neighbour index as columns (numpy arrays), so that a constraint set (link
kinds, a day, avoided actors) is tested on many actors' links at once.

:func:`link_columns` (one per projection, derived as ``"link_columns"``) lays out, for each actor
(a *row*), its *link ends* (every link touching it, either direction): the link's kind (a small
code), ``since`` and ``until`` as day ordinals (a missing date is an open end:
:data:`OPEN_START`, :data:`OPEN_END`) and the *pair* it leads to: the position of the
neighbour among the actor's distinct neighbours (:func:`~.adjacency.all_neighbours`, same
order), counted over all actors one after the other. Beside them, for each pair, the
neighbour's row (to leave out avoided actors).

Two bulk tests answer which neighbours are usable (joined by at least one link of the allowed
kinds valid on the day, and not avoided), one byte per pair in the neighbours' order, so that
``itertools.compress`` gives them in canonical order — the same as the simple test,
:func:`~.neighbours.usable`, link by link: :meth:`LinkColumns.usable_flags` for a batch of
actors (a level of a search), :meth:`LinkColumns.usable_everywhere` for every actor at once.

A change applied to the projection (:mod:`queries.deltas`) does not rebuild the arrays:
:func:`carry_columns` lays the changed actors' link ends out again as small lists
(:attr:`LinkColumns.patched`), read instead of their rows; past :data:`PATCHED_SHARE` of the
rows (and :data:`PATCHED_FLOOR`) the columns are dropped and built again on first use.

Memory: 13 bytes per link end and 12 per pair, and the dict of rows: at 300,000 actors and 1.5
million links, 53 MB of arrays (+149 MB resident while building), against +228 MB resident for
the same links as Python tuples (the pair summaries the searches read before).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from queries.analytics.paths.adjacency import neighbour_index
from queries.projection import Projection

#: the ordinal standing for a missing ``since`` (before every day) and ``until`` (after)
OPEN_START = -1
OPEN_END = 2**31 - 1
#: changed actors the columns carry as lists, at most (a share of the rows, and a floor)
PATCHED_SHARE, PATCHED_FLOOR = 0.02, 2_000

Int32 = npt.NDArray[np.int32]
Int64 = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
#: one actor's link ends: kind codes, since, until (ordinals), position of the neighbour
Ends = tuple[list[int], list[int], list[int], list[int]]


@dataclass(frozen=True, eq=False)
class LinkColumns:
    """The link ends of every actor as aligned arrays (see the module docstring)."""

    #: actor id → row
    rows: Mapping[str, int]
    #: link kinds by code, and codes by kind
    kinds: tuple[str, ...]
    codes: Mapping[str, int]
    #: per row, where its link ends start (``len(rows) + 1`` entries)
    end_start: Int64
    kind: npt.NDArray[np.int8]
    since: Int32
    until: Int32
    #: per link end, the pair it leads to
    pair: Int32
    #: per row, where its pairs start (``len(rows) + 1``)
    pair_start: Int64
    #: per pair, the neighbour's row
    neighbour_row: Int32
    #: actors changed since the arrays were built: their link ends, read instead of their row
    #: (positions among their neighbours now); ``None`` for an actor removed
    patched: Mapping[str, Ends | None] = field(default_factory=dict)

    def kind_filter(self, kinds: frozenset[str] | None) -> Flags | None:
        """Per kind code, whether it is allowed (``None``: every kind is)."""
        if kinds is None:
            return None
        return np.array([k in kinds for k in self.kinds] or [False], dtype=np.bool_)

    def row_mask(self, actors: Iterable[str]) -> Flags | None:
        """Per row, whether it is one of ``actors`` (``None`` when there are none)."""
        rows = self.rows
        found = [rows[a] for a in actors if a in rows]
        if not found:
            return None
        mask = np.zeros(len(self.end_start) - 1, dtype=np.bool_)
        mask[np.array(found, dtype=np.int64)] = True
        return mask

    def ends_of(self, actor: str) -> Ends:
        """One actor's link ends as lists (positions among its own neighbours)."""
        if actor in self.patched:
            ends = self.patched[actor]
            if ends is None:
                raise KeyError(actor)
            return ends
        row = self.rows[actor]
        start, end = int(self.end_start[row]), int(self.end_start[row + 1])
        first = int(self.pair_start[row])
        return (
            self.kind[start:end].tolist(),
            self.since[start:end].tolist(),
            self.until[start:end].tolist(),
            (self.pair[start:end] - first).tolist(),
        )

    def usable_flags(
        self, rows: Int64, allowed: Flags | None, day: int | None, excluded: Flags | None
    ) -> tuple[bytes, list[int]]:
        """For the actors at ``rows`` (none of them :attr:`patched`): one byte per neighbour (1:
        usable), the actors' neighbours one after the other, and where each actor's bytes start
        (one more entry at the end).

        ``allowed`` is a :meth:`kind_filter`, ``day`` an ordinal, ``excluded`` a
        :meth:`row_mask` of actors left out; ``None`` lifts each.
        """
        starts = self.end_start[rows]
        lengths = self.end_start[rows + 1] - starts
        pair_starts = self.pair_start[rows]
        pair_lengths = self.pair_start[rows + 1] - pair_starts
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(pair_lengths, out=offsets[1:])
        flags = np.zeros(int(offsets[-1]), dtype=np.uint8)
        # every link end of these actors (their ranges one after the other), and where the
        # byte of the pair it leads to is
        ends = np.arange(int(lengths.sum()), dtype=np.int64)
        ends += np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        where = self.pair[ends] - np.repeat(pair_starts - offsets[:-1], lengths)
        ok = self._ok(ends, allowed, day)
        flags[where if ok is None else where[ok]] = 1
        if excluded is not None:
            pairs = np.arange(len(flags), dtype=np.int64)
            pairs += np.repeat(pair_starts - offsets[:-1], pair_lengths)
            flags[excluded[self.neighbour_row[pairs]]] = 0
        return flags.tobytes(), offsets.tolist()

    def usable_everywhere(
        self, allowed: Flags | None, day: int | None, excluded: Flags | None
    ) -> bytes:
        """:meth:`usable_flags` for every row at once: one byte per pair, rows one after the
        other (a row's bytes start at ``pair_start[row]``)."""
        flags = np.zeros(len(self.neighbour_row), dtype=np.uint8)
        ok = self._ok(slice(None), allowed, day)
        flags[self.pair if ok is None else self.pair[ok]] = 1
        if excluded is not None:
            flags[excluded[self.neighbour_row]] = 0
        return flags.tobytes()

    def _ok(self, ends: Any, allowed: Flags | None, day: int | None) -> Flags | None:
        ok: Flags | None = None
        if allowed is not None:
            ok = allowed[self.kind[ends]]
        if day is not None:
            valid = (self.since[ends] <= day) & (self.until[ends] >= day)
            ok = valid if ok is None else ok & valid
        return ok


def day_ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


class _Layout:
    """Lays out actors' link ends (the build, and the carry of changed actors)."""

    def __init__(self, codes: dict[str, int]) -> None:
        self.codes = codes
        self.starts: dict[date | None, int] = {None: OPEN_START}
        self.stops: dict[date | None, int] = {None: OPEN_END}

    def ends(
        self,
        around: tuple[str, ...],
        out: Mapping[str, Mapping[str, Mapping[str, Any]]],
        into: Mapping[str, Mapping[str, Mapping[str, Any]]],
    ) -> Ends:
        """The link ends of an actor whose neighbours are ``around`` (its successors first, in
        their order, then its other predecessors in theirs: :func:`~.adjacency.all_neighbours`)
        and whose links are ``out`` and ``into``."""
        codes, starts, stops = self.codes, self.starts, self.stops
        kinds: list[int] = []
        since_col: list[int] = []
        until_col: list[int] = []
        slots: list[int] = []

        def add(links: Iterable[Mapping[str, Any]], slot: int) -> None:
            for d in links:
                kind, since, until = d["kind"], d["since"], d["until"]
                code = codes.get(kind)
                if code is None:
                    code = codes[kind] = len(codes)
                start = starts.get(since)
                if start is None:
                    start = starts[since] = since.toordinal()
                stop = stops.get(until)
                if stop is None:
                    stop = stops[until] = until.toordinal()
                kinds.append(code)
                since_col.append(start)
                until_col.append(stop)
                slots.append(slot)

        for slot, keyed in enumerate(out.values()):
            add(keyed.values(), slot)
        if into:
            following = len(out)
            positions: dict[str, int] | None = None
            for v, keyed in into.items():
                if v in out:
                    if positions is None:
                        positions = {w: i for i, w in enumerate(out)}
                    add(keyed.values(), positions[v])
                else:
                    add(keyed.values(), following)
                    following += 1
            if following != len(around):
                raise ValueError("the neighbour index does not follow the graph")
        return kinds, since_col, until_col, slots


def link_columns(projection: Projection) -> LinkColumns:
    """Build the columns of a projection (see the module docstring): one pass over its links
    from each end."""
    graph = projection.graph
    succ, pred = graph._succ, graph._pred
    neighbours = neighbour_index(projection)
    rows = {u: i for i, u in enumerate(neighbours)}
    layout = _Layout({})
    kind_col: list[int] = []
    since_col: list[int] = []
    until_col: list[int] = []
    pair_col: list[int] = []
    neighbour_col: list[int] = []
    end_start = [0]
    pair_start = [0]
    for u, around in neighbours.items():
        kinds, since, until, slots = layout.ends(around, succ[u], pred[u])
        first = len(neighbour_col)
        kind_col += kinds
        since_col += since
        until_col += until
        pair_col += [first + slot for slot in slots]
        neighbour_col += [rows[v] for v in around]
        end_start.append(len(kind_col))
        pair_start.append(len(neighbour_col))
    codes = layout.codes
    if len(codes) > 127:
        raise ValueError(f"{len(codes)} link kinds: the columns hold at most 127")
    return LinkColumns(
        rows=rows,
        kinds=tuple(sorted(codes, key=codes.__getitem__)),
        codes=codes,
        end_start=np.array(end_start, dtype=np.int64),
        kind=np.array(kind_col, dtype=np.int8),
        since=np.array(since_col, dtype=np.int32),
        until=np.array(until_col, dtype=np.int32),
        pair=np.array(pair_col, dtype=np.int32),
        pair_start=np.array(pair_start, dtype=np.int64),
        neighbour_row=np.array(neighbour_col, dtype=np.int32),
    )


def carry_columns(columns: LinkColumns, applied: Any) -> LinkColumns | None:
    """The columns of ``applied.new`` (a :class:`queries.deltas.Applied`): the arrays shared,
    the actors the change touched laid out again (:attr:`LinkColumns.patched`); ``None`` (built
    again on first use) past :data:`PATCHED_FLOOR` or :data:`PATCHED_SHARE` of the rows."""
    touched: frozenset[str] = applied.touched
    patched = dict(columns.patched)
    if len(patched) + len(touched) > max(PATCHED_FLOOR, PATCHED_SHARE * len(columns.rows)):
        return None
    graph = applied.new.graph
    succ, pred = graph._succ, graph._pred
    layout = _Layout(dict(columns.codes))
    for actor in touched:
        if actor in succ:
            around = tuple(dict.fromkeys([*succ[actor], *pred[actor]]))
            patched[actor] = layout.ends(around, succ[actor], pred[actor])
        else:
            patched[actor] = None
    if len(layout.codes) > 127:
        return None
    return dataclasses.replace(
        columns,
        kinds=tuple(sorted(layout.codes, key=layout.codes.__getitem__)),
        codes=layout.codes,
        patched=patched,
    )
