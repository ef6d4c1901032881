"""Link spells: one relation (its ends, kind and sub-kind) holds *spells* — the periods it held
— and each stored link is one spell, attested by the statements of its sources.

A statement is one source's claim that the relation holds, with its own dates (or none). The
rules that decide which spell a statement is about, the same for every writer (imports, the
store's own check as a batch is written, the API):

* an **undated** statement (no since, no until) joins an existing spell — it says the relation
  exists, not when — the open one if any, else the latest;
* a **dated** statement joins a spell whose period **overlaps or touches** its own (touching:
  one ends the day before the other starts), or a spell that has no dates yet (its period was
  unknown: the statement now dates it);
* a dated statement **disjoint** from every spell is a new spell (a member 2010–2012, again
  since 2018: two spells).

A spell's period follows its statements: it starts at the earliest known start and ends at the
latest known end — a statement without an end does not reopen a spell another one says has
ended, unless it starts after that end (the relation went on). To find the spells a statement
overlaps, a missing start or end of a *dated* period counts as unbounded on that side.

>>> from datetime import date as d
>>> joins(Period(None, None), Period(d(2019, 1, 1), None))  # an undated spell is dated now
True
>>> joins(Period(d(2010, 1, 1), d(2012, 12, 31)), Period(d(2018, 1, 1), None))
False
>>> joins(Period(d(2010, 1, 1), d(2012, 12, 31)), Period(d(2013, 1, 1), None))  # touching
True
>>> merged(Period(None, None), Period(d(2019, 1, 1), None))
Period(since=datetime.date(2019, 1, 1), until=None)
>>> merged(Period(d(2010, 1, 1), d(2012, 12, 31)), Period(d(2011, 6, 1), d(2014, 1, 1)))
Period(since=datetime.date(2010, 1, 1), until=datetime.date(2014, 1, 1))
>>> merged(Period(d(2020, 3, 1), None), Period(None, d(2022, 12, 31)))  # an end learnt
Period(since=datetime.date(2020, 3, 1), until=datetime.date(2022, 12, 31))
>>> merged(Period(d(2010, 1, 1), d(2012, 12, 31)), Period(d(2013, 1, 1), None))  # went on
Period(since=datetime.date(2010, 1, 1), until=None)

Imports nothing of the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

T = TypeVar("T")
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A spell's or a statement's dates (``None``: not known)."""

    since: date | None
    until: date | None

    @property
    def dated(self) -> bool:
        return self.since is not None or self.until is not None


def joins(spell: Period, statement: Period) -> bool:
    """Whether ``statement`` is about ``spell`` (see the module docstring)."""
    if not statement.dated or not spell.dated:
        return True
    starts_before_end = (
        spell.until is None or statement.since is None or statement.since <= spell.until + _DAY
    )
    ends_after_start = (
        spell.since is None or statement.until is None or spell.since <= statement.until + _DAY
    )
    return starts_before_end and ends_after_start


def merged(spell: Period, statement: Period) -> Period:
    """The period of ``spell`` once ``statement`` joined it."""
    if not statement.dated:
        return spell
    if not spell.dated:
        return statement
    sinces = [s for s in (spell.since, statement.since) if s is not None]
    since = min(sinces) if sinces else None
    return Period(since, _until(spell, statement))


def _until(one: Period, other: Period) -> date | None:
    """The end of two joined periods: the later known end; an unknown end is not "still
    going on" — a known end fills it — unless the period without one starts after that end
    (it goes on beyond it)."""
    if one.until is not None and other.until is not None:
        return max(one.until, other.until)
    known, unknown = (one, other) if one.until is not None else (other, one)
    if known.until is None:
        return None
    if unknown.since is not None and unknown.since > known.until:
        return None
    return known.until


def spell_for(spells: Sequence[tuple[T, Period]], statement: Period) -> T | None:
    """Of the stored spells (key, period) of one relation, the one ``statement`` joins, or
    ``None`` (a new spell). An undated statement takes the open spell, else the latest; a dated
    one the earliest spell it overlaps or touches (ties by key, so that the choice does not
    depend on the order spells are read in)."""
    joined = [(key, period) for key, period in spells if joins(period, statement)]
    if not joined:
        return None
    if not statement.dated:
        return max(joined, key=lambda kp: _latest(kp[1], str(kp[0])))[0]
    return min(joined, key=lambda kp: (_start(kp[1]), str(kp[0])))[0]


def _start(period: Period) -> date:
    return period.since or date.min


def _latest(period: Period, key: str) -> tuple[int, date, str]:
    """Open spells first, then by end, then start."""
    if period.until is None:
        return (1, period.since or date.min, key)
    return (0, period.until, key)


def periods(values: Iterable[tuple[date | None, date | None]]) -> list[Period]:
    return [Period(since, until) for since, until in values]


def touch_bounds(statement: Period) -> tuple[date | None, date | None]:
    """The dates a store compares stored spells with, to find the ones a *dated* statement
    overlaps or touches: (since - 1 day, until + 1 day), ``None`` where unbounded."""
    return (
        statement.since - _DAY if statement.since is not None else None,
        statement.until + _DAY if statement.until is not None else None,
    )


__all__ = ["Period", "joins", "merged", "periods", "spell_for", "touch_bounds"]
