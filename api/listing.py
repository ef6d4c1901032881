"""Where lists of actors are cut: an index of the projection by what the lists filter on.

Measured on 100k actors (embedded ArcadeDB), a filtered ``ORDER BY a.id LIMIT`` page costs
0.15-1.6 s in Cypher (5 s with ``activeAsOf``: no index serves these filters there), against
well under a millisecond in memory. So a page is cut from an index derived from the analytics
projection (:class:`ListingIndex`: sorted actor ids, by kind, territory and theme, folded
names; built when a projection is loaded, as the search index is), and the actors' stored
fields load only when a query selects them. The projection follows the change log
(:mod:`api.projection`) and the index follows it (:meth:`ListingIndex.changed`: the lists an
actor left or joined are copied, the others shared), so a change made by a mutation is listed
by the next request.

:func:`select` turns a filter into a :class:`Selection` (candidate ids and the checks left);
:func:`page` cuts a page of it after a key, :func:`count` counts it. The GraphQL side
(:mod:`api.schema.listing`) reads the filter and the cursor.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from api.search import carry_folded_names, folded_names
from queries.analytics.layered import GONE, SortedIds, layered
from queries.projection import Projection

if TYPE_CHECKING:
    from queries.deltas import Applied

#: cities whose arrondissements are communes of their own in the reference
_CITY_PREFIXES = {"75056": "751", "69123": "6938", "13055": "132"}


@dataclass(frozen=True)
class ListingIndex:
    """The actors by what lists filter on: every list of ids sorted (a page is cut after a
    key by bisection), carried along the live graph's changes (:meth:`changed`)."""

    ids: SortedIds
    #: actor id -> folded name
    names: Mapping[str, str]
    by_kind: Mapping[str, SortedIds]
    by_place: Mapping[tuple[str, str], SortedIds]
    by_theme: Mapping[str, SortedIds]

    @classmethod
    def build(cls, projection: Projection, folded: Mapping[str, str]) -> ListingIndex:
        ids: list[str] = []
        by_kind: defaultdict[str, list[str]] = defaultdict(list)
        by_place: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
        by_theme: defaultdict[str, list[str]] = defaultdict(list)
        nodes = projection.graph.nodes
        for actor_id in sorted(nodes):
            attrs = nodes[actor_id]
            ids.append(actor_id)
            by_kind[str(attrs.get("kind"))].append(actor_id)
            for place in _places(attrs):
                by_place[place].append(actor_id)
            for theme in attrs.get("themes") or ():
                by_theme[str(theme)].append(actor_id)
        return cls(
            SortedIds(ids),
            folded,
            {k: SortedIds(v) for k, v in by_kind.items()},
            {k: SortedIds(v) for k, v in by_place.items()},
            {k: SortedIds(v) for k, v in by_theme.items()},
        )

    def changed(self, applied: Applied) -> ListingIndex:
        """The index after a change: the lists an actor left or joined are made again from
        the old ones, sharing all their chunks but one (:class:`SortedIds`), laid over the old
        index's (:class:`Layered`); nothing of the index's size is copied."""
        ids = self.ids
        by_kind, by_place = _Lists(self.by_kind), _Lists(self.by_place)
        by_theme = _Lists(self.by_theme)
        for actor, (before, after) in applied.actors.items():
            if before is None and after is not None:
                ids = ids.with_id(actor)
            elif before is not None and after is None:
                ids = ids.without_id(actor)
            by_kind.move(actor, _kinds(before), _kinds(after))
            by_place.move(actor, set(_places(before)), set(_places(after)))
            by_theme.move(actor, _themes(before), _themes(after))
        # the names the search carried already to the new projection, when they are there
        names = dict(applied.new.derived_items()).get("api.folded_names")
        if not isinstance(names, Mapping):
            names = carry_folded_names(self.names, applied)
        return ListingIndex(ids, names, by_kind.result(), by_place.result(), by_theme.result())


Attrs = Mapping[str, Any]


def _kinds(attrs: Attrs | None) -> set[str]:
    return set() if attrs is None else {str(attrs.get("kind"))}


def _themes(attrs: Attrs | None) -> set[str]:
    return set() if attrs is None else {str(t) for t in attrs.get("themes") or ()}


def _places(attrs: Attrs | None) -> Iterator[tuple[str, str]]:
    """The places a list filter finds an actor at (a city's arrondissement: the city too)."""
    if attrs is None:
        return
    for level in ("region", "departement", "epci", "commune"):
        code = attrs.get(level)
        if code:
            yield (level, str(code))
    commune = str(attrs.get("commune") or "")
    for city, prefix in _CITY_PREFIXES.items():
        if commune.startswith(prefix) and commune != city:
            yield ("commune", city)


K = TypeVar("K")


class _Lists(Generic[K]):
    """Sorted id lists by key: the lists changed gathered, then laid over the old ones."""

    def __init__(self, lists: Mapping[K, SortedIds]) -> None:
        self.lists = lists
        self.changes: dict[K, Any] = {}

    def _list(self, key: K) -> SortedIds:
        found = self.changes.get(key)
        if found is None:
            return self.lists.get(key) or SortedIds()
        return SortedIds() if found is GONE else found

    def move(self, actor: str, old: set[K], new: set[K]) -> None:
        for key in old - new:
            self.changes[key] = self._list(key).without_id(actor) or GONE
        for key in new - old:
            self.changes[key] = self._list(key).with_id(actor)

    def result(self) -> Mapping[K, SortedIds]:
        return layered(self.lists).changed(self.changes) if self.changes else self.lists


def _carry_listing(index: ListingIndex, applied: Applied) -> ListingIndex:
    return index.changed(applied)


def listing_index(projection: Projection) -> ListingIndex:
    # the names first: Projection.derived holds a lock while it builds
    folded = folded_names(projection)
    return projection.derived(
        "api.listing", lambda p: ListingIndex.build(p, folded), _carry_listing
    )


def _active_on(projection: Projection, actor_id: str, day: date) -> bool:
    graph = projection.graph
    for adjacency in (graph._succ, graph._pred):  # the raw dicts: no view per actor
        for links in adjacency.get(actor_id, {}).values():
            for attrs in links.values():
                since, until = attrs["since"], attrs["until"]
                if (since is None or since <= day) and (until is None or day <= until):
                    return True
    return False


def _members(projection: Projection, network: str, day: date | None) -> set[str]:
    graph = projection.graph
    members: set[str] = set()
    for member, links in graph._pred.get(network, {}).items():
        for attrs in links.values():
            if attrs["kind"] != "MEMBER_OF":
                continue
            since, until = attrs["since"], attrs["until"]
            if day is None or ((since is None or since <= day) and (until is None or day <= until)):
                members.add(member)
                break
    return members


@dataclass(frozen=True)
class Selection:
    """The candidates of a filter (actor ids, sorted; None: every actor) and the checks
    left."""

    candidates: list[str] | None
    checks: list[Callable[[str], bool]]

    def after(self, index: ListingIndex, key: str | None) -> Iterator[str]:
        if self.candidates is None:
            return index.ids.after(key)
        ids = self.candidates
        start = 0 if key is None else bisect.bisect_right(ids, key)
        return (ids[i] for i in range(start, len(ids)))

    def passes(self, actor: str) -> bool:
        return all(check(actor) for check in self.checks)


def select(
    projection: Projection,
    index: ListingIndex,
    *,
    kinds: list[str] | None,
    place: tuple[str, str] | None,
    themes: list[str] | None,
    text: str | None,
    as_of: date | None,
    member_of: str | None,
) -> Selection:
    sets: list[set[str] | list[str] | SortedIds] = []
    if kinds is not None:
        sets.append(sorted(a for k in kinds for a in index.by_kind.get(k, ())))
    if place is not None:
        sets.append(index.by_place.get(place) or SortedIds())
    if themes is not None:
        sets.append(sorted({a for t in themes for a in index.by_theme.get(t, ())}))
    if member_of is not None:
        names = index.names
        sets.append(sorted(m for m in _members(projection, member_of, as_of) if m in names))
    candidates: list[str] | None = None
    if sets:
        sets.sort(key=len)
        common = set(sets[0])
        for other in sets[1:]:
            common.intersection_update(other)
        candidates = sorted(common)
    checks: list[Callable[[str], bool]] = []
    if text is not None:
        names = index.names
        checks.append(lambda actor: text in names[actor])
    if as_of is not None:
        checks.append(lambda actor: _active_on(projection, actor, as_of))
    return Selection(candidates, checks)


def page(selection: Selection, index: ListingIndex, key: str | None, size: int) -> list[str]:
    """The actors passing ``selection`` after ``key`` (ids, in order): ``size`` of them, and
    one more when there are (so the caller knows a next page exists)."""
    found: list[str] = []
    for actor in selection.after(index, key):
        if selection.passes(actor):
            found.append(actor)
            if len(found) > size:
                break
    return found


def count(selection: Selection, index: ListingIndex) -> int:
    """How many actors pass ``selection``."""
    if not selection.checks:
        return len(index.ids if selection.candidates is None else selection.candidates)
    return sum(1 for actor in selection.after(index, None) if selection.passes(actor))


__all__ = ["ListingIndex", "Selection", "count", "listing_index", "page", "select"]
