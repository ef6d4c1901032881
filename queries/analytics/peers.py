"""Peer projects: actors like a given one, elsewhere — to learn from, or to cooperate with.

Candidates are the actors of the given ``kinds`` (by default the actor's own kind) that sit
*outside the actor's territory* at ``level`` (``commune``, ``departement`` — the default — or
``region``) and share at least one theme, method or network with it. A candidate is outside
when its territory differs from the actor's at that level *or at a wider one* (a candidate in
another région is outside the département even when its own département is unknown), so
"outside the département" always finds at least the candidates of "outside the région". A
candidate placed nowhere is left out: it cannot be shown to be elsewhere. An actor with no
territory at ``level`` is compared at the next wider level it has (:attr:`PeerAnswer.level`
says which; :attr:`PeerAnswer.asked` the level asked); an actor placed nowhere (a national body)
is compared with every placed candidate.

**Similarity**, in [0, 1], over four facets:

=================  ======  ====================================================================
facet              weight  what it holds
=================  ======  ====================================================================
``themes``         0.40    the actor's themes (fields of activity)
``methods``        0.25    the evaluation tools and methods it uses
``networks``       0.20    the networks it is a member of (targets of its ``MEMBER_OF`` links)
``carrier_kinds``  0.15    the kinds of the actors that carry it (sources of ``CARRIES`` to it)
=================  ======  ====================================================================

Each facet is a Jaccard index in which a shared item counts by **how rare it is**:
``sum(rarity(i) for i in A ∩ B) / |A ∪ B|``, where ``rarity(i) = ln(N / df(i)) / ln(N / 2)``
(clamped to [0, 1]; ``N`` the number of actors, ``df(i)`` how many have the item): 1 for an
item only two actors share, near 0 for one nearly every actor has. Sharing the membership of
the MES, that most members of a list state, weighs little; sharing two rare themes weighs a
lot. ``score = sum(weight_f * facet_f) / sum(weight_f for the facets where the actor has
something)``: a facet the actor says nothing about neither helps nor hurts a candidate. Ties
are ranked by the number of shared items, then by id. Each peer lists the shared items: that
is the explanation. ``exclude_linked`` hides actors already linked to the actor; otherwise
they are flagged ``linked``. With ``as_of``, only links valid on that day count (networks,
carriers, already linked).

>>> from queries.analytics.example import example_projection
>>> answer = peer_projects(example_projection(), "org-collectif")
>>> [(p.actor.id, p.score, p.shared_themes, p.shared_methods) for p in answer.peers]
[('org-marseille', 0.612397, ('alimentation', 'reemploi'), ('vises',))]
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from graph_model.errors import ValidationError
from queries.analytics.actors import ActorRef, actor_ref, resolve_actor
from queries.analytics.checks import check_actor_kind, check_int, parse_day
from queries.analytics.links import valid_on
from queries.analytics.peer_index import _Facets, _facets, peer_index
from queries.projection import Projection

if TYPE_CHECKING:
    pass

WEIGHTS: Mapping[str, float] = {
    "themes": 0.40,
    "methods": 0.25,
    "networks": 0.20,
    "carrier_kinds": 0.15,
}
LEVELS = ("commune", "departement", "region")


@dataclass(frozen=True, slots=True)
class Peer:
    """A similar actor, its score and what it shares with the actor asked about."""

    actor: ActorRef
    score: float
    shared_themes: tuple[str, ...]
    shared_methods: tuple[str, ...]
    shared_networks: tuple[ActorRef, ...]
    shared_carrier_kinds: tuple[str, ...]
    #: already linked to the actor asked about
    linked: bool


@dataclass(frozen=True, slots=True)
class PeerAnswer:
    actor: ActorRef
    level: str
    #: the actor's own territory at ``level`` (peers are outside it)
    territory: str
    kinds: tuple[str, ...]
    #: candidates scored (before ``limit``)
    candidates: int
    peers: tuple[Peer, ...]
    #: the level asked; ``level`` is wider when the actor has no territory at this one
    asked: str = "departement"


def _facet(a: frozenset[str], b: frozenset[str], rare: Mapping[str, float]) -> float:
    """The Jaccard index where each shared item counts its rarity (an unknown item counts 1)."""
    if not a or not b:
        return 0.0
    shared = a & b
    if not shared:
        return 0.0
    return sum(rare.get(item, 1.0) for item in shared) / (len(a) + len(b) - len(shared))


_NO_RARITY: Mapping[str, Mapping[str, float]] = {}


def similarity(
    a: _Facets, b: _Facets, rarity: Mapping[str, Mapping[str, float]] = _NO_RARITY
) -> float:
    """The documented score of ``b`` as a peer of ``a`` (not symmetric: ``a``'s empty facets
    are left out); without ``rarity``, every item counts 1 (the plain Jaccard index). Written
    out facet by facet: it runs for every candidate."""
    empty: Mapping[str, float] = {}
    total = weights = 0.0
    if a.themes:
        weights += WEIGHTS["themes"]
        total += WEIGHTS["themes"] * _facet(a.themes, b.themes, rarity.get("themes", empty))
    if a.methods:
        weights += WEIGHTS["methods"]
        total += WEIGHTS["methods"] * _facet(a.methods, b.methods, rarity.get("methods", empty))
    if a.networks:
        weights += WEIGHTS["networks"]
        total += WEIGHTS["networks"] * _facet(a.networks, b.networks, rarity.get("networks", empty))
    if a.carrier_kinds:
        weights += WEIGHTS["carrier_kinds"]
        total += WEIGHTS["carrier_kinds"] * _facet(
            a.carrier_kinds, b.carrier_kinds, rarity.get("carrier_kinds", empty)
        )
    return total / weights if weights else 0.0


def _linked(projection: Projection, actor: str, day: date | None) -> set[str]:
    graph = projection.graph
    return {
        v
        for adjacency in (graph._succ[actor], graph._pred[actor])
        for v, links in adjacency.items()
        if day is None or any(valid_on(d, day) for d in links.values())
    }


class PeerOptions(TypedDict, total=False):
    """The options of a peers question, as every door gives them (declared here once)."""

    #: how far "outside its territory" is: commune, departement (default) or region
    level: str
    #: kinds of peers (default: the actor's own kind)
    kinds: Iterable[str] | None
    #: hide actors already linked to it (default False: they are flagged)
    exclude_linked: bool
    #: count only links valid on that day (a date or ``YYYY-MM-DD``)
    as_of: date | str | None
    #: how many peers (default 10; 1 to 1,000)
    limit: int


@dataclass(frozen=True, slots=True)
class PeerQuery:
    """A checked peers question: build it with :meth:`build`."""

    #: the actor, as given (an id or an exact name)
    actor: str
    level: str = "departement"
    #: kinds of peers (``None``: the actor's own kind)
    kinds: frozenset[str] | None = None
    exclude_linked: bool = False
    as_of: date | None = None
    limit: int = 10

    @classmethod
    def build(cls, actor: str, **options: Unpack[PeerOptions]) -> PeerQuery:
        """The query for these options (:class:`PeerOptions`); a bad one raises
        :class:`ValidationError` naming it (whether the actor has a code at ``level`` is
        checked when the question is answered)."""
        level = options.get("level", "departement")
        if level not in LEVELS:
            raise ValidationError(
                f"level: {level!r} is not one of {', '.join(LEVELS)}", field="level"
            )
        limit = check_int(options.get("limit", 10), field="limit", low=1, high=1_000)
        day = parse_day(options.get("as_of"), field="as_of")
        kinds = options.get("kinds")
        wanted = None
        if kinds is not None:
            wanted = frozenset(
                check_actor_kind(k, field="kinds")
                for k in ([kinds] if isinstance(kinds, str) else kinds)
            )
        exclude_linked = bool(options.get("exclude_linked", False))
        return cls(actor, level, wanted, exclude_linked, day, limit)


def peer_projects(projection: Projection, actor: str, **options: Unpack[PeerOptions]) -> PeerAnswer:
    """Actors similar to ``actor`` outside its territory (see the module docstring); the options
    are those of :meth:`PeerQuery.build`, declared there once.

    Parameters
    ----------
    projection : Projection
    actor : str
        The actor (id or exact name).
    level : {"commune", "departement", "region"}
        How far "outside its territory" is.
    kinds : iterable of str, optional
        Kinds of peers (default: the actor's own kind).
    exclude_linked : bool
        Hide actors already linked to it.
    as_of : date or str, optional
        Count only links valid on that day.
    limit : int
        How many peers (1 to 1,000).

    Raises
    ------
    ValidationError
        ``level`` unknown, or the actor has no code at that level (``field="level"``).

    Examples
    --------
    >>> from queries.analytics.example import example_projection
    >>> p = example_projection()
    >>> peer_projects(p, "org-collectif", level="region", kinds=["Project"]).peers[0].actor.id
    'prj-graines'
    >>> peer_projects(p, "org-collectif", level="canton")
    Traceback (most recent call last):
    ...
    graph_model.errors.ValidationError: level: 'canton' is not one of commune, departement, region
    """
    return find_peers(projection, PeerQuery.build(actor, **options))


def find_peers(projection: Projection, query: PeerQuery) -> PeerAnswer:
    """The peers a built :class:`PeerQuery` asks for."""
    actor_id = resolve_actor(projection, query.actor, field="actor")
    level, day, limit, exclude_linked = query.level, query.as_of, query.limit, query.exclude_linked
    nodes = projection.graph._node
    attrs: dict[str, Any] = nodes[actor_id]
    # the level asked, else the next wider one the actor has; placed nowhere: none at all
    wider = LEVELS[LEVELS.index(level) :]
    used = next((lv for lv in wider if attrs[lv]), None)
    compared = LEVELS[LEVELS.index(used) :] if used is not None else ()
    territory = attrs[used] if used is not None else ""
    wanted = frozenset({attrs["kind"]}) if query.kinds is None else query.kinds
    index = peer_index(projection)
    mine = index.facets[actor_id] if day is None else _facets(projection, actor_id, day)
    candidates: set[str] = set()
    for facet in ("themes", "methods", "networks"):
        for item in getattr(mine, facet):
            candidates.update(index.postings[facet].get(item, ()))
    candidates.discard(actor_id)
    linked = _linked(projection, actor_id, day)
    facets = index.facets
    scored: list[tuple[float, int, str]] = []
    rare = index.rarity
    for other in candidates:
        other_attrs = nodes[other]
        if other_attrs["kind"] not in wanted or not _elsewhere(attrs, other_attrs, compared):
            continue
        if exclude_linked and other in linked:
            continue
        theirs = facets[other] if day is None else _facets(projection, other, day)
        score = similarity(mine, theirs, rare)
        if score > 0.0:
            shared = (
                len(mine.themes & theirs.themes)
                + len(mine.methods & theirs.methods)
                + len(mine.networks & theirs.networks)
                + len(mine.carrier_kinds & theirs.carrier_kinds)
            )
            scored.append((-round(score, 9), -shared, other))
    peers = tuple(
        _peer(projection, mine, facets[other] if day is None else _facets(projection, other, day),
              other, score=-score, linked=linked)
        for score, _, other in heapq.nsmallest(limit, scored)
    )  # fmt: skip
    return PeerAnswer(
        actor=actor_ref(projection, actor_id),
        level=used or level,
        territory=territory,
        kinds=tuple(sorted(wanted)),
        candidates=len(scored),
        peers=peers,
        asked=level,
    )


def _elsewhere(mine: Mapping[str, Any], theirs: Mapping[str, Any], levels: Sequence[str]) -> bool:
    """Is ``theirs`` outside ``mine``'s territory at the first of ``levels``: placed, and
    different there or at a wider level? (No levels: ``mine`` is placed nowhere, every placed
    actor is elsewhere.)"""
    if not levels:
        return any(theirs[lv] for lv in LEVELS)
    for lv in levels:
        if mine[lv] and theirs[lv]:
            if mine[lv] != theirs[lv]:
                return True
            if lv == levels[0]:
                return False
    return False


def _peer(
    projection: Projection,
    mine: _Facets,
    theirs: _Facets,
    other: str,
    *,
    score: float,
    linked: set[str],
) -> Peer:
    return Peer(
        actor=actor_ref(projection, other),
        score=round(score, 6),
        shared_themes=tuple(sorted(mine.themes & theirs.themes)),
        shared_methods=tuple(sorted(mine.methods & theirs.methods)),
        shared_networks=tuple(
            actor_ref(projection, n) for n in sorted(mine.networks & theirs.networks)
        ),
        shared_carrier_kinds=tuple(sorted(mine.carrier_kinds & theirs.carrier_kinds)),
        linked=other in linked,
    )
