"""The analytics of the cooperation graph: pure functions over a
:class:`~queries.projection.Projection`, each answer a frozen dataclass.

==========================  ===========================================================
module                      offers
==========================  ===========================================================
:mod:`.paths`               :func:`cooperation_paths` (hops or weight, ``max_hops``, link
                            kinds, ``as_of``, ``avoid``/``avoid_kinds``, k alternatives)
:mod:`.clusters`            :func:`territorial_clusters` (Leiden, stable ids),
                            :class:`ClusterCache`
:mod:`.peers`               :func:`peer_projects` (similar actors outside a territory)
:mod:`.brokers`             :func:`brokers` (betweenness, exact or sampled),
                            :func:`isolated_actors`, :func:`neighbourhood`
:mod:`.figures`             :func:`movement_figures` (counts, density, reach, région matrix)
:mod:`.scope`               :func:`parse_scope`, :func:`select` (whole graph, région,
                            département, EPCI, communes)
:mod:`.engine`              the igraph/numpy copy of a projection the heavy algorithms use
:mod:`.common`              :class:`ActorRef`, parameter checks, the example projection
==========================  ===========================================================

Bad parameters raise the project's errors naming the parameter: ``NotFound`` /
``AmbiguousReference`` for actors, ``ValidationError`` (``field=…``) for values,
``InvalidDates`` for dates.
"""

from queries.analytics.actors import ActorRef
from queries.analytics.brokers import (
    BrokerRanking,
    BrokerScore,
    IsolatedActors,
    Neighbour,
    Neighbourhood,
    NeighbourLink,
    brokers,
    isolated_actors,
    neighbourhood,
)
from queries.analytics.clusters import (
    BoundingBox,
    CentralActor,
    Cluster,
    Clustering,
    ClusterQuery,
    GeoPoint,
    find_clusters,
    territorial_clusters,
)
from queries.analytics.counts import Count, Share
from queries.analytics.figures import MovementFigures, RegionCell, movement_figures
from queries.analytics.links import SourceInfo
from queries.analytics.paths import (
    KIND_COST,
    CooperationPath,
    Hop,
    LinkStep,
    PathAnswer,
    PathConstraints,
    cooperation_paths,
    link_cost,
)
from queries.analytics.peers import WEIGHTS as PEER_WEIGHTS
from queries.analytics.peers import Peer, PeerAnswer, peer_projects
from queries.analytics.scope import Scope, ScopeSelection, parse_scope, select

__all__ = [
    "KIND_COST",
    "PEER_WEIGHTS",
    "ActorRef",
    "BoundingBox",
    "BrokerRanking",
    "BrokerScore",
    "CentralActor",
    "Cluster",
    "ClusterQuery",
    "Clustering",
    "CooperationPath",
    "Count",
    "GeoPoint",
    "Hop",
    "IsolatedActors",
    "LinkStep",
    "MovementFigures",
    "Neighbour",
    "NeighbourLink",
    "Neighbourhood",
    "PathAnswer",
    "PathConstraints",
    "Peer",
    "PeerAnswer",
    "RegionCell",
    "Scope",
    "ScopeSelection",
    "Share",
    "SourceInfo",
    "brokers",
    "cooperation_paths",
    "find_clusters",
    "isolated_actors",
    "link_cost",
    "movement_figures",
    "neighbourhood",
    "parse_scope",
    "peer_projects",
    "select",
    "territorial_clusters",
]
