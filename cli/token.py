"""``maillage token create | revoke | list``: the bearer tokens of the API.

A token is shown once, when it is created, and stored only as its SHA-256 in the graph
(``ApiToken`` nodes, see :mod:`api.auth`); revoking it takes effect at the API's next check
(writes check at once, reads within ``MAILLAGE_TOKEN_CACHE_SECONDS``).
"""

from __future__ import annotations

import typer
from rich.table import Table

from cli.context import console, err_console, graph, handled

app = typer.Typer(help="API tokens: create (shown once), revoke, list.", no_args_is_help=True)


@app.command()
def create(
    role: str = typer.Option(
        ..., "--role", help="reader (when reads are not public), editor (writes) or admin."
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
        err_console.print(f"[red]--role {role!r}:[/red] use reader, editor or admin")
        raise typer.Exit(2) from exc
    with handled(), graph() as opened:
        token_id, token = create_token(opened, name=name, role=chosen)
    console.print(f"token {token_id} for {name!r}, role {chosen.value}:")
    console.print(token, soft_wrap=True, highlight=False)
    console.print(
        "[dim]shown once: keep it in a password manager; send it as "
        "'Authorization: Bearer <token>'; revoke it with `maillage token revoke "
        f"{token_id}`[/dim]"
    )


@app.command()
def revoke(
    token: str = typer.Argument(..., help="The token's id (tok-…) or its name."),
) -> None:
    """Revoke a token (by id, or every active token of that name)."""
    from api.auth import revoke_token

    with handled(), graph() as opened:
        revoked = revoke_token(opened, token)
    for info in revoked:
        console.print(f"revoked {info.id} ({info.name}, {info.role.value})")


@app.command(name="list")
def list_() -> None:
    """List the tokens (never their secrets)."""
    from api.auth import list_tokens

    with handled(), graph() as opened:
        tokens = list_tokens(opened)
    if not tokens:
        console.print("no token yet: `maillage token create --role editor --name <who>`")
        return
    table = Table(title="API tokens")
    for column in ("id", "name", "role", "created", "revoked"):
        table.add_column(column)
    for info in tokens:
        table.add_row(
            info.id,
            info.name,
            info.role.value,
            info.created_at.isoformat(timespec="seconds") if info.created_at else "",
            info.revoked_at.isoformat(timespec="seconds") if info.revoked_at else "",
        )
    console.print(table)
