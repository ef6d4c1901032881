"""A clustering question as one typed value, :class:`ClusterQuery`, built from plain options and
checked once by :meth:`ClusterQuery.build`: the CLI (``maillage clusters``), GraphQL
(``territorialClusters``), the HTTP export (``/export/clusters.*``), the cluster cache and direct
calls of :func:`~queries.analytics.clusters.territorial_clusters` all build it.

>>> ClusterQuery.build("departement:69", resolution=0)
Traceback (most recent call last):
...
graph_model.errors.ValidationError: resolution: 0 is out of range (0.01 to 100.0)
>>> ClusterQuery.build("69").key
('departement:69', 1.0, 0, 2, 0.3, 5, 20)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph_model.errors import ValidationError
from queries.analytics.checks import check_int
from queries.analytics.scope import WHOLE, Scope, parse_scope

#: the range of the modularity resolution
MIN_RESOLUTION, MAX_RESOLUTION = 0.01, 100.0


@dataclass(frozen=True, slots=True)
class ClusterQuery:
    """A clustering question, checked when made (a bad option raises
    :class:`~graph_model.errors.ValidationError` naming it)."""

    scope: Scope = WHOLE
    #: modularity resolution; higher gives more, smaller clusters
    resolution: float = 1.0
    #: seed of the Leiden algorithm
    seed: int = 0
    #: smallest cluster listed
    min_size: int = 2
    #: smallest overlap for a cluster to keep a previous id
    min_jaccard: float = 0.3
    #: how many central actors and themes per cluster
    top: int = 5
    #: how many communes per cluster footprint (the largest shares)
    commune_limit: int = 20
    #: count ties through hubs outside the scope: two members of the scope linked to the same
    #: actor elsewhere (a national network without a position, most often) are tied through
    #: it; the hub itself is no member. Off by default: only links inside the scope count
    through_hubs: bool = False

    def __post_init__(self) -> None:
        resolution = self.resolution
        if (
            isinstance(resolution, bool)
            or not isinstance(resolution, int | float)
            or not (MIN_RESOLUTION <= resolution <= MAX_RESOLUTION)
        ):
            raise ValidationError(
                f"resolution: {resolution!r} is out of range ({MIN_RESOLUTION} to "
                f"{MAX_RESOLUTION})",
                field="resolution",
            )
        object.__setattr__(self, "resolution", float(resolution))
        check_int(self.seed, field="seed", low=0, high=2**31 - 1)
        check_int(self.min_size, field="min_size", low=1, high=1_000_000)
        check_int(self.top, field="top", low=0, high=100)
        check_int(self.commune_limit, field="commune_limit", low=0, high=100_000)
        if not 0.0 < self.min_jaccard <= 1.0:
            raise ValidationError(
                f"min_jaccard: {self.min_jaccard!r} is out of range (0 excluded to 1)",
                field="min_jaccard",
            )

    @classmethod
    def build(
        cls, scope: str | Sequence[str] | Scope | None = None, **options: Any
    ) -> ClusterQuery:
        """The query for a scope as given (see :mod:`queries.analytics.scope`; whether its
        codes exist is checked when the question is answered) and the options above."""
        return cls(parse_scope(scope), **options)

    @property
    def key(self) -> tuple[str | float | int, ...]:
        """The question without the graph version: what stable ids follow from one version to
        the next (and what names the membership kept on disk; ``through_hubs`` adds a part only
        when on, so the names of the other questions do not change)."""
        key: tuple[str | float | int, ...] = (
            self.scope.label,
            self.resolution,
            self.seed,
            self.min_size,
            self.min_jaccard,
            self.top,
            self.commune_limit,
        )
        return (*key, "hubs") if self.through_hubs else key
