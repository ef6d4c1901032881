"""DataLoaders: every relationship field of the schema reads the store in batches.

One set of loaders per request (:func:`make_loaders`): the fields resolved in the same tick of
the event loop ask for their keys together and one operation of the store's port answers all
of them (one statement, ``UNWIND $ids``), so a page of 100 actors with their links,
territories and link ends costs a bounded number of round trips, whatever the page size
(``tests/api/test_round_trips.py`` counts the calls made to the port). Loaders cache per
request only: a mutation sees its own write on the next request.

The port hands Python values (dates, datetimes) and typed records
(:class:`~graph_model.port.StoredLink`); the loaders only group them by the key asked for.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from api.guard import StoreGuard
from graph_model.port import GraphStore, StoredLink

V = TypeVar("V")

ActorProps = dict[str, Any]


def as_datetime(value: Any) -> datetime | None:
    """A stored value that should be a datetime (None for anything else)."""
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


Load = Callable[[list[str]], Coroutine[Any, Any, list[V]]]


def _batch(guard: StoreGuard, read: Callable[[list[str]], list[V]]) -> Load[V]:
    """A loader's batch function: ``read`` of the distinct keys, through the guard."""

    async def load(keys: list[str]) -> list[V]:
        return await guard.run(read, keys)

    return load


def _by_id(found: Mapping[str, Mapping[str, Any]], keys: Iterable[str]) -> list[ActorProps | None]:
    """Properties by key (with their ``id``), None for a key not found."""
    result: list[ActorProps | None] = []
    for key in keys:
        props = found.get(key)
        result.append(None if props is None else {**props, "id": key})
    return result


def _grouped(pairs: Iterable[tuple[str, V]], keys: Iterable[str]) -> list[list[V]]:
    grouped: defaultdict[str, list[V]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return [grouped[key] for key in keys]


class Loaders:
    """The loaders of one request, each created when first used."""

    def __init__(self, guard: StoreGuard, graph: GraphStore) -> None:
        self._guard = guard
        self._graph = graph
        self._actors: DataLoader[str, ActorProps | None] | None = None
        self._links: DataLoader[str, list[StoredLink]] | None = None
        self._territories: DataLoader[str, list[tuple[str, str]]] | None = None
        self._aliases: DataLoader[str, list[str]] | None = None
        self._themes: DataLoader[str, ActorProps | None] | None = None
        self._methods: DataLoader[str, ActorProps | None] | None = None

    def _actor_props(self, keys: list[str]) -> list[ActorProps | None]:
        found = self._graph.actors_by_id(dict.fromkeys(keys))
        return _by_id({k: actor.props for k, actor in found.items()}, keys)

    def _actor_links(self, keys: list[str]) -> list[list[StoredLink]]:
        """Each actor's links, each once, in id order."""
        by_actor: defaultdict[str, dict[str, StoredLink]] = defaultdict(dict)
        for found in self._graph.links_of_actors(dict.fromkeys(keys)):
            by_actor[found.actor][found.link.id] = found.link
        return [sorted(by_actor[key].values(), key=lambda link: link.id) for key in keys]

    def _places(self, keys: list[str]) -> list[list[tuple[str, str]]]:
        places = self._graph.places_of(dict.fromkeys(keys))
        grouped = _grouped(((p.actor, (p.relation, p.territory)) for p in places), keys)
        return [sorted(pairs) for pairs in grouped]

    def _aliases_of(self, keys: list[str]) -> list[list[str]]:
        found = self._graph.aliases_of(dict.fromkeys(keys))
        return [sorted(found.get(key, ())) for key in keys]

    def _themes_of(self, keys: list[str]) -> list[ActorProps | None]:
        return _by_id(self._graph.themes_by_id(dict.fromkeys(keys)), keys)

    def _methods_of(self, keys: list[str]) -> list[ActorProps | None]:
        return _by_id(self._graph.methods_by_id(dict.fromkeys(keys)), keys)

    @property
    def actors(self) -> DataLoader[str, ActorProps | None]:
        if self._actors is None:
            self._actors = DataLoader(load_fn=_batch(self._guard, self._actor_props))
        return self._actors

    @property
    def links(self) -> DataLoader[str, list[StoredLink]]:
        if self._links is None:
            self._links = DataLoader(load_fn=_batch(self._guard, self._actor_links))
        return self._links

    @property
    def territories(self) -> DataLoader[str, list[tuple[str, str]]]:
        if self._territories is None:
            self._territories = DataLoader(load_fn=_batch(self._guard, self._places))
        return self._territories

    @property
    def aliases(self) -> DataLoader[str, list[str]]:
        if self._aliases is None:
            self._aliases = DataLoader(load_fn=_batch(self._guard, self._aliases_of))
        return self._aliases

    @property
    def themes(self) -> DataLoader[str, ActorProps | None]:
        if self._themes is None:
            self._themes = DataLoader(load_fn=_batch(self._guard, self._themes_of))
        return self._themes

    @property
    def methods(self) -> DataLoader[str, ActorProps | None]:
        if self._methods is None:
            self._methods = DataLoader(load_fn=_batch(self._guard, self._methods_of))
        return self._methods

    def prime_actors(self, actors: Sequence[ActorProps]) -> None:
        """Actors read by a list query: their fields need no second read."""
        self.actors.prime_many({a["id"]: a for a in actors})


def make_loaders(guard: StoreGuard, graph: GraphStore) -> Loaders:
    return Loaders(guard, graph)
