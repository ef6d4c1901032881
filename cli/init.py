"""``maillage init``: schema and territories, idempotently, then a summary of the graph."""

from __future__ import annotations

import time

from rich.table import Table

from cli.context import console, graph
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
        action = "loaded" if written else "already loaded"
        console.print(
            f"schema: {statements} constraints and indexes; territories: {count} {action} "
            f"({time.monotonic() - started:.1f} s) — store {opened.uri}"
        )
        print_summary(opened.counts())


def print_summary(figures: dict[str, int]) -> None:
    table = Table(title="What the graph holds")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in sorted(figures):
        if figures[key]:
            table.add_row(key, f"{figures[key]:,}".replace(",", "\u202f"))
    console.print(table)
