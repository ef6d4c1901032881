"""Actor search: accent-insensitive, typo-tolerant, ranked, in memory.

ArcadeDB has no full-text index reachable from Cypher (DESIGN.md), so search runs in Python over
the folded names (:func:`graph_model.identifiers.fold`), the same way on both servers. The index
holds, for every actor, its folded name split into words:

* an inverted index word → actors;
* the sorted vocabulary, for prefixes (the last word of a query is matched as a prefix, as
  people type);
* a one-deletion neighbourhood of every word (the SymSpell idea), for typos: a query word
  matches the words within one edit (insertion, deletion, substitution, and most
  transpositions), two edits for words of eight letters or more.

A query word scores its best match in each actor (exact 1.0, prefix 0.75, typo 0.6), weighted
by how rare the matched word is (idf); French stop words count only when the query has nothing
else. Actors matching more query words rank first, then higher scores, then names closer in
length to the query. A SIREN, SIRET, RNA number or actor id finds its actor directly.

>>> index = SearchIndex.build([
...     {"id": "mai-1", "name": "Mouvement pour l'Économie Solidaire", "kind": "Network"},
...     {"id": "mai-2", "name": "Économie solidaire Occitanie", "kind": "Network"},
...     {"id": "mai-3", "name": "Les Jardins du Lien", "kind": "Organisation"},
... ])
>>> [hit.id for hit in index.search("economie solidaire")]
['mai-2', 'mai-1']
>>> [hit.id for hit in index.search("jardin du lein")]  # a missing s, a transposition
['mai-3']
>>> [hit.id for hit in index.search("mouvem")]  # a prefix
['mai-1']
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_model.identifiers import fold
from queries.analytics.layered import GONE, Appended, SortedIds, layered
from queries.projection import Projection

if TYPE_CHECKING:
    from queries.deltas import Applied

STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "pour",
        "par",
        "sur",
        "un",
        "une",
        "dans",
        "the",
        "of",
        "and",
    ]
)
_DIGITS = re.compile(r"[\s.]")
_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float
    matched: int


_RNA = re.compile(r"^W\d{9}$")
_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-zA-Z0-9]+)+$")


def identity_keys(text: str) -> list[str]:
    """The alias keys a search text may be (a SIREN, a SIRET, an RNA number, an actor id).

    >>> identity_keys("732 829 320"), identity_keys("w751234567"), identity_keys("net-mes")
    (['siren:732829320'], ['rna:W751234567'], ['id:net-mes'])
    """
    compact = _DIGITS.sub("", text.strip())
    keys = []
    if compact.isdigit() and len(compact) == 9:
        keys.append(f"siren:{compact}")
    elif compact.isdigit() and len(compact) == 14:
        keys.append(f"siret:{compact}")
    elif _RNA.match(compact.upper()):
        keys.append(f"rna:{compact.upper()}")
    elif _ID.match(text.strip()):
        keys.append(f"id:{text.strip()}")
    return keys


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _max_edits(word: str) -> int:
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 0


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or ``limit + 1`` beyond it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class SearchIndex:
    """An immutable index of actor names; :meth:`changed` gives the index after some actors
    were renamed, added or removed, sharing what they do not touch."""

    def __init__(
        self,
        ids: list[str],
        lengths: array[int],
        postings: Mapping[str, array[int]],
        keys: Mapping[str, int],
    ) -> None:
        self.ids: Sequence[str] = Appended(ids)
        self._lengths = lengths
        self._postings = postings
        self._keys = keys  # siren / siret / rna / id -> document
        self._vocabulary = SortedIds(sorted(postings))
        neighbours: defaultdict[str, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            if _max_edits(word):
                for variant in _deletions(word):
                    neighbours[variant].append(word)
        self._neighbours: Mapping[str, list[str]] = dict(neighbours)
        self._docs: Mapping[str, int] = {actor: doc for doc, actor in enumerate(ids)}
        self._total = max(1, len(ids))

    def __len__(self) -> int:
        return len(self._docs)

    @classmethod
    def build(cls, rows: Iterable[Mapping[str, Any]]) -> SearchIndex:
        """Index rows with ``id`` and ``name`` (``name_key``, ``siren``, ``siret``, ``rna``
        are used when present)."""
        ids: list[str] = []
        lengths = array("H")
        postings: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        keys: dict[str, int] = {}
        for row in rows:
            doc = len(ids)
            ids.append(str(row["id"]))
            key = row.get("name_key") or fold(str(row.get("name") or ""))
            words = key.split()
            lengths.append(min(len(key), 65_535))
            for word in set(words):
                postings[word].append(doc)
            keys[str(row["id"]).lower()] = doc
            for name in ("siren", "siret", "rna"):
                if row.get(name):
                    keys[str(row[name]).lower()] = doc
        return cls(ids, lengths, dict(postings), keys)

    def words(self) -> dict[str, frozenset[str]]:
        """Word -> the actors whose name holds it (what the index answers from, whatever the
        document numbers: to compare two indexes)."""
        return {
            word: frozenset(self.ids[doc] for doc in docs) for word, docs in self._postings.items()
        }

    def changed(self, names: Mapping[str, tuple[str | None, str | None]]) -> SearchIndex:
        """The index after the actors of ``names`` (id -> (folded name before, after); ``None``:
        absent) changed: their documents move between the postings of the words they lost and
        took; a new actor takes the next document number, a removed one leaves its number
        unused. Work in proportion to the words touched: what did not change is shared
        (:mod:`queries.analytics.layered`), but the array of name lengths (two bytes a
        document) which is copied."""
        moved = {actor: change for actor, change in names.items() if change[0] != change[1]}
        if not moved:  # links only, or attributes other than the name: nothing to do
            return self
        edit = _Edit(self)
        for actor, (before, after) in moved.items():
            edit.rename(actor, before, after)
        return edit.result()

    # -- matching --------------------------------------------------------------------------
    def _idf(self, word: str) -> float:
        return math.log(1 + self._total / (1 + len(self._postings.get(word, ()))))

    def _candidates(self, word: str, *, last: bool) -> list[tuple[str, float]]:
        """Vocabulary words that match a query word, with the weight of the match."""
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = 1.0
        if last and len(word) >= 3:
            for other in itertools.islice(self._vocabulary.starting(word), 200):
                if not other.startswith(word):
                    break
                found.setdefault(other, 0.75)
        limit = _max_edits(word)
        if limit:
            variants = {word} | _deletions(word)
            if limit > 1:
                variants |= {v2 for v in list(variants) for v2 in _deletions(v)}
            for variant in variants:
                for other in self._neighbours.get(variant, ()):
                    if other not in found and _edit_distance(word, other, limit) <= limit:
                        found[other] = 0.6
                if (
                    variant in self._postings
                    and variant not in found
                    and _edit_distance(word, variant, limit) <= limit
                ):
                    found[variant] = 0.6
        return list(found.items())

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        """The best ``limit`` actors for ``text`` (empty text, empty answer)."""
        direct = self._keys.get(_DIGITS.sub("", text).lower()) or self._keys.get(
            text.strip().lower()
        )
        query = fold(text)
        words = query.split()
        if not words:
            return [Hit(self.ids[direct], 100.0, 1)] if direct is not None else []
        meaningful = [w for w in words if w not in STOP_WORDS] or words
        scores: defaultdict[int, float] = defaultdict(float)
        matched: defaultdict[int, int] = defaultdict(int)
        for position, word in enumerate(meaningful):
            best: dict[int, float] = {}
            last = position == len(meaningful) - 1
            for other, weight in self._candidates(word, last=last):
                value = weight * self._idf(other)
                for doc in self._postings[other]:
                    if value > best.get(doc, 0.0):
                        best[doc] = value
            for doc, value in best.items():
                scores[doc] += value
                matched[doc] += 1
        if direct is not None:
            scores[direct] += 100.0
            matched[direct] = len(meaningful)
        size = len(query)

        def rank(doc: int) -> tuple[int, float, int, str]:
            return (-matched[doc], -scores[doc], abs(self._lengths[doc] - size), self.ids[doc])

        best_docs = sorted(scores, key=rank)[:limit]
        return [Hit(self.ids[d], round(scores[d], 4), matched[d]) for d in best_docs]


class _Edit:
    """A new :class:`SearchIndex` being made from an old one: the changes are gathered in
    small dicts, laid over the old index's mappings at the end (:class:`Layered`; the ids
    and the vocabulary share their chunks), so nothing of the old index's size is copied but
    the array of name lengths."""

    def __init__(self, old: SearchIndex) -> None:
        self.old = old
        self.ids = old.ids
        self.lengths = array("H", old._lengths)
        self.postings: dict[str, Any] = {}
        self.docs: dict[str, Any] = {}
        self.keys: dict[str, Any] = {}
        self.touched: set[str] = set()

    def _posting(self, word: str) -> array[int] | None:
        found = self.postings.get(word, _MISSING)
        if found is _MISSING:
            return self.old._postings.get(word)
        return None if found is GONE else found

    def _doc(self, actor: str) -> int | None:
        found = self.docs.get(actor, _MISSING)
        if found is _MISSING:
            return self.old._docs.get(actor)
        return None if found is GONE else found

    def rename(self, actor: str, before: str | None, after: str | None) -> None:
        doc = self._doc(actor)
        if doc is None:
            if after is None:
                return
            doc = len(self.ids)
            self.ids = appended(self.ids).plus(actor)
            self.lengths.append(0)
            self.docs[actor] = doc
            self.keys[actor.lower()] = doc
        old_words = set(before.split()) if before is not None else set()
        new_words = set(after.split()) if after is not None else set()
        for word in old_words - new_words:
            self.postings[word] = _without(self._posting(word), doc) or GONE
        for word in new_words - old_words:
            self.postings[word] = _with(self._posting(word), doc)
        self.touched |= old_words ^ new_words
        if after is None:
            self.docs[actor] = GONE
            if self.keys.get(actor.lower(), self.old._keys.get(actor.lower())) == doc:
                self.keys[actor.lower()] = GONE
            self.lengths[doc] = 0
        else:
            self.lengths[doc] = min(len(after), 65_535)

    def result(self) -> SearchIndex:
        old = self.old
        postings = layered(old._postings).changed(self.postings)
        born = sorted(w for w in self.touched if w in postings and w not in old._postings)
        died = sorted(w for w in self.touched if w not in postings and w in old._postings)
        vocabulary = old._vocabulary
        neighbours: dict[str, Any] = {}

        def listed(variant: str) -> list[str]:
            found = neighbours.get(variant, _MISSING)
            if found is _MISSING:
                return list(old._neighbours.get(variant, ()))
            return [] if found is GONE else list(found)

        if born or died:
            for word in died:
                vocabulary = vocabulary.without_id(word)
                for variant in _deletions(word) if _max_edits(word) else ():
                    left = [w for w in listed(variant) if w != word]
                    neighbours[variant] = left or GONE
            for word in born:
                vocabulary = vocabulary.with_id(word)
                for variant in _deletions(word) if _max_edits(word) else ():
                    words = listed(variant)
                    bisect.insort(words, word)
                    neighbours[variant] = words
        new = object.__new__(SearchIndex)
        new.ids, new._lengths, new._postings = self.ids, self.lengths, postings
        new._keys = layered(old._keys).changed(self.keys)
        new._docs = layered(old._docs).changed(self.docs)
        new._vocabulary = vocabulary
        new._neighbours = layered(old._neighbours).changed(neighbours)
        new._total = max(1, len(new._docs))
        return new


def appended(items: Sequence[str]) -> Appended:
    return items if isinstance(items, Appended) else Appended(items)


def _without(docs: array[int] | None, doc: int) -> array[int]:
    """``docs`` (sorted) without ``doc``, as a new array."""
    if docs is None:
        return array("I")
    i = bisect.bisect_left(docs, doc)
    if i < len(docs) and docs[i] == doc:
        return docs[:i] + docs[i + 1 :]
    return docs


def _with(docs: array[int] | None, doc: int) -> array[int]:
    """``docs`` (sorted) with ``doc``, as a new array."""
    if docs is None:
        return array("I", [doc])
    i = bisect.bisect_left(docs, doc)
    if i < len(docs) and docs[i] == doc:
        return docs
    return docs[:i] + array("I", [doc]) + docs[i:]


def _folded(projection: Projection) -> Mapping[str, str]:
    return {actor_id: fold(str(name)) for actor_id, name in projection.graph.nodes(data="name")}


def _name_changes(applied: Applied) -> dict[str, tuple[str | None, str | None]]:
    """Actor id -> (folded name before, after) for the actors a change touched."""
    return {
        actor: (
            fold(str(before["name"])) if before is not None else None,
            fold(str(after["name"])) if after is not None else None,
        )
        for actor, (before, after) in applied.actors.items()
    }


def carry_folded_names(folded: Mapping[str, str], applied: Applied) -> Mapping[str, str]:
    """The folded names after a change: the actors renamed, made or removed laid over the old
    names (:class:`~queries.analytics.layered.Layered`; the same mapping when there are none)."""
    moved = {a: change for a, change in _name_changes(applied).items() if change[0] != change[1]}
    if not moved:
        return folded
    return layered(folded).changed(
        {actor: GONE if after is None else after for actor, (_, after) in moved.items()}
    )


def folded_names(projection: Projection) -> Mapping[str, str]:
    """Actor id -> folded name, computed once per projection (search and lists share it) and
    carried along the live graph's changes."""
    return projection.derived("api.folded_names", _folded, carry_folded_names)


def _carry_search(index: SearchIndex, applied: Applied) -> SearchIndex:
    return index.changed(_name_changes(applied))


def search_index(projection: Projection) -> SearchIndex:
    """The search index of a projection, built once (about a second for 100k actors) and
    carried along the live graph's changes (:meth:`SearchIndex.changed`)."""
    # the names first: Projection.derived holds a (non-reentrant) lock while it builds
    names = folded_names(projection)
    return projection.derived(
        "api.search",
        lambda _: SearchIndex.build({"id": i, "name_key": key} for i, key in names.items()),
        _carry_search,
    )
