"""What every command needs: settings, logging, the language, the store port, actors found by
name, and errors turned into messages."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from graph_model import errors
from graph_model.errors import MaillageError
from graph_model.i18n import N_, _, reset_language, set_language
from queries.store import BoltGraph, StoreSettings, open_graph

if TYPE_CHECKING:
    from queries.projection import Projection

console = Console()
err_console = Console(stderr=True)


def configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # the driver logs every retry of a refused connection at WARNING: our message says it once
    logging.getLogger("neo4j").setLevel(logging.ERROR)


def choose_language(value: str | None, context: typer.Context | None = None) -> None:
    """``--lang``: the language of this command's messages, for as long as the command runs
    (``maillage serve`` hands it to its workers through ``MAILLAGE_LANG``)."""
    if value is None:
        return
    try:
        token = set_language(value)
    except ValueError as exc:
        err_console.print(f"[red]--lang[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if context is not None:
        context.call_on_close(lambda: reset_language(token))


def settings() -> StoreSettings:
    try:
        return StoreSettings()
    except ValueError as exc:
        err_console.print(f"[red]{_('configuration error:')}[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


#: what kind of failure, in words (never the Python class's name); the first that fits
_LABELS: tuple[tuple[type[MaillageError], str], ...] = (
    (errors.AmbiguousReference, N_("several actors match:")),
    (errors.NotFound, N_("not found:")),
    (errors.ValidationError, N_("refused:")),
    (errors.ConfigurationError, N_("configuration error:")),
    (errors.ImportFailure, N_("the file cannot be imported:")),
    (errors.StoreUnavailable, N_("the graph server cannot be reached:")),
    (errors.StoreError, N_("the graph server refused:")),
    (errors.EmbeddedServerError, N_("embedded graph server:")),
)


def error_label(exc: MaillageError) -> str:
    """The words that start the error's line."""
    for kind, label in _LABELS:
        if isinstance(exc, kind):
            return _(label)
    return _("error:")


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Turn project errors into one red line and exit code 1 (no traceback)."""
    try:
        yield
    except MaillageError as exc:
        err_console.print(f"[red]{error_label(exc)}[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from exc


@contextlib.contextmanager
def graph(start: bool = True) -> Iterator[BoltGraph]:
    """The port over the store the settings name, closed when the command ends."""
    with handled():
        opened = open_graph(settings(), start=start)
        try:
            yield opened
        finally:
            opened.close()


#: candidates listed when a name matches several actors
CANDIDATES = 10


def find_actor(projection: Projection, reference: str, *, field: str) -> str:
    """The id of the actor ``reference`` names, as the API's search finds it: an id or an exact
    name first (accents and case ignored), else the search's accent- and typo-tolerant match
    of every word. A name several actors match is refused with the candidates; nothing is
    guessed."""
    from api.search import search_index
    from queries.analytics.actors import resolve_actor

    try:
        return resolve_actor(projection, reference, field=field)
    except errors.AmbiguousReference:
        raise
    except errors.NotFound:
        pass
    hits = search_index(projection).search(reference, limit=CANDIDATES + 1)
    if not hits:
        raise errors.NotFound(
            _(
                "{field}: no actor is called {reference!r}: give its id, or a part of its name",
                field=field,
                reference=reference,
            )
        )
    complete = [hit for hit in hits if hit.matched == hits[0].matched]
    names = projection.graph.nodes
    if len(complete) == 1:
        found = complete[0].id
        said = _(
            "{reference!r} means {name} [{id}]",
            reference=reference,
            name=names[found]["name"],
            id=found,
        )
        err_console.print(said, markup=False, highlight=False)
        return found
    candidates = [(hit.id, str(names[hit.id]["name"])) for hit in complete[:CANDIDATES]]
    raise errors.AmbiguousReference(reference, candidates)
