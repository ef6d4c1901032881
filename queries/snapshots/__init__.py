"""What the queries keep on disk besides the graph: answers worth keeping across restarts.

=================  ==================================================================
module             holds
=================  ==================================================================
:mod:`.clusters`   :class:`ClusterCache`: clusterings served from memory, and the
                   latest membership of each question kept on disk for stable ids
=================  ==================================================================

The projection's own snapshot (:class:`queries.projection.ProjectionCache`) is its neighbour:
both live under the data directory, are rebuilt from the store when missing or stale, and are
never needed for a correct answer, only for a fast or stable one.
"""

from queries.snapshots.clusters import ClusterCache, membership_from_json, membership_to_json

__all__ = ["ClusterCache", "membership_from_json", "membership_to_json"]
