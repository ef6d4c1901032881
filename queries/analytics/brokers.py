"""Brokers: who holds the movement together in a scope.

Brokers are ranked by betweenness centrality on the scope's tie graph (one edge per pair
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

The options are one checked value, :class:`BrokerQuery`; answers are kept per projection
(national brokers take seconds at 100,000 actors), and along the live graph those of the scopes
a change does not touch are kept for the next projection.

>>> from queries.analytics.example import example_projection
>>> p = example_projection()
>>> ranking = brokers(p, limit=2)
>>> [(b.actor.id, b.score) for b in ranking.actors], ranking.exact
([('ab-ess-france', 0.4), ('org-marseille', 0.266667)], True)
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from queries.analytics.actors import ActorRef, actor_ref
from queries.analytics.checks import check_int
from queries.analytics.engine import engine_of, subgraph
from queries.analytics.memo import ANSWERS_KEPT, RecentlyUsed
from queries.analytics.scope import (
    WHOLE,
    KnownCodes,
    Scope,
    ScopeSelection,
    parse_scope,
    scope_places,
    select,
    touched_places,
)
from queries.projection import Projection

if TYPE_CHECKING:
    from queries.deltas import Applied

#: confidence of the stated sampling error bound
CONFIDENCE = 0.95


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
class BrokerQuery:
    """A brokers question, checked when made (a bad option raises
    :class:`~graph_model.errors.ValidationError` naming it)."""

    scope: Scope = WHOLE
    #: how many actors to return (1 to 10,000)
    limit: int = 20
    #: largest scope (actors) computed exactly
    exact_limit: int = 2_000
    #: pivots drawn above ``exact_limit`` (1 to 10,000)
    pivots: int = 100
    #: seed of the pivot draw
    seed: int = 0

    def __post_init__(self) -> None:
        check_int(self.limit, field="limit", low=1, high=10_000)
        check_int(self.exact_limit, field="exact_limit", low=0, high=1_000_000)
        check_int(self.pivots, field="pivots", low=1, high=10_000)
        check_int(self.seed, field="seed", low=0, high=2**31 - 1)

    @classmethod
    def build(cls, scope: str | Sequence[str] | Scope | None = None, **options: Any) -> BrokerQuery:
        """The query for a scope as given (see :mod:`queries.analytics.scope`) and the options
        above; a bad one raises :class:`~graph_model.errors.ValidationError` naming it."""
        return cls(parse_scope(scope), **options)


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
    known_codes: KnownCodes | None = None,
    **options: Any,
) -> BrokerRanking:
    """Actors of ``scope`` ranked by betweenness (see the module docstring); the options
    are those of :meth:`BrokerQuery.build`, declared there once.

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
    return find_brokers(projection, BrokerQuery.build(scope, **options), known_codes=known_codes)


def find_brokers(
    projection: Projection, query: BrokerQuery, *, known_codes: KnownCodes | None = None
) -> BrokerRanking:
    """The ranking a built :class:`BrokerQuery` asks for, remembered per projection."""
    selection = select(projection, query.scope, known_codes=known_codes)
    limit, exact_limit, pivots, seed = query.limit, query.exact_limit, query.pivots, query.seed
    question = ("brokers", selection.scope.label, limit, exact_limit, pivots, seed)
    kept = projection.derived("brokers", _nothing_kept, _carry_kept)
    _, ranking = kept.get(
        question,
        lambda: (
            scope_places(selection.scope),
            _rank(
                projection,
                selection,
                limit=limit,
                exact_limit=exact_limit,
                pivots=pivots,
                seed=seed,
            ),
        ),
    )
    return ranking


def _nothing_kept(_: Projection) -> RecentlyUsed:
    return RecentlyUsed(ANSWERS_KEPT, exclusive=False)


def _carry_kept(kept: RecentlyUsed, applied: Applied) -> RecentlyUsed:
    """The rankings of the scopes a change does not touch (:func:`touched_places`) stay right
    for the next projection; all of France, which every change touches, is ranked again."""
    if not applied.actors and not applied.links:
        return kept
    touched = touched_places(applied)

    def keep(_: object, entry: Any) -> Any:
        places = entry[0]
        return entry if places is not None and places.isdisjoint(touched) else None

    return kept.carried(keep)


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
    # an actor no shortest path goes through brokers nothing: it is not listed
    positive = [i for i in range(n) if round(float(scores[i]), 6) > 0]
    order = sorted(positive, key=lambda i: (-round(float(scores[i]), 12), i))[:limit]
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
