"""``maillage init``: schema and territories, idempotently, then a summary of the graph."""

from __future__ import annotations

import time

from rich.table import Table

from cli.context import console, graph
from graph_model.i18n import _, format_number
from graph_model.port import WriteContext
from graph_model.territories import load_reference


def init() -> None:
    """Create the schema (constraints, indexes) and load the French territories.

    Safe to run any number of times: the second run changes nothing.
    """
    started = time.monotonic()
    with graph() as opened:
        statements = opened.setup_schema()
        count, written = opened.ensure_territories(load_reference(), WriteContext())
        said = (
            _(
                "schema: {statements} constraints and indexes; territories: {count} loaded "
                "({seconds} s) — store {uri}",
                statements=statements,
                count=format_number(count),
                seconds=format_number(time.monotonic() - started, 1),
                uri=opened.uri,
            )
            if written
            else _(
                "schema: {statements} constraints and indexes; territories: {count} already "
                "loaded ({seconds} s) — store {uri}",
                statements=statements,
                count=format_number(count),
                seconds=format_number(time.monotonic() - started, 1),
                uri=opened.uri,
            )
        )
        console.print(said, markup=False)
        print_summary(opened.counts())


def print_summary(figures: dict[str, int]) -> None:
    table = Table(title=_("What the graph holds"))
    table.add_column(_("what"))
    table.add_column(_("count"), justify="right")
    for key in sorted(figures):
        if figures[key]:
            table.add_row(key, format_number(figures[key]))
    console.print(table)
