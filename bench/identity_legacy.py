"""The matcher identity resolution used before issue 12, kept to be measured against.

A copy of ``importers/names.py`` as it stood before the Fellegi–Sunter score (git history:
the commit before "Identity: a Fellegi-Sunter score…"): a character and word similarity of the
folded names with fixed bonuses and vetoes for places and domains, thresholds 0.95 (merge) and
0.80 (held). ``python -m bench.identity`` runs it on the same prepared records as today's.
Not used by the importers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Indel

from graph_model.identifiers import fold

MERGE_THRESHOLD = 0.95
CANDIDATE_THRESHOLD = 0.80

_STOPWORDS = frozenset(
    {
        "le", "la", "les", "l", "d", "de", "du", "des", "et", "a", "au", "aux", "en", "sur",
        "sous", "pour", "par", "un", "une", "the", "of", "and", "s",
        # legal forms and generic words: they tell nothing about which actor it is
        "association", "asso", "assoc", "scop", "scic", "sarl", "sas", "sasu", "sa", "eurl",
        "cooperative", "coop", "cie", "ste", "societe", "federation", "union", "collectif",
    }
)  # fmt: skip
#: postings longer than this are too common to find candidates with
_COMMON = 2_000


def core_tokens(name: str) -> tuple[str, ...]:
    """The distinctive words of a name, in order (all words if none is distinctive).

    >>> core_tokens("Association Les Amis de la Terre")
    ('amis', 'terre')
    """
    words = fold(name).split()
    core = tuple(w for w in words if w not in _STOPWORDS)
    return core or tuple(words)


@dataclass(slots=True)
class Entry:
    """What the index keeps of an actor."""

    actor_id: str
    kind: str
    name: str
    commune: str | None = None
    departement: str | None = None
    siren: str | None = None
    rna: str | None = None
    web: str | None = None
    mail: str | None = None
    tokens: tuple[str, ...] = ()
    core: str = ""

    def __post_init__(self) -> None:
        if not self.tokens:  # given when a probe of the same name has them already
            self.tokens = core_tokens(self.name)
        self.core = " ".join(self.tokens)


@dataclass(slots=True)
class Probe:
    """A record as identity resolution sees it."""

    name: str
    commune: str | None = None
    departement: str | None = None
    siren: str | None = None
    rna: str | None = None
    web: str | None = None
    mail: str | None = None
    kind: str | None = None  # only when the source states it
    tokens: tuple[str, ...] = field(default=())
    core: str = ""

    def __post_init__(self) -> None:
        self.tokens = core_tokens(self.name)
        self.core = " ".join(self.tokens)


@dataclass(frozen=True, slots=True)
class Match:
    actor_id: str
    name: str
    score: float
    reasons: str


def _ratio(a: str, b: str, cutoff: float = 0.0) -> float:
    """Character similarity ``2·LCS / (len a + len b)`` (the InDel ratio, computed by
    ``rapidfuzz`` in C); 0 when under ``cutoff``."""
    return float(Indel.normalized_similarity(a, b, score_cutoff=cutoff))


@lru_cache(maxsize=262_144)
def _token_ratio(a: str, b: str) -> float:
    # words repeat across names (jardins, solidaire, the communes'): cached; only a ratio of
    # 0.8 or more counts, so anything under is 0
    return 1.0 if a == b else _ratio(a, b, 0.8)


def name_similarity(a: str, b: str, a_tokens: tuple[str, ...], b_tokens: tuple[str, ...]) -> float:
    """Similarity of two names' distinctive words, 0..1.

    The mean of two views: the characters (the ratio ``2·LCS / total length``, word order
    as written or sorted: catches typos and split words) and the words (each word paired with
    its closest counterpart, ratio ≥ 0.8, weighted by length: a shared long word is not a
    shared name).
    When each name has a word the other lacks entirely (``Café des Possibles`` / ``Épicerie
    des Possibles``) the names are different and the similarity stays below 0.7.

    >>> round(name_similarity("jardins bocage", "jardins bocage", ("jardins", "bocage"),
    ...                       ("jardins", "bocage")), 2)
    1.0
    >>> name_similarity("cafe possibles", "epicerie possibles", ("cafe", "possibles"),
    ...                 ("epicerie", "possibles")) <= 0.7
    True
    """
    if a == b:
        return 1.0
    unused = list(b_tokens)
    matched = 0.0
    a_alone = False
    for token in a_tokens:
        best, best_ratio = -1, 0.0
        for i, other in enumerate(unused):
            ratio = _token_ratio(token, other)
            if ratio > best_ratio:
                best, best_ratio = i, ratio
        if best >= 0 and best_ratio >= 0.8:
            matched += best_ratio * (len(token) + len(unused[best]))
            unused.pop(best)
        else:
            a_alone = True
    total = sum(map(len, a_tokens)) + sum(map(len, b_tokens))
    words = matched / total if total else 0.0
    if words < 0.4:
        return words  # hardly a word in common: no need to compare characters
    chars = _ratio(a, b)
    sa, sb = " ".join(sorted(a_tokens)), " ".join(sorted(b_tokens))
    if (sa, sb) != (a, b):
        chars = max(chars, _ratio(sa, sb))
    similarity = (chars + words) / 2
    if a_alone and unused:
        similarity = min(similarity, 0.7)
    return similarity


def score(probe: Probe, entry: Entry) -> tuple[float, str] | None:  # noqa: PLR0911, PLR0912
    # one branch per row of the scoring table in the module docstring: kept side by side
    """The score of ``entry`` being the actor ``probe`` describes, with why; ``None`` when
    they are certainly different actors (see the module docstring)."""
    if probe.siren and entry.siren and probe.siren != entry.siren:
        return None
    if probe.rna and entry.rna and probe.rna != entry.rna:
        return None
    # cheap upper bound first (the lengths alone): most index entries are far from the probe
    la, lb = len(probe.core), len(entry.core)
    if probe.core != entry.core and 2 * min(la, lb) < 0.6 * (la + lb):
        return None
    name = name_similarity(probe.core, entry.core, probe.tokens, entry.tokens)
    if name < 0.6:
        return None
    reasons = [f"name {name:.2f}"]
    same_web = bool(probe.web and entry.web and probe.web == entry.web)
    place = 0.0
    if probe.commune and entry.commune:
        if probe.commune != entry.commune:
            if not same_web:
                return None  # two places sharing a name are two actors
            place, why = -0.20, "different communes"
        else:
            place, why = 0.05, "same commune"
    elif probe.departement and entry.departement:
        if probe.departement != entry.departement:
            if not same_web:
                return None
            place, why = -0.20, "different départements"
        else:
            place, why = -0.03, "same département"
    elif not (probe.commune or probe.departement or entry.commune or entry.departement):
        place, why = -0.03, "no place on either side"
    else:
        place, why = -0.10, "no common place"
    reasons.append(why)
    contact = 0.0
    if probe.web and entry.web:
        contact = 0.15 if same_web else -0.15
        reasons.append("same website" if same_web else "different websites")
    elif probe.mail and entry.mail and probe.mail == entry.mail:
        contact = 0.10
        reasons.append("same mail domain")
    total = min(1.0, name + place + contact)
    if probe.kind and probe.kind != entry.kind:
        total = min(total, MERGE_THRESHOLD - 0.01)
        reasons.append(f"kind {probe.kind} ≠ {entry.kind}")
    return total, ", ".join(reasons)


class _Block:
    """The actors of one département: exact names and word postings."""

    __slots__ = ("exact", "postings", "size")

    def __init__(self) -> None:
        self.exact: dict[str, list[Entry]] = defaultdict(list)
        self.postings: dict[str, list[Entry]] = defaultdict(list)
        self.size = 0


class NameIndex:
    """Folded names of the graph's actors by département, for the scored match."""

    def __init__(self) -> None:
        self._blocks: dict[str, _Block] = defaultdict(_Block)
        self._exact: dict[str, list[Entry]] = defaultdict(list)
        self._current: dict[str, Entry] = {}

    def __len__(self) -> int:
        return len(self._current)

    def add(self, entry: Entry) -> None:
        """Add an actor (or replace what the index knew of it)."""
        self._current[entry.actor_id] = entry
        block = self._blocks[entry.departement or ""]
        block.size += 1
        block.exact[entry.core].append(entry)
        for token in set(entry.tokens):
            block.postings[token].append(entry)
        self._exact[entry.core].append(entry)

    def extend(self, entries: Iterable[Entry]) -> None:
        for entry in entries:
            self.add(entry)

    def _live(self, entry: Entry) -> bool:
        return self._current.get(entry.actor_id) is entry

    def _candidates(self, probe: Probe) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        for entry in self._exact.get(probe.core, ()):
            if self._live(entry):
                found[entry.actor_id] = entry
        for key in dict.fromkeys((probe.departement or "", "")):
            block = self._blocks.get(key)
            if block is None:
                continue
            # rarest words first; ties by the word, so that the same file finds the same
            # candidates whatever the order of a set
            words = sorted(
                (t for t in set(probe.tokens) if t in block.postings),
                key=lambda t: (len(block.postings[t]), t),
            )
            lists = [block.postings[t] for t in words]
            # a word most of the block shares (its commune's name, "solidaire") finds everyone:
            # vote with the distinctive words only (the rarest one if none is)
            limit = min(_COMMON, max(50, block.size // 20))
            distinctive = [p for p in lists if len(p) <= limit][:3]
            lists = distinctive or [p for p in lists[:1] if len(p) <= _COMMON]
            if not lists:
                continue
            need = 1 if len(lists) == 1 else 2
            votes: Counter[str] = Counter()
            entries: dict[str, Entry] = {}
            for posting in lists:
                for entry in posting:
                    votes[entry.actor_id] += 1
                    entries[entry.actor_id] = entry
            for actor_id, count in votes.items():
                if count >= need and self._live(entries[actor_id]):
                    found[actor_id] = entries[actor_id]
        return found

    def matches(self, probe: Probe, *, exclude: Iterable[str] = ()) -> list[Match]:
        """Every actor scoring at least :data:`CANDIDATE_THRESHOLD`, best first."""
        skip = set(exclude)
        result: list[Match] = []
        for actor_id, entry in self._candidates(probe).items():
            if actor_id in skip:
                continue
            scored = score(probe, entry)
            if scored is not None and scored[0] >= CANDIDATE_THRESHOLD:
                result.append(Match(actor_id, entry.name, round(scored[0], 3), scored[1]))
        result.sort(key=lambda m: (-m.score, m.actor_id))
        return result

    def best(self, probe: Probe, *, exclude: Iterable[str] = ()) -> Match | None:
        found = self.matches(probe, exclude=exclude)
        return found[0] if found else None
