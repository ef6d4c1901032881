"""What every command needs: settings, logging, the store port, and errors turned into messages."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator

import typer
from rich.console import Console

from graph_model.errors import MaillageError
from queries.store import BoltGraph, StoreSettings, open_graph

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


def settings() -> StoreSettings:
    try:
        return StoreSettings()
    except ValueError as exc:
        err_console.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Turn project errors into one red line and exit code 1 (no traceback)."""
    try:
        yield
    except MaillageError as exc:
        err_console.print(f"[red]{type(exc).__name__}:[/red] {exc}")
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
