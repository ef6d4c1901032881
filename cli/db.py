"""``maillage db start | stop | status``: the embedded ArcadeDB server."""

from __future__ import annotations

import typer

from cli.context import console, handled, settings
from graph_model.i18n import _
from queries.store.embedded import EmbeddedServer
from queries.store.settings import Backend

app = typer.Typer(help="Start, stop and inspect the embedded graph server (ArcadeDB).")


def _server() -> EmbeddedServer:
    current = settings()
    if current.backend is not Backend.EMBEDDED:
        console.print(
            _(
                "MAILLAGE_BACKEND is {backend}: the embedded server is not used (the store is "
                "at {uri}).",
                backend=current.backend.value,
                uri=current.neo4j_uri,
            ),
            markup=False,
        )
        raise typer.Exit(2)
    return EmbeddedServer(current.data_dir, heap=current.embedded_heap, host=current.embedded_host)


@app.command()
def start() -> None:
    """Start the embedded server in the background (refused if it already runs)."""
    with handled():
        server = _server()
        state = server.start()
        console.print(
            _(
                "started: pid {pid}, Bolt on {uri}, data in {data}",
                pid=state.pid,
                uri=state.uri,
                data=server.data_dir,
            ),
            markup=False,
        )


@app.command()
def stop() -> None:
    """Stop the embedded server (it flushes to disk first)."""
    with handled():
        server = _server()
        if server.stop():
            console.print(_("stopped"))
        else:
            console.print(_("not running"))


@app.command()
def status() -> None:
    """Say whether the embedded server runs (exit code 0) or not (exit code 3)."""
    with handled():
        current = _server().status()
        console.print(current.describe(), markup=False)
        if not current.running:
            raise typer.Exit(3)
