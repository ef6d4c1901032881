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

Each spell keeps its **statements** (:func:`statement`, :func:`restated`): one per source, with
the dates *that source* gives (or none) and the run that recorded it, as compact JSON strings —
the spell's own period is what the rules above made of them. A source stating the same spell
again replaces its statement when its dates changed and keeps it (with its first run) when
they did not; a spell stored before statements were kept reads one statement per source, with
the spell's dates and no run (:func:`statements_of`).

>>> one = statement('{"key":"1","system":"sheet","url":null}', d(2019, 1, 1), None, "run-a")
>>> one
'{"run":"run-a","since":"2019-01-01","source":{"key":"1","system":"sheet","url":null},"until":null}'
>>> again = statement('{"key":"1","system":"sheet","url":null}', d(2019, 1, 1), None, None)
>>> restated([one], [again]) == [one]  # the same claim: kept with its first run
True
>>> later = statement('{"key":"1","system":"sheet","url":null}', d(2019, 1, 1), d(2021, 6, 30))
>>> [json.loads(s)["until"] for s in restated([one], [later])]  # the source changed its claim
['2021-06-30']

Imports nothing of the project.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from json.encoder import encode_basestring as _json_string
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


def _day(value: date | None) -> str:
    return f'"{value.isoformat()}"' if value is not None else "null"


_NO_RUN = '{"run":null,'


def statement(source: str, since: date | None, until: date | None, run: str | None = None) -> str:
    """One source's statement of a spell, as stored: ``source`` is the source's compact JSON
    (``graph_model.stored.source_json``), the dates are that source's own.

    Written out by hand (an import makes one per link): the text ``json.dumps(…,
    ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` gives."""
    head = _NO_RUN if run is None else '{"run":' + _json_string(run) + ","
    return f'{head}"since":{_day(since)},"source":{source},"until":{_day(until)}}}'


def _source_key(text: str) -> str:
    source = json.loads(text)["source"]
    return f"{source.get('system')}:{source.get('key')}"


def _claim(text: str) -> tuple[object, object]:
    body = json.loads(text)
    return body.get("since"), body.get("until")


def restated(current: Iterable[str], new: Iterable[str]) -> list[str]:
    """The statements of a spell once ``new`` ones joined it: one per source, a source's new
    claim replacing its old one (its first run kept when the dates are the same)."""
    by_source = {_source_key(s): s for s in current}
    for text in new:
        key = _source_key(text)
        old = by_source.get(key)
        if old is None or _claim(old) != _claim(text):
            by_source[key] = text
    return sorted(by_source.values())


def statements_of(
    stored: Iterable[str] | None, sources: Iterable[str], since: date | None, until: date | None
) -> list[str]:
    """A stored spell's statements; for a spell stored before statements were kept, one per
    source with the spell's dates and no run."""
    if stored:
        return sorted(stored)
    return sorted(statement(source, since, until) for source in sources)


def with_run(statements: Iterable[str], run: str | None) -> list[str]:
    """The statements, those without a run given ``run`` (the write's own)."""
    statements = list(statements)
    if run is None or not any(text.startswith(_NO_RUN) for text in statements):
        return statements
    given = '{"run":' + _json_string(run) + ","
    return sorted(
        given + text[len(_NO_RUN) :] if text.startswith(_NO_RUN) else text for text in statements
    )


def touch_bounds(statement: Period) -> tuple[date | None, date | None]:
    """The dates a store compares stored spells with, to find the ones a *dated* statement
    overlaps or touches: (since - 1 day, until + 1 day), ``None`` where unbounded."""
    return (
        statement.since - _DAY if statement.since is not None else None,
        statement.until + _DAY if statement.until is not None else None,
    )


__all__ = [
    "Period",
    "joins",
    "merged",
    "periods",
    "restated",
    "spell_for",
    "statement",
    "statements_of",
    "touch_bounds",
    "with_run",
]
