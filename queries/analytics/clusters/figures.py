"""Every per-cluster figure (ties inside and out, density, footprints, central actors, themes,
centroid, bounding box), computed for all the clusters of a scope at once with numpy."""

from __future__ import annotations

import numpy as np

from queries.analytics.actors import actor_ref
from queries.analytics.clusters.answers import BoundingBox, CentralActor, Cluster, GeoPoint
from queries.analytics.counts import Share
from queries.analytics.engine import Engine, IntArray
from queries.projection import Projection


class ClusterFigures:
    """Every per-cluster figure, computed for all clusters at once with numpy."""

    def __init__(self, engine: Engine, vertices: IntArray, membership: IntArray, n_groups: int):
        self.engine = engine
        n = len(engine.ids)
        group_of = np.full(n, -1, dtype=np.int64)
        group_of[vertices] = membership
        gs, gt = group_of[engine.sources], group_of[engine.targets]
        inside = (gs == gt) & (gs >= 0)
        self.internal = np.bincount(gs[inside], minlength=n_groups)
        volume = np.bincount(membership, weights=engine.degree[vertices], minlength=n_groups)
        self.external = volume.astype(np.int64) - 2 * self.internal
        self.ties_inside = np.bincount(
            np.concatenate((engine.sources[inside], engine.targets[inside])), minlength=n
        )
        self.group_of = group_of
        self.sizes = np.bincount(membership, minlength=n_groups)
        # members by group, most ties inside first (ties: smallest vertex): the central actors
        order = np.lexsort((vertices, -self.ties_inside[vertices], membership))
        self.ranked = vertices[order]
        self.starts = np.searchsorted(membership[order], np.arange(n_groups + 1))
        self.departements = self._footprint(engine.departement[vertices], membership)
        self.communes = self._footprint(engine.commune[vertices], membership)
        in_scope = group_of[engine.theme_actor]
        keep = in_scope >= 0
        self.themes = self._footprint_pairs(
            in_scope[keep], engine.theme_index[keep], len(engine.theme_codes)
        )
        lat, lon = engine.lat[vertices], engine.lon[vertices]
        located = ~(np.isnan(lat) | np.isnan(lon))
        g = membership[located]
        self.located = np.bincount(g, minlength=n_groups)
        self.lat_sum = np.bincount(g, weights=lat[located], minlength=n_groups)
        self.lon_sum = np.bincount(g, weights=lon[located], minlength=n_groups)
        self.south = np.full(n_groups, np.inf)
        self.north = np.full(n_groups, -np.inf)
        self.west = np.full(n_groups, np.inf)
        self.east = np.full(n_groups, -np.inf)
        np.minimum.at(self.south, g, lat[located])
        np.maximum.at(self.north, g, lat[located])
        np.minimum.at(self.west, g, lon[located])
        np.maximum.at(self.east, g, lon[located])

    @staticmethod
    def _footprint(codes: IntArray, membership: IntArray) -> dict[int, list[tuple[int, int]]]:
        known = codes >= 0
        return ClusterFigures._footprint_pairs(
            membership[known], codes[known], int(codes.max(initial=0)) + 1
        )

    @staticmethod
    def _footprint_pairs(
        groups: IntArray, codes: IntArray, n_codes: int
    ) -> dict[int, list[tuple[int, int]]]:
        """Counts per (group, code), as ``{group: [(code, count), ...]}``."""
        n_codes = max(n_codes, 1)
        keys, counts = np.unique(groups * n_codes + codes, return_counts=True)
        result: dict[int, list[tuple[int, int]]] = {}
        for group, code, n in zip(
            (keys // n_codes).tolist(), (keys % n_codes).tolist(), counts.tolist(), strict=True
        ):
            result.setdefault(group, []).append((code, n))
        return result

    def cluster(
        self,
        projection: Projection,
        cluster_id: str,
        g: int,
        members: tuple[str, ...],
        *,
        top: int,
        commune_limit: int,
    ) -> Cluster:
        engine = self.engine
        size = int(self.sizes[g])
        internal, external = int(self.internal[g]), int(self.external[g])
        possible = size * (size - 1) // 2
        start = int(self.starts[g])
        ranked = self.ranked[start : min(start + top, int(self.starts[g + 1]))].tolist()
        located = int(self.located[g])
        return Cluster(
            id=cluster_id,
            members=members,
            size=size,
            internal_links=internal,
            external_links=external,
            density=round(internal / possible, 6) if possible else 0.0,
            internal_ratio=round(internal / (internal + external), 6)
            if internal + external
            else 0.0,
            departements=_shares(
                self.departements.get(g, []), engine.departement_codes, size, None
            ),
            communes=_shares(self.communes.get(g, []), engine.commune_codes, size, commune_limit),
            central_actors=tuple(
                CentralActor(actor_ref(projection, engine.ids[v]), int(self.ties_inside[v]))
                for v in ranked
            ),
            themes=_shares(self.themes.get(g, []), engine.theme_codes, size, top),
            centroid=(
                GeoPoint(
                    round(float(self.lat_sum[g]) / located, 6),
                    round(float(self.lon_sum[g]) / located, 6),
                )
                if located
                else None
            ),
            bbox=(
                BoundingBox(
                    south=float(self.south[g]),
                    west=float(self.west[g]),
                    north=float(self.north[g]),
                    east=float(self.east[g]),
                )
                if located
                else None
            ),
        )


def _shares(
    counts: list[tuple[int, int]], codes: tuple[str, ...], size: int, limit: int | None
) -> tuple[Share, ...]:
    ordered = sorted(((codes[c], n) for c, n in counts), key=lambda item: (-item[1], item[0]))
    if limit is not None:
        ordered = ordered[:limit]
    return tuple(Share(code, n, round(n / size, 6)) for code, n in ordered)
