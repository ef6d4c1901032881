"""Cooperation paths: how one actor can reach another through the cooperation graph.

A path may use any cooperation link in either direction (a member reaches its network, and the
network its member); each hop says which links join the two actors, in which direction, since
and until when, and from which sources. Constraints: ``max_hops``; allowed link ``kinds``;
``as_of`` (only links valid on that day); ``avoid`` given actors, or ``avoid_kinds`` (a kind,
or a kind and level such as ``"AdvocacyBody:national"``; the two ends are never avoided);
``k`` alternatives (the k shortest *simple* paths, Yen's algorithm).

When no path exists the answer says so, lists the constraints it was searched within and which
of them, lifted alone, would let a path through (:attr:`PathAnswer.blocking`).

**Weight** (``weighted=True``): a path's cost is the sum of its hops' costs; lower is stronger.

* a link's cost is ``KIND_COST[kind] / (1 + min(years, 10) / 5)``: the kind's base cost
  (1.0 for ``COOPERATES_WITH`` and ``CARRIES``, working together; 1.5 for ``MEMBER_OF`` and
  ``SUPPORTS``; 2.0 for ``FUNDS`` and ``SITS_ON``, the most formal ties), divided by a
  duration factor: ``years`` is how long the link has lasted, from ``since`` to ``until`` or
  to the reference day (``as_of``, else today), 0 when ``since`` is unknown. A ten-year link
  costs a third of a new one; the cost is in [1/3, 2];
* two actors joined by several valid links (either direction) form one hop whose cost is
  ``1 / sum(1 / cost(link))``: parallel links strengthen the tie, like parallel conductors;
* the hop count (``weighted=False``) is the cost of every hop being 1.

Ties are broken deterministically: the projection is canonical (actors and links in id order)
and neighbours are visited in that order, so the same graph always gives the same path among
equally short ones; the paths of an answer are ordered by cost, then hop count, then the
sequence of actor ids.

Speed: no graph is copied or viewed per query. Searches walk a neighbour index built once per
projection (each actor's distinct neighbours, either direction); with link kinds or a date,
an actor's usable neighbours are worked out the first time a search reaches it and kept for
that constraint set (:class:`~.neighbours.FilteredNeighbours`; the last few sets are kept), so
repeated questions under the same constraints, and Yen's many spur searches, run at unconstrained
speed. The first time, the links are tested from columns (:mod:`.columns`: kinds, dates and
neighbour positions as numpy arrays, one set per projection), a breadth-first level at once,
not link by link in Python. Avoided actors are a set checked as the search goes. Hop searches
are bidirectional breadth-first, like ``networkx.shortest_path``; weighted searches are
bidirectional Dijkstra (over (actor, hops) labels when the cheapest path exceeds ``max_hops``,
so the answer is the cheapest path *within* the limit).

The package, one concept a module:

====================  ===================================================================
module                holds
====================  ===================================================================
:mod:`.query`         :class:`PathQuery`, the question, checked once against :class:`PathLimits`
:mod:`.answers`       the answer types (:class:`PathAnswer`, :class:`CooperationPath`, …)
:mod:`.costs`         the weight: :data:`KIND_COST`, :func:`link_cost`
:mod:`.neighbours`    the neighbour index and its memoised filtered views
:mod:`.columns`       the links as numpy columns, tested in bulk by the filtered views
:mod:`.searches`      bidirectional BFS, bidirectional Dijkstra, hop-limited Dijkstra
:mod:`.question`      a question resolved against a projection: adjacency, blocked actors
:mod:`.alternatives`  the k shortest simple paths (Yen)
:mod:`.explanations`  hops explained, blocking constraints, the no-path sentence
:mod:`.find`          :func:`find_paths` (a built query), :func:`cooperation_paths` (options)
====================  ===================================================================

>>> from queries.analytics.example import example_projection
>>> p = example_projection()
>>> answer = cooperation_paths(p, "org-collectif", "org-marseille", k=2)
>>> [path.actor_ids for path in answer.paths]
[('org-collectif', 'net-aura', 'ab-ess-france', 'org-marseille'), \
('org-collectif', 'org-atelier', 'ab-ess-france', 'org-marseille')]
>>> hop = answer.paths[0].hops[0]
>>> hop.links[0].kind, hop.links[0].direction, hop.links[0].since.isoformat()
('MEMBER_OF', 'forward', '2015-01-01')
>>> none = cooperation_paths(p, "org-collectif", "org-marseille",
...                          avoid_kinds=["AdvocacyBody:national"])
>>> none.found, none.blocking
(False, ('avoid_kinds',))
>>> print(none.explanation)
No cooperation path from Collectif Lyonnais (org-collectif) to La Recyclerie de Marseille \
(org-marseille) avoiding actors of kind AdvocacyBody (level national). Lifting avoid_kinds \
alone gives a path.
"""

from queries.analytics.paths.answers import (
    CooperationPath,
    Hop,
    LinkStep,
    PathAnswer,
    PathConstraints,
)
from queries.analytics.paths.costs import KIND_COST, link_cost
from queries.analytics.paths.find import cooperation_paths, find_paths
from queries.analytics.paths.query import (
    MAX_HOPS,
    MAX_K,
    PATH_LIMITS,
    SEARCH_LIMITS,
    PathLimits,
    PathQuery,
)

__all__ = [
    "KIND_COST",
    "MAX_HOPS",
    "MAX_K",
    "PATH_LIMITS",
    "SEARCH_LIMITS",
    "CooperationPath",
    "Hop",
    "LinkStep",
    "PathAnswer",
    "PathConstraints",
    "PathLimits",
    "PathQuery",
    "cooperation_paths",
    "find_paths",
    "link_cost",
]
