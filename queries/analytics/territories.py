"""Figures per territory — commune, EPCI, département, région, France — at a date, a table of a
territory's parts, year-on-year differences and yearly series.

A territory is named by its id: ``FR``, ``region:84``, ``departement:69``, ``epci:200046977``,
``commune:69123`` (the levels of the shipped reference, ``graph_model/reference/``); a bare code
is read as :mod:`queries.analytics.scope` reads it. An id that names no territory is an error
naming the levels.

Definitions, on ``as_of`` (``None``: everything the graph holds, dated or not):

* an **actor is present** on a day from the first day the record shows it: the earliest
  ``since`` of its links when every link it has is dated; an actor with an undated link, or
  with no link at all, is present on every day of the record (the model gives actors no dates
  of their own). The **record begins** on the earliest ``since`` of any link: on a day before
  it every figure is zero and ``before_data`` says so;
* ``by_kind``, ``by_family`` (:mod:`queries.analytics.legal`: associations, coopératives,
  mutuelles, fondations, sociétés commerciales de l'ESS), ``by_legal_form`` and ``by_theme``
  count the present actors (``by_theme`` counts an actor once under each of its themes, so it
  may sum to more than ``actors``; ``unknown`` when a legal form is missing);
* ``per_10000``: present actors per 10,000 inhabitants (the population municipale of the
  reference: an EPCI's own figure, the sum of its communes for a département, a région or
  France);
* ``links_inside``: links valid that day with both ends in the territory; ``links_crossing``:
  with exactly one end in it; both by kind too (France: every link is inside);
* ``density``: pairs of present actors joined by a link inside, over all pairs;
* ``isolated``: present actors without any link valid that day (to anyone, anywhere);
* ``networks``: for each actor that present actors are ``MEMBER_OF`` (a network, a body), how
  many of them (links valid that day);
* ``brokers`` and ``clusters`` (:func:`territory_structure`): betweenness and Leiden clusters of
  the territory's tie graph as it is (those analytics are not dated; see ``docs/analytics.md``).

EPCI perimeters are those of the reference (:data:`EPCI_PERIMETER_YEAR`): an EPCI whose
perimeter changed counts the communes of that year.

>>> from queries.analytics.example import example_projection
>>> f = territory_figures(example_projection(), "departement:69", as_of="2017-01-01")
>>> f.actors, f.links_inside, f.links_crossing, f.isolated
(4, 3, 1, 1)
>>> f.name, f.population is not None, f.before_data
('Rhône', True, False)
>>> territory_figures(example_projection(), "region:84", as_of="2000-01-01").before_data
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Final

from graph_model.errors import ValidationError
from graph_model.i18n import _
from queries.analytics.actors import actor_ref
from queries.analytics.brokers import brokers as broker_ranking
from queries.analytics.checks import parse_day
from queries.analytics.clusters import territorial_clusters
from queries.analytics.counts import Count
from queries.analytics.legal import FAMILIES
from queries.analytics.memo import remembered
from queries.analytics.scope import ScopeSelection, select
from queries.analytics.territory_counts import Composition, Ties
from queries.analytics.territory_places import (
    EPCI_PERIMETER_YEAR,
    LEVELS,
    Level,
    TerritoryRef,
    child_territories,
    resolve_territory,
)
from queries.projection import Projection

#: the most years a series may span
MAX_SERIES_YEARS: Final = 60


# -- what the record says about dates -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Dates:
    record_start: date | None
    #: actor id → first day present (absent: present on every day)
    first_day: Mapping[str, date]


def _dates(projection: Projection) -> _Dates:
    def compute() -> _Dates:
        graph = projection.graph
        first: dict[str, date] = {}
        undated: set[str] = set()
        start: date | None = None
        for u, v, attrs in graph.edges(data=True):
            since = attrs.get("since")
            for end in (u, v):
                if since is None:
                    undated.add(end)
                elif end not in first or since < first[end]:
                    first[end] = since
            if since is not None and (start is None or since < start):
                start = since
        for actor in undated:
            first.pop(actor, None)
        return _Dates(start, first)

    return remembered(projection, ("territory-dates",), compute)


def _present(dates: _Dates, actor: str, day: date | None) -> bool:
    if day is None:
        return True
    first = dates.first_day.get(actor)
    return first is None or first <= day


# -- figures --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NetworkPresence:
    """A network (or body) and how many actors of the territory are its members."""

    id: str
    name: str
    kind: str
    members: int


@dataclass(frozen=True, slots=True)
class TerritoryFigures:
    """The figures of a territory on a day (see the module docstring for each)."""

    territory: str
    name: str
    level: str
    as_of: date | None
    population: int | None
    epci_perimeter_year: int | None
    latitude: float | None
    longitude: float | None
    record_start: date | None
    before_data: bool
    actors: int
    by_kind: tuple[Count, ...]
    by_family: tuple[Count, ...]
    by_legal_form: tuple[Count, ...]
    by_theme: tuple[Count, ...]
    per_10000: float | None
    links_inside: int
    links_crossing: int
    links_inside_by_kind: tuple[Count, ...]
    links_crossing_by_kind: tuple[Count, ...]
    density: float
    isolated: int
    networks: tuple[NetworkPresence, ...]


#: the figures a table can be sorted by and a series or a comparison carries
NUMBERS: Final[tuple[str, ...]] = (
    "actors",
    "per_10000",
    "links_inside",
    "links_crossing",
    "density",
    "isolated",
    "population",
)


def _counts(counter: Counter[str]) -> tuple[Count, ...]:
    return tuple(Count(k, n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _scope_of(territory: TerritoryRef) -> str:
    return "FR" if territory.level == "country" else territory.id


def territory_figures(
    projection: Projection, territory: str | TerritoryRef, *, as_of: date | str | None = None
) -> TerritoryFigures:
    """The figures of ``territory`` on ``as_of`` (see the module docstring)."""
    place = territory if isinstance(territory, TerritoryRef) else resolve_territory(territory)
    day = parse_day(as_of, field="as_of")
    key = ("territory-figures", place.id, day)
    return remembered(projection, key, lambda: _figures(projection, place, day))


def _figures(projection: Projection, place: TerritoryRef, day: date | None) -> TerritoryFigures:
    dates = _dates(projection)
    before = day is not None and dates.record_start is not None and day < dates.record_start
    selection = select(projection, _scope_of(place))
    graph = projection.graph
    nodes = graph._node
    members = [] if before else _members(selection, graph, dates, day)
    made = Composition.of(nodes, members)
    tied = Ties.of(graph, members, everyone=selection.actors is None, day=day)
    n = len(members)
    possible = n * (n - 1) // 2
    return TerritoryFigures(
        territory=place.id,
        name=place.name,
        level=place.level,
        as_of=day,
        population=place.population,
        epci_perimeter_year=EPCI_PERIMETER_YEAR if place.level == "epci" else None,
        latitude=place.latitude,
        longitude=place.longitude,
        record_start=dates.record_start,
        before_data=before,
        actors=n,
        by_kind=_counts(made.kinds),
        by_family=tuple(Count(f, made.families[f]) for f in FAMILIES if f in made.families),
        by_legal_form=_counts(made.forms),
        by_theme=_counts(made.themes),
        per_10000=round(n * 10_000 / place.population, 3) if place.population else None,
        links_inside=sum(tied.inside.values()),
        links_crossing=sum(tied.crossing.values()),
        links_inside_by_kind=_counts(tied.inside),
        links_crossing_by_kind=_counts(tied.crossing),
        density=round(len(tied.pairs) / possible, 6) if possible else 0.0,
        isolated=tied.isolated,
        networks=_presence(nodes, tied.networks),
    )


def _presence(
    nodes: Mapping[str, Mapping[str, Any]], networks: Counter[str]
) -> tuple[NetworkPresence, ...]:
    found = (
        NetworkPresence(net, nodes[net]["name"], nodes[net]["kind"], count)
        for net, count in networks.items()
    )
    return tuple(sorted(found, key=lambda p: (-p.members, p.name, p.id)))


def _members(selection: ScopeSelection, graph: Any, dates: _Dates, day: date | None) -> list[str]:
    actors: Iterable[str] = graph if selection.actors is None else sorted(selection.actors)
    return [a for a in actors if _present(dates, a, day)]


# -- brokers and clusters -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BrokerEntry:
    id: str
    name: str
    kind: str
    score: float


@dataclass(frozen=True, slots=True)
class ClusterEntry:
    id: str
    size: int
    density: float
    central: tuple[str, ...]
    """Names of its most central actors."""


@dataclass(frozen=True, slots=True)
class TerritoryStructure:
    """The top brokers and the largest clusters of a territory (the graph as it is)."""

    territory: str
    brokers: tuple[BrokerEntry, ...]
    clusters: tuple[ClusterEntry, ...]
    unclustered: int


def territory_structure(
    projection: Projection, territory: str | TerritoryRef, *, top: int = 5, seed: int = 0
) -> TerritoryStructure:
    """The ``top`` brokers (score above 0) and clusters of ``territory``."""
    place = territory if isinstance(territory, TerritoryRef) else resolve_territory(territory)

    def compute() -> TerritoryStructure:
        scope = _scope_of(place)
        ranking = broker_ranking(projection, scope, limit=top, seed=seed)
        clustering = territorial_clusters(projection, scope, seed=seed, min_size=2)
        refs = [actor_ref(projection, b.actor.id) for b in ranking.actors]
        found = tuple(
            BrokerEntry(r.id, r.name, r.kind, round(b.score, 6))
            for r, b in zip(refs, ranking.actors, strict=True)
            if b.score > 0
        )
        clusters = tuple(
            ClusterEntry(c.id, c.size, c.density, tuple(a.actor.name for a in c.central_actors[:3]))
            for c in sorted(clustering.clusters, key=lambda c: (-c.size, c.id))[:top]
        )
        return TerritoryStructure(place.id, found, clusters, clustering.unclustered)

    return remembered(projection, ("territory-structure", place.id, top, seed), compute)


# -- tables, comparisons, series ------------------------------------------------------------
def territory_table(
    projection: Projection,
    parent: str | TerritoryRef,
    level: Level,
    *,
    as_of: date | str | None = None,
    order_by: str = "actors",
    descending: bool = True,
) -> tuple[TerritoryFigures, ...]:
    """One row per territory of ``level`` within ``parent``, sorted by ``order_by`` (one of
    :data:`NUMBERS`, or ``name``, ``code``), ties by code."""
    place = parent if isinstance(parent, TerritoryRef) else resolve_territory(parent)
    if order_by not in (*NUMBERS, "name", "code", "territory"):
        raise ValidationError(
            _(
                "cannot sort by {field}: use one of {allowed}",
                field=repr(order_by),
                allowed=", ".join((*NUMBERS, "name", "code")),
            ),
            field="orderBy",
        )
    rows = [territory_figures(projection, t, as_of=as_of) for t in child_territories(place, level)]
    key = "territory" if order_by == "code" else order_by

    def sort_key(row: TerritoryFigures) -> Any:
        value = getattr(row, key)
        return (value is None, value if value is not None else 0)

    rows.sort(key=lambda r: r.territory)
    if key in ("name", "territory"):
        rows.sort(key=lambda r: getattr(r, key), reverse=descending)
    else:
        present = [r for r in rows if getattr(r, key) is not None]
        missing = [r for r in rows if getattr(r, key) is None]
        present.sort(key=sort_key, reverse=descending)
        rows = present + missing
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class FigureDifference:
    """A figure on two days: ``field`` (and ``key`` for a count: a kind, a family…)."""

    field: str
    key: str | None
    before: float
    after: float
    change: float


_COUNTED = (
    "by_kind",
    "by_family",
    "by_legal_form",
    "by_theme",
    "links_inside_by_kind",
    "links_crossing_by_kind",
)


def compare_figures(
    before: TerritoryFigures, after: TerritoryFigures
) -> tuple[FigureDifference, ...]:
    """Every figure of ``before`` against ``after``: the numbers, then each key of each count
    (a key missing on one side counts 0 there). Unchanged figures are listed too."""
    found: list[FigureDifference] = []
    for name in NUMBERS:
        if name == "population":
            continue
        a, b = getattr(before, name), getattr(after, name)
        if a is None or b is None:
            continue
        found.append(FigureDifference(name, None, a, b, round(b - a, 6)))
    for name in _COUNTED:
        old = {c.key: c.count for c in getattr(before, name)}
        new = {c.key: c.count for c in getattr(after, name)}
        for key in sorted(old.keys() | new.keys()):
            a, b = old.get(key, 0), new.get(key, 0)
            found.append(FigureDifference(name, key, a, b, b - a))
    old_net = {n.id: n.members for n in before.networks}
    new_net = {n.id: n.members for n in after.networks}
    for key in sorted(old_net.keys() | new_net.keys()):
        a, b = old_net.get(key, 0), new_net.get(key, 0)
        found.append(FigureDifference("networks", key, a, b, b - a))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """The figures of a territory on 1 January of ``year``."""

    year: int
    figures: TerritoryFigures


def figure_series(
    projection: Projection, territory: str | TerritoryRef, start: int, end: int
) -> tuple[SeriesPoint, ...]:
    """The figures of ``territory`` on 1 January of each year from ``start`` to ``end``."""
    if end < start:
        raise ValidationError(
            _("the series ends ({end}) before it starts ({start})", end=end, start=start),
            field="to",
        )
    if end - start + 1 > MAX_SERIES_YEARS or start < 1000:
        raise ValidationError(
            _(
                "a series spans at most {n} years, from year 1000 on",
                n=MAX_SERIES_YEARS,
            ),
            field="from",
        )
    place = territory if isinstance(territory, TerritoryRef) else resolve_territory(territory)
    return tuple(
        SeriesPoint(year, territory_figures(projection, place, as_of=date(year, 1, 1)))
        for year in range(start, end + 1)
    )


def figure_value(figures: TerritoryFigures, name: str) -> float | None:
    """A number of :data:`NUMBERS` by name (what the map colours by)."""
    if name not in NUMBERS:
        raise ValidationError(
            _(
                "cannot sort by {field}: use one of {allowed}",
                field=repr(name),
                allowed=", ".join(NUMBERS),
            ),
            field="figure",
        )
    value = getattr(figures, name)
    return None if value is None else float(value)


#: the names of the fields of :class:`TerritoryFigures`, as the CSV columns are named
COLUMNS: Final = tuple(f.name for f in fields(TerritoryFigures))

__all__ = [
    "EPCI_PERIMETER_YEAR",
    "LEVELS",
    "NUMBERS",
    "BrokerEntry",
    "ClusterEntry",
    "FigureDifference",
    "Level",
    "NetworkPresence",
    "SeriesPoint",
    "TerritoryFigures",
    "TerritoryRef",
    "TerritoryStructure",
    "child_territories",
    "compare_figures",
    "figure_series",
    "figure_value",
    "resolve_territory",
    "territory_figures",
    "territory_structure",
    "territory_table",
]
