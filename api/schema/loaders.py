"""DataLoaders: every relationship field of the schema reads the store in batches.

One set of loaders per request (:func:`make_loaders`): the fields resolved in the same tick of
the event loop ask for their keys together and one Cypher statement (``UNWIND $ids``) answers
all of them, so a page of 100 actors with their links, territories and link ends costs a
bounded number of round trips, whatever the page size (``tests/api/test_round_trips.py``
counts them with ``store.round_trips``). Loaders cache per request only: a mutation sees its
own write on the next request.

Rows are converted once here (Neo4j temporal values to ``datetime``/``date``, JSON sources to
dicts) so the types stay plain.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from api.guard import StoreGuard
from queries.store import cypher

K = TypeVar("K")
V = TypeVar("V")


def native(value: Any) -> Any:
    """Neo4j temporal values as Python ones (others unchanged)."""
    to_native = getattr(value, "to_native", None)
    return to_native() if callable(to_native) else value


def as_date(value: Any) -> date | None:
    value = native(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def as_datetime(value: Any) -> datetime | None:
    value = native(value)
    return value if isinstance(value, datetime) else None


def parse_sources(values: Any) -> list[dict[str, Any]]:
    """Stored sources (compact JSON strings) as dicts; unreadable ones are kept as keys."""
    parsed: list[dict[str, Any]] = []
    for value in values or ():
        try:
            item = json.loads(value) if isinstance(value, str) else dict(value)
        except (ValueError, TypeError):
            item = {"system": "unknown", "key": str(value), "url": None}
        if isinstance(item, dict):
            parsed.append(item)
    return parsed


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A cooperation link as the API serves it."""

    id: str
    kind: str
    source: str
    target: str
    subkind: str | None
    since: date | None
    until: date | None
    sources: tuple[str, ...]
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None

    def valid_on(self, day: date) -> bool:
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> LinkRow:
        return cls(
            id=str(row["id"]),
            kind=str(row["kind"]),
            source=str(row["source"]),
            target=str(row["target"]),
            subkind=row.get("subkind"),
            since=as_date(row.get("since")),
            until=as_date(row.get("until")),
            sources=tuple(row.get("sources") or ()),
            created_at=as_datetime(row.get("created_at")),
            updated_at=as_datetime(row.get("updated_at")),
            updated_by=row.get("updated_by"),
        )


ActorProps = dict[str, Any]


def _batch(
    guard: StoreGuard,
    statement: str,
    group: Callable[[list[dict[str, Any]], list[str]], list[V]],
) -> Callable[[list[str]], Coroutine[Any, Any, list[V]]]:
    query = cypher(statement)

    async def load(keys: list[str]) -> list[V]:
        rows = await guard.run(guard.store.read, query, ids=list(dict.fromkeys(keys)))
        return group(rows, keys)

    return load


def _by_id(rows: list[dict[str, Any]], keys: list[str]) -> list[ActorProps | None]:
    found: dict[str, ActorProps] = {}
    for row in rows:
        props = {k: native(v) for k, v in row["props"].items()}
        props["id"] = row["id"]
        found[row["id"]] = props
    return [found.get(key) for key in keys]


def _links(rows: list[dict[str, Any]], keys: list[str]) -> list[list[LinkRow]]:
    grouped: defaultdict[str, dict[str, LinkRow]] = defaultdict(dict)
    for row in rows:
        grouped[row["actor"]][row["id"]] = LinkRow.from_row(row)
    return [sorted(grouped[key].values(), key=lambda link: link.id) for key in keys]


def _pairs(field: str, value: str) -> Callable[[list[dict[str, Any]], list[str]], list[Any]]:
    def group(rows: list[dict[str, Any]], keys: list[str]) -> list[list[tuple[str, str]]]:
        grouped: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in rows:
            grouped[row["actor"]].append((str(row[field]), str(row[value])))
        return [sorted(grouped[key]) for key in keys]

    return group


def _keys(rows: list[dict[str, Any]], keys: list[str]) -> list[list[str]]:
    grouped: defaultdict[str, list[str]] = defaultdict(list)
    for row in rows:
        grouped[row["actor"]].append(str(row["key"]))
    return [sorted(grouped[key]) for key in keys]


class Loaders:
    """The loaders of one request, each created when first used."""

    def __init__(self, guard: StoreGuard) -> None:
        self._guard = guard
        self._actors: DataLoader[str, ActorProps | None] | None = None
        self._links: DataLoader[str, list[LinkRow]] | None = None
        self._territories: DataLoader[str, list[tuple[str, str]]] | None = None
        self._aliases: DataLoader[str, list[str]] | None = None
        self._themes: DataLoader[str, ActorProps | None] | None = None
        self._methods: DataLoader[str, ActorProps | None] | None = None

    @property
    def actors(self) -> DataLoader[str, ActorProps | None]:
        if self._actors is None:
            self._actors = DataLoader(load_fn=_batch(self._guard, "actors_by_id", _by_id))
        return self._actors

    @property
    def links(self) -> DataLoader[str, list[LinkRow]]:
        if self._links is None:
            self._links = DataLoader(load_fn=_batch(self._guard, "api_actor_links", _links))
        return self._links

    @property
    def territories(self) -> DataLoader[str, list[tuple[str, str]]]:
        if self._territories is None:
            group = _pairs("relation", "territory")
            self._territories = DataLoader(
                load_fn=_batch(self._guard, "api_actor_territories", group)
            )
        return self._territories

    @property
    def aliases(self) -> DataLoader[str, list[str]]:
        if self._aliases is None:
            self._aliases = DataLoader(load_fn=_batch(self._guard, "api_actor_aliases", _keys))
        return self._aliases

    @property
    def themes(self) -> DataLoader[str, ActorProps | None]:
        if self._themes is None:
            self._themes = DataLoader(load_fn=_batch(self._guard, "api_themes_by_id", _by_id))
        return self._themes

    @property
    def methods(self) -> DataLoader[str, ActorProps | None]:
        if self._methods is None:
            self._methods = DataLoader(load_fn=_batch(self._guard, "api_methods_by_id", _by_id))
        return self._methods

    def prime_actors(self, actors: Sequence[ActorProps]) -> None:
        """Actors read by a list query: their fields need no second read."""
        self.actors.prime_many({a["id"]: a for a in actors})


def make_loaders(guard: StoreGuard) -> Loaders:
    return Loaders(guard)
