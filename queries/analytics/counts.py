"""Counts and shares, the small values answers use to describe a group (the kinds in a figure,
the départements of a cluster, a territory in a footprint)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Share:
    """A count and its share of a whole (a territory in a footprint, a theme in a cluster)."""

    key: str
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class Count:
    """A count under a key (kind, legal form…)."""

    key: str
    count: int


def shares(counts: Mapping[str, int], total: int, *, limit: int | None = None) -> tuple[Share, ...]:
    """Counts as shares of ``total``, largest first, ties by key."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if limit is not None:
        ordered = ordered[:limit]
    return tuple(Share(key, n, round(n / total, 6) if total else 0.0) for key, n in ordered)
