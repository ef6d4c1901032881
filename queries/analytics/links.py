"""What the analytics read from a cooperation link besides its ends: whether it holds on a day
(:func:`valid_on`) and where it came from (:class:`SourceInfo`, parsed from the link's
``sources`` JSON strings)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a link came from (parsed from the link's ``sources`` JSON strings)."""

    system: str
    key: str
    url: str | None


def valid_on(attrs: Mapping[str, Any], day: date) -> bool:
    """True when a link (its edge attributes) holds on ``day``; unknown bounds are open."""
    since, until = attrs["since"], attrs["until"]
    return (since is None or since <= day) and (until is None or day <= until)


@lru_cache(maxsize=65_536)
def parse_source(raw: str) -> SourceInfo:
    """One entry of a link's ``sources`` (a JSON object), leniently.

    >>> parse_source('{"system": "movement", "key": "l1", "url": null}')
    SourceInfo(system='movement', key='l1', url=None)
    >>> parse_source("not json")
    SourceInfo(system='unknown', key='not json', url=None)
    """
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return SourceInfo(system="unknown", key=str(raw), url=None)
    if not isinstance(data, dict):
        return SourceInfo(system="unknown", key=str(raw), url=None)
    url = data.get("url")
    return SourceInfo(
        system=str(data.get("system") or "unknown"),
        key=str(data.get("key") or ""),
        url=str(url) if url else None,
    )
