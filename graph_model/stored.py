"""How the graph stores what the model says: node and link properties, territory rows.

Pure functions of the model (no store): the Bolt adapter and the in-memory one write the same
properties, and the importers compare what they would write with what is stored through them.
Actor properties are denormalised for the analytics: the commune's département, région and EPCI
are copied onto the actor, and themes/methods are kept as lists beside their links.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cache
from importlib import resources
from json.encoder import encode_basestring as _json_string
from pathlib import Path
from typing import Any

from graph_model.identifiers import fold
from graph_model.model import Actor, Link, LocationPrecision, SourceRef, Theme
from graph_model.territories import TerritoryReference, load_reference

#: an actor's own properties as a source states them (the others are derived: territories,
#: point, keys, hash)
ACTOR_FIELDS = (
    "name",
    "legal_form",
    "level",
    "siren",
    "siret",
    "rna",
    "website",
    "email",
    "phone",
    "description",
    "commune",
)


def source_json(source: SourceRef) -> str:
    """A source as stored on nodes and links: compact JSON without the run and the time
    (those live in ``created_run``/``updated_run``), so re-importing the same facts writes the
    same value.

    Written out by hand (an import makes one per link and per actor): the exact text
    ``json.dumps(…, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` gives, which is
    what graphs already hold.

    >>> source_json(SourceRef(system="ess", key="Créteil 1", url=None))
    '{"key":"Créteil 1","system":"ess","url":null}'
    """
    key, system = _json_string(source.key), _json_string(source.system)
    url = "null" if source.url is None else _json_string(source.url)
    return f'{{"key":{key},"system":{system},"url":{url}}}'


def _json_safe(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def content_hash(props: Mapping[str, Any]) -> str:
    """Hash of what a row says, to tell *unchanged* from *updated* on re-import."""
    canonical = json.dumps(
        {k: _json_safe(v) for k, v in props.items()}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def actor_properties(actor: Actor, territories: TerritoryLookup | None = None) -> dict[str, Any]:
    """The node properties of an actor (``None`` values are simply not stored).

    Territories are filled from the most precise place known: the seat's commune, else the
    département or région given, else the area the actor is active in when it lies within
    one région (a regional project with no seat belongs to its région). The point is the
    source's coordinates, else the centre of that commune / département / région, and
    ``location_precision`` says which, so that nobody takes a centre for an address.
    """
    departement, region, epci = actor.departement, actor.region, None
    if territories is not None:
        if actor.commune:
            departement, region, epci = territories.parents_of_commune(actor.commune)
        elif departement and not region:
            region = territories.region_of_departement(departement)
        elif not departement and not region and actor.active_in:
            departement, region = territories.common_area(actor.active_in)
    latitude, longitude, precision = actor.latitude, actor.longitude, actor.location_precision
    if latitude is None and territories is not None:
        point = territories.centre(actor.commune, departement, region)
        if point is not None:
            latitude, longitude, precision = point
    elif latitude is not None and precision is None:
        precision = LocationPrecision.EXACT
    props: dict[str, Any] = {
        "name": actor.name,
        "name_key": fold(actor.name),
        "legal_form": actor.legal_form,
        "level": actor.level.value if actor.level else None,
        "siren": actor.siren,
        "siret": actor.siret,
        "rna": actor.rna,
        "website": actor.website,
        "email": actor.email,
        "phone": actor.phone,
        "description": actor.description,
        "commune": actor.commune,
        "departement": departement,
        "region": region,
        "epci": epci,
        "latitude": latitude,
        "longitude": longitude,
        "location_precision": precision.value if precision else None,
        "themes": sorted(set(actor.themes)),
        "methods": sorted(set(actor.methods)),
        "sources": sorted({source_json(s) for s in actor.sources}),
    }
    props["content_hash"] = content_hash(props)
    return props


class TerritoryLookup:
    """What storing an actor needs of the territory reference: parents and centres of codes."""

    def __init__(
        self,
        communes: Mapping[str, tuple[str, str, str | None, float | None, float | None]],
        departements: Mapping[str, tuple[str, float | None, float | None]],
        regions: Mapping[str, tuple[float | None, float | None]] | None = None,
        epcis: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        # commune code -> (departement, region, epci, lat, lon); departement -> (region, lat,
        # lon); region -> (lat, lon); EPCI (SIREN) -> the départements of its members
        self._communes = communes
        self._departements = departements
        self._regions = regions or {}
        self._epcis = epcis or {}

    def common_area(self, territory_ids: Sequence[str]) -> tuple[str | None, str | None]:
        """The département and région that every one of ``territory_ids`` lies within
        (``None`` where they differ or cannot be told, e.g. for ``FR``); an EPCI counts as
        the départements of its members."""
        places: set[tuple[str | None, str | None]] = set()
        for territory in territory_ids:
            level, _, code = territory.partition(":")
            if level == "commune" and code in self._communes:
                places.add((self._communes[code][0], self._communes[code][1]))
            elif level == "departement" and code in self._departements:
                places.add((code, self._departements[code][0]))
            elif level == "region" and code in self._regions:
                places.add((None, code))
            elif level == "epci" and self._epcis.get(code):
                # its members' départements: one gives the département, several in one
                # région the région (an EPCI may cross a border: Métropole du Grand Paris)
                for departement in self._epcis[code]:
                    if departement not in self._departements:
                        return None, None
                    places.add((departement, self._departements[departement][0]))
            else:
                return None, None
        regions = {r for _, r in places}
        if len(regions) != 1:
            return None, None
        departements = {d for d, _ in places}
        return (departements.pop() if len(departements) == 1 else None), regions.pop()

    def parents_of_commune(self, code: str) -> tuple[str | None, str | None, str | None]:
        row = self._communes.get(code)
        return (row[0], row[1], row[2]) if row else (None, None, None)

    def region_of_departement(self, code: str) -> str | None:
        row = self._departements.get(code)
        return row[0] if row else None

    def centre(
        self, commune: str | None, departement: str | None, region: str | None = None
    ) -> tuple[float, float, LocationPrecision] | None:
        if commune and commune in self._communes:
            _, _, _, lat, lon = self._communes[commune]
            if lat is not None and lon is not None:
                return lat, lon, LocationPrecision.COMMUNE
        if departement and departement in self._departements:
            _, lat, lon = self._departements[departement]
            if lat is not None and lon is not None:
                return lat, lon, LocationPrecision.DEPARTEMENT
        if region and region in self._regions:
            lat, lon = self._regions[region]
            if lat is not None and lon is not None:
                return lat, lon, LocationPrecision.REGION
        return None


def link_properties(link: Link) -> dict[str, Any]:
    return {
        "subkind": link.subkind,
        "since": link.since,
        "until": link.until,
        "sources": sorted({source_json(s) for s in link.sources}),
    }


def theme_properties(theme: Theme) -> dict[str, Any]:
    props: dict[str, Any] = {"label_fr": theme.label_fr, "scheme": theme.scheme}
    if theme.label_en:
        props["label_en"] = theme.label_en
    return props


# -- territories ---------------------------------------------------------------------------

COUNTRY_ID = "FR"


def territory_id(level: str, code: str) -> str:
    """The graph id of a territory: INSEE codes clash across levels (région 11 is
    Île-de-France, département 11 is Aude), so the id carries the level.

    >>> territory_id("departement", "2A")
    'departement:2A'
    """
    return COUNTRY_ID if level == "country" else f"{level}:{code}"


def territory_rows(reference: TerritoryReference) -> list[dict[str, Any]]:
    """One row per territory (country, régions, départements, EPCI, communes), parents first."""
    rows: list[dict[str, Any]] = [
        {
            "id": COUNTRY_ID,
            "parents": [],
            "props": {"code": "FR", "name": "France", "name_key": "france", "level": "country"},
        }
    ]

    def add(level: str, code: str, name: str, parents: list[str], **extra: Any) -> None:
        props = {"code": code, "name": name, "name_key": fold(name), "level": level, **extra}
        rows.append({"id": territory_id(level, code), "parents": parents, "props": props})

    for region in sorted(reference.regions.values(), key=lambda r: r.code):
        add(
            "region",
            region.code,
            region.name,
            [COUNTRY_ID],
            zone=region.zone,
            latitude=region.lat,
            longitude=region.lon,
        )
    for dep in sorted(reference.departements.values(), key=lambda d: d.code):
        add(
            "departement",
            dep.code,
            dep.name,
            [territory_id("region", dep.region)],
            zone=dep.zone,
            latitude=dep.lat,
            longitude=dep.lon,
        )
    for epci in sorted(reference.epcis.values(), key=lambda e: e.code):
        add(
            "epci",
            epci.code,
            epci.name,
            [territory_id("departement", d) for d in epci.departements],
            epci_type=epci.type,
            population=epci.population,
        )
    communes = sorted(reference.communes.values(), key=lambda c: (c.kind != "commune", c.code))
    for commune in communes:
        if commune.kind == "arrondissement" and commune.parent:
            parents = [territory_id("commune", commune.parent)]
        else:
            parents = [territory_id("departement", commune.departement)]
            if commune.epci:
                parents.append(territory_id("epci", commune.epci))
        add(
            "commune",
            commune.code,
            commune.name,
            parents,
            kind=commune.kind,
            postcodes=list(commune.postcodes),
            population=commune.population,
            latitude=commune.lat,
            longitude=commune.lon,
            departement=commune.departement,
            region=commune.region,
        )
    return rows


def territory_lookup(reference: TerritoryReference) -> TerritoryLookup:
    """The view of the reference that :func:`actor_properties` needs."""
    return TerritoryLookup(
        communes={
            c.code: (c.departement, c.region, c.epci, c.lat, c.lon)
            for c in reference.communes.values()
        },
        departements={d.code: (d.region, d.lat, d.lon) for d in reference.departements.values()},
        regions={r.code: (r.lat, r.lon) for r in reference.regions.values()},
        epcis={e.code: e.departements for e in reference.epcis.values()},
    )


@cache
def shipped_lookup() -> TerritoryLookup:
    """:func:`territory_lookup` of the shipped reference, made once per process (an edit
    needs it at every write: building it is a 35,000-entry dict)."""
    return territory_lookup(load_reference())


def reference_fingerprint(reference_dir: Path | None = None) -> str:
    """A hash of the shipped territory files: ``maillage init`` reloads them only on change."""
    folder = reference_dir or Path(str(resources.files("graph_model") / "reference"))
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv*")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]
