"""The change feed: the store's change log as a caller may see it, page by page or live.

The log (:mod:`graph_model.changes`) numbers every committed write (``seq``) and says what it
changed. The feed shows it to readers through ``GET /feed`` (JSON Lines), ``GET /feed.atom``
(:mod:`api.feed_routes`) and the GraphQL subscription ``changes``
(:mod:`api.schema.subscriptions`), all three filtered the same way by a :class:`FeedFilter`:

* **what the caller may see** — the anonymous public (when reads are public) and readers see
  the graph's own changes (:data:`PUBLIC_KINDS`: actors, links, aliases, places, territories,
  themes, methods, the API's edit audit, the graph cleared); editors see every kind but the
  accounts', tokens, import runs, duplicate candidates, settings and bare writes included
  (:data:`EDITOR_KINDS`), and who wrote (``by``, ``run``), which nobody else does; admins see
  the accounts' changes too (:data:`ACCOUNT_KINDS`: users, sign-in links, sessions);
* **kinds** — any of the kinds the caller may see;
* **territory** — a change touches a territory when one of its actors (an actor it names, a
  link's ends, the actor or link an edit names) is located in it *now*, as the projection holds
  it (``commune``, ``departement``, ``region``, ``epci``; a commune takes its arrondissements),
  or, for an actor the projection does not hold, as the store does; a change naming no actor
  (themes, territories) touches no territory, except the graph cleared, which touches every one;
* **network** — the network itself and the actors that are its members now (``MEMBER_OF``
  links of the projection not ended, and those the same write creates).

With a territory or a network, a change shows only its actors and links that touch them (an
import's write names thousands; :meth:`Matcher.select`).

A page (:func:`read_page`) is whole transactions: a sequence number is never cut in two, so
``next`` (the last sequence read) is a cursor that loses nothing. The live source is
:class:`api.feed_live.ChangeFeed`, one per process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from api.auth import AuthError
from graph_model.changes import ACTOR_KINDS, LINK_KINDS, ChangeKind, ChangeRecord, LinkRef
from graph_model.errors import NotFound, ValidationError
from graph_model.i18n import _
from graph_model.model import LinkKind, TerritoryLevel
from queries.projection import Projection

if TYPE_CHECKING:  # the services import nothing of the feed
    from api.services import Services
    from api.territories import TerritoryRecord

logger = logging.getLogger(__name__)

#: the kinds every caller who may read sees
PUBLIC_KINDS = frozenset(
    {
        *ACTOR_KINDS,
        *LINK_KINDS,
        ChangeKind.ALIASES,
        ChangeKind.PLACES,
        ChangeKind.TERRITORIES,
        ChangeKind.THEMES,
        ChangeKind.METHODS,
        ChangeKind.EDIT,
        ChangeKind.GRAPH_CLEARED,
    }
)
#: the changes of people's accounts (users, sign-in links, sessions): shown to admins only
ACCOUNT_KINDS = frozenset({"user", "sign_in_link", "session"})
#: the kinds admins see: all of them
ALL_KINDS = frozenset(str(kind) for kind in ChangeKind)
#: the kinds editors see: all but the accounts'
EDITOR_KINDS = ALL_KINDS - ACCOUNT_KINDS
#: the kinds whose targets are actors
_ACTOR_TARGETS = frozenset({*ACTOR_KINDS, ChangeKind.ALIASES, ChangeKind.PLACES})

DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000
#: log entries read per round trip
READ_CHUNK = 2_000
#: the ids (targets, links) one page names at most: an import's transaction names thousands
MAX_WEIGHT = 20_000
#: log entries one page reads at most, whatever its filter keeps (the page then ends early,
#: with ``more``, so that a filter matching nothing cannot make one request scan the whole log)
SCAN_LIMIT = 50_000
_NETWORK_KINDS = ("Network", "AdvocacyBody")


# -- the filter ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedFilter:
    """What one caller asked for, within what it may see (see the module docstring)."""

    kinds: frozenset[str]
    editor: bool = False
    territory: TerritoryRecord | None = None
    #: the territory's code, and for Paris, Lyon and Marseille their arrondissements'
    codes: frozenset[str] = frozenset()
    network: str | None = None

    @property
    def label(self) -> str:
        """The filter in a few words, for a feed reader's title ("" for none)."""
        parts = []
        if self.territory is not None:
            parts.append(self.territory.name)
        if self.network is not None:
            parts.append(self.network)
        return ", ".join(parts)


def split_kinds(value: str | Sequence[str] | None) -> list[str] | None:
    """``"a,b"`` or ``["a", "b"]`` as a list of kinds (``None``: every kind)."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    kinds = [item.strip() for item in items if item.strip()]
    return kinds or None


def parse_kinds(
    value: str | Sequence[str] | None, *, editor: bool, admin: bool = False
) -> frozenset[str]:
    """The kinds asked for (all those the caller may see when none is given)."""
    visible = ALL_KINDS if admin else EDITOR_KINDS if editor else PUBLIC_KINDS
    kinds = split_kinds(value)
    if kinds is None:
        return frozenset(str(k) for k in visible)
    known = {str(k) for k in ChangeKind}
    unknown = [k for k in kinds if k not in known]
    if unknown:
        raise ValidationError(
            _(
                "kinds: unknown kind {kind!r}; the kinds are {choices}",
                kind=unknown[0],
                choices=", ".join(sorted(str(k) for k in visible)),
            ),
            field="kinds",
        )
    hidden = sorted({k for k in kinds if k not in visible})
    if hidden and editor:
        raise AuthError(_("kinds: {kinds} are shown to admins only", kinds=", ".join(hidden)))
    if hidden:
        raise AuthError(
            _(
                "kinds: {kinds} are shown to editors only: send a token with the role editor",
                kinds=", ".join(hidden),
            )
        )
    return frozenset(kinds)


def parse_territory(services: Services, value: str | None) -> TerritoryRecord | None:
    """A territory as the GraphQL API names one (``region:84``, ``departement:84``, an EPCI's
    SIREN, a commune's code, ``FR``); a bare code both a région and a département have is the
    département, as the analytics' scopes read it (``84``: Vaucluse)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > 40:
        raise ValidationError(_("territory: 40 characters at most"), field="territory")
    index = services.territories
    try:
        try:
            record = index.resolve(text)
        except ValidationError:
            if ":" in text or len(text) not in (2, 3):
                raise
            record = index.resolve(text, TerritoryLevel.DEPARTEMENT)
    except (ValidationError, NotFound) as exc:
        raise ValidationError(
            _(
                "territory: {value!r} names no territory; write it as FR, region:84, "
                "departement:84 (or 84), epci:200046977 or commune:84007",
                value=text,
            ),
            field="territory",
        ) from exc
    return None if record.level is TerritoryLevel.COUNTRY else record


def parse_network(value: str | None, projection: Projection) -> str | None:
    """A network's (or an advocacy body's) id, which the projection must hold."""
    if value is None or not value.strip():
        return None
    network = value.strip()
    attrs = projection.graph.nodes.get(network) if len(network) <= 80 else None
    if attrs is None:
        raise ValidationError(
            _("network: no actor has the id {value!r}", value=network), field="network"
        )
    if attrs.get("kind") not in _NETWORK_KINDS:
        raise ValidationError(
            _(
                "network: {value!r} is not a network nor an advocacy body (it is a {kind})",
                value=network,
                kind=str(attrs.get("kind")),
            ),
            field="network",
        )
    return network


def parse_after(value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        after = int(value)
    except ValueError as exc:
        raise ValidationError(
            _("after: {value!r} is not a sequence number (an integer, 0 or more)", value=value),
            field="after",
        ) from exc
    if after < 0:
        raise ValidationError(
            _("after: {value!r} is not a sequence number (an integer, 0 or more)", value=value),
            field="after",
        )
    return after


def parse_limit(value: str | int | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            _("limit: {value!r} must be an integer from 1 to {most}", value=value, most=MAX_LIMIT),
            field="limit",
        )
    return limit


_TERRITORIES = threading.Lock()


def _territories(services: Services) -> object:
    with _TERRITORIES:
        return services.territories


async def feed_filter(
    services: Services,
    *,
    editor: bool,
    admin: bool = False,
    territory: str | None = None,
    network: str | None = None,
    kinds: str | Sequence[str] | None = None,
) -> FeedFilter:
    """The filter of a request's parameters; a bad one is a :class:`ValidationError` naming
    it, a kind the caller may not see an :class:`~api.auth.AuthError`."""
    chosen = parse_kinds(kinds, editor=editor or admin, admin=admin)
    place = None
    codes: frozenset[str] = frozenset()
    if territory is not None and territory.strip():
        # the first use of the territories builds their index (seconds): not on the event
        # loop, and once (callers arriving meanwhile wait for it)
        await anyio.to_thread.run_sync(_territories, services)
        place = parse_territory(services, territory)
    if place is not None:
        children = services.territories.children_of(place.id, TerritoryLevel.COMMUNE)
        inside = [child.code for child in children] if place.level is TerritoryLevel.COMMUNE else []
        codes = frozenset([place.code, *inside])
    net = None
    if network is not None and network.strip():
        net = parse_network(network, await services.projection.get())
    return FeedFilter(
        kinds=chosen, editor=editor or admin, territory=place, codes=codes, network=net
    )


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


__all__ = [
    "ACCOUNT_KINDS",
    "ALL_KINDS",
    "DEFAULT_LIMIT",
    "EDITOR_KINDS",
    "MAX_LIMIT",
    "PUBLIC_KINDS",
    "FeedFilter",
    "Page",
    "feed_filter",
    "parse_after",
    "parse_limit",
    "read_page",
    "render",
]
