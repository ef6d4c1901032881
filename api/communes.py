"""Communes by name or postcode, for the actor form's autocomplete (``communes(search:)``).

Over the shipped territory reference (:func:`graph_model.territories.load_reference`: 34,969
communes and the 45 arrondissements of Paris, Lyon and Marseille, with postcodes, population and
centre), read once per process. A search is:

- **digits** — a postcode prefix (``310`` → the communes of 31000…31099) or an INSEE code
  (``31555``); a postcode served exactly comes first;
- **words** — accent- and case-insensitive (``herouville`` finds Hérouville-Saint-Clair), each
  word a prefix of a word of the name, in order (``st`` and ``ste`` stand for Saint and Sainte);
  the exact name first, then names that start with the search, then the others.

Within a rank, the larger population first: « Saint-Denis » lists the Saint-Denis of
Seine-Saint-Denis and of La Réunion before the villages of that name.

>>> [c.name for c in search_communes("toulouse", 2)]
['Toulouse', 'Toulouse-le-Château']
>>> [c.code for c in search_communes("31555", 1)]
['31555']
>>> search_communes("st etienne", 1)[0].name
'Saint-Étienne'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from graph_model.identifiers import fold
from graph_model.territories import Commune, load_reference

#: the most a search answers
MAX_HITS = 50
#: the longest search read (a name is never longer)
MAX_SEARCH = 100
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


@dataclass(frozen=True)
class _Entry:
    folded: str
    words: tuple[str, ...]
    commune: Commune
    #: communes before arrondissements, then the larger first
    weight: tuple[int, int]


@cache
def _entries() -> tuple[_Entry, ...]:
    entries = [
        _Entry(
            fold(c.name),
            tuple(fold(c.name).split()),
            c,
            (0 if c.kind == "commune" else 1, -(c.population or 0)),
        )
        for c in load_reference().communes.values()
    ]
    return tuple(sorted(entries, key=lambda e: (e.weight, e.commune.code)))


def _by_number(digits: str, first: int) -> list[Commune]:
    exact, prefix = [], []
    for entry in _entries():
        commune = entry.commune
        if commune.code == digits or digits in commune.postcodes:
            exact.append(commune)
        elif any(p.startswith(digits) for p in commune.postcodes):
            prefix.append(commune)
    return (exact + prefix)[:first]


def _words_match(wanted: list[str], words: tuple[str, ...]) -> bool:
    """Each wanted word a prefix of a word of the name, in order."""
    at = 0
    for part in wanted:
        while at < len(words) and not words[at].startswith(part):
            at += 1
        if at == len(words):
            return False
        at += 1
    return True


def search_communes(search: str, first: int = 10) -> list[Commune]:
    """The communes a search names, best first (see the module docstring)."""
    text = search.strip()[:MAX_SEARCH]
    first = max(1, min(first, MAX_HITS))
    compact = text.replace(" ", "")
    if compact.isdigit():
        return _by_number(compact[:5], first) if len(compact) >= 2 else []
    wanted = [_ABBREVIATIONS.get(w, w) for w in fold(text).split()]
    if not wanted or len("".join(wanted)) < 2:
        return []
    folded = " ".join(wanted)
    ranked: list[tuple[int, _Entry]] = []
    for entry in _entries():
        if entry.folded == folded:
            ranked.append((0, entry))
        elif entry.folded.startswith(folded):
            ranked.append((1, entry))
        elif _words_match(wanted, entry.words):
            ranked.append((2, entry))
    ranked.sort(key=lambda pair: (pair[0], pair[1].weight, pair[1].commune.code))
    return [entry.commune for _, entry in ranked[:first]]


__all__ = ["MAX_HITS", "search_communes"]
