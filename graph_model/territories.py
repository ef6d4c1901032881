"""French territories reference data: régions, départements, EPCI, communes.

The data ships in ``graph_model/reference/`` (see its ``README.md`` for sources, licences and
columns) and is rebuilt by ``python scripts/build_reference_data.py``. Nothing is read at import
time: :func:`load_reference` reads the files on first call and caches the result.

>>> ref = load_reference()
>>> ref.communes["75056"].name
'Paris'
>>> ref.communes_by_postcode["75011"], ref.arrondissements_by_postcode["75011"]
(('75056',), ('75111',))
>>> ref.resolve_commune("01340").name  # a former code resolves to the current commune
'Arboys en Bugey'
>>> reunion = ref.departements[ref.communes["97411"].departement]
>>> reunion.name, ref.regions[reunion.region].name
('La Réunion', 'La Réunion')

Codes clash across levels (région ``11`` is Île-de-France, département ``11`` is Aude; a
collectivité d'outre-mer such as ``987`` is listed both as a région and as a département, with
``zone == "com"``): always keep the level next to a code.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar, cast, get_args

REFERENCE_DIR = Path(__file__).resolve().with_name("reference")

Zone = Literal["metro", "drom", "com"]
CommuneKind = Literal["commune", "arrondissement"]
CoordPrecision = Literal["commune", "departement"]


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    chef_lieu: str
    zone: Zone
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region: str
    chef_lieu: str
    zone: Zone
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Epci:
    code: str
    """SIREN of the EPCI."""
    name: str
    type: str
    """``METRO``, ``MET69`` (Métropole de Lyon), ``CU``, ``CA`` or ``CC``."""
    departements: tuple[str, ...]
    population: int | None


@dataclass(frozen=True, slots=True)
class Commune:
    """A current commune, or a municipal arrondissement of Paris, Lyon or Marseille."""

    code: str
    name: str
    kind: CommuneKind
    parent: str | None
    """For an arrondissement, the code of its commune (75056, 69123, 13055)."""
    departement: str
    region: str
    epci: str | None
    postcodes: tuple[str, ...]
    population: int | None
    siren: str | None
    lat: float | None
    lon: float | None
    coord_precision: CoordPrecision | None
    """Which territory ``lat``/``lon`` stand for: the commune, or only its département."""
    old_codes: tuple[str, ...]


@dataclass(frozen=True)
class TerritoryReference:
    """All territories by code, plus the indexes importers need to resolve a place."""

    regions: Mapping[str, Region]
    departements: Mapping[str, Departement]
    epcis: Mapping[str, Epci]
    communes: Mapping[str, Commune]
    """Current communes and municipal arrondissements (see :attr:`Commune.kind`)."""
    communes_by_postcode: Mapping[str, tuple[str, ...]]
    """Postcode → codes of the communes (never arrondissements) it serves, sorted."""
    arrondissements_by_postcode: Mapping[str, tuple[str, ...]]
    """Postcode → codes of the municipal arrondissements it serves (75011 → 75111)."""
    old_codes: Mapping[str, str]
    """Former INSEE code → code of the current commune it is now part of."""
    communes_by_epci: Mapping[str, tuple[str, ...]]
    """EPCI SIREN → codes of its member communes, sorted."""

    def resolve_commune(self, code: str) -> Commune | None:
        """The commune (or arrondissement) for a current or former INSEE code, else None."""
        commune = self.communes.get(code)
        if commune is None and code in self.old_codes:
            commune = self.communes.get(self.old_codes[code])
        return commune


def _text(value: str) -> str | None:
    return value or None


def _float(value: str) -> float | None:
    return float(value) if value else None


def _int(value: str) -> int | None:
    return int(value) if value else None


def _split(value: str) -> tuple[str, ...]:
    return tuple(value.split("|")) if value else ()


def _check(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"unexpected value {value!r} (expected one of {', '.join(allowed)})")
    return value


def _zone(value: str) -> Zone:
    return cast(Zone, _check(value, get_args(Zone)))


def _kind(value: str) -> CommuneKind:
    return cast(CommuneKind, _check(value, get_args(CommuneKind)))


def _precision(value: str) -> CoordPrecision | None:
    return cast(CoordPrecision, _check(value, get_args(CoordPrecision))) if value else None


def _rows(directory: Path, name: str) -> Iterator[dict[str, str]]:
    path = directory / name
    raw = path.read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    yield from csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))


T = TypeVar("T")


def _index(directory: Path, name: str, build: Callable[[dict[str, str]], T]) -> dict[str, T]:
    result: dict[str, T] = {}
    for line, row in enumerate(_rows(directory, name), start=2):
        try:
            result[row["code"]] = build(row)
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{directory / name}, line {line}: {exc}") from exc
    return result


def _region(row: dict[str, str]) -> Region:
    return Region(
        code=row["code"],
        name=row["name"],
        chef_lieu=row["chef_lieu"],
        zone=_zone(row["zone"]),
        lat=_float(row["lat"]),
        lon=_float(row["lon"]),
    )


def _departement(row: dict[str, str]) -> Departement:
    return Departement(
        code=row["code"],
        name=row["name"],
        region=row["region"],
        chef_lieu=row["chef_lieu"],
        zone=_zone(row["zone"]),
        lat=_float(row["lat"]),
        lon=_float(row["lon"]),
    )


def _epci(row: dict[str, str]) -> Epci:
    return Epci(
        code=row["code"],
        name=row["name"],
        type=row["type"],
        departements=_split(row["departements"]),
        population=_int(row["population"]),
    )


def _commune(row: dict[str, str]) -> Commune:
    return Commune(
        code=row["code"],
        name=row["name"],
        kind=_kind(row["kind"]),
        parent=_text(row["parent"]),
        departement=row["departement"],
        region=row["region"],
        epci=_text(row["epci"]),
        postcodes=_split(row["postcodes"]),
        population=_int(row["population"]),
        siren=_text(row["siren"]),
        lat=_float(row["lat"]),
        lon=_float(row["lon"]),
        coord_precision=_precision(row["coord_precision"]),
        old_codes=_split(row["old_codes"]),
    )


def _group(pairs: Iterator[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for key, value in pairs:
        groups[key].add(value)
    return {key: tuple(sorted(values)) for key, values in sorted(groups.items())}


def read_reference(directory: Path = REFERENCE_DIR) -> TerritoryReference:
    """Read the reference files from ``directory`` (uncached; see :func:`load_reference`)."""
    communes = _index(directory, "communes.csv.gz", _commune)
    return TerritoryReference(
        regions=_index(directory, "regions.csv", _region),
        departements=_index(directory, "departements.csv", _departement),
        epcis=_index(directory, "epci.csv", _epci),
        communes=communes,
        communes_by_postcode=_group(
            (postcode, c.code)
            for c in communes.values()
            if c.kind == "commune"
            for postcode in c.postcodes
        ),
        arrondissements_by_postcode=_group(
            (postcode, c.code)
            for c in communes.values()
            if c.kind == "arrondissement"
            for postcode in c.postcodes
        ),
        old_codes={old: c.code for c in communes.values() for old in c.old_codes},
        communes_by_epci=_group(
            (c.epci, c.code) for c in communes.values() if c.kind == "commune" and c.epci
        ),
    )


@cache
def load_reference() -> TerritoryReference:
    """The shipped reference data, read once per process."""
    return read_reference(REFERENCE_DIR)
