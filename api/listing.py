"""Where lists of actors are cut: an index of the projection by what the lists filter on.

Measured on 100k actors (embedded ArcadeDB), a filtered ``ORDER BY a.id LIMIT`` page costs
0.15-1.6 s in Cypher (5 s with ``activeAsOf``: no index serves these filters there), against
well under a millisecond in memory. So a page is cut from an index derived from the analytics
projection (:class:`ListingIndex`: actor ids in order, by kind, territory and theme, folded
names; built when a projection is loaded, as the search index is), and the actors' stored
fields load only when a query selects them. The projection follows the graph version
(:mod:`api.projection`): a change made by a mutation is listed by the next request on a small
graph, and within the projection's rebuild time on a large one.

:func:`select` turns a filter into a :class:`Selection` (candidate positions and the checks
left); :func:`page` cuts a page of it after a key, :func:`count` counts it. The GraphQL side
(:mod:`api.schema.listing`) reads the filter and the cursor.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from api.search import folded_names
from queries.projection import Projection

#: cities whose arrondissements are communes of their own in the reference
_CITY_PREFIXES = {"75056": "751", "69123": "6938", "13055": "132"}


@dataclass(frozen=True)
class ListingIndex:
    """Positions of the actors (their rank in id order) by what lists filter on."""

    ids: list[str]
    names: list[str]
    by_kind: dict[str, list[int]]
    by_place: dict[tuple[str, str], list[int]]
    by_theme: dict[str, list[int]]

    @classmethod
    def build(cls, projection: Projection, folded: dict[str, str]) -> ListingIndex:
        ids: list[str] = []
        names: list[str] = []
        by_kind: defaultdict[str, list[int]] = defaultdict(list)
        by_place: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        by_theme: defaultdict[str, list[int]] = defaultdict(list)
        nodes = projection.graph.nodes
        for position, actor_id in enumerate(sorted(nodes)):
            attrs = nodes[actor_id]
            ids.append(actor_id)
            names.append(folded[actor_id])
            by_kind[str(attrs.get("kind"))].append(position)
            for level in ("region", "departement", "epci", "commune"):
                code = attrs.get(level)
                if code:
                    by_place[(level, str(code))].append(position)
            commune = str(attrs.get("commune") or "")
            for city, prefix in _CITY_PREFIXES.items():
                if commune.startswith(prefix) and commune != city:
                    by_place[("commune", city)].append(position)
            for theme in attrs.get("themes") or ():
                by_theme[str(theme)].append(position)
        return cls(ids, names, dict(by_kind), dict(by_place), dict(by_theme))


def listing_index(projection: Projection) -> ListingIndex:
    # the names first: Projection.derived holds a (non-reentrant) lock while it builds
    folded = folded_names(projection)
    return projection.derived("api.listing", lambda p: ListingIndex.build(p, folded))


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
    """The candidates of a filter (positions, sorted; None: every actor) and the checks left."""

    candidates: list[int] | None
    checks: list[Callable[[int], bool]]

    def after(self, index: ListingIndex, key: str | None) -> Iterable[int]:
        start = 0 if key is None else bisect.bisect_right(index.ids, key)
        if self.candidates is None:
            return range(start, len(index.ids))
        return self.candidates[bisect.bisect_left(self.candidates, start) :]

    def passes(self, position: int) -> bool:
        return all(check(position) for check in self.checks)


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
    sets: list[set[int] | list[int]] = []
    if kinds is not None:
        sets.append(sorted(p for k in kinds for p in index.by_kind.get(k, ())))
    if place is not None:
        sets.append(index.by_place.get(place, []))
    if themes is not None:
        sets.append(sorted({p for t in themes for p in index.by_theme.get(t, ())}))
    if member_of is not None:
        ids = index.ids
        positions = set()
        for member in _members(projection, member_of, as_of):
            position = bisect.bisect_left(ids, member)
            if position < len(ids) and ids[position] == member:
                positions.add(position)
        sets.append(sorted(positions))
    candidates: list[int] | None = None
    if sets:
        sets.sort(key=len)
        common = set(sets[0])
        for other in sets[1:]:
            common.intersection_update(other)
        candidates = sorted(common)
    checks: list[Callable[[int], bool]] = []
    if text is not None:
        names = index.names
        checks.append(lambda p: text in names[p])
    if as_of is not None:
        ids = index.ids
        checks.append(lambda p: _active_on(projection, ids[p], as_of))
    return Selection(candidates, checks)


def page(selection: Selection, index: ListingIndex, key: str | None, size: int) -> list[int]:
    """The positions passing ``selection`` after ``key``: ``size`` of them, and one more when
    there are (so the caller knows a next page exists)."""
    found: list[int] = []
    for position in selection.after(index, key):
        if selection.passes(position):
            found.append(position)
            if len(found) > size:
                break
    return found


def count(selection: Selection, index: ListingIndex) -> int:
    """How many actors pass ``selection``."""
    everyone = selection.after(index, None)
    if not selection.checks:
        return len(everyone) if isinstance(everyone, list | range) else sum(1 for _ in everyone)
    return sum(1 for p in everyone if selection.passes(p))


__all__ = ["ListingIndex", "Selection", "count", "listing_index", "page", "select"]
