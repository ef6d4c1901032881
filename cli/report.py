"""``maillage report territory CODE --as-of DATE --out FILE.pdf``: the territory sheet.

The sheet (:mod:`api.sheet`) is the one the API serves at ``/fiche/{territory}.pdf``: A4, in
the user's language (French by default), with the key figures, charts, a small map, the top
brokers and clusters, the networks present and the sources. An empty territory gives a sheet
that says so.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from api.sheet import render_territory_sheet
from cli.analytics import projection, theme_labels
from cli.context import console, handled
from graph_model.errors import ValidationError
from graph_model.i18n import _, format_date
from queries.analytics.territories import resolve_territory, territory_figures

app = typer.Typer(no_args_is_help=True, help="Printable reports (PDF).")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(
            _("--as-of {value}: not a date; write it YYYY-MM-DD (2025-01-01)", value=text),
            field="as_of",
        ) from exc


@app.command("territory")
def territory(
    code: str = typer.Argument(..., help="FR, region:84, departement:69, epci:…, commune:…"),
    as_of: str | None = typer.Option(None, "--as-of", help="the day of the figures, YYYY-MM-DD"),
    out: Path = typer.Option(Path("fiche.pdf"), "--out", "-o", help="the PDF to write"),
) -> None:
    """The territory sheet as a print-ready PDF (A4)."""
    with handled():
        day = _day(as_of)
        place = resolve_territory(code)
    with projection() as current, handled():
        figures = territory_figures(current, place, as_of=day)
        themes = theme_labels(c.key for c in figures.by_theme[:10])
        content = render_territory_sheet(current, place, as_of=day, theme_labels=themes)
    out.write_bytes(content)
    when = format_date(day) if day else _("every date")
    console.print(
        _(
            "{path}: sheet of {name} ({id}) on {day}, {actors} actors",
            path=str(out),
            name=place.name,
            id=place.id,
            day=when,
            actors=figures.actors,
        ),
        highlight=False,
    )
    if figures.actors == 0:
        console.print(_("the territory has no actor on that day: the sheet says so"))
