"""The territory sheet ("fiche territoire"): a print-ready A4 PDF in the user's language (French
by default) — key figures, actors by kind, legal family and theme as bars, the yearly series as
a line, a small map of the actors, the top brokers and clusters, the networks present, the
sources and the date of the data.

Drawn with matplotlib alone (its PDF backend, TrueType fonts embedded so the text can be
searched and extracted): no HTML renderer, hence no system library (WeasyPrint needs Debian's
pango and cairo), and the same charts in the PDF as one would draw for a report. Served by
``GET /fiche/{territory}.pdf`` (:mod:`api.territory_routes`) and written by ``maillage report
territory``.

An empty territory, or a day before the record, gives a sheet that says so instead of charts.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from graph_model.i18n import _, format_date, format_number
from graph_model.territories import REFERENCE_DIR
from queries.analytics.legal import FAMILY_LABELS
from queries.analytics.links import parse_source
from queries.analytics.scope import select
from queries.analytics.territories import (
    EPCI_PERIMETER_YEAR,
    SeriesPoint,
    TerritoryFigures,
    TerritoryRef,
    TerritoryStructure,
    figure_series,
    resolve_territory,
    territory_figures,
    territory_structure,
)
from queries.projection import Projection

A4 = (8.27, 11.69)  # inches, portrait
INK = "#1f3b57"
ACCENT = "#2a9d8f"
SERIES_YEARS = 12


def _kind_label(kind: str) -> str:
    labels = {
        "Organisation": _("organisations"),
        "Network": _("networks"),
        "Project": _("projects"),
        "AdvocacyBody": _("advocacy bodies"),
    }
    return labels.get(kind, kind)


@cache
def _outlines(name: str) -> dict[str, list[list[tuple[float, float]]]]:
    """Code → rings of the simplified outlines shipped in the reference (metropolitan only)."""
    path: Path = REFERENCE_DIR / name
    data = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = [[(x, y) for x, y in polygon[0]] for polygon in polygons]
        found[str(feature["properties"]["code"])] = rings
    return found


def _number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    if digits:
        return format_number(round(value, digits))
    return format_number(int(value))


def _bars(ax: Any, items: Sequence[tuple[str, int]], title: str, colour: str) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(title, loc="left", fontsize=10, color=INK)
    if not items or not any(n for _k, n in items):
        ax.text(0.5, 0.5, _("nothing to count"), ha="center", va="center", fontsize=9)
        ax.set_axis_off()
        return
    labels = [k if len(k) <= 38 else k[:36] + "…" for k, _n in items][::-1]
    values = [n for _k, n in items][::-1]
    ax.barh(labels, values, color=colour)
    for y, v in enumerate(values):
        ax.text(v, y, f" {format_number(v)}", va="center", fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.tick_params(axis="x", labelsize=7)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, max(values) * 1.25 or 1)


def _map(ax: Any, projection: Projection, place: TerritoryRef, members: Sequence[str]) -> None:
    ax.set_title(_("where the actors sit"), loc="left", fontsize=10, color=INK)
    ax.set_aspect(1.45)
    ax.set_xticks([])
    ax.set_yticks([])
    outlines: list[list[tuple[float, float]]] = []
    if place.level == "region":
        outlines = _outlines("regions-simplifiees-2018.geojson").get(place.code, [])
    elif place.level == "departement":
        outlines = _outlines("departements-simplifies-2018.geojson").get(place.code, [])
    elif place.level == "country":
        for rings in _outlines("regions-simplifiees-2018.geojson").values():
            outlines.extend(rings)
    else:
        parent = (place.parent or "").partition(":")[2]
        outlines = _outlines("departements-simplifies-2018.geojson").get(parent, [])
    for ring in outlines:
        xs, ys = zip(*ring, strict=True)
        ax.fill(xs, ys, color="#eef3f7", edgecolor="#8aa1b4", linewidth=0.6)
    nodes = projection.graph.nodes
    points = [
        (nodes[m]["lon"], nodes[m]["lat"])
        for m in members
        if nodes[m]["lon"] is not None and nodes[m]["lat"] is not None
    ]
    if points:
        xs, ys = zip(*points, strict=True)
        ax.scatter(xs, ys, s=10, color=ACCENT, edgecolor="white", linewidth=0.4, zorder=3)
    if outlines:  # frame the outline: overseas points (France's DROM) would shrink it to a dot
        lons = [x for ring in outlines for x, _y in ring]
        lats = [y for ring in outlines for _x, y in ring]
        pad = 0.05 * max(max(lons) - min(lons), max(lats) - min(lats))
        ax.set_xlim(min(lons) - pad, max(lons) + pad)
        ax.set_ylim(min(lats) - pad, max(lats) + pad)
    ax.text(
        0.0,
        -0.06,
        _("{n} of {total} actors placed on the map", n=len(points), total=len(members)),
        transform=ax.transAxes,
        fontsize=7,
    )
    if not outlines and not points:
        ax.text(0.5, 0.5, _("no outline nor point to draw"), ha="center", va="center")
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_color("#cccccc")


def _series(ax: Any, series: Sequence[SeriesPoint]) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_title(_("year by year (on 1 January)"), loc="left", fontsize=10, color=INK)
    if not series:
        ax.set_axis_off()
        return
    years = [p.year for p in series]
    ax.plot(years, [p.figures.actors for p in series], marker="o", color=INK, label=_("actors"))
    ax.plot(
        years,
        [p.figures.links_inside for p in series],
        marker="s",
        color=ACCENT,
        label=_("links inside"),
    )
    ax.plot(
        years,
        [p.figures.links_crossing for p in series],
        marker="^",
        color="#e76f51",
        label=_("links crossing the border"),
    )
    ax.legend(fontsize=7, frameon=False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=7)
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years], rotation=45)
    ax.spines[["top", "right"]].set_visible(False)


def _sources(projection: Projection, members: Sequence[str]) -> list[str]:
    """The sources the territory's links cite, most cited first (system, and address)."""
    graph = projection.graph
    cited: Counter[str] = Counter()
    for actor in members:
        for _u, _v, attrs in graph.out_edges(actor, data=True):
            for raw in attrs.get("sources") or ():
                source = parse_source(raw)
                text = source.url or source.system
                cited[text] += 1
    return [f"{text} ({format_number(n)})" for text, n in cited.most_common(8)]


def _members(projection: Projection, place: TerritoryRef) -> list[str]:
    selection = select(projection, "FR" if place.level == "country" else place.id)
    return sorted(projection.graph) if selection.actors is None else sorted(selection.actors)


def _key_figures(f: TerritoryFigures) -> list[tuple[str, str]]:
    return [
        (_("actors"), _number(f.actors)),
        (_("inhabitants"), _number(f.population)),
        (_("actors per 10,000 inhabitants"), _number(f.per_10000, 3)),
        (_("links inside"), _number(f.links_inside)),
        (_("links crossing the border"), _number(f.links_crossing)),
        (_("density"), _number(f.density, 4)),
        (_("isolated actors"), _number(f.isolated)),
    ]


def _header(fig: Any, f: TerritoryFigures, day: date | None) -> None:
    fig.text(0.06, 0.965, _("Territory sheet"), fontsize=9, color=ACCENT)
    fig.text(0.06, 0.94, f"{f.name}", fontsize=18, color=INK, weight="bold")
    when = format_date(day) if day else _("every date")
    level = {
        "country": _("country"),
        "region": _("région"),
        "departement": _("département"),
        "epci": _("EPCI"),
        "commune": _("commune"),
    }[f.level]
    line = _("{level} {id} — data on {day}", level=level, id=f.territory, day=when)
    if f.epci_perimeter_year:
        line += " — " + _("EPCI perimeter of {year}", year=f.epci_perimeter_year)
    fig.text(0.06, 0.92, line, fontsize=9, color="#555555")


def _footer(fig: Any, page: int, pages: int, version: int) -> None:
    made = format_date(datetime.now(timezone.utc).date())  # noqa: UP017
    fig.text(
        0.06,
        0.02,
        _(
            "Maillage — graph version {version}, sheet made on {made} — page {page}/{pages}",
            version=version,
            made=made,
            page=page,
            pages=pages,
        ),
        fontsize=7,
        color="#777777",
    )


def render_territory_sheet(
    projection: Projection,
    territory: str | TerritoryRef,
    *,
    as_of: date | None = None,
    theme_labels: Mapping[str, str] | None = None,
) -> bytes:
    """The sheet of ``territory`` on ``as_of`` as PDF bytes (A4, two pages; one when empty)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    place = territory if isinstance(territory, TerritoryRef) else resolve_territory(territory)
    figures = territory_figures(projection, place, as_of=as_of)
    labels = dict(theme_labels or {})
    buffer = io.BytesIO()
    rc: Any = {"pdf.fonttype": 42, "font.family": "DejaVu Sans", "axes.titleweight": "bold"}
    with plt.rc_context(rc), PdfPages(buffer, metadata=_metadata(figures)) as pdf:
        if figures.actors == 0:
            _empty_page(plt, pdf, figures, as_of, projection.version)
        else:
            structure = territory_structure(projection, place)
            end = (as_of or date.today()).year
            start = end - SERIES_YEARS + 1
            if figures.record_start is not None:
                start = max(start, figures.record_start.year)
            series = figure_series(projection, place, start, end) if start <= end else ()
            members = _members(projection, place)
            _first_page(plt, pdf, f=figures, day=as_of, labels=labels, version=projection.version)
            _second_page(
                plt,
                pdf,
                projection=projection,
                place=place,
                f=figures,
                structure=structure,
                series=series,
                members=members,
                day=as_of,
            )
    return buffer.getvalue()


def _metadata(f: TerritoryFigures) -> dict[str, Any]:
    return {
        "Title": _("Territory sheet: {name}", name=f.name),
        "Author": "Maillage",
        "Subject": f.territory,
        "Keywords": "ESS",
        "CreationDate": None,
        "ModDate": None,
    }


def _empty_page(plt: Any, pdf: Any, f: TerritoryFigures, day: date | None, version: int) -> None:
    fig = plt.figure(figsize=A4)
    _header(fig, f, day)
    if f.before_data:
        start = format_date(f.record_start) if f.record_start else "—"
        text = _(
            "No figures on this date: it is before the first dated fact of the record "
            "({start}). Every figure is zero.",
            start=start,
        )
    else:
        text = _(
            "No actor of the movement sits in this territory on this date: every figure is "
            "zero. Import member lists or the reference dataset to fill it."
        )
    fig.text(0.06, 0.85, text, fontsize=11, color=INK, wrap=True)
    rows = _key_figures(f)
    for i, (label, value) in enumerate(rows):
        fig.text(0.08, 0.78 - i * 0.025, label, fontsize=9)
        fig.text(0.6, 0.78 - i * 0.025, value, fontsize=9, weight="bold")
    _footer(fig, 1, 1, version)
    pdf.savefig(fig)
    plt.close(fig)


def _first_page(
    plt: Any,
    pdf: Any,
    *,
    f: TerritoryFigures,
    day: date | None,
    labels: Mapping[str, str],
    version: int,
) -> None:
    fig = plt.figure(figsize=A4)
    _header(fig, f, day)
    fig.text(0.06, 0.885, _("Key figures"), fontsize=12, color=INK, weight="bold")
    for i, (label, value) in enumerate(_key_figures(f)):
        column, row = divmod(i, 4)
        x = 0.06 + column * 0.46
        y = 0.86 - row * 0.022
        fig.text(x, y, label, fontsize=8.5)
        fig.text(x + 0.3, y, value, fontsize=8.5, weight="bold")
    kinds = [(_kind_label(c.key), c.count) for c in f.by_kind]
    families = [(_(FAMILY_LABELS[c.key]), c.count) for c in f.by_family]
    themes = [(labels.get(c.key, c.key), c.count) for c in f.by_theme[:10]]
    ax = fig.add_axes((0.3, 0.6, 0.62, 0.14))
    _bars(ax, kinds, _("Actors by kind"), INK)
    ax = fig.add_axes((0.3, 0.38, 0.62, 0.16))
    _bars(ax, families, _("Actors by legal family"), ACCENT)
    ax = fig.add_axes((0.42, 0.07, 0.5, 0.25))
    _bars(ax, themes, _("Actors by theme (the ten most frequent)"), "#e9c46a")
    _footer(fig, 1, 2, version)
    pdf.savefig(fig)
    plt.close(fig)


def _second_page(
    plt: Any,
    pdf: Any,
    *,
    projection: Projection,
    place: TerritoryRef,
    f: TerritoryFigures,
    structure: TerritoryStructure,
    series: Sequence[SeriesPoint],
    members: Sequence[str],
    day: date | None,
) -> None:
    fig = plt.figure(figsize=A4)
    _header(fig, f, day)
    _series(fig.add_axes((0.08, 0.66, 0.84, 0.22)), series)
    _map(fig.add_axes((0.06, 0.34, 0.4, 0.26)), projection, place, members)
    y = 0.6
    fig.text(0.52, y, _("Top brokers"), fontsize=10, color=INK, weight="bold")
    if not structure.brokers:
        y -= 0.02
        fig.text(0.52, y, _("no actor links others here"), fontsize=8)
    for broker in structure.brokers:
        y -= 0.02
        fig.text(0.52, y, f"{broker.name[:40]}", fontsize=8)
        fig.text(0.88, y, f"{broker.score:.3f}", fontsize=8)
    y -= 0.035
    fig.text(0.52, y, _("Largest clusters"), fontsize=10, color=INK, weight="bold")
    if not structure.clusters:
        y -= 0.02
        fig.text(0.52, y, _("no cluster of two actors or more"), fontsize=8)
    for cluster in structure.clusters:
        y -= 0.02
        names = ", ".join(cluster.central)
        fig.text(
            0.52,
            y,
            _("{id}: {n} actors — {names}", id=cluster.id, n=cluster.size, names=names[:48]),
            fontsize=8,
        )
    y = 0.3
    fig.text(0.06, y, _("Networks present (members here)"), fontsize=10, color=INK, weight="bold")
    if not f.networks:
        y -= 0.02
        fig.text(0.06, y, _("no membership stated"), fontsize=8)
    for network in f.networks[:8]:
        y -= 0.02
        fig.text(0.06, y, network.name[:60], fontsize=8)
        fig.text(0.5, y, format_number(network.members), fontsize=8)
    y = 0.3
    fig.text(0.56, y, _("Sources of the data"), fontsize=10, color=INK, weight="bold")
    lines = [
        *_sources(projection, members),
        _(
            "territories: INSEE COG and populations (@etalab/decoupage-administratif), "
            "EPCI of {year}",
            year=EPCI_PERIMETER_YEAR,
        ),
    ]
    for line in lines:
        y -= 0.02
        fig.text(0.56, y, line[:58], fontsize=7)
    if f.record_start:
        y -= 0.025
        fig.text(
            0.56,
            y,
            _("first dated fact of the record: {day}", day=format_date(f.record_start)),
            fontsize=7,
        )
    _footer(fig, 2, 2, projection.version)
    pdf.savefig(fig)
    plt.close(fig)


__all__ = ["render_territory_sheet"]
