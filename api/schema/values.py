"""Small value types that refer to nothing else: sources, locations, themes, methods, counts.

Each is built by one function from what the store or an analytic hands over: stored sources
are JSON strings (:func:`sources_from_stored`), an analytic's are :class:`SourceInfo` records
(:func:`sources_from_answer`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import strawberry

from api.schema.loaders import parse_sources
from graph_model.model import LocationPrecision
from graph_model.spells import statements_of
from queries import analytics
from queries.analytics import SourceInfo


@strawberry.type(description="Where a fact came from.")
class Source:
    system: str
    key: str
    url: str | None


def sources_from_stored(values: Iterable[str]) -> list[Source]:
    """An actor's or a link's stored sources (compact JSON strings)."""
    return [
        Source(system=str(s.get("system")), key=str(s.get("key")), url=s.get("url"))
        for s in parse_sources(values)
    ]


@strawberry.type(
    description="One source's claim that a link holds, with that source's own dates (the "
    "link's since/until are what its statements make together)."
)
class Statement:
    source: Source
    since: date | None
    until: date | None


def statements_from_stored(
    values: Iterable[str], sources: Iterable[str], since: date | None, until: date | None
) -> list[Statement]:
    """A link's stored statements (a link stored before statements were kept: one per
    source, with the link's own dates)."""
    out = []
    for text in statements_of(list(values), sources, since, until):
        body = json.loads(text)
        s = body.get("source") or {}
        source = Source(system=str(s.get("system")), key=str(s.get("key")), url=s.get("url"))
        out.append(
            Statement(source=source, since=_day(body.get("since")), until=_day(body.get("until")))
        )
    return out


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def sources_from_answer(items: Iterable[SourceInfo]) -> list[Source]:
    """The sources of a link in an analytic's answer."""
    return [Source(system=s.system, key=s.key, url=s.url) for s in items]


@strawberry.type(description="A point on the map and how it was obtained.")
class Location:
    latitude: float
    longitude: float
    precision: LocationPrecision | None


def location_from(lat: Any, lon: Any, precision: Any) -> Location | None:
    """A location from stored or projected coordinates (None without both)."""
    if lat is None or lon is None:
        return None
    try:
        precise = LocationPrecision(precision) if precision else None
    except ValueError:
        precise = None
    return Location(latitude=float(lat), longitude=float(lon), precision=precise)


@strawberry.type(description="A field of activity.")
class Theme:
    id: strawberry.ID
    label: str = strawberry.field(description="French label")
    label_en: str | None
    scheme: str | None


def theme_from(theme_id: str, props: Mapping[str, Any] | None) -> Theme:
    props = props or {}
    return Theme(
        id=strawberry.ID(theme_id),
        label=str(props.get("label_fr") or props.get("label") or props.get("name") or theme_id),
        label_en=props.get("label_en"),
        scheme=props.get("scheme"),
    )


@strawberry.type(description="An evaluation tool or method (EVALUMIP, VISES, ESS'perluette…).")
class Method:
    id: strawberry.ID
    name: str
    description: str | None


def method_from(method_id: str, props: Mapping[str, Any] | None) -> Method:
    props = props or {}
    return Method(
        id=strawberry.ID(method_id),
        name=str(props.get("name") or method_id),
        description=props.get("description"),
    )


@strawberry.type(description="A count under a key, and its share of the whole.")
class Share:
    key: str
    count: int
    share: float


def shares_from(items: Iterable[analytics.Share]) -> list[Share]:
    return [Share(key=i.key, count=i.count, share=i.share) for i in items]


@strawberry.type(description="A count under a key (a kind, a legal form…).")
class Count:
    key: str
    count: int


def counts_from(items: Iterable[analytics.Count]) -> list[Count]:
    return [Count(key=i.key, count=i.count) for i in items]


__all__ = ["Count", "Location", "Method", "Share", "Source", "Theme"]
