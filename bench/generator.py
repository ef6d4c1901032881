"""THE synthetic movement every benchmark of Maillage uses: actors, dated links, French places.

``generate(n_actors, links_per_actor, seed)`` describes a deterministic movement; its
:meth:`Generated.actors` and :meth:`Generated.links` stream records (plain dicts, the same keys as
the projection's Cypher rows, so :meth:`queries.projection.Projection.from_records` takes them
as they are). Nothing is held per record: an actor's identity (kind, id, name, legal form,
SIREN, RNA, commune) is a pure function of ``(seed, index)`` computed from a hash, and the
actors are laid out by commune (communes sorted by région, département, code), so "an actor of
the same département" is a random index in a contiguous range. Memory is O(number of communes),
whatever ``n_actors``.

The mix (targets, on average):

- kinds: ~5% ``Network`` (regional; the national ones form a small head block of hubs),
  ~82% ``Organisation`` (association loi 1901, SCOP, SCIC, coopérative, mutuelle, fondation,
  entreprise ESUS), 12% ``Project``, ~1% ``AdvocacyBody`` (local/regional in the territories,
  national/international in the head block);
- places: real communes (``graph_model.territories.load_reference()``) weighted by population;
  when the reference cannot be loaded, a warning is logged and 24 large communes are used;
- identifiers: a Luhn-valid SIREN for ~60% of organisations and networks, an RNA number for
  most associations; ids minted as the project mints them (``siren-…``, ``rna-…``, ``mai-…``);
- links: on average ``links_per_actor`` outgoing links per actor with a skewed spread and a few
  hubs (hub organisations with ten times the links; the national head block receives links from
  everywhere); ~22% are ``MEMBER_OF`` toward a network of the same région (1 in 10 toward a
  national one); the others go ~72% within the département, ~26% within the région, ~2% to
  another région, 1.5% to the national head. Overall about 60% of the links stay within a
  département and ~5-6% cross régions. Kinds follow the ends (``CARRIES`` toward projects,
  ``SITS_ON`` toward advocacy bodies, otherwise ``COOPERATES_WITH``/``SUPPORTS``/``FUNDS``);
  every link has a ``since`` date, ~12% an ``until``.

>>> movement = generate(200, links_per_actor=3.0, seed=7)
>>> actors = list(movement.actors())
>>> len(actors), len({a["id"] for a in actors})
(200, 200)
>>> links = list(movement.links())
>>> 400 < len(links) < 800
True
>>> [a["id"] for a in generate(200, 3.0, seed=7).actors()][:3] == [a["id"] for a in actors[:3]]
True
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import logging
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph_model.identifiers import is_valid_siren, mint_actor_id

logger = logging.getLogger(__name__)

ActorRecord = dict[str, Any]
LinkRecord = dict[str, Any]

_MASK = (1 << 64) - 1

THEMES: dict[str, str] = {
    "agriculture": "Agriculture paysanne",
    "alimentation": "Alimentation durable",
    "reemploi": "Réemploi et recyclage",
    "energie": "Énergies renouvelables",
    "habitat": "Habitat",
    "mobilite": "Mobilité",
    "culture": "Culture",
    "education-populaire": "Éducation populaire",
    "finance-solidaire": "Finance solidaire",
    "insertion": "Insertion par l'activité économique",
    "sante": "Santé",
    "commerce-equitable": "Commerce équitable",
    "numerique": "Numérique",
    "tourisme-solidaire": "Tourisme solidaire",
    "services-proximite": "Services de proximité",
}
METHODS = ("evalumip", "vises", "essperluette")

#: legal form, share among organisations (per 1000), INSEE catégorie juridique
LEGAL_FORMS: tuple[tuple[str, int, str], ...] = (
    ("association loi 1901", 550, "9220"),
    ("SCOP", 100, "5458"),
    ("SCIC", 60, "5460"),
    ("coopérative", 70, "5560"),
    ("mutuelle", 40, "8210"),
    ("fondation", 40, "9300"),
    ("entreprise ESUS", 140, "5710"),
)
_CATEGORIE = {form: code for form, _, code in LEGAL_FORMS}
_NAF = ("88.99B", "94.99Z", "56.10A", "38.32Z", "01.13Z", "47.11B", "62.01Z", "85.59A", "90.01Z")
_TRANCHES = ("NN", "00", "01", "02", "03", "11", "12", "21")
_SUBKINDS = ("partenariat", "co-portage", "mutualisation", "échange de pratiques")

_PREFIXES = (
    "Les Jardins", "La Fabrique", "L'Atelier", "Le Relais", "La Ressourcerie", "Les Compagnons",
    "La Coopérative", "Le Comptoir", "La Recyclerie", "Les Amis", "La Maison", "Le Collectif",
    "L'Épicerie", "La Ferme", "Le Chantier", "La Régie", "Les Ateliers", "Le Café", "La Boutique",
    "L'Escale",
)  # fmt: skip
_COMPLEMENTS = (
    "du Lien", "solidaire", "des Possibles", "de la Vallée", "du Partage", "citoyenne",
    "des Savoirs", "paysanne", "en Transition", "des Communs", "de l'Entraide", "du Quartier",
    "d'Insertion", "des Échanges", "vagabonde", "de Demain", "du Bocage", "des Deux Rives",
    "bio et locale", "équitable",
)  # fmt: skip
_NETWORKS = (
    "Réseau de l'économie solidaire", "Pôle territorial de coopération économique",
    "Union régionale des SCOP", "Réseau des jardins solidaires", "Collectif des tiers-lieux",
    "Réseau des ressourceries", "Fédération des épiceries solidaires",
    "Réseau des monnaies locales",
)  # fmt: skip
_NATIONAL = (
    "Réseau national",
    "Fédération nationale",
    "Union nationale",
    "Mouvement",
    "Collectif national",
)
_NATIONAL_OF = (
    "des ressourceries", "des régies de quartier", "des jardins partagés", "des AMAP",
    "des coopératives d'activités", "des épiceries solidaires", "des tiers-lieux",
    "de la finance solidaire", "du commerce équitable", "de l'habitat participatif",
)  # fmt: skip
_PROJECTS = (
    "Territoire zéro chômeur", "Pôle alimentaire", "Tiers-lieu", "Épicerie solidaire",
    "Atelier vélo", "Recyclerie", "Coopérative d'activités", "Jardin partagé", "Monnaie locale",
    "Fab lab",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Place:
    """A commune where actors sit (INSEE codes, centre, legal population)."""

    code: str
    name: str
    postcode: str
    departement: str
    region: str
    epci: str | None
    lat: float
    lon: float
    population: int


_FALLBACK_PLACES: tuple[Place, ...] = tuple(
    Place(code, name, postcode, dep, reg, epci, lat, lon, pop)
    for code, name, postcode, dep, reg, epci, lat, lon, pop in (
        ("75056", "Paris", "75001", "75", "11", "200054781", 48.8589, 2.347, 2_133_111),
        ("13055", "Marseille", "13001", "13", "93", "200054807", 43.2803, 5.3806, 873_076),
        ("69123", "Lyon", "69001", "69", "84", "200046977", 45.7685, 4.8236, 519_127),
        ("31555", "Toulouse", "31000", "31", "76", "243100518", 43.6007, 1.4328, 504_078),
        ("06088", "Nice", "06000", "06", "93", "200030195", 43.7119, 7.2381, 342_669),
        ("44109", "Nantes", "44000", "44", "52", "244400404", 47.2316, -1.5484, 320_732),
        ("34172", "Montpellier", "34000", "34", "76", "243400017", 43.6134, 3.8742, 299_096),
        ("67482", "Strasbourg", "67000", "67", "44", "246700488", 48.5691, 7.7621, 290_576),
        ("33063", "Bordeaux", "33000", "33", "75", "243300316", 44.8624, -0.5848, 261_804),
        ("59350", "Lille", "59000", "59", "32", "200093201", 50.6311, 3.0468, 236_234),
        ("35238", "Rennes", "35000", "35", "53", "243500139", 48.1159, -1.6884, 225_081),
        ("51454", "Reims", "51100", "51", "44", "200067213", 49.2535, 4.0551, 180_318),
        ("42218", "Saint-Étienne", "42000", "42", "84", "244200770", 45.4301, 4.3794, 173_821),
        ("76351", "Le Havre", "76600", "76", "28", "200084952", 49.4938, 0.1077, 166_462),
        ("38185", "Grenoble", "38000", "38", "84", "200040715", 45.1842, 5.7155, 156_389),
        ("21231", "Dijon", "21000", "21", "27", "242100410", 47.3239, 5.0372, 159_106),
        ("49007", "Angers", "49000", "49", "52", "244900015", 47.4819, -0.5629, 155_850),
        ("37261", "Tours", "37000", "37", "24", "243700754", 47.3986, 0.6965, 136_463),
        ("45234", "Orléans", "45000", "45", "24", "244500468", 47.8734, 1.9122, 116_238),
        ("14118", "Caen", "14000", "14", "28", "200065597", 49.1846, -0.3722, 106_230),
        ("63113", "Clermont-Ferrand", "63000", "63", "84", "246300701", 45.7856, 3.1155, 147_284),
        ("25056", "Besançon", "25000", "25", "27", "242500361", 47.2602, 6.0123, 119_198),
        ("2A004", "Ajaccio", "20000", "2A", "94", "242010056", 41.9347, 8.7011, 72_995),
        ("97411", "Saint-Denis", "97400", "974", "04", "249740119", -20.9331, 55.4471, 153_810),
    )
)
_FALLBACK_REGIONS = {
    "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté",
    "28": "Normandie", "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire",
    "53": "Bretagne", "75": "Nouvelle-Aquitaine", "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes", "93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
    "04": "La Réunion",
}  # fmt: skip


def load_places() -> tuple[tuple[Place, ...], dict[str, str], str]:
    """Communes with a population and a centre (sorted by région, département, code), the
    région names, and where they came from (``"reference"`` or ``"fallback"``)."""
    try:
        from graph_model.territories import load_reference

        reference = load_reference()
    except Exception as exc:  # the reference is optional for the generator: say so, go on
        logger.warning(
            "territory reference unavailable (%s): generating over %d large communes only",
            exc,
            len(_FALLBACK_PLACES),
        )
        places = sorted(_FALLBACK_PLACES, key=lambda p: (p.region, p.departement, p.code))
        return tuple(places), dict(_FALLBACK_REGIONS), "fallback"
    selected = [
        Place(
            code=c.code,
            name=c.name,
            postcode=c.postcodes[0] if c.postcodes else c.code,
            departement=c.departement,
            region=c.region,
            epci=c.epci,
            lat=c.lat,
            lon=c.lon,
            population=c.population,
        )
        for c in reference.communes.values()
        if c.kind == "commune" and c.population and c.lat is not None and c.lon is not None
    ]
    selected.sort(key=lambda p: (p.region, p.departement, p.code))
    regions = {code: r.name for code, r in reference.regions.items()}
    return tuple(selected), regions, "reference"


def _mix(value: int) -> int:
    """splitmix64 finaliser: a fast, well-spread 64-bit hash of an integer."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _of(name: str) -> str:
    """French "de" + a place name, with elision and contraction ("du Mans", "d'Arles")."""
    for article, replacement in (("Le ", "du "), ("Les ", "des "), ("La ", "de la ")):
        if name.startswith(article):
            return replacement + name[len(article) :]
    if name.startswith("L'"):
        return "de l'" + name[2:]
    if name[:1] in "AEIOUYÉÈÊÎÔÂHaeiouyh":
        return "d'" + name
    return "de " + name


def _siren_from(body: int) -> str:
    """A Luhn-valid SIREN from an 8-digit body (the check digit is computed)."""
    stem = f"{body:08d}"
    for digit in "0123456789":
        if is_valid_siren(stem + digit):
            return stem + digit
    raise AssertionError("unreachable: one check digit always satisfies Luhn")


@dataclass(frozen=True, slots=True)
class _Core:
    """What other records need to know about an actor (its identity), cheap to recompute."""

    index: int
    id: str
    kind: str
    name: str
    legal_form: str | None
    level: str | None
    siren: str | None
    rna: str | None
    place: Place


class Generated:
    """A deterministic synthetic movement; iterate :meth:`actors` and :meth:`links`."""

    def __init__(self, n_actors: int, links_per_actor: float = 5.0, seed: int = 0) -> None:
        if n_actors < 2:
            raise ValueError("n_actors: at least 2 actors are needed to link them")
        if links_per_actor < 0:
            raise ValueError("links_per_actor: must be >= 0")
        self.n_actors = n_actors
        self.links_per_actor = links_per_actor
        self.seed = seed
        self._key = _mix(seed + 0x5EED)
        places, self.region_names, self.places_origin = load_places()
        self.head = max(1, n_actors // 2000)  # national networks and bodies: the hubs
        rng = random.Random(seed)
        cumulative: list[int] = []
        total = 0
        for place in places:
            total += place.population
            cumulative.append(total)
        counts: Counter[int] = Counter()
        body = n_actors - self.head
        drawn = 0
        while drawn < body:  # batches keep the draw's temporary list small
            batch = min(100_000, body - drawn)
            counts.update(rng.choices(range(len(places)), cum_weights=cumulative, k=batch))
            drawn += batch
        self._starts: list[int] = []
        self._places: list[Place] = []
        self._departements: dict[str, tuple[int, int]] = {}
        self._regions: dict[str, tuple[int, int]] = {}
        index = self.head
        for place_index in sorted(counts):
            place = places[place_index]
            self._starts.append(index)
            self._places.append(place)
            lo, _ = self._departements.get(place.departement, (index, index))
            self._departements[place.departement] = (lo, index + counts[place_index])
            lo, _ = self._regions.get(place.region, (index, index))
            self._regions[place.region] = (lo, index + counts[place_index])
            index += counts[place_index]
        capital = next((p for p in places if p.code == "75056"), None)
        self._capital = capital or max(places, key=lambda p: p.population)
        self._national_networks = [i for i in range(self.head) if self.kind_of(i) == "Network"]
        self._core = lru_cache(maxsize=65_536)(self._compute_core)

    # -- identity: a pure function of (seed, index) -------------------------------------------
    def _hash(self, index: int, salt: int) -> int:
        return _mix(self._key ^ (index * 0x100000001B3 + salt * 0x9E3779B1))

    def kind_of(self, index: int) -> str:
        if index < self.head:
            return "Network" if index % 4 in (0, 1) else "AdvocacyBody"
        draw = self._hash(index, 1) % 10_000
        if draw < 450:
            return "Network"
        if draw < 550:
            return "AdvocacyBody"
        if draw < 1_750:
            return "Project"
        return "Organisation"

    def place_of(self, index: int) -> Place:
        if index < self.head:
            return self._capital
        return self._places[bisect.bisect_right(self._starts, index) - 1]

    def _compute_core(self, index: int) -> _Core:
        kind = self.kind_of(index)
        place = self.place_of(index)
        draw = self._hash(index, 2)
        legal_form: str | None = None
        level: str | None = None
        if kind == "Organisation":
            pick = draw % 1000
            for form, share, _ in LEGAL_FORMS:
                if pick < share:
                    legal_form = form
                    break
                pick -= share
        elif kind == "Network" or (kind == "AdvocacyBody" and draw % 2 == 0):
            legal_form = "association loi 1901"
        if kind == "AdvocacyBody":
            if index < self.head:
                level = "international" if (index // 4) % 3 == 0 else "national"
            else:
                level = "regional" if (draw >> 8) % 3 == 0 else "local"
        siren = rna = None
        if kind in ("Organisation", "Network") and (draw >> 16) % 100 < 60:
            siren = _siren_from((index * 7_919 + 1_000_003 * (self.seed % 97)) % 100_000_000)
        if legal_form == "association loi 1901" and (draw >> 24) % 100 < 85:
            rna = f"W{(index * 104_729 + 7 * self.seed) % 1_000_000_000:09d}"
        if siren:
            actor_id = mint_actor_id(siren=siren)
        elif rna:
            actor_id = mint_actor_id(rna=rna)
        else:
            actor_id = mint_actor_id(source_key=f"bench:{self.seed}:{index}")
        return _Core(
            index=index,
            id=actor_id,
            kind=kind,
            name=self._name(index, kind, level, place, draw),
            legal_form=legal_form,
            level=level,
            siren=siren,
            rna=rna,
            place=place,
        )

    def _name(self, index: int, kind: str, level: str | None, place: Place, draw: int) -> str:
        a, b = (draw >> 32) % 20, (draw >> 40) % 20
        region = self.region_names.get(place.region, place.region)
        if index < self.head:
            if kind == "Network":
                stem = f"{_NATIONAL[a % 5]} {_NATIONAL_OF[b % 10]}"
            else:
                stem = (
                    f"Réseau international {_NATIONAL_OF[b % 10]}"
                    if level == "international"
                    else f"Conseil national {_NATIONAL_OF[b % 10]}"
                )
            return f"{stem} ({index + 1})" if index >= 50 else stem
        if kind == "Network":
            return f"{_NETWORKS[a % len(_NETWORKS)]} {_of(region)}"
        if kind == "AdvocacyBody":
            if level == "regional":
                return f"Conférence régionale de l'ESS {_of(region)}"
            return f"Conseil local de l'ESS {_of(place.name)}"
        if kind == "Project":
            return f"{_PROJECTS[a % len(_PROJECTS)]} {_of(place.name)}"
        return f"{_PREFIXES[a]} {_COMPLEMENTS[b]} {_of(place.name)}"

    # -- records ------------------------------------------------------------------------------
    def _rng(self, index: int) -> random.Random:
        return random.Random(self._hash(index, 3))

    def _pick_in(self, rng: random.Random, span: tuple[int, int], avoid: int) -> int | None:
        lo, hi = span
        if hi - lo < 2 and lo <= avoid < hi:
            return None
        for _ in range(8):
            target = lo + int(rng.random() * (hi - lo))
            if target != avoid:
                return target
        return None

    def _pick_network(self, rng: random.Random, core: _Core) -> int | None:
        if rng.random() < 0.9:
            lo, hi = self._regions.get(core.place.region, (0, 0))
            for _ in range(150 if hi > lo else 0):  # networks are ~4.5%: almost surely found
                target = lo + int(rng.random() * (hi - lo))
                if target != core.index and self.kind_of(target) == "Network":
                    return target
        national = [i for i in self._national_networks if i != core.index]
        return national[int(rng.random() * len(national))] if national else None

    def _partner(self, rng: random.Random, core: _Core) -> int | None:
        draw = rng.random()
        if draw < 0.015 and self.head > 1:
            return self._pick_in(rng, (0, self.head), core.index)
        if core.index >= self.head and draw < 0.72:
            span = self._departements[core.place.departement]
        elif core.index >= self.head and draw < 0.98:
            span = self._regions[core.place.region]
        else:
            for _ in range(10):
                target = rng.randrange(self.head, self.n_actors)
                if self.place_of(target).region != core.place.region:
                    return target
            span = (0, self.n_actors)
        return self._pick_in(rng, span, core.index)

    def _dates(self, rng: random.Random) -> tuple[date, date | None]:
        since = date(1990, 1, 1) + timedelta(days=rng.randrange(12_700))
        until = None
        if rng.random() < 0.12:
            until = min(since + timedelta(days=rng.randrange(180, 3_650)), date(2025, 12, 31))
        return since, until

    def _link(
        self, source: _Core, target: _Core, kind: str, subkind: str | None, rng: random.Random
    ) -> LinkRecord:
        since, until = self._dates(rng)
        digest = hashlib.blake2b(
            f"{self.seed}|{source.index}|{target.index}|{kind}|{rng.random()}".encode(),
            digest_size=8,
        ).hexdigest()
        link_id = f"lnk-{digest}"
        return {
            "id": link_id,
            "kind": kind,
            "source": source.id,
            "target": target.id,
            "subkind": subkind,
            "since": since,
            "until": until,
            "sources": (f'{{"system": "bench", "key": "{link_id}", "url": null}}',),
            "source_ref": source.siren or source.rna or source.name,
            "target_ref": target.siren or target.rna or target.name,
        }

    def _links_of(
        self, core: _Core, rng: random.Random
    ) -> tuple[list[LinkRecord], list[tuple[str, str, date]]]:
        """The outgoing links of an actor, and its memberships (network id, name, since)."""
        mean = self.links_per_actor
        if core.index >= self.head and self._hash(core.index, 4) % 200 == 0:
            mean *= 10  # a hub organisation
        elif core.index >= self.head:
            mean *= 0.955  # keeps the total near n_actors * links_per_actor despite the hubs
        count = int(rng.expovariate(1 / mean) + rng.random()) if mean > 0 else 0
        links: list[LinkRecord] = []
        memberships: list[tuple[str, str, date]] = []
        for _ in range(count):
            if core.kind != "AdvocacyBody" and rng.random() < 0.22:
                network = self._pick_network(rng, core)
                if network is not None:
                    target = self._core(network)
                    links.append(self._link(core, target, "MEMBER_OF", None, rng))
                    memberships.append((target.id, target.name, links[-1]["since"]))
                continue
            partner = self._partner(rng, core)
            if partner is None:
                continue
            other = self._core(partner)
            kind, source, target = self._kind_between(core, other, rng)
            subkind = rng.choice(_SUBKINDS) if kind == "COOPERATES_WITH" else None
            links.append(self._link(source, target, kind, subkind, rng))
            if kind == "MEMBER_OF" and source is core:
                memberships.append((target.id, target.name, links[-1]["since"]))
        return links, memberships

    @staticmethod
    def _kind_between(core: _Core, other: _Core, rng: random.Random) -> tuple[str, _Core, _Core]:
        """The kind of a link from ``core`` to ``other`` and its (source, target)."""
        if other.kind == "Project" and core.kind in ("Organisation", "Network"):
            return ("CARRIES" if rng.random() < 0.6 else "COOPERATES_WITH"), core, other
        if core.kind == "Project" and other.kind == "Organisation" and rng.random() < 0.5:
            return "CARRIES", other, core
        if other.kind == "AdvocacyBody":
            return "SITS_ON", core, other
        if other.kind == "Network":
            return "MEMBER_OF", core, other
        draw = rng.random()
        kind = "COOPERATES_WITH" if draw < 0.6 else "SUPPORTS" if draw < 0.85 else "FUNDS"
        return kind, core, other

    def _record(self, index: int) -> tuple[ActorRecord, list[LinkRecord]]:
        core = self._core(index)
        rng = self._rng(index)
        place = core.place
        themes = sorted(rng.sample(sorted(THEMES), rng.choice((1, 1, 2, 2, 3))))
        methods = sorted(rng.sample(METHODS, rng.choice((1, 2)))) if rng.random() < 0.06 else []
        precise = rng.random() < 0.3
        lat, lon = place.lat, place.lon
        if precise:
            lat = round(lat + rng.uniform(-0.01, 0.01), 6)
            lon = round(lon + rng.uniform(-0.01, 0.01), 6)
        created = date(1950, 1, 1) + timedelta(days=rng.randrange(27_000))
        links, networks = self._links_of(core, rng)
        actor: ActorRecord = {
            "id": core.id,
            "kind": core.kind,
            "name": core.name,
            "legal_form": core.legal_form,
            "level": core.level,
            "siren": core.siren,
            "rna": core.rna,
            "commune": place.code,
            "commune_name": place.name,
            "postcode": place.postcode,
            "departement": place.departement,
            "region": place.region,
            "epci": place.epci,
            "latitude": lat,
            "longitude": lon,
            "location_precision": "exact" if precise else "commune",
            "themes": themes,
            "methods": methods,
            "created": created,
            "naf": _NAF[rng.randrange(len(_NAF))],
            "tranche_effectifs": _TRANCHES[rng.randrange(len(_TRANCHES))],
            "networks": networks,
        }
        return actor, links

    def actors(self) -> Iterator[ActorRecord]:
        """Every actor, in index order (head block first, then by commune)."""
        for index in range(self.n_actors):
            yield self._record(index)[0]

    def links(self) -> Iterator[LinkRecord]:
        """Every link (outgoing links of each actor in index order)."""
        for index in range(self.n_actors):
            yield from self._record(index)[1]

    def both(self) -> Iterator[tuple[ActorRecord, list[LinkRecord]]]:
        """Each actor with its outgoing links, in one pass (cheaper than two)."""
        for index in range(self.n_actors):
            yield self._record(index)


def generate(n_actors: int, links_per_actor: float = 5.0, seed: int = 0) -> Generated:
    """The synthetic movement of ``n_actors`` actors and about ``n_actors * links_per_actor``
    links, identical for the same arguments (see the module docstring)."""
    return Generated(n_actors, links_per_actor, seed)


# -- writers ----------------------------------------------------------------------------------
def _french_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _spaced_siren(siren: str) -> str:
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}"


def write_spreadsheet_csv(actors: Iterable[ActorRecord], path: Path) -> int:
    """Write actors as a French member spreadsheet (``;``, UTF-8 with BOM, French dates);
    returns the rows written. Some SIRENs are written with spaces, as offices type them."""
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(
            [
                "Nom",
                "SIREN",
                "RNA",
                "Forme juridique",
                "Code postal",
                "Commune",
                "Réseaux",
                "Adhésion depuis",
                "Thématiques",
            ]
        )
        for actor in actors:
            siren = actor.get("siren") or ""
            if siren and int(siren) % 3 == 0:
                siren = _spaced_siren(siren)
            networks = actor.get("networks") or []
            since = min((s for _, _, s in networks), default=None)
            writer.writerow(
                [
                    actor["name"],
                    siren,
                    actor.get("rna") or "",
                    actor.get("legal_form") or "",
                    actor.get("postcode") or "",
                    actor.get("commune_name") or "",
                    ", ".join(name for _, name, _ in networks),
                    _french_date(since),
                    ", ".join(THEMES.get(t, t) for t in actor.get("themes") or ()),
                ]
            )
            written += 1
    return written


def write_links_csv(links: Iterable[LinkRecord], path: Path) -> int:
    """Write links (``de;vers;type;depuis;jusqu'à;source``, UTF-8 with BOM, ISO dates); the
    ends are the actors' SIREN, else RNA, else name. Returns the rows written."""
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["de", "vers", "type", "depuis", "jusqu'à", "source"])
        for link in links:
            until = link.get("until")
            writer.writerow(
                [
                    link["source_ref"],
                    link["target_ref"],
                    link["kind"],
                    link["since"].isoformat() if link.get("since") else "",
                    until.isoformat() if until else "",
                    f"bench:{link['id']}",
                ]
            )
            written += 1
    return written


SIRENE_COLUMNS = (
    "siren",
    "statutDiffusionUniteLegale",
    "dateCreationUniteLegale",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "identifiantAssociationUniteLegale",
    "etatAdministratifUniteLegale",
    "trancheEffectifsUniteLegale",
)


def write_sirene_csv(actors: Iterable[ActorRecord], path: Path) -> int:
    """Write the actors that have a SIREN as an INSEE SIRENE *unités légales* stock extract
    (``,``-separated, UTF-8 without BOM, as INSEE publishes it); returns the rows written."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(SIRENE_COLUMNS)
        for actor in actors:
            if not actor.get("siren"):
                continue
            legal_form = actor.get("legal_form") or "association loi 1901"
            writer.writerow(
                [
                    actor["siren"],
                    "O",
                    actor["created"].isoformat(),
                    str(actor["name"]).upper(),
                    _CATEGORIE.get(legal_form, "9220"),
                    actor.get("naf") or "94.99Z",
                    "O",
                    actor.get("rna") or "",
                    "A",
                    actor.get("tranche_effectifs") or "NN",
                ]
            )
            written += 1
    return written
