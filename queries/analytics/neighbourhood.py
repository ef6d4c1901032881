"""Neighbourhood: the actors within ``depth`` (1 to 3) hops of an actor, either direction, and
the links among them, optionally only some link kinds and only links valid on ``as_of``.

>>> from queries.analytics.example import example_projection
>>> p = example_projection()
>>> [(a.actor.id, a.distance) for a in neighbourhood(p, "org-marseille", depth=1).actors]
[('org-marseille', 0), ('ab-ess-france', 1), ('prj-graines', 1)]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypedDict, Unpack

from queries.analytics.actors import ActorRef, actor_ref, resolve_actor
from queries.analytics.checks import check_int, check_link_kinds, parse_day
from queries.analytics.links import valid_on
from queries.projection import Projection

MAX_DEPTH = 3


@dataclass(frozen=True, slots=True)
class Neighbour:
    actor: ActorRef
    distance: int


@dataclass(frozen=True, slots=True)
class NeighbourLink:
    id: str
    kind: str
    subkind: str | None
    source: str
    target: str
    since: date | None
    until: date | None


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """An actor, the actors around it (by distance, then id) and the links among them."""

    center: ActorRef
    depth: int
    actors: tuple[Neighbour, ...]
    links: tuple[NeighbourLink, ...]
    #: ``True`` when ``limit`` cut the list (the nearest actors are kept)
    truncated: bool


class NeighbourhoodOptions(TypedDict, total=False):
    """The options of a neighbourhood question, as every door gives them (declared here once)."""

    #: hops from the centre (default 1)
    depth: int
    #: link kinds walked and listed (default: every cooperation link)
    kinds: Iterable[str] | None
    #: only links valid on that day (a date or ``YYYY-MM-DD``)
    as_of: date | str | None
    #: most actors kept, the nearest first (default 1,000; at most 100,000)
    limit: int
    #: the deepest ``depth`` accepted (default and at most :data:`MAX_DEPTH`)
    max_depth: int
    #: where a configured ``max_depth`` comes from, for the refusal's wording
    depth_hint: str | None


@dataclass(frozen=True, slots=True)
class NeighbourhoodQuery:
    """A checked neighbourhood question: build it with :meth:`build`."""

    #: the centre, as given (an id or an exact name)
    actor: str
    depth: int = 1
    #: allowed link kinds (``None``: every cooperation link)
    kinds: frozenset[str] | None = None
    as_of: date | None = None
    #: most actors kept, the nearest first
    limit: int = 1_000

    @classmethod
    def build(cls, actor: str, **options: Unpack[NeighbourhoodOptions]) -> NeighbourhoodQuery:
        """The query for these options (:class:`NeighbourhoodOptions`), ``depth`` checked
        against ``max_depth``; a bad option raises :class:`ValidationError` naming it."""
        max_depth = options.get("max_depth", MAX_DEPTH)
        if not 1 <= max_depth <= MAX_DEPTH:
            raise ValueError(f"neighbourhood limits: max_depth must be 1 to {MAX_DEPTH}")
        depth = check_int(
            options.get("depth", 1),
            field="depth",
            low=1,
            high=max_depth,
            hint=options.get("depth_hint"),
        )
        limit = check_int(options.get("limit", 1_000), field="limit", low=1, high=100_000)
        allowed = check_link_kinds(options.get("kinds"))
        return cls(actor, depth, allowed, parse_day(options.get("as_of"), field="as_of"), limit)


def neighbourhood(
    projection: Projection, actor: str, **options: Unpack[NeighbourhoodOptions]
) -> Neighbourhood:
    """The actors within ``depth`` hops of ``actor`` and the links among them; the options are
    those of :meth:`NeighbourhoodQuery.build`, declared there once.

    Raises :class:`~graph_model.errors.ValidationError` naming ``depth`` above 3.

    >>> from queries.analytics.example import example_projection
    >>> n = neighbourhood(example_projection(), "org-collectif", depth=1, as_of="2019-06-01")
    >>> [(a.actor.id, a.distance) for a in n.actors], [l.id for l in n.links]
    ([('org-collectif', 0), ('org-atelier', 1)], ['l1'])
    >>> neighbourhood(example_projection(), "org-collectif", depth=4)
    Traceback (most recent call last):
    ...
    graph_model.errors.ValidationError: depth: 4 is out of range (an integer from 1 to 3)
    """
    return find_neighbourhood(projection, NeighbourhoodQuery.build(actor, **options))


def find_neighbourhood(projection: Projection, query: NeighbourhoodQuery) -> Neighbourhood:
    """The neighbourhood a built :class:`NeighbourhoodQuery` asks for."""
    center = resolve_actor(projection, query.actor, field="actor")
    depth, limit, allowed, day = query.depth, query.limit, query.kinds, query.as_of
    graph = projection.graph
    succ, pred = graph._succ, graph._pred

    def usable(links: dict[str, dict[str, object]]) -> bool:
        return any(
            (allowed is None or d["kind"] in allowed) and (day is None or valid_on(d, day))
            for d in links.values()
        )

    distance = {center: 0}
    fringe = [center]
    truncated = False
    for level in range(1, depth + 1):
        found: list[str] = []
        for u in fringe:
            for adjacency in (succ[u], pred[u]):
                for v, links in adjacency.items():
                    if v not in distance and usable(links):
                        distance[v] = level
                        found.append(v)
        if len(distance) > limit:
            truncated = True
            keep = sorted(distance, key=lambda a: (distance[a], a))[:limit]
            distance = {a: distance[a] for a in keep}
            break
        fringe = found
    links_out = []
    for u in distance:
        for v, links in succ[u].items():
            if v in distance:
                for link_id, d in links.items():
                    if (allowed is None or d["kind"] in allowed) and (
                        day is None or valid_on(d, day)
                    ):
                        links_out.append(
                            NeighbourLink(
                                link_id, d["kind"], d["subkind"], u, v, d["since"], d["until"]
                            )
                        )
    links_out.sort(key=lambda link: link.id)
    ordered = sorted(distance, key=lambda a: (distance[a], a))
    return Neighbourhood(
        center=actor_ref(projection, center),
        depth=depth,
        actors=tuple(Neighbour(actor_ref(projection, a), distance[a]) for a in ordered),
        links=tuple(links_out),
        truncated=truncated,
    )
