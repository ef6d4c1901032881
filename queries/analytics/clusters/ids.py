"""Stable cluster ids: a new clustering takes the ids of the previous one's clusters it
overlaps most, by Jaccard index, greedily from the best overlapping pair down; the others get
fresh numbers, never reused (see :mod:`queries.analytics.clusters`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from queries.analytics.clusters.answers import Clustering


def assign_ids(
    groups: Sequence[Collection[str]], previous: Clustering | None, *, min_jaccard: float = 0.3
) -> tuple[list[str], int]:
    """Ids for new clusters (in the given order) and the next fresh number, matching
    ``previous`` clusters by Jaccard overlap, greedily (see the module docstring).

    >>> old = Clustering("FR", 1, 1.0, 0, 0.5, 5, (), 0, 3)
    >>> assign_ids([{"a", "b"}, {"c"}], None)
    (['c1', 'c2'], 3)
    """
    if previous is None:
        return [f"c{i + 1}" for i in range(len(groups))], len(groups) + 1
    owner = {m: c.id for c in previous.clusters for m in c.members}
    sizes = {c.id: c.size for c in previous.clusters}
    pairs = []
    for i, members in enumerate(groups):
        overlaps = Counter(owner[m] for m in members if m in owner)
        for old_id, shared in overlaps.items():
            jaccard = shared / (len(members) + sizes[old_id] - shared)
            if jaccard >= min_jaccard:
                pairs.append((-jaccard, -shared, i, old_id))
    pairs.sort()
    ids: list[str | None] = [None] * len(groups)
    used: set[str] = set()
    for _, _, i, old_id in pairs:
        if ids[i] is None and old_id not in used:
            ids[i] = old_id
            used.add(old_id)
    next_id = previous.next_id
    for i in range(len(groups)):
        if ids[i] is None:
            ids[i] = f"c{next_id}"
            next_id += 1
    return [i for i in ids if i is not None], next_id
