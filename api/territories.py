"""Territories as the API serves them: the shipped reference, indexed in memory.

Territories change only with the reference data (``maillage init`` loads the same rows into the
graph), so the API answers territory fields from memory, without a store round trip. Codes clash
across levels (région ``11`` is Île-de-France, département ``11`` is Aude): a territory's id
carries its level (``region:11``, ``departement:11``, ``FR`` for the country), and a bare code is
accepted only where it names one territory.

>>> index = territory_index()
>>> index.resolve("region:76").name
'Occitanie'
>>> index.resolve("31").id
'departement:31'
>>> index.resolve("11")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph_model.errors.ValidationError: territory code '11' is ambiguous: departement:11 (Aude), ...
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from graph_model.errors import NotFound, ValidationError
from graph_model.model import TerritoryLevel
from graph_model.stored import COUNTRY_ID, territory_rows
from graph_model.territories import load_reference

_LEVEL_ALIASES = {
    "country": TerritoryLevel.COUNTRY,
    "pays": TerritoryLevel.COUNTRY,
    "region": TerritoryLevel.REGION,
    "région": TerritoryLevel.REGION,
    "departement": TerritoryLevel.DEPARTEMENT,
    "département": TerritoryLevel.DEPARTEMENT,
    "dep": TerritoryLevel.DEPARTEMENT,
    "epci": TerritoryLevel.EPCI,
    "commune": TerritoryLevel.COMMUNE,
}


@dataclass(frozen=True, slots=True)
class TerritoryRecord:
    id: str
    code: str
    name: str
    level: TerritoryLevel
    parents: tuple[str, ...]
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    postcodes: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def parent(self) -> str | None:
        return self.parents[0] if self.parents else None


class TerritoryIndex:
    """Every territory by id, by code, and its children."""

    def __init__(self, records: list[TerritoryRecord]) -> None:
        self.by_id: dict[str, TerritoryRecord] = {r.id: r for r in records}
        by_code: defaultdict[str, list[str]] = defaultdict(list)
        children: defaultdict[str, list[str]] = defaultdict(list)
        for record in records:
            by_code[record.code].append(record.id)
            for parent in record.parents:
                children[parent].append(record.id)
        self.by_code = {code: tuple(sorted(ids)) for code, ids in by_code.items()}
        self.children = {parent: tuple(ids) for parent, ids in children.items()}

    def get(self, territory_id: str) -> TerritoryRecord | None:
        return self.by_id.get(territory_id)

    def resolve(self, reference: str, level: TerritoryLevel | None = None) -> TerritoryRecord:
        """A territory from its id (``region:76``), ``level:code``, or an unambiguous code."""
        text = reference.strip()
        if level is not None:
            text = COUNTRY_ID if level is TerritoryLevel.COUNTRY else f"{level.value}:{text}"
        if text.upper() == COUNTRY_ID:
            return self.by_id[COUNTRY_ID]
        if ":" in text:
            prefix, _, code = text.partition(":")
            known = _LEVEL_ALIASES.get(prefix.strip().lower())
            if known is None:
                raise ValidationError(
                    f"territory {reference!r}: unknown level {prefix!r}; ids look like FR, "
                    "region:76, departement:31, epci:243100518, commune:31555",
                    field="territory",
                )
            found = self.by_id.get(f"{known.value}:{code.strip()}")
            if found is None:
                raise NotFound(f"no {known.value} has the INSEE code {code.strip()!r}")
            return found
        ids = self.by_code.get(text, ())
        if not ids:
            raise NotFound(
                f"no territory has the code {reference!r}; ids look like FR, region:76, "
                "departement:31, epci:243100518, commune:31555"
            )
        if len(ids) > 1:
            listed = ", ".join(f"{i} ({self.by_id[i].name})" for i in ids)
            raise ValidationError(
                f"territory code {reference!r} is ambiguous: {listed}; use one of these ids",
                field="territory",
            )
        return self.by_id[ids[0]]

    def children_of(
        self, territory_id: str, level: TerritoryLevel | None = None
    ) -> list[TerritoryRecord]:
        records = [self.by_id[i] for i in self.children.get(territory_id, ())]
        if level is not None:
            records = [r for r in records if r.level is level]
        return sorted(records, key=lambda r: (r.level.value, r.code))

    def ancestors(self, territory_id: str) -> Iterator[TerritoryRecord]:
        """Every territory above this one (each once), nearest first."""
        seen: set[str] = set()
        queue = list(self.by_id[territory_id].parents) if territory_id in self.by_id else []
        while queue:
            current = queue.pop(0)
            if current in seen or current not in self.by_id:
                continue
            seen.add(current)
            yield self.by_id[current]
            queue.extend(self.by_id[current].parents)


@cache
def territory_index() -> TerritoryIndex:
    """The index of the shipped reference, built once per process (about a second)."""
    records: list[TerritoryRecord] = []
    for row in territory_rows(load_reference()):
        props = dict(row["props"])
        postcodes = props.pop("postcodes", None) or ()
        records.append(
            TerritoryRecord(
                id=row["id"],
                code=str(props.pop("code")),
                name=str(props.pop("name")),
                level=TerritoryLevel(props.pop("level")),
                parents=tuple(row["parents"]),
                latitude=props.pop("latitude", None),
                longitude=props.pop("longitude", None),
                population=props.pop("population", None),
                postcodes=tuple(postcodes),
                extra=props,
            )
        )
    return TerritoryIndex(records)
