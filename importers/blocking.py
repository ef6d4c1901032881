"""The name index: which known actors a record is compared with (blocking), and the best one.

Comparing a record with every actor would be quadratic; the index keeps, for each actor of the
graph (read once a run, kept up to date as the run writes), the keys that can bring a record to
it, and compares a record only with the actors sharing one of them:

* a word of its name within the same **département** (and, for a word of six letters or more,
  its first and last four letters: a one-letter typo keeps one of them);
* a **geohash**-like cell of about 1 km (0.01°) around an exact point, and the cells next to it
  (a seat written in the neighbouring commune);
* the same folded name anywhere (national bodies, a seat left out), and for a record without
  any place, a word of its name anywhere;
* the same distinctive website domain anywhere.

Candidates are ranked by the weights of the words they share and only the
:data:`MAX_COMPARED` best are scored (:func:`importers.scoring.score`), so the cost of a record
does not grow with the graph. Words a large part of the block shares (its commune's name,
``solidaire``) find too many actors to be used alone.

>>> index = NameIndex()
>>> index.add(Entry("mai-1", "Organisation", "La Ressourcerie du Pays Creillois", "60175", "60"))
>>> best = index.best(Probe(name="Ressourcerie du pays creillois", commune="60175",
...                         departement="60"))
>>> best.actor_id, best.score >= MERGE_THRESHOLD
('mai-1', True)
>>> index.best(Probe(name="La Ressourcerie du Pays Creillois", commune="60057", departement="60"))
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable

from importers.names import Entry, Match, Probe, TermStats, is_kind_word
from importers.scoring import (
    CANDIDATE_THRESHOLD,
    CANDIDATE_WEIGHT,
    MERGE_THRESHOLD,
    Geo,
    score,
    shared_geo,
)

__all__ = ["CANDIDATE_THRESHOLD", "MERGE_THRESHOLD", "NameIndex"]

#: the most candidates of one record that are scored
MAX_COMPARED = 10
#: candidates whose shared words weigh this much less than the best one's are not scored
LAG = 7.0
#: a record whose every word is more common than :data:`_DISTINCT` votes with its rarest one
#: if no more actors share it than this (a generic name is found by its exact form anyway)
_FALLBACK = 900
#: a word that more actors of a block share is not distinctive there: it votes only when the
#: record has no rarer word (whatever the size of the graph, so a record's cost stays flat)
_DISTINCT = 300
_CELL = 100  # cells of 0.01°


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat * _CELL), math.floor(lon * _CELL)


def _typo_keys(token: str) -> tuple[str, ...]:
    if len(token) < 6 or is_kind_word(token):
        return ()
    return ("<" + token[:4], ">" + token[-4:])


class NameIndex:
    """The graph's actors as identity resolution compares them."""

    def __init__(self, geo: Geo | None = None) -> None:
        self.geo = geo or shared_geo()
        self.stats = TermStats()
        self._blocks: dict[str, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
        self._cells: dict[tuple[int, int], list[Entry]] = defaultdict(list)
        self._exact: dict[str, list[Entry]] = defaultdict(list)
        self._webs: dict[str, list[Entry]] = defaultdict(list)
        self._anywhere: dict[str, list[Entry]] = defaultdict(list)
        self._current: dict[str, Entry] = {}

    def __len__(self) -> int:
        return len(self._current)

    def add(self, entry: Entry) -> None:
        """Add an actor (or replace what the index knew of it)."""
        old = self._current.get(entry.actor_id)
        if old is not None:
            self.stats.add(old, -1)
        self._current[entry.actor_id] = entry
        self.stats.add(entry)
        block = self._blocks[entry.departement or ""]
        if entry.departement:  # a record without a place is compared across départements
            for token in entry.tokens:
                self._anywhere[token].append(entry)
        for token in entry.tokens:
            block[token].append(entry)
            for key in _typo_keys(token):
                block[key].append(entry)
        if entry.latitude is not None and entry.longitude is not None:
            self._cells[_cell(entry.latitude, entry.longitude)].append(entry)
        self._exact[entry.core].append(entry)
        if entry.web:
            self._webs[entry.web].append(entry)

    def extend(self, entries: Iterable[Entry]) -> None:
        for entry in entries:
            self.add(entry)

    def _live(self, entry: Entry) -> bool:
        return self._current.get(entry.actor_id) is entry

    def _candidates(self, probe: Probe, skip: set[str]) -> list[Entry]:
        """The actors worth scoring against the probe, most promising first."""
        found: dict[str, float] = {}
        entries: dict[str, Entry] = {}

        def vote(posting: Iterable[Entry], value: float, unless: str | None = None) -> None:
            for entry in posting:
                if unless is not None and unless in entry.tokens:
                    continue  # counted by the word itself
                key = entry.actor_id
                found[key] = found.get(key, 0.0) + value
                entries[key] = entry

        same_name = self._exact.get(probe.core) or []
        if len(same_name) > 50:  # a generic name: the same one in this département only
            same_name = [e for e in same_name if e.departement in (probe.departement, None)]
        vote(same_name, 30.0)
        blocks = [self._blocks.get(d) for d in dict.fromkeys((probe.departement or "", ""))]
        if not probe.departement:
            blocks.append(self._anywhere)
        for block in blocks:
            if block is not None:
                for posting, value, unless in self._word_lists(probe, block):
                    vote(posting, value, unless)
        if probe.latitude is not None and probe.longitude is not None:
            cy, cx = _cell(probe.latitude, probe.longitude)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    vote(self._cells.get((cy + dy, cx + dx), ()), 1.0)
        if probe.web:
            webs = self._webs.get(probe.web) or []
            if len(webs) <= 50:
                vote(webs, 4.0)
        for key in skip:
            found.pop(key, None)
        # the best few (ties by id: the same file finds the same candidates in any order)
        ranked = heapq.nsmallest(2 * MAX_COMPARED, found, key=lambda key: (-found[key], key))
        # those that share far less than the best could not beat it: not scored
        floor = found[ranked[0]] - LAG if ranked else 0.0
        live = (entries[key] for key in ranked if found[key] >= floor and self._live(entries[key]))
        return [entry for _, entry in zip(range(MAX_COMPARED), live, strict=False)]

    def _word_lists(
        self, probe: Probe, block: dict[str, list[Entry]]
    ) -> list[tuple[list[Entry], float, str | None]]:
        """The postings of a block that the probe's words vote with, each vote's weight and the
        word whose own posting already counted its entries (a typo key votes only for the
        others): the rarest first, a word most of the block shares only when no other is
        left."""
        weight = self.stats.weight
        lists: list[tuple[int, str, list[Entry], float, str | None]] = []
        for token in probe.tokens:
            posting = block.get(token)
            if posting:
                lists.append((len(posting), token, posting, weight(token), None))
            for key in _typo_keys(token):  # the word with a typo: one of its halves is whole
                if found := block.get(key):
                    lists.append((len(found), key, found, weight(token) - 2.0, token))
        lists.sort(key=lambda item: (item[0], item[1]))
        words = [item for item in lists if item[4] is None]
        halves = [item for item in lists if item[4] is not None and item[0] <= _DISTINCT]
        usable = [item for item in words if item[0] <= _DISTINCT][:4] or words[:1]
        return [
            (posting, value, token)
            for size, _, posting, value, token in (*usable, *halves[:4])
            if size <= _FALLBACK
        ]

    def matches(self, probe: Probe, *, exclude: Iterable[str] = ()) -> list[Match]:
        """Every actor at least as likely as :data:`CANDIDATE_THRESHOLD`, best first."""
        skip = set(exclude)
        result: list[Match] = []
        for entry in self._candidates(probe, skip):
            scored = score(probe, entry, self.stats, self.geo, explain=False)
            if scored is not None and scored.weight >= CANDIDATE_WEIGHT:
                scored = score(probe, entry, self.stats, self.geo)  # now with the reasons
                assert scored is not None
                result.append(
                    Match(
                        entry.actor_id,
                        entry.name,
                        round(scored.probability, 4),
                        scored.explain(),
                        round(scored.weight, 2),
                    )
                )
        result.sort(key=lambda m: (-m.weight, m.actor_id))
        return result

    def best(self, probe: Probe, *, exclude: Iterable[str] = ()) -> Match | None:
        found = self.matches(probe, exclude=exclude)
        return found[0] if found else None
