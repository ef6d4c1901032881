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
import's write names thousands; :meth:`api.feed_pages.Matcher.select`).

A page (:func:`api.feed_pages.read_page`) is whole transactions: a sequence number is never cut
in two, so ``next`` (the last sequence read) is a cursor that loses nothing. The live source is
:class:`api.feed_live.ChangeFeed`, one per process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio.to_thread

from api.auth import AuthError
from graph_model.changes import ACTOR_KINDS, LINK_KINDS, ChangeKind
from graph_model.errors import NotFound, ValidationError
from graph_model.i18n import _
from graph_model.model import TerritoryLevel
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


__all__ = [
    "ACCOUNT_KINDS",
    "ALL_KINDS",
    "DEFAULT_LIMIT",
    "EDITOR_KINDS",
    "MAX_LIMIT",
    "PUBLIC_KINDS",
    "FeedFilter",
    "feed_filter",
    "parse_after",
    "parse_limit",
]
