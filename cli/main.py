"""The ``maillage`` entry point: wires the command modules."""

from __future__ import annotations

import typer

from cli import db, init
from cli.context import configure_logging

app = typer.Typer(
    name="maillage",
    help="Maillage: the solidarity-economy movement as a graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
) -> None:
    configure_logging(verbose)


app.add_typer(db.app, name="db")
app.command(name="init")(init.init)
