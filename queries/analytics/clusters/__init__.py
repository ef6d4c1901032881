"""Territorial clusters: communities of the cooperation graph within a scope.

Communities are found by the Leiden algorithm optimising modularity (python-igraph,
``objective_function="modularity"``) on the scope's *tie graph* (one edge per pair of actors
joined by at least one cooperation link), from a seed: the same graph, scope, resolution and
seed give the same clusters. ``resolution`` above 1 gives more, smaller clusters.

**Stable ids.** Pass the previous clustering (same scope, resolution and seed, older graph
version) as ``previous`` and each new cluster takes the id of the previous cluster it overlaps
most, by Jaccard index (|A ∩ B| / |A ∪ B|), greedily from the best overlapping pair down,
each id used once and only for an overlap of at least ``min_jaccard``; the other clusters are
genuinely new and get fresh ids (``c<n>``, numbers never reused). Without ``previous``, ids are
``c1``, ``c2``… by decreasing size (ties: smallest member id).
:class:`~queries.snapshots.ClusterCache` (outside the pure analytics: it keeps memberships on
disk) keeps the previous clusterings and serves a repeated request from memory.

**Each cluster**: members, size, ``internal_links`` (ties inside), ``external_links`` (ties
from a member to any actor outside the cluster, in or out of the scope), ``density`` (ties
inside / possible pairs), ``internal_ratio`` (inside / (inside + outside)), footprint (share of
members per département and per commune, largest first), most central actors (most ties inside
the cluster; ties broken by id), dominant themes (share of members working on each), centroid
(mean of the members' coordinates) and bounding box. Clusters smaller than ``min_size`` (by
default isolated actors) are not listed; their actors are counted in ``unclustered``.

The package, one concept a module:

=================  ===================================================================
module             holds
=================  ===================================================================
:mod:`.query`      :class:`ClusterQuery`, the question, checked once
:mod:`.answers`    the answer types (:class:`Clustering`, :class:`Cluster`, …)
:mod:`.ids`        stable ids: :func:`assign_ids` (Jaccard matching with the previous run)
:mod:`.figures`    every per-cluster figure, for all clusters at once (numpy)
:mod:`.find`       :func:`find_clusters` (a built query), :func:`territorial_clusters` (options)
=================  ===================================================================

>>> from queries.analytics.example import example_projection
>>> result = territorial_clusters(example_projection(), seed=1)
>>> [(c.id, c.members) for c in result.clusters]
[('c1', ('ab-ess-france', 'org-marseille', 'prj-graines')), \
('c2', ('net-aura', 'org-atelier', 'org-collectif'))]
>>> result.unclustered, result.clusters[0].departements[0]
(1, Share(key='13', count=2, share=0.666667))
"""

from queries.analytics.clusters.answers import (
    BoundingBox,
    CentralActor,
    Cluster,
    Clustering,
    GeoPoint,
)
from queries.analytics.clusters.find import find_clusters, territorial_clusters
from queries.analytics.clusters.ids import assign_ids
from queries.analytics.clusters.query import MAX_RESOLUTION, MIN_RESOLUTION, ClusterQuery

__all__ = [
    "MAX_RESOLUTION",
    "MIN_RESOLUTION",
    "BoundingBox",
    "CentralActor",
    "Cluster",
    "ClusterQuery",
    "Clustering",
    "GeoPoint",
    "assign_ids",
    "find_clusters",
    "territorial_clusters",
]
