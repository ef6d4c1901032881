"""The ``maillage`` entry point: wires the command modules."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.main import get_command

from cli import analytics, db, importing, init, report, review, serve, token, user
from cli.context import choose_language, configure_logging
from cli.help import language_argument, translate_help
from graph_model.i18n import use_language


class _Maillage(typer.Typer):
    """Typer, whose help is translated before the command line is parsed (``--help`` is
    answered before any option is), in the language ``--lang`` names, else ``MAILLAGE_LANG``,
    else French (:mod:`cli.help`)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with use_language(language_argument(sys.argv)):
            command = get_command(self)
            translate_help(command)
            return command(*args, **kwargs)


app = _Maillage(
    name="maillage",
    help="Maillage: the solidarity-economy movement as a graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="Language of the messages: fr (default) or en; else MAILLAGE_LANG.",
    ),
) -> None:
    configure_logging(verbose)
    choose_language(lang, ctx)


app.add_typer(db.app, name="db")
app.add_typer(importing.app, name="import")
app.add_typer(review.app, name="review")
app.add_typer(token.app, name="token")
app.add_typer(user.app, name="user")  # people's accounts (cli/user.py)
app.add_typer(report.app, name="report")
app.command(name="serve")(serve.serve)
app.command(name="init")(init.init)
app.command(name="path")(analytics.path)
app.command(name="clusters")(analytics.clusters)
app.command(name="peers")(analytics.peers)
