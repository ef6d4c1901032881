"""``maillage token create | revoke | list``: the bearer tokens of the API.

A token is shown once, when it is created, and stored only as its SHA-256 in the graph
(``ApiToken`` nodes, see :mod:`api.auth`); revoking it takes effect at the API's next check
(writes check at once, reads within ``MAILLAGE_TOKEN_CACHE_SECONDS``).
"""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from cli.context import console, err_console, graph, handled
from graph_model.i18n import _, format_datetime

app = typer.Typer(help="API tokens: create (shown once), revoke, list.", no_args_is_help=True)


@app.command()
def create(
    role: str = typer.Option(
        ...,
        "--role",
        help="reader (when reads are not public), contributor (proposes), editor (writes) "
        "or admin.",
    ),
    name: str = typer.Option(
        ..., "--name", help="Who or what uses it (recorded with every change it makes)."
    ),
) -> None:
    """Create a token and print it once: copy it now, it cannot be shown again."""
    from api.auth import Role, create_token

    try:
        chosen = Role(role.strip().lower())
    except ValueError as exc:
        err_console.print(
            f"[red]--role {escape(repr(role))}:[/red] "
            + escape(_("use reader, contributor, editor or admin"))
        )
        raise typer.Exit(2) from exc
    with handled(), graph() as opened:
        token_id, token = create_token(opened, name=name, role=chosen)
    console.print(
        _("token {id} for {name!r}, role {role}:", id=token_id, name=name, role=chosen.value),
        markup=False,
    )
    console.print(token, soft_wrap=True, highlight=False, markup=False)
    advice = _(
        "shown once: keep it in a password manager; send it as 'Authorization: Bearer "
        "<token>'; revoke it with `maillage token revoke {id}`",
        id=token_id,
    )
    console.print(f"[dim]{escape(advice)}[/dim]")


@app.command()
def revoke(
    token: str = typer.Argument(..., help="The token's id (tok-…) or its name."),
) -> None:
    """Revoke a token (by id, or every active token of that name)."""
    from api.auth import revoke_token

    with handled(), graph() as opened:
        revoked = revoke_token(opened, token)
    for info in revoked:
        console.print(
            _("revoked {id} ({name}, {role})", id=info.id, name=info.name, role=info.role.value),
            markup=False,
        )


@app.command(name="list")
def list_() -> None:
    """List the tokens (never their secrets)."""
    from api.auth import list_tokens

    with handled(), graph() as opened:
        tokens = list_tokens(opened)
    if not tokens:
        console.print(
            _("no token yet: `maillage token create --role editor --name <who>`"), markup=False
        )
        return
    table = Table(title=_("API tokens"))
    for column in (_("id"), _("name"), _("role"), _("created"), _("revoked")):
        table.add_column(column)
    for info in tokens:
        table.add_row(
            info.id,
            escape(info.name),
            info.role.value,
            format_datetime(info.created_at) if info.created_at else "",
            format_datetime(info.revoked_at) if info.revoked_at else "",
        )
    console.print(table)
