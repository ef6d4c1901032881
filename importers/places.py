"""Territory resolution: from what a source says of a place to INSEE territories.

The third step of every import. A source may give an INSEE code, a postcode, a commune name
(with accents or not, ``St``/``Saint``, hyphens or spaces, small typos), coordinates, or a
free-text area (``France entière``, ``Occitanie``, ``Bassin creillois``). The resolver uses them
in that order of strength and never forces a place onto a commune:

* an INSEE code (current or former) names its commune;
* a postcode serving one commune names it; serving several, the commune name chooses, else only
  the département is certain;
* a commune name alone names a commune when it is unique (in its département when one is known),
  exactly or within a small typo; ambiguous names give the widest certain territory;
* coordinates alone give the commune whose centre is nearest (within 15 km); so do they when
  the commune name is ambiguous (the nearest of the communes so named), missing, or unknown
  (the nearest in the département the postcode names, when it names one);
* a postcode written in the commune field (``44000 Nantes``, ``Nantes 44000``) is read as the
  postcode;
* when the seat from the address and the coordinates are more than 25 km apart, both are kept (the
  seat from the address, the point from the coordinates) and the record is *flagged*;
* vague areas get the widest territory that is certain (``France entière`` → France), or none.

Territory ids are the graph's: ``FR``, ``region:76``, ``departement:14``, ``commune:14167``
(:func:`graph_model.stored.territory_id`).

>>> resolver = shared_resolver()
>>> resolver.resolve(PlaceInput(postcode="1440", commune="Viriat")).commune
'01451'
>>> resolver.resolve(PlaceInput(commune="Colombeles", postcode="14460")).commune
'14167'
>>> resolver.areas("France entière"), resolver.areas("Bassin creillois")
(['FR'], [])
>>> resolver.areas("Occitanie")
['region:76']
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from graph_model.i18n import gettext
from graph_model.identifiers import fold
from graph_model.model import LocationPrecision
from graph_model.stored import TerritoryLookup, territory_id, territory_lookup, territory_rows
from graph_model.territories import Commune, TerritoryReference, load_reference
from importers.normalise import normalise_postcode

COUNTRY = territory_id("country", "FR")
#: a point farther than this from the seat's commune centre disagrees with the address
DISAGREEMENT_KM = 25.0
#: coordinates alone name the commune whose centre is nearest, if it is at most this far
NEAREST_KM = 15.0
_FUZZY_CUTOFF = 0.86

_WHOLE_COUNTRY = frozenset(
    {
        "france", "france entiere", "toute la france", "france metropolitaine", "national",
        "nationale", "niveau national", "territoire national", "hexagone", "metropole",
        "france et outre mer", "france entiere et outre mer",
    }
)  # fmt: skip
_NOWHERE = frozenset(
    {
        "partout", "international", "internationale", "monde", "europe", "en ligne", "internet",
        "a distance", "tout", "tous", "non renseigne", "nc", "n c", "inconnu", "divers", "autre",
        "ailleurs", "variable",
    }
)  # fmt: skip
_FOREIGN_COUNTRY_OK = frozenset({"fr", "fra", "france", "250"})
_ARTICLE_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<article>le|la|les|l')\)$", re.IGNORECASE)
_CODE_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<code>\d{2,3}|2[ab])\)$", re.IGNORECASE)
_TERRITORY_ID = re.compile(r"^(FR|(region|departement|epci|commune):[0-9AB]+)$")
_NOISE = re.compile(
    r"\b(cedex|cdx)\b.*$|\b\d{1,2} ?(e|er|eme|ème|è)\b( arrondissement)?$|\barrondissement\b.*$"
)


def _name_key(text: str) -> str:
    """The comparable form of a commune name: folded, ``st``→``saint``, article up front."""
    text = text.strip()
    if match := _ARTICLE_SUFFIX.match(text):
        text = f"{match['article']} {match['name']}"
    if match := _CODE_SUFFIX.match(text):
        text = match["name"]
    key = _NOISE.sub("", fold(text)).strip()
    words = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in key.split()]
    return " ".join(words)


@dataclass(frozen=True)
class PlaceInput:
    """What a source says of a place (every field optional)."""

    insee: str | None = None
    postcode: str | None = None
    commune: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None
    area: str | None = None
    #: how the point was obtained, when the source knows it is not an address (a city centre
    #: for a seat abroad): stored as the actor's ``location_precision`` (default: exact)
    precision: LocationPrecision | None = None


@dataclass
class Place:
    """Where an actor is, as far as it is certain."""

    commune: str | None = None
    departement: str | None = None
    region: str | None = None
    active_in: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def block(self) -> str:
        """The département (or ``""``): the block identity resolution compares within."""
        return self.departement or ""


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class TerritoryResolver:
    """Resolve places against the territory reference (indexes built once, then cached)."""

    def __init__(self, reference: TerritoryReference) -> None:
        self.reference = reference
        self.lookup: TerritoryLookup = territory_lookup(reference)
        communes = [c for c in reference.communes.values() if c.kind == "commune"]
        self._keys = {c.code: _name_key(c.name) for c in reference.communes.values()}
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._names_by_dep: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self._grid: dict[tuple[int, int], list[Commune]] = defaultdict(list)
        for commune in communes:
            key = _name_key(commune.name)
            self._by_name[key].append(commune.code)
            self._names_by_dep[commune.departement][key].append(commune.code)
            point = commune.lat is not None and commune.lon is not None
            if point and commune.coord_precision == "commune":
                self._grid[self._cell(commune.lat or 0.0, commune.lon or 0.0)].append(commune)
        self._regions = {_name_key(r.name): r.code for r in reference.regions.values()}
        self._departements = {
            _name_key(d.name): d.code for d in reference.departements.values() if d.zone != "com"
        }
        self._all_names = sorted(self._by_name)
        self._fuzzy = lru_cache(maxsize=20_000)(self._fuzzy_uncached)
        self._rows: dict[str, dict[str, Any]] | None = None

    # -- indexes ------------------------------------------------------------------------------
    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat * 10), math.floor(lon * 10)

    def territory_rows(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """Rows (as :func:`graph_model.stored.territory_rows` makes them) for ``ids`` and all
        their ancestors, parents first: what an import needs to exist in the graph."""
        if self._rows is None:
            self._rows = {row["id"]: row for row in territory_rows(self.reference)}
        wanted: dict[str, dict[str, Any]] = {}

        def visit(tid: str) -> None:
            row = self._rows.get(tid) if self._rows else None
            if row is None or tid in wanted:
                return
            for parent in row["parents"]:
                visit(parent)
            wanted[tid] = row

        for tid in ids:
            visit(tid)
        return list(wanted.values())

    # -- resolution ---------------------------------------------------------------------------
    def resolve(self, place: PlaceInput) -> Place:
        """The territories of a place; see the module docstring for the rules."""
        result = Place()
        if place.country and fold(place.country) not in _FOREIGN_COUNTRY_OK:
            if place.area:
                result.flags.append(f"area {place.area!r} ignored: outside France")
            return result  # a foreign place has no French territory
        place = _postcode_in_commune(place)
        has_point = place.latitude is not None and place.longitude is not None
        point = (place.latitude or 0.0, place.longitude or 0.0) if has_point else None
        commune = self._from_code(place, result)
        if commune is None:
            commune = self._from_postcode(place, result, point)
        if commune is None and place.commune and result.departement is None:
            commune = self._from_name(place.commune, None, result, point)
        if commune is None and point is not None:
            # no commune certain (missing, ambiguous, unknown): the point tells, within the
            # département already known when there is one
            commune = self._nearest(*point, within=result.departement)
            if commune is not None and (place.commune or result.departement):
                result.flags.append(
                    gettext("commune read from the coordinates: {name}", name=commune.name)
                )
        if commune is not None:
            self._set_commune(result, commune)
            if has_point:
                self._check_point(result, commune, place)
        if place.area:
            result.active_in = self.areas(place.area)
        return result

    def _set_commune(self, result: Place, commune: Commune) -> None:
        result.commune = commune.parent if commune.kind == "arrondissement" else commune.code
        result.departement = commune.departement
        result.region = commune.region

    def _set_departement(self, result: Place, code: str) -> None:
        dep = self.reference.departements.get(code)
        if dep is not None:
            result.departement = code
            result.region = dep.region

    def _from_code(self, place: PlaceInput, result: Place) -> Commune | None:
        if not place.insee:
            return None
        code = str(place.insee).strip().upper()
        if code.isdigit() and len(code) == 4:
            code = "0" + code
        commune = self.reference.resolve_commune(code)
        if commune is None:
            result.flags.append(f"INSEE code {place.insee!r} names no commune: ignored")
        return commune

    # the postcode rules, one return each, in the order of the module docstring
    def _from_postcode(  # noqa: PLR0911, PLR0912
        self, place: PlaceInput, result: Place, point: tuple[float, float] | None = None
    ) -> Commune | None:
        postcode = normalise_postcode(place.postcode)
        if postcode is None:
            if place.postcode:
                result.flags.append(f"postcode {place.postcode!r} is not a French postcode")
            return None
        codes = self.reference.communes_by_postcode.get(postcode, ())
        if not codes:
            departement = self._departement_of_postcode(postcode)
            if departement is None:
                result.flags.append(f"postcode {postcode} is unknown")
                return None
            self._set_departement(result, departement)  # a Cedex or business postcode
            if place.commune:
                return self._from_name(place.commune, departement, result, point)
            return None
        candidates = [self.reference.communes[c] for c in codes]
        if place.commune:
            chosen = self._choose_by_name(place.commune, candidates)
            if chosen is not None:
                if self._keys[chosen.code] != _name_key(place.commune):
                    result.flags.append(f"commune {place.commune!r} read as {chosen.name!r}")
                return chosen
            if len(candidates) == 1:
                # the name may be a locality (lieu-dit) of the commune: keep the postcode's
                result.flags.append(
                    f"commune {place.commune!r} is not the commune of postcode {postcode} "
                    f"({candidates[0].name}): the postcode's commune is kept"
                )
                return candidates[0]
        if len(candidates) == 1:
            return candidates[0]
        if place.latitude is not None and place.longitude is not None:
            near = self._nearest(place.latitude, place.longitude, among=candidates)
            if near is not None:
                return near
        departements = {c.departement for c in candidates}
        if len(departements) == 1:
            self._set_departement(result, departements.pop())
        result.flags.append(
            f"postcode {postcode} serves {len(candidates)} communes and no commune name tells "
            "which: only the département is kept"
        )
        return None

    def _departement_of_postcode(self, postcode: str) -> str | None:
        prefix3, prefix2 = postcode[:3], postcode[:2]
        if prefix3 in self.reference.departements and prefix2 in ("97", "98"):
            return prefix3
        if prefix2 == "20":
            return None  # Corse: 2A or 2B cannot be told from the prefix
        return prefix2 if prefix2 in self.reference.departements else None

    def _choose_by_name(self, name: str, candidates: list[Commune]) -> Commune | None:
        key = _name_key(name)
        exact = [c for c in candidates if self._keys[c.code] == key]
        if len(exact) == 1:
            return exact[0]
        names = {self._keys[c.code]: c for c in candidates}
        close = difflib.get_close_matches(key, list(names), n=2, cutoff=_FUZZY_CUTOFF)
        return names[close[0]] if len(close) == 1 else None

    # one branch per rule of the module docstring (exact, typo, ambiguous, area)
    def _from_name(  # noqa: PLR0912
        self,
        name: str,
        departement: str | None,
        result: Place,
        point: tuple[float, float] | None = None,
    ) -> Commune | None:
        key = _name_key(name)
        if not key:
            return None
        pool: Mapping[str, list[str]] = (
            self._names_by_dep.get(departement, {}) if departement else self._by_name
        )
        codes = list(pool.get(key, ()))
        fuzzy = False
        if not codes:
            match = self._fuzzy(key, departement)
            if match is not None:
                codes, fuzzy = list(pool.get(match, ())), True
        if len(codes) == 1:
            commune = self.reference.communes[codes[0]]
            if fuzzy:
                result.flags.append(f"commune {name!r} read as {commune.name!r}")
            return commune
        if len(codes) > 1 and point is not None:
            near = self._nearest(*point, among=[self.reference.communes[c] for c in codes])
            if near is not None:
                result.flags.append(
                    gettext(
                        "commune name {name!r} is ambiguous ({n} communes): read from the "
                        "coordinates as {chosen} ({code})",
                        name=name,
                        n=len(codes),
                        chosen=near.name,
                        code=near.code,
                    )
                )
                return near
        if len(codes) > 1:
            departements = {self.reference.communes[c].departement for c in codes}
            if len(departements) == 1:
                self._set_departement(result, departements.pop())
            result.flags.append(
                f"commune name {name!r} is ambiguous ({len(codes)} communes): give a postcode "
                "or an INSEE code"
            )
            return None
        if not departement:
            # perhaps not a commune at all but a wider area (a département, a région)
            areas = self.areas(name)
            for area in areas:
                level, _, code = area.partition(":")
                if level == "departement":
                    self._set_departement(result, code)
                elif level == "region":
                    result.region = code
        result.flags.append(f"commune {name!r} not found")
        return None

    def _fuzzy_uncached(self, key: str, departement: str | None) -> str | None:
        names = list(self._names_by_dep.get(departement, {})) if departement else self._all_names
        close = difflib.get_close_matches(key, names, n=2, cutoff=_FUZZY_CUTOFF)
        if not close:
            return None
        if len(close) == 2:
            first = difflib.SequenceMatcher(None, key, close[0]).ratio()
            second = difflib.SequenceMatcher(None, key, close[1]).ratio()
            if first - second < 0.03:
                return None  # two communes equally close: do not choose
        return close[0]

    def _nearest(
        self,
        lat: float,
        lon: float,
        among: Iterable[Commune] | None = None,
        *,
        within: str | None = None,
    ) -> Commune | None:
        """The commune whose centre is nearest the point, if within :data:`NEAREST_KM`
        (among some communes, or those of one département)."""
        if among is None and within is not None:
            among = (
                self.reference.communes[code]
                for codes in self._names_by_dep.get(within, {}).values()
                for code in codes
            )
        elif among is None:
            cy, cx = self._cell(lat, lon)
            among = (
                commune
                for dy in (-1, 0, 1)
                for dx in (-1, 0, 1)
                for commune in self._grid.get((cy + dy, cx + dx), ())
            )
        best: tuple[float, Commune] | None = None
        for commune in among:
            if commune.lat is None or commune.lon is None:
                continue
            km = _km(lat, lon, commune.lat, commune.lon)
            if best is None or km < best[0]:
                best = (km, commune)
        return best[1] if best is not None and best[0] <= NEAREST_KM else None

    def _check_point(self, result: Place, commune: Commune, place: PlaceInput) -> None:
        if commune.lat is None or commune.lon is None or commune.coord_precision != "commune":
            return
        km = _km(place.latitude or 0.0, place.longitude or 0.0, commune.lat, commune.lon)
        if km > DISAGREEMENT_KM:
            result.flags.append(
                f"address ({commune.name}) and coordinates ({place.latitude}, {place.longitude}) "
                f"are {km:.0f} km apart: both kept, the seat from the address"
            )

    # -- areas --------------------------------------------------------------------------------
    def areas(self, text: str) -> list[str]:  # noqa: PLR0912 — one branch per kind of area
        """The territories a free-text area certainly covers (possibly none)."""
        found: list[str] = []
        for part in re.split(r"[;,/+]| et ", text):
            if _TERRITORY_ID.match(part.strip()):  # a territory id, as the graph writes it
                if self.territory_rows([part.strip()]):
                    found.append(part.strip())
                continue
            key = _name_key(part)
            coded = _CODE_SUFFIX.match(part.strip())
            if coded and coded["code"].upper() in self.reference.departements:
                found.append(territory_id("departement", coded["code"].upper()))
            elif not key:
                continue
            elif key in _WHOLE_COUNTRY:
                found.append(COUNTRY)
            elif key in _NOWHERE:
                continue
            elif key in self._regions:
                found.append(territory_id("region", self._regions[key]))
            elif key in self._departements:
                found.append(territory_id("departement", self._departements[key]))
            elif match := re.match(r"^(?:departement )?(\d{2,3}|2a|2b)$", key):
                code = match.group(1).upper()
                if code in self.reference.departements:
                    found.append(territory_id("departement", code))
            elif key.startswith("region ") and key[7:] in self._regions:
                found.append(territory_id("region", self._regions[key[7:]]))
            elif len(codes := self._by_name.get(key, [])) == 1:
                found.append(territory_id("commune", codes[0]))
        return list(dict.fromkeys(found))


_POSTCODE_FIRST = re.compile(r"^\s*(?P<code>\d{5})\s*[,-]?\s+(?P<name>\D.*)$")
_POSTCODE_LAST = re.compile(r"^(?P<name>.*\D)\s*[,-]?\s+(?P<code>\d{5})\s*$")


def _postcode_in_commune(place: PlaceInput) -> PlaceInput:
    """``44000 Nantes`` (or ``Nantes 44000``) in the commune field: the postcode and the
    commune, when the postcode field is empty or says the same."""
    if not place.commune:
        return place
    match = _POSTCODE_FIRST.match(place.commune) or _POSTCODE_LAST.match(place.commune)
    if match is None:
        return place
    if place.postcode and normalise_postcode(place.postcode) != match["code"]:
        return place
    return replace(place, postcode=match["code"], commune=match["name"].strip())


@cache
def shared_resolver() -> TerritoryResolver:
    """The resolver over the shipped reference, built on first use and kept for the process."""
    return TerritoryResolver(load_reference())
