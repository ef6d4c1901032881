"""The ``maillage`` entry point: wires the command modules."""

from __future__ import annotations

import typer

from cli import analytics, db, importing, init, review, serve, token
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
app.add_typer(importing.app, name="import")
app.add_typer(review.app, name="review")
app.add_typer(token.app, name="token")
app.command(name="serve")(serve.serve)
app.command(name="init")(init.init)
app.command(name="path")(analytics.path)
app.command(name="clusters")(analytics.clusters)
app.command(name="peers")(analytics.peers)
