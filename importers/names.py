"""Names as identity resolution compares them: tokens, word kinds and how rare a word is.

A name is folded (accents, case, ``œ``/``oe``, ``’``/``'``, punctuation: :func:`fold`), split
into words, a plural ``s``/``x`` dropped, ``st``/``ste`` read ``saint``/``sainte``, ``cie``
``compagnie`` and a number written out as its digits (``sept`` ``7``), and a name
written twice in a row by an export is read once (``Le Jardin partagé Le Jardin partagé``).
Then its words fall in three kinds:

* **filler** — articles, prepositions and legal forms (``le``, ``des``, ``association``,
  ``scop``, ``sarl``…): left out, they tell nothing about which actor it is;
* **kind words** — what sort of place it is (``librairie``, ``comité``, ``épicerie``,
  ``ressourcerie``, ``jardin``, ``amap``…): kept, but one that one name has and the other lacks
  costs little (``Librairie X`` / ``X``), while two *different* kind words are a sign of two
  actors (``Café des Possibles`` / ``Épicerie des Possibles``);
* **distinctive words** — the rest: a place's own name.

How much a shared word proves depends on how rare it is (term-frequency adjustment, as Splink
does): :class:`TermStats` counts the words of the graph's actors and gives each word its
Fellegi–Sunter agreement weight ``log2(m / u)``, ``u`` being the chance that two unrelated
actors share it — so ``creillois`` weighs far more than ``ressourcerie`` or ``solidaire``. A
graph too small to count (a first import) borrows shipped base rates (:data:`BASE_RATES`).

The probe and the index entry (:class:`Probe`, :class:`Entry`) and the answer
(:class:`Match`) live here too, so that the records of the pipeline can name them.

>>> name_tokens("Le Jardin partagé Le Jardin partagé")
('jardin', 'partage')
>>> name_tokens("Association Les Amis de la Terre")
('ami', 'terre')
>>> name_tokens("L’Œuvre de St Michel") == name_tokens("l'oeuvre de saint michel")
True
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from graph_model.identifiers import fold

#: articles, prepositions and legal forms: not part of what names an actor
FILLER = frozenset(
    {
        "le", "la", "les", "l", "d", "de", "du", "des", "et", "a", "au", "aux", "en", "sur",
        "sous", "pour", "par", "un", "une", "the", "of", "and", "s", "chez", "dans",
        "association", "asso", "assoc", "scop", "scic", "sarl", "sa", "sasu", "eurl", "sci",
        "gie", "societe", "ste", "cooperative", "coop", "cooperatif", "loi", "1901",
        "ass", "assos", "inc", "ltd", "sca", "scea", "earl", "gaec", "saem", "sem", "siae",
        "ess", "esus",
    }
)  # fmt: skip

#: what sort of place a word says it is (kept, but weak: often added or dropped)
KIND_WORDS = frozenset(
    {
        "librairie", "comite", "ami", "collectif", "maison", "atelier", "cafe", "epicerie",
        "ressourcerie", "recyclerie", "jardin", "amap", "ferme", "boutique", "bar",
        "restaurant", "tiers", "lieu", "fablab", "garage", "ecole", "centre", "espace",
        "foyer", "club", "groupe", "reseau", "federation", "union", "antenne", "relais",
        "pole", "cinema", "theatre", "compagnie", "marche", "friperie", "cantine", "bistrot",
        "auberge", "magasin", "supermarche", "repair", "fabrique", "entreprise", "chantier",
        "regie", "insertion", "emmaus", "secours", "comptoir", "local", "point", "mouvement",
        "coordination", "plateforme", "incubateur", "pepiniere", "bibliotheque",
        "mediatheque", "ludotheque", "conserverie", "brasserie", "boulangerie", "fournil",
        "cuisine", "laverie", "accueil", "service", "agence", "bureau",
    }
)  # fmt: skip

#: the share of French ESS actors' names holding a word, for words common enough that a
#: first import (a graph too small to count) must not take them for rare. Estimates from the
#: shared generator's vocabulary and public directories (a word absent here counts as rare).
BASE_RATES: dict[str, float] = {
    "solidaire": 0.06, "jardin": 0.03, "partage": 0.015, "epicerie": 0.012, "amap": 0.012,
    "ressourcerie": 0.006, "recyclerie": 0.004, "cafe": 0.012, "maison": 0.02,
    "atelier": 0.015, "collectif": 0.02, "france": 0.02, "pays": 0.02, "reseau": 0.02,
    "centre": 0.01, "espace": 0.01, "ami": 0.01, "comite": 0.006, "velo": 0.008,
    "tiers": 0.006, "lieu": 0.008, "citoyen": 0.01, "economie": 0.01, "social": 0.01,
    "sociale": 0.008, "culture": 0.01, "culturel": 0.006, "environnement": 0.006,
    "developpement": 0.006, "durable": 0.006, "insertion": 0.008, "emploi": 0.006,
    "territoire": 0.008, "local": 0.008, "locale": 0.006, "nature": 0.006, "terre": 0.008,
    "vert": 0.006, "ville": 0.006, "quartier": 0.006, "habitat": 0.006, "energie": 0.006,
    "alimentation": 0.004, "bio": 0.008, "biocoop": 0.003, "emmaus": 0.003, "secours": 0.003,
    "populaire": 0.006, "education": 0.006, "sport": 0.006, "sante": 0.004, "saint": 0.02,
    "sainte": 0.006, "ferme": 0.008, "marche": 0.004, "boutique": 0.004, "nouveau": 0.004,
    "avenir": 0.004, "vie": 0.006, "monde": 0.004, "commun": 0.006, "partagee": 0.004,
    "regional": 0.006, "departemental": 0.004, "national": 0.004, "union": 0.006,
    "federation": 0.006, "ecole": 0.006, "entreprise": 0.006, "service": 0.006,
}  # fmt: skip

#: a graph smaller than this counts words as if it had this many actors (rare stays rare)
MIN_POPULATION = 20_000
#: the chance that one actor's two records both hold a word of its name
M_WORD = 0.95
#: the most one word may weigh, and the most a matched kind word weighs
MAX_WORD_WEIGHT = 10.0
MAX_KIND_WEIGHT = 2.0
#: the fewest letters of a kind word glued to the next word, and of that word (``amap`` …)
GLUED_MIN = 4

#: ``& Cie`` is ``et Compagnie`` (``Légumes & Cie`` / ``Légumes et Compagnie``)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "stes": "saintes", "cie": "compagnie"}
#: a number written out is the number (``Les Sept Arpents`` / ``AMAP 7 Arpents``); not ``un``
#: (an article) nor ``neuf`` (« new »: ``Pont-Neuf``)
_ABBREVIATIONS |= {"deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6",
                   "sept": "7", "huit": "8", "dix": "10"}  # fmt: skip


def _stem(word: str) -> str:
    """Drop a plural ``s``/``x`` (``jardins`` → ``jardin``, ``bureaux`` → ``bureau``)."""
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


# the word lists as the names' words are compared: stemmed the same way
FILLER = frozenset(map(_stem, FILLER))
KIND_WORDS = frozenset(map(_stem, KIND_WORDS))
BASE_RATES = {_stem(word): rate for word, rate in BASE_RATES.items()}


#: a kind word spelt out is the kind word, whatever the filler between its words
#: (``Association pour le Maintien d'une Agriculture Paysanne Champs Libres`` is an AMAP)
_SPELT_KINDS = {("maintien", "agriculture", "paysanne"): "amap"}


def _spelt_kinds(words: list[str]) -> list[str]:
    """``words`` with a kind word spelt out (:data:`_SPELT_KINDS`) read as the kind word."""
    for spelt, kind in _SPELT_KINDS.items():
        core = [i for i, w in enumerate(words) if w not in FILLER]
        for j in range(len(core) - len(spelt) + 1):
            at = core[j : j + len(spelt)]
            if tuple(words[i] for i in at) == spelt:
                words = [*words[: at[0]], kind, *words[at[-1] + 1 :]]
                break
    return words


@lru_cache(maxsize=262_144)
def words_of(name: str) -> tuple[str, ...]:
    """A name's words, folded and stemmed, a repeated name read once (filler kept), a kind
    word spelt out read as the kind word."""
    words = [_ABBREVIATIONS.get(w, w) for w in fold(name).split()]
    words = _spelt_kinds([_stem(w) for w in words])
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        words = words[:half]
    return tuple(words)


@lru_cache(maxsize=262_144)
def name_tokens(name: str) -> tuple[str, ...]:
    """The words that name the actor, in order: filler left out (all words if only filler).

    >>> name_tokens("SCOP Librairie Les Jardins de Suzanne")
    ('librairie', 'jardin', 'suzanne')
    """
    words = words_of(name)
    core = tuple(dict.fromkeys(w for w in words if w not in FILLER))
    return core or tuple(dict.fromkeys(words))


def is_kind_word(word: str) -> bool:
    return word in KIND_WORDS


def one_typo(a: str, b: str) -> bool:
    """Two distinctive words one typo apart, both long enough to tell: a letter missed,
    added or changed, or — in a longer word — one letter written out of place, the same
    letters in another order (``gourmand``/``groumand``, ``solidaire``/``soldiaire``).

    >>> one_typo("creillois", "creilois"), one_typo("caen", "cean"), one_typo("vert", "verte")
    (True, False, False)
    >>> one_typo("gourmand", "groumand"), one_typo("gourmand", "mangourd")
    (True, False)
    """
    if len(a) < 5 or len(b) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if Levenshtein.distance(a, b, score_cutoff=1) <= 1:
        return True
    moved = len(a) >= 7 and sorted(a) == sorted(b)
    return moved and Levenshtein.distance(a, b, score_cutoff=2) <= 2


def alike(a: str, b: str) -> bool:
    """One word written two ways: a one-letter typo, or an article glued on
    (``lecho``/``echo``, ``laecho``/``echo``)."""
    if abs(len(a) - len(b)) > 2 or len(a) < 4 or len(b) < 4:
        return False
    if one_typo(a, b):
        return True
    long, short = (a, b) if len(a) > len(b) else (b, a)
    if len(short) >= 4 and len(long) - len(short) <= 2 and long.endswith(short):
        return long[0] in "dlq"  # l'/d'/qu' written without its apostrophe
    return len(a) == len(b) == 4 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _spells(sigle: str, words: tuple[str, ...]) -> bool:
    """Whether words in a row of ``words`` (the sigle not among them) start with the sigle's
    letters, each word that is not filler spelling one (``ljb``: ``les jardins de bramavel``).
    """

    def from_(letters: str, i: int) -> bool:
        if not letters:
            return True
        if i == len(words) or words[i] == sigle:
            return False
        word = words[i]
        if word[0] == letters[0] and from_(letters[1:], i + 1):
            return True
        return word in FILLER and from_(letters, i + 1)

    return any(words[i][0] == sigle[0] and from_(sigle, i) for i in range(len(words)))


def unspelt(tokens: tuple[str, ...], other: tuple[str, ...], name: str = "") -> tuple[str, ...]:
    """``tokens`` without a sigle of the name's own words that the other name lacks
    (``Le Cresson Gourmand (AMAP LCG)`` / ``Le Cresson Gourmand``: ``lcg`` says the words
    again), and without the words a sigle of theirs spells out, when the other name has the
    sigle and none of those words (``CRIC (Comptoir de Ressources et d'Implications
    Citoyennes)`` / ``CRIC``): the words are a reading of the sigle, not more of a name. Only
    a sigle of three letters or more, spelt by as many words in a row, and only when the other
    name has no word of its own beside kind words: ``Amap des Guignons (association CEAN)``
    is the AMAP of the CEAN, not the CEAN.

    >>> unspelt(("cric", "comptoir", "ressource", "implication", "citoyenne"), ("cric",))
    ('cric',)
    >>> unspelt(("cean", "consommer", "echanger", "autrement", "nanterre"), ("guignon", "cean"))
    ('cean', 'consommer', 'echanger', 'autrement', 'nanterre')
    >>> unspelt(("cresson", "gourmand", "lcg"), ("cresson", "gourmand"), "Le Cresson Gourmand LCG")
    ('cresson', 'gourmand')
    """
    if name:
        words = words_of(name)
        tokens = tuple(
            t
            for t in tokens
            if t in other or len(t) < 3 or not t.isalpha() or not _spells(t, words)
        )
    for sigle in tokens:
        size = len(sigle)
        if size < 3 or not sigle.isalpha() or sigle not in other:
            continue
        if not all(w in tokens or is_kind_word(w) for w in other):
            return tokens
        for start in range(len(tokens) - size + 1):
            run = tokens[start : start + size]
            if (
                sigle not in run
                and "".join(w[0] for w in run) == sigle
                and not any(w in other for w in run)
            ):
                return tokens[:start] + tokens[start + size :]
    return tokens


def unglued(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """``tokens`` with a kind word glued to the next word read as the two words the other
    name writes apart (``amapmontrouge`` / ``amap montrouge``): only when the other name has
    both, so that ``groupement``, ``fermeture`` or ``lieusaint`` stay one word.

    >>> unglued(("amapmontrouge",), ("amap", "montrouge")), unglued(("groupement",), ("groupe",))
    (('amap', 'montrouge'), ('groupement',))
    """
    out: list[str] = []
    for token in tokens:
        if len(token) >= 2 * GLUED_MIN and token not in other:
            kind = next(
                (
                    k
                    for k in other
                    if len(k) >= GLUED_MIN
                    and token.startswith(k)
                    and is_kind_word(k)
                    and token[len(k) :] in other
                ),
                None,
            )
            if kind is not None and len(token) - len(kind) >= GLUED_MIN:
                out += (kind, token[len(kind) :])
                continue
        out.append(token)
    return tuple(out) if len(out) > len(tokens) else tokens


class TermStats:
    """How often each word appears in the names of the graph's actors: the term-frequency
    weights of the name comparison (updated as a run adds actors)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.actors = 0
        self._weights: dict[str, float] = {}

    def add(self, entry: Entry, sign: int = 1) -> None:
        """Count an actor's words, commune and domains (``sign=-1``: forget them)."""
        self.actors += sign
        for token in entry.tokens:
            self.counts[token] += sign
        for key in (entry.commune and f"c:{entry.commune}", entry.web and f"w:{entry.web}",
                    entry.mail and f"m:{entry.mail}",
                    entry.phone and f"p:{entry.phone}"):  # fmt: skip
            if key:
                self.counts[key] += sign
        if self._weights and self.actors % 1_000 == 0:
            self._weights.clear()  # rates moved: weigh again

    def rate(self, key: str, floor: float) -> float:
        """The share of actors with this counted value (a commune ``c:``, a website ``w:``,
        a mail domain ``m:``, a telephone number ``p:``), never under ``floor``."""
        return max(self.counts.get(key, 0) / max(self.actors, MIN_POPULATION), floor)

    def u(self, token: str) -> float:
        """The chance that two unrelated actors' names share ``token``."""
        seen = self.counts.get(token, 0) / max(self.actors, MIN_POPULATION)
        return max(seen, BASE_RATES.get(token, 0.0), 1.0 / (10 * MIN_POPULATION))

    def weight(self, token: str) -> float:
        """The agreement weight of a shared word, ``log2(m / u)``, bounded."""
        weight = self._weights.get(token)
        if weight is None:
            weight = min(MAX_WORD_WEIGHT, math.log2(M_WORD / self.u(token)))
            if token in KIND_WORDS:
                weight = min(weight, MAX_KIND_WEIGHT)
            self._weights[token] = weight
        return weight


@dataclass(slots=True)
class Probe:
    """A record as identity resolution sees it (places as INSEE codes; the point only when
    the source gives coordinates)."""

    name: str
    commune: str | None = None
    departement: str | None = None
    siren: str | None = None
    rna: str | None = None
    web: str | None = None
    mail: str | None = None
    kind: str | None = None  # only when the source states it
    siret: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None  # E.164
    tokens: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        self.tokens = name_tokens(self.name)

    @property
    def core(self) -> str:
        return " ".join(self.tokens)


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
    siret: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None  # E.164

    def __post_init__(self) -> None:
        if not self.tokens:  # given when a probe of the same name has them already
            self.tokens = name_tokens(self.name)

    @property
    def core(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True, slots=True)
class Match:
    """The best actor found for a record: its probability of being the same actor (0..1),
    the match weight behind it (log2 odds) and the comparisons that made it."""

    actor_id: str
    name: str
    score: float
    reasons: str
    weight: float = 0.0
