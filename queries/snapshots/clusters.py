"""Cluster ids kept across graph versions and restarts: :class:`ClusterCache` serves a repeated
clustering from memory and keeps the latest membership of each question in
``<directory>/clusters-<digest>.json`` (under ``$MAILLAGE_DATA_DIR/clusters/`` for the CLI and
the API), so that the ids researchers cite survive a restart.

Why here and not in :mod:`queries.analytics`: the analytics are pure functions of a projection;
this module reads and writes files. It computes nothing itself (:func:`find_clusters` does) and
only chooses which previous clustering the ids follow. A membership file holds what stable ids
need, nothing else: the graph version, each cluster's members, the next fresh number. An
unreadable or unwritable file is logged and ignored: ids then stay stable within the process.

>>> from queries.analytics.clusters import assign_ids
>>> kept = membership_from_json({"version": 3, "next_id": 4,
...                              "clusters": {"c1": ["a", "b"], "c3": ["c", "d"]}})
>>> assign_ids([{"c", "d", "e"}, {"a", "b"}, {"x", "y"}], kept)
(['c3', 'c1', 'c4'], 5)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from queries.analytics.clusters.answers import Cluster, Clustering
from queries.analytics.clusters.find import find_clusters
from queries.analytics.clusters.query import ClusterQuery
from queries.analytics.scope import (
    KnownCodes,
    Place,
    Scope,
    scope_places,
    territory_changes,
)
from queries.projection import Projection

logger = logging.getLogger(__name__)


def membership_to_json(clustering: Clustering) -> dict[str, Any]:
    """What stable ids need of a clustering: its version, members and next fresh number."""
    return {
        "version": clustering.version,
        "next_id": clustering.next_id,
        "clusters": {c.id: list(c.members) for c in clustering.clusters},
    }


def membership_from_json(data: Mapping[str, Any]) -> Clustering:
    """A membership-only clustering (figures left empty), usable as ``previous``."""
    clusters = tuple(
        Cluster(
            id=str(cid),
            members=tuple(map(str, members)),
            size=len(members),
            internal_links=0,
            external_links=0,
            density=0.0,
            internal_ratio=0.0,
            departements=(),
            communes=(),
            central_actors=(),
            themes=(),
            centroid=None,
            bbox=None,
        )
        for cid, members in dict(data["clusters"]).items()
    )
    return Clustering(
        scope="",
        version=int(data["version"]),
        resolution=0.0,
        seed=0,
        modularity=0.0,
        actors=sum(c.size for c in clusters),
        clusters=clusters,
        unclustered=0,
        next_id=int(data["next_id"]),
    )


def _places(question: ClusterQuery) -> frozenset[Place] | None:
    """The territories a clustering reads (``None``: any). Through hubs, the ties among the
    hubs count too, and hubs sit anywhere (a national network nowhere): any change may
    touch it."""
    return None if question.through_hubs else scope_places(question.scope)


class ClusterCache:
    """Clusterings by (graph version, scope, resolution, seed, options), and the latest one of
    each question for stable ids across versions. Thread-safe; keeps ``max_entries`` results.

    Along the live graph (:mod:`queries.deltas`) a clustering stays right while no change
    touches its scope: the projection's :func:`~queries.analytics.scope.territory_changes` say
    when each territory last changed, so a question about a scope no change touched since its
    latest clustering is answered with it (at the new version) instead of computed again; a
    touched scope (or all of France, which every change touches) is computed on the next
    request, its ids following the latest clustering as always.

    >>> from queries.analytics.example import example_projection
    >>> cache, p = ClusterCache(), example_projection()
    >>> cache.get(p, seed=1) is cache.get(p, seed=1)
    True
    """

    def __init__(self, max_entries: int = 64, *, directory: Path | None = None) -> None:
        self.max_entries = max_entries
        #: where the latest membership of each question is kept, so that cluster ids stay the
        #: same across restarts (researchers cite them); None: in memory only
        self.directory = directory
        self._results: OrderedDict[tuple[object, ...], Clustering] = OrderedDict()
        self._latest: dict[tuple[object, ...], Clustering] = {}
        self._lock = threading.Lock()
        #: clusterings computed, and kept from an earlier version (no change touched the scope)
        self.computed = 0
        self.kept = 0

    def _file(self, question: tuple[object, ...]) -> Path | None:
        if self.directory is None:
            return None
        digest = hashlib.sha256(json.dumps(question, default=str).encode()).hexdigest()[:16]
        return self.directory / f"clusters-{digest}.json"

    def _load_latest(self, question: tuple[object, ...]) -> Clustering | None:
        path = self._file(question)
        if path is None or not path.exists():
            return None
        try:
            return membership_from_json(json.loads(path.read_text()))
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("ignoring unreadable cluster ids in %s: %s", path, exc)
            return None

    def _save_latest(self, question: tuple[object, ...], result: Clustering) -> None:
        path = self._file(question)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_suffix(".tmp")
            # the owner's only, as every file under the data directory (issue 15)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps(membership_to_json(result)))
            tmp.replace(path)
        except OSError as exc:  # ids then stay stable within this process only
            logger.warning("cannot keep cluster ids in %s: %s", path, exc)

    def get(
        self,
        projection: Projection,
        question: ClusterQuery | str | Sequence[str] | Scope | None = None,
        *,
        known_codes: KnownCodes | None = None,
        **options: Any,
    ) -> Clustering:
        """The clustering of ``question`` (a :class:`ClusterQuery`, or a scope and the options
        of :meth:`ClusterQuery.build`), from memory when already computed at this graph version;
        ids follow the latest clustering of the same question."""
        if not isinstance(question, ClusterQuery):
            question = ClusterQuery.build(question, **options)
        elif options:
            raise TypeError("give a ClusterQuery or options, not both")
        asked = question.key
        key = (projection.version, *asked)
        # the marks first (before anything is computed at this version): a later version
        # tells from them whether a change touched the scope since
        changes = territory_changes(projection)
        with self._lock:
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return cached
            latest = self._latest.get(asked)
            if (
                latest is not None
                and latest.version <= projection.version
                and changes.unchanged(_places(question), latest.version)
            ):
                # no change touched the scope's territories since: the same clustering
                result = replace(latest, version=projection.version)
                self.kept += 1
            else:
                latest = latest or self._load_latest(asked)
                # the same groups map to the same ids, so passing a previous clustering of the
                # same version (read back after a restart) is harmless and keeps its ids
                result = find_clusters(
                    projection, question, previous=latest, known_codes=known_codes
                )
                self.computed += 1
                if latest is None or result.version >= latest.version:
                    self._save_latest(asked, result)
            self._results[key] = result
            if latest is None or result.version >= latest.version:
                self._latest[asked] = result
            while len(self._results) > self.max_entries:
                self._results.popitem(last=False)
            return result
