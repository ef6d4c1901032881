"""The analytics of the cooperation graph: pure functions over a
:class:`~queries.projection.Projection`, each answer a frozen dataclass.

Each analytic takes one parameter object, built from plain options and checked once by its
``build`` classmethod (:class:`PathQuery` against :class:`PathLimits`, :class:`ClusterQuery`,
:class:`PeerQuery`, :class:`BrokerQuery`, :class:`NeighbourhoodQuery`), and is answered by a
``find_…`` function; the plain-options function beside it (:func:`cooperation_paths`…) builds
the query and answers it. The CLI, GraphQL and the HTTP exports build the same values.

============================  ==========================================================
module                        offers
============================  ==========================================================
:mod:`.paths`                 :func:`cooperation_paths` (hops or weight, ``max_hops``,
                              link kinds, ``as_of``, ``avoid``/``avoid_kinds``, k
                              alternatives); a package: query, answers, costs, neighbour
                              index, searches, alternatives, explanations
:mod:`.clusters`              :func:`territorial_clusters` (Leiden, stable ids); a package
                              (the cache that keeps ids on disk is
                              :class:`queries.snapshots.ClusterCache`)
:mod:`.peers`                 :func:`peer_projects` (similar actors outside a territory)
:mod:`.brokers`               :func:`brokers` (betweenness, exact or sampled)
:mod:`.isolated`              :func:`isolated_actors` (no cooperation link)
:mod:`.neighbourhood`         :func:`neighbourhood` (within 1 to 3 hops of an actor)
:mod:`.figures`               :func:`movement_figures` (counts, density, reach, régions)
:mod:`.scope`                 :func:`parse_scope`, :func:`select` (whole graph, région,
                              département, EPCI, communes)
:mod:`.engine`                the igraph/numpy copy of a projection the heavy algorithms use
:mod:`.actors`                :class:`ActorRef`, actor resolution by id or exact name
:mod:`.checks`                the checks of plain parameters (integers, dates, kinds)
:mod:`.links`                 a link's validity on a day, its sources (:class:`SourceInfo`)
:mod:`.counts`                :class:`Count`, :class:`Share`
:mod:`.memo`                  what a projection remembers (:func:`remembered`)
:mod:`.layered`               mappings and id lists the versions of a carried index share
:mod:`.example`               the small movement the examples and unit tests run on
============================  ==========================================================

Bad parameters raise the project's errors naming the parameter: ``NotFound`` /
``AmbiguousReference`` for actors, ``ValidationError`` (``field=…``) for values,
``InvalidDates`` for dates.
"""

from queries.analytics.actors import ActorRef
from queries.analytics.brokers import BrokerQuery, BrokerRanking, BrokerScore, brokers, find_brokers
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
from queries.analytics.isolated import IsolatedActors, isolated_actors
from queries.analytics.links import SourceInfo
from queries.analytics.neighbourhood import (
    Neighbour,
    Neighbourhood,
    NeighbourhoodQuery,
    NeighbourLink,
    find_neighbourhood,
    neighbourhood,
)
from queries.analytics.paths import (
    KIND_COST,
    PATH_LIMITS,
    SEARCH_LIMITS,
    CooperationPath,
    Hop,
    LinkStep,
    PathAnswer,
    PathConstraints,
    PathLimits,
    PathQuery,
    cooperation_paths,
    find_paths,
    link_cost,
)
from queries.analytics.peers import WEIGHTS as PEER_WEIGHTS
from queries.analytics.peers import Peer, PeerAnswer, PeerQuery, find_peers, peer_projects
from queries.analytics.scope import Scope, ScopeSelection, parse_scope, select

__all__ = [
    "KIND_COST",
    "PATH_LIMITS",
    "PEER_WEIGHTS",
    "SEARCH_LIMITS",
    "ActorRef",
    "BoundingBox",
    "BrokerQuery",
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
    "NeighbourhoodQuery",
    "PathAnswer",
    "PathConstraints",
    "PathLimits",
    "PathQuery",
    "Peer",
    "PeerAnswer",
    "PeerQuery",
    "RegionCell",
    "Scope",
    "ScopeSelection",
    "Share",
    "SourceInfo",
    "brokers",
    "cooperation_paths",
    "find_brokers",
    "find_clusters",
    "find_neighbourhood",
    "find_paths",
    "find_peers",
    "isolated_actors",
    "link_cost",
    "movement_figures",
    "neighbourhood",
    "parse_scope",
    "peer_projects",
    "select",
    "territorial_clusters",
]
