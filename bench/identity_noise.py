"""The identity benchmark's data: two lists of one movement, with a documented noise model.

``movement_pair(n, seed)`` gives a first list (source A: clean records of ``n`` actors, each
with a distinct name in a real commune of the shipped reference) and a second, sloppier one
(source B) whose every record is labelled: the A actor it is (a true pair, with the kind of
variation that separates them) or none (a decoy built to look like an A actor, or an unrelated
actor). Deterministic for a seed; nothing but the standard library and the territory reference.

The noise model — what turns an A record into its B record, one kind each, ~equal shares:

==================  ===========================================================================
kind                the B record
==================  ===========================================================================
``kind_word``       a prefix or kind word added or dropped: ``Comité d'amis X`` / ``X``,
                    ``Librairie X``, ``Association X``, ``X - Le Hangar``
``repeated``        the name written twice in a row (``Le Jardin partagé Le Jardin partagé``)
``typography``      ’ for ', œ for oe (or back), capitals, accents dropped
``typo``            one letter changed, dropped or doubled in the distinctive word (6+ letters)
``neighbour_seat``  the seat in the nearest other commune (centres ≤ 8 km); both records carry
                    exact points ≤ 300 m apart
``postcode_in``     ``44000 Nantes`` in the commune field, no postcode column
``identifier``      both carry the SIREN; B writes the register's form (``ASSOCIATION X`` in
                    capitals) and no place
``sloppy``          capitals, no accents, the commune as the post office writes it (``ST``)
``combined``        three at once: a kind word added, capitals without accents, a one-letter
                    typo in the distinctive word
``phone``           the name said otherwise around its distinctive word (``Kermavel Récup``
                    for ``Le Hangar à Kermavel``), same commune, the same telephone written
                    another way (``02.31…``, ``+33 2 31…``, ``0033…``, ``Tél : …``)
==================  ===========================================================================

Telephones: 60 % of A records give one (a landline of the commune's zone, ``0Z XX XX XX XX``);
the B record of a true pair gives the same number written another way (55 %), a different one
(a mobile, 10 %) or none.

Decoys (B records that are *other* actors):

==================  ===========================================================================
``chain``           a chain or federation: the same brand in another town (``Biocoop Kerlaz``
                    in two départements), the same website
``generic``         a generic name (``Épicerie solidaire``, ``Jardin partagé``, ``AMAP``) that an
                    A actor also bears, in another commune of the same département
``brand_20km``      one brand's second place 15–25 km away, both with exact points
``branch``          a federation's local branch: ``Emmaüs <town>`` in another town of the
                    same département, the federation's website
``switchboard``     a federation's branches share its number: A holds ``<brand> <town>`` in two
                    communes with one telephone; B is another branch (``<brand> <word>``) in
                    a neighbouring commune of the first (centres ≤ 8 km), with that number
``unrelated``       an actor A does not know (a name of its own)
==================  ===========================================================================
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from graph_model.territories import Commune, load_reference

KINDS = (
    "kind_word", "repeated", "typography", "typo", "neighbour_seat", "postcode_in",
    "identifier", "sloppy", "combined", "phone",
)  # fmt: skip
DECOYS = ("chain", "generic", "brand_20km", "branch", "switchboard", "unrelated")

_SYLLABLES = (
    "ker", "lou", "an", "bra", "ma", "vel", "mont", "ali", "vet", "tré", "gor", "ven", "rou",
    "zac", "bel", "lan", "dor", "mé", "ris", "tal", "fon", "cha", "quin", "bé", "gal", "sor",
    "nel", "ar", "vi", "gny", "pré", "lin", "cour", "sac", "ton", "mi", "ra", "bou", "lé",
)  # fmt: skip
_PATTERNS = (
    "Les Jardins de {x}", "La Ressourcerie {x}", "Le Hangar à {x}", "Café {x}",
    "Librairie {x}", "L'Atelier de {x}", "Épicerie {x}", "La Clé de {x}", "Cœur de {x}",
    "La Fabrique {x}", "L'Écho de {x}", "Le Fournil de {x}", "{x} Solidaire",
    "Les Amis de {x}", "La Maison de {x}", "Terre de {x}",
)  # fmt: skip
_GENERIC = ("Épicerie solidaire", "Jardin partagé", "AMAP", "Repair café", "Ressourcerie")
_BRANDS = ("Biocoop", "Emmaüs", "La Cloche", "Enercoop", "Kokopelli")
_ADDED = ("Comité d'amis de {n}", "Librairie {n}", "Association {n}", "{n} - Le Hangar")
#: the words of the name patterns (what is not an actor's own word)
_FIXED = frozenset(w for p in _PATTERNS for w in p.replace("{x}", "").split())
_SAID_OTHERWISE = ("{w} Récup", "{w} Solidarité", "Collectif {w}", "{w} et compagnie")
#: the first digit of a landline by région (the five zones of the French plan)
_ZONE = {"11": "1", "24": "2", "28": "2", "53": "2", "52": "2", "32": "3", "44": "3",
         "27": "3", "84": "4", "93": "4", "94": "4", "75": "5", "76": "5"}  # fmt: skip
_PHONE_FORMS = (
    "{0}{1} {2} {3} {4}", "{0}{1}.{2}.{3}.{4}", "+33 {z} {1} {2} {3} {4}",
    "0033 {z} {1} {2} {3} {4}", "Tél : {0}{1}-{2}-{3}-{4}", "{0}{1}{2}{3}{4}",
)  # fmt: skip


def written_otherwise(number: str, rng: random.Random) -> str:
    """A ``0Z XX XX XX XX`` number in another of the ways French files write it."""
    digits = number.replace(" ", "")
    parts = [digits[:2], digits[2:4], digits[4:6], digits[6:8], digits[8:10]]
    form = rng.choice([f for f in _PHONE_FORMS if f.format(*parts, z=digits[1]) != number])
    return form.format(*parts, z=digits[1])


@dataclass
class Record:
    """One row of a list: what the spreadsheet writes, and its label."""

    key: str
    name: str
    commune: str  # the commune column as written
    postcode: str
    siren: str = ""
    website: str = ""
    phone: str = ""
    latitude: float | None = None
    longitude: float | None = None
    #: B only: the key of the A record it is (None: another actor), and the kind of pair
    same_as: str | None = None
    kind: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _siren(rng: random.Random) -> str:
    body = [rng.randrange(10) for _ in range(8)]
    for check in range(10):
        digits = [*body, check]
        total = 0
        for i, d in enumerate(reversed(digits)):
            d2 = d * 2 if i % 2 else d
            total += d2 - 9 if d2 > 9 else d2
        if total % 10 == 0:
            return "".join(map(str, digits))
    raise AssertionError("a Luhn digit always exists")


def _km(a: Commune, b: Commune) -> float:
    p1, p2 = math.radians(a.lat or 0.0), math.radians(b.lat or 0.0)
    dp, dl = p2 - p1, math.radians((b.lon or 0.0) - (a.lon or 0.0))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _Places:
    """Communes with a centre and a postcode, by département, with their near neighbours."""

    def __init__(self) -> None:
        reference = load_reference()
        self.communes = [
            c
            for c in reference.communes.values()
            if c.kind == "commune" and c.coord_precision == "commune" and c.postcodes
            and (c.population or 0) >= 1_500 and c.departement < "96"
        ]  # fmt: skip
        self.by_dep: dict[str, list[Commune]] = {}
        for commune in self.communes:
            self.by_dep.setdefault(commune.departement, []).append(commune)

    def near(self, commune: Commune, low: float, high: float) -> Commune | None:
        options = [
            c
            for c in self.by_dep[commune.departement]
            if c.code != commune.code and low <= _km(commune, c) <= high
        ]
        return min(options, key=lambda c: (_km(commune, c), c.code)) if options else None


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    how = rng.choice(("swap", "drop", "double"))
    if how == "drop":
        return word[:i] + word[i + 1 :]
    if how == "double":
        return word[:i] + word[i] + word[i:]
    letter = rng.choice([c for c in "aeioulnrst" if c != word[i]])
    return word[:i] + letter + word[i + 1 :]


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.places = _Places()
        self.names: set[str] = set()
        self.taken: set[tuple[str, str]] = set()
        self.count = 0

    def word(self) -> str:
        while True:
            w = "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.choice((2, 3, 3))))
            if len(w) >= 6 and w not in self.names:
                self.names.add(w)
                return w.capitalize()

    def fresh(self, name: str, commune: Commune) -> bool:
        """True the first time a name is given to an actor of a commune."""
        taken = (name, commune.code) in self.taken
        self.taken.add((name, commune.code))
        return not taken

    def key(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count:05d}"

    def commune(self) -> Commune:
        return self.rng.choice(self.places.communes)

    def phone(self, commune: Commune, *, mobile: bool = False) -> str:
        zone = self.rng.choice("67") if mobile else _ZONE.get(commune.region or "", "5")
        d = f"0{zone}" + "".join(str(self.rng.randrange(10)) for _ in range(8))
        return f"{d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]} {d[8:10]}"

    def record(self, prefix: str, name: str, commune: Commune, **extra: object) -> Record:
        return Record(
            self.key(prefix),
            name,
            commune.name,
            commune.postcodes[0],
            **extra,  # type: ignore[arg-type]
        )


def _point(commune: Commune, rng: random.Random) -> tuple[float, float]:
    return (
        round((commune.lat or 0.0) + rng.uniform(-0.004, 0.004), 6),
        round((commune.lon or 0.0) + rng.uniform(-0.004, 0.004), 6),
    )


def _phones(kind: str, a: Record, b: Record, commune: Commune, m: _Maker) -> None:
    """The B record's telephone: A's written otherwise, a mobile instead, or none."""
    if kind == "phone":
        a.phone = a.phone or m.phone(commune)
        b.phone = written_otherwise(a.phone, m.rng)
    elif a.phone:
        draw = m.rng.random()
        if draw < 0.55:
            b.phone = written_otherwise(a.phone, m.rng)
        elif draw < 0.65:
            b.phone = m.phone(commune, mobile=True)


def _variant(kind: str, a: Record, commune: Commune, m: _Maker) -> Record | None:  # noqa: PLR0912 — one branch a kind of variation
    rng = m.rng
    b = Record(m.key("b"), a.name, a.commune, a.postcode, same_as=a.key, kind=kind)
    _phones(kind, a, b, commune, m)
    if kind == "phone":
        distinctive = max((w for w in a.name.split() if w not in _FIXED), key=len)
        b.name = rng.choice(_SAID_OTHERWISE).format(w=distinctive)
    elif kind == "kind_word":
        b.name = rng.choice(_ADDED).format(n=a.name)
    elif kind == "repeated":
        b.name = f"{a.name} {a.name}"
    elif kind == "typography":
        name = a.name.replace("'", "’") if "'" in a.name else a.name
        name = name.replace("œ", "oe") if "œ" in name else name.replace("oe", "œ")
        b.name = rng.choice((_strip_accents(name), name.lower(), name.upper(), name))
        if b.name == a.name:
            b.name = _strip_accents(name).lower()
    elif kind == "typo":
        words = a.name.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        if len(words[longest]) < 6:
            return None
        words[longest] = _typo(words[longest], rng)
        b.name = " ".join(words)
    elif kind == "neighbour_seat":
        other = m.places.near(commune, 1.0, 8.0)
        if other is None:
            return None
        a.latitude, a.longitude = _point(commune, rng)
        b.latitude = round(a.latitude + rng.uniform(-0.002, 0.002), 6)
        b.longitude = round(a.longitude + rng.uniform(-0.002, 0.002), 6)
        b.commune, b.postcode = other.name, other.postcodes[0]
    elif kind == "postcode_in":
        b.commune, b.postcode = f"{a.postcode} {a.commune}", ""
    elif kind == "identifier":
        a.siren = b.siren = _siren(rng)
        b.name, b.commune, b.postcode = f"ASSOCIATION {_strip_accents(a.name).upper()}", "", ""
    elif kind == "sloppy":
        b.name = _strip_accents(a.name).upper().replace("'", " ")
        b.commune = _strip_accents(a.commune).upper().replace("SAINT-", "ST ")
    elif kind == "combined":
        words = a.name.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        words[longest] = _typo(words[longest], rng)
        added = rng.choice(_ADDED).format(n=" ".join(words))
        b.name = _strip_accents(added).upper()
    return b


def _switchboard(m: _Maker, commune: Commune, a_list: list[Record]) -> Iterator[Record]:
    """Two branches of a federation in A sharing its number; a third, nearby, in B."""
    brand = m.rng.choice(_BRANDS)
    others = [c for c in m.places.by_dep[commune.departement] if c != commune]
    near = m.places.near(commune, 1.0, 8.0)
    if not others or near is None:
        return
    other, line = m.rng.choice(others), m.phone(commune)
    names = (f"{brand} {commune.name}", f"{brand} {other.name}")
    if not (m.fresh(names[0], commune) and m.fresh(names[1], other)):
        return
    name_b = f"{brand} {m.word()}"
    m.fresh(name_b, near)
    a_list.append(m.record("a", names[0], commune, phone=line))
    a_list.append(m.record("a", names[1], other, phone=line))
    yield m.record("b", name_b, near, phone=written_otherwise(line, m.rng), kind="switchboard")


def _decoy(kind: str, m: _Maker, a_list: list[Record]) -> Iterator[Record]:  # noqa: PLR0911 — one return a kind of decoy
    """One decoy pair: an A record (added to ``a_list``) and the B record that is not it."""
    rng = m.rng
    commune = m.commune()
    if kind == "unrelated":
        yield m.record("b", rng.choice(_PATTERNS).format(x=m.word()), commune, kind=kind)
        return
    if kind == "switchboard":
        yield from _switchboard(m, commune, a_list)
        return
    if kind in ("chain", "branch"):
        brand = rng.choice(_BRANDS)
        site = f"https://www.{_strip_accents(brand).lower().replace(' ', '')}.example.org"
        if kind == "chain":
            name_a = name_b = f"{brand} {m.word()}"
            other = rng.choice(
                [c for c in m.places.communes if c.departement != commune.departement]
            )
        else:
            other = rng.choice([c for c in m.places.by_dep[commune.departement] if c != commune])
            name_a, name_b = f"{brand} {commune.name}", f"{brand} {other.name}"
        if not m.fresh(name_a, commune) or not m.fresh(name_b, other):
            return  # a look-alike only when no actor of that commune already bears the name
        a_list.append(m.record("a", name_a, commune, website=site))
        yield m.record("b", name_b, other, website=site, kind=kind)
        return
    if kind == "generic":
        name = rng.choice(_GENERIC)
        others = [c for c in m.places.by_dep[commune.departement] if c != commune]
        if not others:
            return
        other = rng.choice(others)
        if not m.fresh(name, commune) or not m.fresh(name, other):
            return  # an actor of that commune bears the name already: not a look-alike
        a_list.append(m.record("a", name, commune))
        yield m.record("b", name, other, kind=kind)
        return
    far = m.places.near(commune, 15.0, 25.0)
    if far is None:
        return
    name = f"{rng.choice(_BRANDS)} {m.word()}"
    if not m.fresh(name, commune) or not m.fresh(name, far):
        return
    lat, lon = _point(commune, rng)
    a_list.append(m.record("a", name, commune, latitude=lat, longitude=lon))
    lat, lon = _point(far, rng)
    yield m.record("b", name, far, latitude=lat, longitude=lon, kind=kind)


def movement_pair(n: int, seed: int = 0) -> tuple[list[Record], list[Record]]:
    """Source A (``n`` actors, plus the A side of the decoys) and source B (about ``n / 2``
    labelled records: true pairs of every kind and decoys)."""
    m = _Maker(seed)
    a_list: list[Record] = []
    communes: dict[str, Commune] = {}
    for _ in range(n):
        commune = m.commune()
        name = m.rng.choice(_PATTERNS).format(x=m.word())
        record = m.record("a", name, commune)
        if m.rng.random() < 0.6:
            record.phone = m.phone(commune)
        communes[record.key] = commune
        a_list.append(record)
    b_list: list[Record] = []
    share = max(1, n // (2 * (len(KINDS) + len(DECOYS))))
    sampled = m.rng.sample(a_list, min(len(a_list), share * len(KINDS)))
    for i, a in enumerate(sampled):
        b = _variant(KINDS[i % len(KINDS)], a, communes[a.key], m)
        if b is not None:
            b_list.append(b)
    for kind in DECOYS:
        for _ in range(share):
            b_list.extend(_decoy(kind, m, a_list))
    m.rng.shuffle(b_list)
    return a_list, b_list
