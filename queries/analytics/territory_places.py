"""The territories the figures are asked of: a territory id (``FR``, ``region:84``,
``departement:69``, ``epci:200046977``, ``commune:69123``) read against the shipped reference,
its name, population and point, and the parts of a territory at a level.

An id that names no territory is an error naming the levels; a bare code is read as
:mod:`queries.analytics.scope` reads it. EPCI perimeters are those of the reference
(:data:`EPCI_PERIMETER_YEAR`).

>>> resolve_territory("departement:69").name
'Rhône'
>>> [t.id for t in child_territories(resolve_territory("region:94"), "departement")]
['departement:2A', 'departement:2B']
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

from graph_model.errors import NotFound, ValidationError
from graph_model.i18n import _
from graph_model.territories import TerritoryReference, load_reference

Level = Literal["country", "region", "departement", "epci", "commune"]
LEVELS: Final[tuple[Level, ...]] = ("country", "region", "departement", "epci", "commune")

#: the year of the EPCI perimeters in the shipped reference (@etalab/decoupage-administratif
#: 6.0.0, published in April 2026: the EPCI in force on 1 January 2026)
EPCI_PERIMETER_YEAR: Final = 2026


# -- territories ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TerritoryRef:
    """A territory of the reference: id (``region:84``), code, name, level, population."""

    id: str
    code: str
    name: str
    level: Level
    population: int | None
    parent: str | None
    latitude: float | None = None
    longitude: float | None = None


@cache
def _epci_centres() -> dict[str, tuple[float, float]]:
    """EPCI SIREN → the mean of its communes' centres (where the map draws an EPCI)."""
    ref = load_reference()
    sums: dict[str, list[float]] = {}
    for commune in ref.communes.values():
        if commune.kind != "commune" or not commune.epci or commune.lat is None:
            continue
        total = sums.setdefault(commune.epci, [0.0, 0.0, 0.0])
        total[0] += commune.lat
        total[1] += commune.lon or 0.0
        total[2] += 1
    return {code: (round(a / n, 4), round(b / n, 4)) for code, (a, b, n) in sums.items()}


@cache
def _populations() -> dict[str, int]:
    """Population municipale per territory id (sums of communes above the EPCI)."""
    ref = load_reference()
    totals: Counter[str] = Counter()
    for commune in ref.communes.values():
        if commune.kind != "commune" or commune.population is None:
            continue
        totals["FR"] += commune.population
        totals[f"departement:{commune.departement}"] += commune.population
        totals[f"region:{commune.region}"] += commune.population
    for epci in ref.epcis.values():
        if epci.population is not None:
            totals[f"epci:{epci.code}"] = epci.population
    return dict(totals)


def _level_of(text: str) -> tuple[Level, str]:
    prefixes: dict[str, Level] = {
        "region": "region",
        "région": "region",
        "departement": "departement",
        "département": "departement",
        "dep": "departement",
        "epci": "epci",
        "commune": "commune",
    }
    value = text.strip()
    if value.upper() in {"FR", "FRANCE"}:
        return "country", "FR"
    if ":" in value:
        prefix, _sep, code = value.partition(":")
        level = prefixes.get(prefix.strip().casefold())
        if level is None:
            raise ValidationError(
                _(
                    "territory {code}: unknown level {level}; the levels are FR, region:CODE, "
                    "departement:CODE, epci:SIREN, commune:INSEE",
                    code=repr(text),
                    level=repr(prefix),
                ),
                field="territory",
            )
        return level, code.strip().upper() if level == "departement" else code.strip()
    code = value.upper()
    if len(code) == 9 and code.isdigit():
        return "epci", code
    if len(code) == 5:
        return "commune", code
    if len(code) in (2, 3):
        return "departement", code
    raise ValidationError(
        _(
            "territory {code} is not a territory id; the levels are FR, region:CODE, "
            "departement:CODE, epci:SIREN, commune:INSEE (e.g. region:84, departement:69, "
            "epci:200046977, commune:69123)",
            code=repr(text),
        ),
        field="territory",
    )


def _record(ref: TerritoryReference, level: Level, code: str) -> TerritoryRef | None:  # noqa: PLR0911
    pops = _populations()
    if level == "country":
        return TerritoryRef("FR", "FR", "France", "country", pops.get("FR"), None)
    key = f"{level}:{code}"
    if level == "region":
        r = ref.regions.get(code)
        if r is None:
            return None
        return TerritoryRef(key, code, r.name, level, pops.get(key), "FR", r.lat, r.lon)
    if level == "departement":
        d = ref.departements.get(code)
        if d is None:
            return None
        return TerritoryRef(
            key, code, d.name, level, pops.get(key), f"region:{d.region}", d.lat, d.lon
        )
    if level == "epci":
        e = ref.epcis.get(code)
        if e is None:
            return None
        parent = f"departement:{e.departements[0]}" if e.departements else None
        lat, lon = _epci_centres().get(code, (None, None))
        return TerritoryRef(key, code, e.name, level, e.population, parent, lat, lon)
    c = ref.communes.get(code)
    if c is None:
        return None
    return TerritoryRef(key, code, c.name, level, c.population, f"departement:{c.departement}")


def resolve_territory(text: str) -> TerritoryRef:
    """The territory an id names; an unknown one is a :class:`NotFound` naming the levels."""
    level, code = _level_of(text)
    found = _record(load_reference(), level, code)
    if found is None:
        raise NotFound(
            _(
                "no territory {code} in the reference; the levels are FR, region:CODE, "
                "departement:CODE, epci:SIREN, commune:INSEE (e.g. region:84, departement:69, "
                "epci:200046977, commune:69123)",
                code=repr(text),
            )
        )
    return found


def child_territories(parent: TerritoryRef, level: Level) -> list[TerritoryRef]:
    """The territories of ``level`` within ``parent`` (an EPCI is within a région or a
    département when one of its communes is), sorted by code."""
    order = LEVELS.index
    if order(level) <= order(parent.level):
        raise ValidationError(
            _(
                "{level} is not below {parent}: ask for a level finer than the parent's "
                "(country > region > departement > epci > commune)",
                level=level,
                parent=parent.id,
            ),
            field="level",
        )
    ref = load_reference()
    codes: set[str] = set()
    if level == "region":
        codes = set(ref.regions)
    elif level == "departement":
        codes = {
            d.code
            for d in ref.departements.values()
            if parent.level == "country" or d.region == parent.code
        }
    else:
        for commune in ref.communes.values():
            if commune.kind != "commune":
                continue
            inside = (
                parent.level == "country"
                or (parent.level == "region" and commune.region == parent.code)
                or (parent.level == "departement" and commune.departement == parent.code)
                or (parent.level == "epci" and commune.epci == parent.code)
            )
            if not inside:
                continue
            if level == "epci" and commune.epci:
                codes.add(commune.epci)
            elif level == "commune":
                codes.add(commune.code)
    found = (_record(ref, level, code) for code in sorted(codes))
    return [t for t in found if t is not None]
