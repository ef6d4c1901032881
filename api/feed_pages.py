"""The change feed's pages: what a batch of changes is about (its actors' places, its links'
ends), which of it a :class:`~api.feed.FeedFilter` lets through (:class:`Matcher`), one change
as the feed shows it (:func:`render`), and a page of whole transactions (:func:`read_page`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any

from api.feed import _ACTOR_TARGETS, FeedFilter
from graph_model.changes import ChangeKind, ChangeRecord, LinkRef
from graph_model.model import LinkKind
from queries.projection import Projection

if TYPE_CHECKING:
    from api.services import Services

logger = logging.getLogger(__name__)

#: log entries read per round trip
READ_CHUNK = 2_000
#: the ids (targets, links) one page names at most: an import's transaction names thousands
MAX_WEIGHT = 20_000
#: log entries one page reads at most, whatever its filter keeps (the page then ends early,
#: with ``more``, so that a filter matching nothing cannot make one request scan the whole log)
SCAN_LIMIT = 50_000


# -- what a batch of changes is about ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActorFacts:
    name: str | None
    kind: str | None
    places: Mapping[str, str | None]


@dataclass
class Facts:
    """What filtering and naming a batch of changes needs: its actors, its links by id."""

    actors: dict[str, ActorFacts] = field(default_factory=dict)
    links: dict[str, LinkRef] = field(default_factory=dict)


_LEVELS = ("commune", "departement", "region", "epci")


def _facts(attrs: Mapping[str, Any]) -> ActorFacts:
    return ActorFacts(
        name=attrs.get("name"),
        kind=attrs.get("kind"),
        places={level: attrs.get(level) for level in _LEVELS},
    )


def involved(change: ChangeRecord, links: Mapping[str, LinkRef]) -> tuple[str, ...]:
    """The actors a change names: its targets when they are actors, its links' ends, and for
    an edit the actor or link it names."""
    ids: list[str] = []
    if change.kind in _ACTOR_TARGETS:
        ids.extend(change.targets)
    for ref in change.links:
        ids.extend((ref.source, ref.target))
    if change.kind == ChangeKind.EDIT:
        for target in change.targets or (change.target,):
            named = links.get(target)
            ids.extend((named.source, named.target) if named is not None else (target,))
    return tuple(dict.fromkeys(i for i in ids if i))


async def gather_facts(
    services: Services, changes: Sequence[ChangeRecord], projection: Projection | None
) -> Facts:
    """The facts of ``changes``: from the projection, else (an actor it does not hold yet)
    from the store."""
    facts = Facts(links={ref.id: ref for change in changes for ref in change.links})
    wanted: set[str] = set()
    for change in changes:
        wanted.update(involved(change, facts.links))
    nodes = projection.graph.nodes if projection is not None else {}
    missing = []
    for actor in wanted:
        attrs = nodes.get(actor)
        if attrs is None:
            missing.append(actor)
        else:
            facts.actors[actor] = _facts(attrs)
    if missing:
        rows = await services.guard.run(services.graph.projection_actors_by_id, sorted(missing))
        for row in rows:
            facts.actors[str(row["id"])] = _facts(row)
    return facts


class Matcher:
    """Which part of a change passes a filter. A change is placed by its own actors' seats (a
    few look-ups, whatever the size of the graph); the network's members are worked out once per
    projection (its incoming links)."""

    def __init__(self, feed_filter: FeedFilter) -> None:
        self.filter = feed_filter
        self._projection: Projection | None = None
        self._members: frozenset[str] = frozenset()

    def matches(self, change: ChangeRecord, facts: Facts, projection: Projection | None) -> bool:
        return self.select(change, facts, projection) is not None

    def select(
        self, change: ChangeRecord, facts: Facts, projection: Projection | None
    ) -> ChangeRecord | None:
        """The change as the filter shows it: itself; with a territory or a network, only the
        actors and links of it that touch them (an import's write names thousands, a few of
        them in the territory); ``None`` when nothing of it does."""
        flt = self.filter
        if change.kind not in flt.kinds:
            return None
        if (
            flt.territory is None and flt.network is None
        ) or change.kind == ChangeKind.GRAPH_CLEARED:
            return change
        network = flt.network
        if network is not None and projection is not None and projection is not self._projection:
            self._projection = projection
            self._members = members_of(projection, network)
        if change.kind in _ACTOR_TARGETS:
            targets = tuple(t for t in change.targets if self._touches((t,), facts))
            return _narrowed(change, targets, None)
        if change.links:
            links = tuple(r for r in change.links if self._touches((r.source, r.target), facts))
            return _narrowed(change, None, links)
        touched = change.kind == ChangeKind.EDIT and self._touches(
            involved(change, facts.links), facts
        )
        return change if touched else None

    def _touches(self, actors: Sequence[str], facts: Facts) -> bool:
        """Whether these actors (one, or a link's ends) touch the territory and the network."""
        flt = self.filter
        if flt.territory is not None and not any(self._located(a, facts) for a in actors):
            return False
        network = flt.network
        return network is None or any(a == network or a in self._members for a in actors)

    def _located(self, actor: str, facts: Facts) -> bool:
        known = facts.actors.get(actor)
        territory = self.filter.territory
        if known is None or territory is None:
            return False
        return known.places.get(territory.level.value) in self.filter.codes


def _narrowed(
    change: ChangeRecord, targets: tuple[str, ...] | None, links: tuple[LinkRef, ...] | None
) -> ChangeRecord | None:
    """``change`` keeping only ``targets`` (its actors) or ``links`` (and their ids among its
    targets); ``None`` when none is kept; the change itself when all are."""
    if targets is not None:
        if not targets:
            return None
        return change if len(targets) == len(change.targets) else replace(change, targets=targets)
    if not links:
        return None
    if len(links) == len(change.links):
        return change
    kept = {ref.id for ref in links}
    return replace(change, links=links, targets=tuple(t for t in change.targets if t in kept))


def members_of(projection: Projection, network: str) -> frozenset[str]:
    """The actors whose ``MEMBER_OF`` link to ``network`` has not ended."""
    graph = projection.graph
    if network not in graph:
        return frozenset()
    today = date.today()
    return frozenset(
        source
        for source, _target, attrs in graph.in_edges(network, data=True)
        if attrs.get("kind") == LinkKind.MEMBER_OF
        and (attrs.get("until") is None or attrs["until"] >= today)
    )


# -- one change as the feed shows it ---------------------------------------------------------


def _when(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def render(change: ChangeRecord, facts: Facts, *, editor: bool) -> dict[str, Any]:
    """One line of the feed: what changed, the actors involved named where known; who wrote
    only for an editor."""
    actors = []
    for actor in involved(change, facts.links):
        known = facts.actors.get(actor)
        actors.append(
            {
                "id": actor,
                "name": known.name if known else None,
                "kind": known.kind if known else None,
            }
        )
    item: dict[str, Any] = {
        "seq": change.seq,
        "n": change.n,
        "at": _when(change.at),
        "kind": change.kind,
        "operation": change.operation,
        "targets": list(change.targets),
        "links": [
            {"id": r.id, "kind": r.kind, "source": r.source, "target": r.target}
            for r in change.links
        ],
        "actors": actors,
    }
    if editor:
        item["by"] = change.by or None
        item["run"] = change.run
    return item


# -- pages -----------------------------------------------------------------------------------


def read_sequences(graph: Any, after: int, limit: int) -> tuple[list[ChangeRecord], bool]:
    """The log after ``after``, whole sequences only, and whether more may follow (sync: run
    it in a worker thread). A transaction of more than ``limit`` entries is read whole."""
    rows: list[ChangeRecord] = graph.changes_since(after, limit)
    while len(rows) >= limit:
        last = rows[-1].seq
        head = [row for row in rows if row.seq != last]
        if head:
            return head, True
        limit *= 2
        rows = graph.changes_since(after, limit)
    return rows, False


@dataclass
class Page:
    """The changes of one page and the cursor after it: ``next`` (the last sequence read: the
    ``after`` of the next page), ``more`` (false: the log ended there)."""

    items: list[dict[str, Any]]
    next: int
    more: bool


async def read_page(
    services: Services,
    feed_filter: FeedFilter,
    after: int,
    limit: int,
    *,
    matcher: Matcher | None = None,
) -> Page:
    """The changes after ``after`` that pass the filter, at most ``limit`` and about
    :data:`MAX_WEIGHT` ids (a transaction is never cut: one alone over either is shown
    whole), reading at most :data:`SCAN_LIMIT` entries of the log."""
    matcher = matcher or Matcher(feed_filter)
    projection = await services.projection.get()
    items: list[dict[str, Any]] = []
    cursor = after
    scanned = 0
    weight = 0
    while True:
        chunk, more = await services.guard.run(read_sequences, services.graph, cursor, READ_CHUNK)
        if not chunk:
            return Page(items, cursor, False)
        facts = await gather_facts(services, chunk, projection)
        groups = [(seq, list(group)) for seq, group in groupby(chunk, key=lambda c: c.seq)]
        for position, (seq, group) in enumerate(groups):
            chosen = (matcher.select(c, facts, projection) for c in group)
            kept = [render(c, facts, editor=feed_filter.editor) for c in chosen if c is not None]
            heavy = sum(len(i["targets"]) + len(i["links"]) for i in kept)
            if items and (len(items) + len(kept) > limit or weight + heavy > MAX_WEIGHT):
                return Page(items, cursor, True)
            items.extend(kept)
            weight += heavy
            cursor = seq
            if len(items) >= limit:
                return Page(items, cursor, more or position < len(groups) - 1)
        scanned += len(chunk)
        if not more:
            return Page(items, cursor, False)
        if scanned >= SCAN_LIMIT:
            return Page(items, cursor, True)
