"""The score: how likely a record and a known actor are one actor (Fellegi–Sunter).

Each comparison between the record (:class:`~importers.names.Probe`) and the actor
(:class:`~importers.names.Entry`) falls in one *level*, and each level has a weight, the log2 of
the likelihood ratio ``m / u`` (how much more often the level is seen between two records of
one actor than between two unrelated actors). The weights add up to the *match weight*; with
the prior it gives the probability shown (``score``). Weights that depend on a value are
adjusted by its frequency (a rare word, a small commune, a website only this actor uses weigh
more), as Splink's term-frequency adjustments do.

================================  =====================================================
comparison                        levels (weight, log2)
================================  =====================================================
SIREN, SIRET, RNA                 same: +15 each (decisive); different: never the same
                                  actor (a branch has its own SIRET: two actors)
name (:mod:`importers.names`)     each shared word + its weight (rare up to +10, a kind
                                  word at most +2, a commune's own word at most +3; one
                                  typo −2); a word only one side has −0.5 (kind word) to
                                  −4 (rare word); two different kind words −10; each side
                                  a distinctive word the other lacks −5; the same words
                                  +2; a kind word glued to the next word read as the
                                  two when the other name writes both apart
                                  (``AMAPMontrouge``). Nothing shared: not compared
place                             same commune + up to +6 (a small commune more); points
                                  ≤ 500 m apart +5 whatever the communes say; neighbouring
                                  communes (points ≤ 1 km; without two exact points,
                                  centres ≤ 8 km) −1 when
                                  the names share a distinctive word, else −6; the same
                                  EPCI, centres ≤ 15 km (distinctive name) −6; other communes or
                                  départements −15; one
                                  commune unknown in the same département 0; one side
                                  without a place −2; neither −1
distance (both points exact)      in one commune: ≤ 1 km +1, over 5 km −4; 10–25 km −4,
                                  farther −8 (a brand's two shops)
website domain (distinctive)      same + up to +8 (less when other actors share it: a
                                  federation's site; at most +1 when each name has a word
                                  of its own, or one adds its own town's name: a brand's
                                  site, ``Exki Orly Sud`` / ``Exki Orly Ouest``, unless the
                                  points are ≤ 500 m apart); different −6
mail domain (distinctive)         same + up to +5
telephone (E.164)                 same + up to +9 (term frequency); a number other actors
                                  give too +0.5 only (a federation's switchboard: its
                                  branches are not merged on it); different −1 (a mobile
                                  and a landline of one actor are common)
kind (when the record states it)  another kind: never above the merge threshold
================================  =====================================================

Webmails and shared hosts (:data:`importers.normalise.GENERIC_DOMAINS`) are not compared, nor
is a directory's page given as the website (the MES's BDIS, a GoGoCarto map:
:data:`importers.normalise.DIRECTORY_DOMAINS`). The
probability is ``1 / (1 + 2 ** -(weight + PRIOR))``: ``>= MERGE_THRESHOLD`` the same actor,
``>= CANDIDATE_THRESHOLD`` a duplicate candidate held for review, below a new actor.

>>> from importers.names import Entry, Probe, TermStats
>>> stats, geo = TermStats(), shared_geo()
>>> entry = Entry("mai-1", "Organisation", "La Ressourcerie du Pays Creillois", "60175", "60")
>>> found = score(Probe("Ressourcerie du pays creilois", "60175", "60"), entry, stats, geo)
>>> found is not None and found.probability >= MERGE_THRESHOLD
True
>>> far = score(Probe("La Ressourcerie du Pays Creillois", "60057", "60"), entry, stats, geo)
>>> far is not None and far.probability < CANDIDATE_THRESHOLD
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from graph_model.territories import TerritoryReference, load_reference
from importers.names import (
    MAX_KIND_WEIGHT,
    Entry,
    Probe,
    TermStats,
    alike,
    is_kind_word,
    unglued,
    unspelt,
    words_of,
)

MERGE_THRESHOLD = 0.99
CANDIDATE_THRESHOLD = 0.50
#: log2 prior odds that two records of one block are one actor
PRIOR = -6.0
#: the match weights the thresholds stand for
MERGE_WEIGHT = -PRIOR + math.log2(MERGE_THRESHOLD / (1 - MERGE_THRESHOLD))
CANDIDATE_WEIGHT = -PRIOR + math.log2(CANDIDATE_THRESHOLD / (1 - CANDIDATE_THRESHOLD))

IDENTIFIER = 15.0
MAX_NAME = 12.0
NEIGHBOUR_KM = 8.0
#: an EPCI's other commune counts as nearby up to this far (centres)
EPCI_KM = 15.0
#: the most an agreeing telephone weighs, and what two different ones cost
PHONE_MAX = 9.0
PHONE_DIFFERENT = -1.0
PHONE_SHARED = 0.5
#: two exact points in neighbouring communes are one place up to this far apart (km: "a few
#: hundred metres", the post town and the village)
NEAR_POINTS_KM = 1.0
#: two exact points this close (km) are one place
COLOCATED_KM = 0.5
#: exact points farther apart than their communes' centres by this much (km) are not believed
POINT_DOUBT_KM = 10.0
#: the most a website weighs when each name has a word of its own (a brand's two branches)
BRAND_SITE = 1.0
#: a word weighing this much is a place's own (``creillois``), not a common one (``partagé``)
DISTINCTIVE = 8.0


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * float(math.asin(min(1.0, math.sqrt(a))))


class Geo:
    """What the score needs of the communes: centre, EPCI and the words of the name."""

    def __init__(self, reference: TerritoryReference) -> None:
        self._centre: dict[str, tuple[float, float]] = {}
        self._epci: dict[str, str] = {}
        self._words: dict[str, frozenset[str]] = {}
        for commune in reference.communes.values():
            if commune.kind != "commune":
                continue
            lat, lon = commune.lat, commune.lon
            if lat is not None and lon is not None and commune.coord_precision == "commune":
                self._centre[commune.code] = (lat, lon)
            if commune.epci:
                self._epci[commune.code] = commune.epci
            self._words[commune.code] = frozenset(words_of(commune.name))

    def km(self, a: str, b: str) -> float | None:
        """Distance between two communes' centres."""
        ca, cb = self._centre.get(a), self._centre.get(b)
        return None if ca is None or cb is None else _km(*ca, *cb)

    def same_epci(self, a: str, b: str) -> bool:
        return a in self._epci and self._epci.get(a) == self._epci.get(b)

    def words(self, commune: str | None) -> frozenset[str]:
        return self._words.get(commune or "", frozenset())


@cache
def shared_geo() -> Geo:
    """The communes of the shipped reference, read once a process."""
    return Geo(load_reference())


@dataclass(frozen=True, slots=True)
class Scored:
    """One comparison's result: the match weight, its probability and why."""

    weight: float
    reasons: tuple[str, ...]

    @property
    def probability(self) -> float:
        return 1.0 / (1.0 + math.pow(2.0, -(self.weight + PRIOR)))

    def explain(self) -> str:
        return ", ".join(self.reasons)


def _signed(value: float) -> str:
    return f"{value:+.1f}".replace("-", "−")


def _identifiers(probe: Probe, entry: Entry, out: list[str] | None) -> float | None:
    weight = 0.0
    for label, a, b in (
        ("SIREN", probe.siren, entry.siren),
        ("SIRET", probe.siret, entry.siret),
        ("RNA", probe.rna, entry.rna),
    ):
        if a and b:
            if a != b:
                return None  # a conflicting identifier: two actors
            weight += IDENTIFIER
            if out is not None:
                out.append(f"same {label} {_signed(IDENTIFIER)}")
    return weight


def _lone_words(
    extras: list[str],
    unused: list[str],
    stats: TermStats,
    towns: tuple[frozenset[str], frozenset[str]],
    notes: list[str] | None,
) -> tuple[float, bool]:
    """What the words only one name has cost (``extras``: the record's, ``unused``: the
    actor's; ``towns``: the words of each side's commune), and whether the names are a
    brand's two branches: each has a word of its own (``Exki Orly Ouest`` / ``Exki Orly
    Sud``), or one adds the name of its town, another commune than the other's."""
    town_a, town_b = towns
    place_words = town_a | town_b
    penalty = 0.0
    for token in (*extras, *unused):
        if is_kind_word(token) or token in place_words:
            penalty += 0.5
        else:
            penalty += min(4.0, 0.5 * stats.weight(token))
    kinds_a = [t for t in extras if is_kind_word(t)]
    kinds_b = [t for t in unused if is_kind_word(t)]
    own_a = [t for t in extras if not is_kind_word(t) and t not in place_words]
    own_b = [t for t in unused if not is_kind_word(t) and t not in place_words]
    towns_a = [t for t in extras if t in town_a]
    towns_b = [t for t in unused if t in town_b]
    if towns_a and towns_b:
        penalty += 8.0  # each names its own town: a network's two branches
        if notes is not None:
            notes.append(f"{towns_a[0]} ≠ {towns_b[0]}")
    if kinds_a and kinds_b:
        penalty += 10.0
        if notes is not None:
            notes.append(f"{kinds_a[0]} ≠ {kinds_b[0]}")
    if own_a and own_b:
        penalty += 5.0
    # a name that adds its own town's name where the other's commune is another: a branch
    # named after its town (« Cojean Neuilly » / « Cojean » of La Défense)
    named_town = bool(towns_a or towns_b) and town_a != town_b
    return penalty, bool(own_a and own_b) or named_town


def _same_words(
    tokens: tuple[str, ...], stats: TermStats, place_words: frozenset[str], out: list[str] | None
) -> tuple[float, float, bool]:
    """:func:`compare_names` of two names with the very same words."""
    weights = [min(stats.weight(t), 3.0) if t in place_words else stats.weight(t) for t in tokens]
    heaviest = max(weights)
    total = min(MAX_NAME, sum(weights))
    if out is not None:
        out.append(f"name {_signed(total)} ({' '.join(tokens)})")
        if heaviest >= DISTINCTIVE:
            out.append("same words")
    return total + (2.0 if heaviest >= DISTINCTIVE else 0.0), heaviest, False


def compare_names(
    probe: Probe, entry: Entry, stats: TermStats, geo: Geo, out: list[str] | None
) -> tuple[float, float, bool] | None:
    """The name comparison's weight, the weight of the heaviest shared word, and whether
    the names are a brand's two branches (:func:`_lone_words`; ``None`` when the names share
    no word)."""
    towns = geo.words(probe.commune), geo.words(entry.commune)
    place_words = towns[0] | towns[1]
    if probe.tokens == entry.tokens:  # the same words (most look-alikes): no pairing to do
        return _same_words(probe.tokens, stats, place_words, out)
    tokens, unused_words = (
        unspelt(unglued(probe.tokens, entry.tokens), entry.tokens, probe.name),
        unspelt(unglued(entry.tokens, probe.tokens), probe.tokens, entry.name),
    )
    if tokens == unused_words:
        return _same_words(tokens, stats, place_words, out)
    unused = list(unused_words)
    matched, typos, extras, best = 0.0, 0, [], 0.0
    shared: list[str] = []
    for token in tokens:
        weight = min(stats.weight(token), 3.0) if token in place_words else stats.weight(token)
        if token in unused:
            unused.remove(token)
        else:
            close = None
            if len(token) >= 4 and not is_kind_word(token):
                first, last = token[0], token[-1]
                close = next(
                    (u for u in unused if (u[0] == first or u[-1] == last) and alike(token, u)),
                    None,
                )
            if close is None:
                extras.append(token)
                continue
            unused.remove(close)
            weight -= 2.0
            typos += 1
        matched += weight
        best = max(best, weight)
        shared.append(token)
    if not shared:
        return None
    total = min(MAX_NAME, matched)
    notes = out
    if notes is not None:
        notes.append(f"name {_signed(total)} ({' '.join(shared)}{', 1 typo' * min(typos, 1)})")
    penalty, apart = _lone_words(extras, unused, stats, towns, notes)
    if not extras and not unused and best >= DISTINCTIVE:
        total += 2.0
        if notes is not None:
            notes.append("same words")
    elif penalty and notes is not None:
        notes.append(f"words on one side {_signed(-penalty)}")
    return total - penalty, best, apart


def points_km(probe: Probe, entry: Entry, geo: Geo) -> float | None:
    """The distance between the two seats' exact points; ``None`` without two, or when the
    points contradict their communes (farther apart than the communes' centres by more than
    :data:`POINT_DOUBT_KM`: one of them was put in the wrong place, the communes are kept)."""
    if None in (probe.latitude, probe.longitude, entry.latitude, entry.longitude):
        return None
    km = _km(probe.latitude or 0.0, probe.longitude or 0.0, entry.latitude or 0.0,
             entry.longitude or 0.0)  # fmt: skip
    if probe.commune and entry.commune:
        apart = geo.km(probe.commune, entry.commune)
        if apart is not None and km > apart + POINT_DOUBT_KM:
            return None
    return km


# one return per level of the place comparison, in the order of the module's table
def _place(  # noqa: PLR0911, PLR0912
    probe: Probe,
    entry: Entry,
    stats: TermStats,
    geo: Geo,
    out: list[str] | None,
    *,
    km: float | None,
    distinctive: bool,
) -> float:
    """The place comparison (the seat's commune; ``km``: :func:`points_km`);
    ``distinctive``: the names share a word rarer than kind words (a generic name shared
    proves nothing about a neighbouring commune)."""
    if probe.commune and entry.commune:
        if probe.commune == entry.commune:
            weight = min(6.0, math.log2(0.9 / stats.rate(f"c:{probe.commune}", 1 / 35_000)))
            why = f"same commune {_signed(weight)}"
            if km is not None and km <= 1.0:
                weight += 1.0
                why += f", {km * 1000:.0f} m apart +1"
            elif km is not None and km > 5.0:
                weight -= 4.0
                why += f", {km:.0f} km apart −4"
            if out is not None:
                out.append(why)
            return weight
        if km is not None and km <= COLOCATED_KM:
            if out is not None:
                out.append(f"points {km * 1000:.0f} m apart +5")
            return 5.0
        apart = geo.km(probe.commune, entry.commune)
        # two exact points decide: farther than NEAR_POINTS_KM, the neighbouring commune is
        # another place (a chain's two shops), whatever the centres say
        near = (
            km <= NEAR_POINTS_KM if km is not None else apart is not None and apart <= NEIGHBOUR_KM
        )
        if near and distinctive:
            if out is not None:
                out.append("neighbouring communes −1")
            return -1.0
        close = apart is not None and apart <= EPCI_KM
        if near or (distinctive and close and geo.same_epci(probe.commune, entry.commune)):
            weight = -6.0
            if out is not None:
                out.append("other commune nearby −6")
        else:
            weight = -15.0
            if out is not None:
                out.append("different communes −15")
        if km is not None and km > 10.0:
            weight -= 4.0 if km <= 25.0 else 8.0
            if out is not None:
                out.append(f"{km:.0f} km apart")
        return weight
    if probe.departement and entry.departement:
        if probe.departement != entry.departement:
            if out is not None:
                out.append("different départements −15")
            return -15.0
        if out is not None:
            out.append("same département 0")
        return 0.0
    if probe.commune or probe.departement or entry.commune or entry.departement:
        if out is not None:
            out.append("a place on one side only −2")
        return -2.0
    if out is not None:
        out.append("no place on either side −1")
    return -1.0


def _contacts(
    probe: Probe, entry: Entry, stats: TermStats, out: list[str] | None, *, branches: bool
) -> float:
    """Website, mail domain and telephone; ``branches``: the names are a brand's two
    branches (:func:`_lone_words`), so a website they share is their brand's, which proves
    nothing about the branch."""
    weight = 0.0
    if probe.web and entry.web:
        if probe.web == entry.web:
            shared = max(0, stats.counts.get(f"w:{probe.web}", 1) - 1)
            agree = min(8.0, math.log2(0.9 / stats.rate(f"w:{probe.web}", 1e-6)))
            agree = max(1.0, agree - 2.0 * shared)  # a site several actors give: a network's
            if branches:
                agree = min(agree, BRAND_SITE)
            weight += agree
            if out is not None:
                brand = ", a brand's site (two branches' names)" if branches else ""
                out.append(f"same website {_signed(agree)}{brand}")
        else:
            weight -= 6.0
            if out is not None:
                out.append("different websites −6")
    if probe.mail and entry.mail and probe.mail == entry.mail:
        shared = max(0, stats.counts.get(f"m:{probe.mail}", 1) - 1)
        agree = min(5.0, math.log2(0.8 / stats.rate(f"m:{probe.mail}", 1e-6)))
        agree = max(0.5, agree - 1.5 * shared)
        weight += agree
        if out is not None:
            out.append(f"same mail domain {_signed(agree)}")
    if probe.phone and entry.phone:
        weight += _phone(probe.phone, entry.phone, stats, out)
    return weight


def _phone(a: str, b: str, stats: TermStats, out: list[str] | None) -> float:
    """The telephone comparison, weighed by how many actors give the number."""
    if a != b:
        if out is not None:
            out.append(f"different phones {_signed(PHONE_DIFFERENT)}")
        return PHONE_DIFFERENT
    holders = stats.counts.get(f"p:{a}", 1)
    if holders > 1:  # a line several actors give (a switchboard): it cannot tell them apart
        if out is not None:
            out.append(f"same phone, given by {holders} actors {_signed(PHONE_SHARED)}")
        return PHONE_SHARED
    agree = min(PHONE_MAX, math.log2(0.85 / stats.rate(f"p:{a}", 1e-6)))
    if out is not None:
        out.append(f"same phone {_signed(agree)}")
    return agree


def score(
    probe: Probe, entry: Entry, stats: TermStats, geo: Geo, *, explain: bool = True
) -> Scored | None:
    """The comparison of a record with an actor; ``None`` when they are certainly two
    actors (a conflicting identifier) or share nothing of their names. ``explain=False``:
    the weight only (the reasons are written for the few comparisons that are kept)."""
    reasons: list[str] | None = [] if explain else None
    ids = _identifiers(probe, entry, reasons)
    if ids is None:
        return None
    compared = compare_names(probe, entry, stats, geo, reasons)
    if compared is None:
        return None
    name, heaviest, branches = compared
    km = points_km(probe, entry, geo)
    place = _place(probe, entry, stats, geo, reasons, km=km, distinctive=heaviest >= DISTINCTIVE)
    colocated = km is not None and km <= COLOCATED_KM
    contacts = _contacts(probe, entry, stats, reasons, branches=branches and not colocated)
    weight = ids + name + place + contacts
    elsewhere = probe.commune and entry.commune and probe.commune != entry.commune
    near = km is not None and km <= NEAR_POINTS_KM
    # another commune and nothing but the name to say it is the same actor (two schools
    # called « Maison des enfants » in neighbouring communes): a reviewer decides
    if elsewhere and not near and ids <= 0 and contacts <= 0 and weight >= MERGE_WEIGHT:
        weight = MERGE_WEIGHT - 0.5
        if reasons is not None:
            reasons.append("another commune, only the name agrees: held")
    if probe.kind and probe.kind != entry.kind and weight >= MERGE_WEIGHT:
        weight = MERGE_WEIGHT - 0.5
        if reasons is not None:
            reasons.append(f"kind {probe.kind} ≠ {entry.kind}: held")
    return Scored(weight, tuple(reasons or ()))


__all__ = [
    "CANDIDATE_THRESHOLD",
    "CANDIDATE_WEIGHT",
    "MAX_KIND_WEIGHT",
    "MERGE_THRESHOLD",
    "MERGE_WEIGHT",
    "PRIOR",
    "Geo",
    "Scored",
    "compare_names",
    "points_km",
    "score",
    "shared_geo",
]
