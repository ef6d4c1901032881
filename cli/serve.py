"""``maillage serve``: the GraphQL API (and GraphiQL, the exports, the web map) over HTTP.

It opens the store's port the settings name (on the embedded default, starting the graph
server when needed) and hands it to the app, which on first run loads the territories and the
movement reference dataset (in the background: ``/ready`` answers 200 when done); with
``--workers`` each process opens its own. It binds to 127.0.0.1 unless told otherwise
(``--host`` or ``MAILLAGE_HOST``).
"""

from __future__ import annotations

import logging
import os

import typer
from rich.markup import escape

from cli.context import console, err_console, graph
from cli.context import settings as store_settings
from graph_model.i18n import LANG_VARIABLE, _, language


def serve(
    host: str | None = typer.Option(
        None, "--host", help="Interface to bind (default MAILLAGE_HOST, else 127.0.0.1)."
    ),
    port: int | None = typer.Option(
        None, "--port", help="Port (default MAILLAGE_PORT, else 8000)."
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Processes (each opens its own connection to the store)."
    ),
    access_log: bool = typer.Option(False, "--access-log", help="Log every request."),
) -> None:
    """Serve the web map on /, GraphQL and GraphiQL on /graphql, /health, /ready, /export/…"""
    import uvicorn

    from api.server import uvicorn_options
    from api.settings import ApiSettings

    try:
        settings = ApiSettings()
    except ValueError as exc:
        err_console.print(f"[red]{escape(_('configuration error:'))}[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    # the workers speak the language chosen here (--lang) when a request names none
    os.environ[LANG_VARIABLE] = language()
    bind_host = host or settings.host
    bind_port = port or settings.port
    # the API's own progress (first-run loading, readiness) is worth seeing at INFO
    logging.getLogger("api").setLevel(logging.INFO)
    shown = "127.0.0.1" if bind_host in ("0.0.0.0", "::") else bind_host  # noqa: S104
    base = f"http://{shown}:{bind_port}"
    console.print(
        _(
            "Maillage on {base}/ — the web map at {base}/, the GraphQL API and GraphiQL at "
            "{base}/graphql, exports at {base}/export/…; {base}/ready answers 200 once the "
            "graph is loaded (the first run starts the graph server and loads the territories "
            "and the reference dataset: about half a minute). Ctrl-C stops it.",
            base=base,
        ),
        markup=False,
        highlight=False,
    )
    if bind_host not in ("127.0.0.1", "localhost", "::1"):
        warning = _("listening on {host}: reachable from other machines", host=bind_host)
        console.print(
            f"[yellow]{escape(warning)}[/yellow] "
            + escape(_("(reads are public unless MAILLAGE_PUBLIC_READ=false)"))
        )
    if workers > 1:
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=bind_host,
            port=bind_port,
            workers=workers,
            access_log=access_log,
            log_level="info",
            # the workers share their failure windows (tokens, sign-in): one database of the
            # data directory, so N workers do not allow N times the attempts
            **uvicorn_options(settings, workers=workers),
        )
        return
    from api.app import create_app

    snapshots = store_settings().data_dir
    with graph() as opened:
        uvicorn.run(
            create_app(settings, opened, snapshot_dir=snapshots),
            host=bind_host,
            port=bind_port,
            access_log=access_log,
            log_level="info",
            **uvicorn_options(settings),
        )
