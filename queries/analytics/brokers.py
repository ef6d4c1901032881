"""Brokers, isolated actors and neighbourhoods: who holds the movement together, who is alone,
who is around an actor.

**Brokers** are ranked by betweenness centrality on the scope's tie graph (one edge per pair
of actors joined by a cooperation link; paths stay inside the scope), normalised as networkx
does (``networkx.betweenness_centrality``: divided by (n-1)(n-2), so a score is the share of
pairs of other actors whose shortest paths run through the actor).

* up to ``exact_limit`` actors, the score is exact (Brandes, in igraph);
* above, it is *estimated* from ``pivots`` source actors drawn with ``seed`` (Brandes & Pich's
  pivot sampling, with networkx's unbiased scaling: a pivot's own score is averaged over the
  other pivots). The error is stated two ways: ``error_bound``, Hoeffding's bound for any one
  actor with 95% confidence, ``sqrt(ln(2 / 0.05) / (2 * pivots))`` (e.g. 0.136 for 100 pivots;
  conservative: it only uses that each pivot's contribution lies in [0, 1]); and, for each
  actor, ``stderr``, the standard error of its estimate measured from the spread of the
  per-pivot contributions (typically far smaller). The ranking of the top brokers is much
  steadier than the bound suggests.

**Isolated actors**: actors of the scope without any cooperation link (valid on ``as_of`` if
given); with ``within_scope=True``, without any link to another actor of the scope.

**Neighbourhood**: the actors within ``depth`` (1 to 3) hops of an actor, either direction, and
the links among them, optionally only some link kinds and only links valid on ``as_of``.

>>> from queries.analytics.example import example_projection
>>> p = example_projection()
>>> ranking = brokers(p, limit=2)
>>> [(b.actor.id, b.score) for b in ranking.actors], ranking.exact
([('ab-ess-france', 0.4), ('org-marseille', 0.266667)], True)
>>> [a.id for a in isolated_actors(p).actors]
['org-seule']
>>> [(a.actor.id, a.distance) for a in neighbourhood(p, "org-marseille", depth=1).actors]
[('org-marseille', 0), ('ab-ess-france', 1), ('prj-graines', 1)]
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from queries.analytics.actors import ActorRef, actor_ref, resolve_actor
from queries.analytics.checks import check_int, check_link_kinds, parse_day
from queries.analytics.engine import engine_of, subgraph
from queries.analytics.links import valid_on
from queries.analytics.memo import remembered
from queries.analytics.scope import KnownCodes, Scope, ScopeSelection, select
from queries.projection import Projection

#: confidence of the stated sampling error bound
CONFIDENCE = 0.95
MAX_DEPTH = 3


@dataclass(frozen=True, slots=True)
class BrokerScore:
    actor: ActorRef
    score: float
    #: standard error of an estimated score (0 when exact)
    stderr: float


@dataclass(frozen=True, slots=True)
class BrokerRanking:
    """Actors by decreasing betweenness in a scope, and how the scores were obtained."""

    scope: str
    actors_in_scope: int
    exact: bool
    pivots: int | None
    seed: int | None
    #: Hoeffding bound on any one score's error, with :data:`CONFIDENCE` (0 when exact)
    error_bound: float
    actors: tuple[BrokerScore, ...]


@dataclass(frozen=True, slots=True)
class IsolatedActors:
    scope: str
    as_of: date | None
    within_scope: bool
    actors: tuple[ActorRef, ...]


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


def hoeffding_bound(pivots: int, confidence: float = CONFIDENCE) -> float:
    """Additive error bound of a pivot-sampled betweenness score, for one actor.

    >>> round(hoeffding_bound(100), 3)
    0.136
    """
    return math.sqrt(math.log(2 / (1 - confidence)) / (2 * pivots))


def brokers(
    projection: Projection,
    scope: str | Sequence[str] | Scope | None = None,
    *,
    limit: int = 20,
    exact_limit: int = 2_000,
    pivots: int = 100,
    seed: int = 0,
    known_codes: KnownCodes | None = None,
) -> BrokerRanking:
    """Actors of ``scope`` ranked by betweenness (see the module docstring).

    Parameters
    ----------
    projection : Projection
    scope : str or list of str, optional
        See :mod:`queries.analytics.scope`.
    limit : int
        How many actors to return (1 to 10,000).
    exact_limit : int
        Largest scope (actors) computed exactly.
    pivots : int
        Pivots drawn above ``exact_limit`` (10 to 10,000).
    seed : int
        Seed of the pivot draw.

    Examples
    --------
    >>> from queries.analytics.example import example_projection
    >>> r = brokers(example_projection(), exact_limit=3, pivots=5, seed=1)
    >>> r.exact, r.pivots, round(r.error_bound, 3)
    (False, 5, 0.607)
    """
    check_int(limit, field="limit", low=1, high=10_000)
    check_int(exact_limit, field="exact_limit", low=0, high=1_000_000)
    check_int(pivots, field="pivots", low=1, high=10_000)
    check_int(seed, field="seed", low=0, high=2**31 - 1)
    selection = select(projection, scope, known_codes=known_codes)
    question = ("brokers", selection.scope.label, limit, exact_limit, pivots, seed)
    return remembered(
        projection,
        question,
        lambda: _rank(
            projection, selection, limit=limit, exact_limit=exact_limit, pivots=pivots, seed=seed
        ),
    )


def _rank(
    projection: Projection,
    selection: ScopeSelection,
    *,
    limit: int,
    exact_limit: int,
    pivots: int,
    seed: int,
) -> BrokerRanking:
    engine = engine_of(projection)
    vertices = engine.vertices(selection.actors)
    graph = subgraph(engine, vertices)
    n = graph.vcount()
    exact = n <= exact_limit or pivots >= n
    stderr = np.zeros(n)
    if n < 3:
        scores = np.zeros(n)
    elif exact:
        raw = np.array(graph.betweenness(directed=False), dtype=np.float64)
        scores = raw * 2.0 / ((n - 1) * (n - 2))  # igraph counts unordered pairs once
    else:
        # a seeded draw on purpose: the same seed must give the same estimate
        drawn = sorted(random.Random(seed).sample(range(n), pivots))  # noqa: S311
        total, squares = np.zeros(n), np.zeros(n)
        for pivot in drawn:
            contribution = np.array(graph.betweenness(sources=[pivot], directed=False))
            contribution *= 2.0 / (n - 2)  # one pivot's dependencies, each in [0, 1]
            total += contribution
            squares += contribution * contribution
        is_pivot = np.zeros(n, dtype=bool)
        is_pivot[drawn] = True
        samples = np.where(is_pivot, pivots - 1, pivots).astype(np.float64)
        scores = total / samples  # a pivot's own dependency is 0: average over the others
        variance = np.maximum(squares / samples - scores * scores, 0.0)
        stderr = np.sqrt(variance / np.maximum(samples - 1, 1))
    order = sorted(range(n), key=lambda i: (-round(float(scores[i]), 12), i))[:limit]
    return BrokerRanking(
        scope=selection.scope.label,
        actors_in_scope=n,
        exact=exact,
        pivots=None if exact else pivots,
        seed=None if exact else seed,
        error_bound=0.0 if exact else hoeffding_bound(pivots),
        actors=tuple(
            BrokerScore(
                actor=actor_ref(projection, engine.ids[int(vertices[i])]),
                score=round(float(scores[i]), 6),
                stderr=round(float(stderr[i]), 6),
            )
            for i in order
        ),
    )


def isolated_actors(
    projection: Projection,
    scope: str | Sequence[str] | Scope | None = None,
    *,
    as_of: date | str | None = None,
    within_scope: bool = False,
    known_codes: KnownCodes | None = None,
) -> IsolatedActors:
    """Actors of ``scope`` without a cooperation link (see the module docstring), by id.

    >>> from queries.analytics.example import example_projection
    >>> p = example_projection()
    >>> [a.id for a in isolated_actors(p, "13", within_scope=True,
    ...                                known_codes={"departement": {"13"}}).actors]
    []
    >>> [a.id for a in isolated_actors(p, as_of="2013-01-01").actors][:3]
    ['ab-ess-france', 'org-collectif', 'org-marseille']
    """
    day = parse_day(as_of, field="as_of")
    selection = select(projection, scope, known_codes=known_codes)
    graph = projection.graph
    succ, pred = graph._succ, graph._pred  # the raw dicts: this scans every actor
    found = []
    for actor in graph if selection.actors is None else sorted(selection.actors):
        linked = False
        for adjacency in (succ[actor], pred[actor]):
            for other, links in adjacency.items():
                if within_scope and other not in selection:
                    continue
                if day is None or any(valid_on(d, day) for d in links.values()):
                    linked = True
                    break
            if linked:
                break
        if not linked:
            found.append(actor_ref(projection, actor))
    return IsolatedActors(
        scope=selection.scope.label, as_of=day, within_scope=within_scope, actors=tuple(found)
    )


def neighbourhood(
    projection: Projection,
    actor: str,
    *,
    depth: int = 1,
    kinds: Iterable[str] | None = None,
    as_of: date | str | None = None,
    limit: int = 1_000,
) -> Neighbourhood:
    """The actors within ``depth`` hops of ``actor`` and the links among them.

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
    center = resolve_actor(projection, actor, field="actor")
    check_int(depth, field="depth", low=1, high=MAX_DEPTH)
    check_int(limit, field="limit", low=1, high=100_000)
    allowed = check_link_kinds(kinds)
    day = parse_day(as_of, field="as_of")
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
