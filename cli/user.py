"""``maillage user create | link | role | list``: people's accounts for the web map.

An account is created without a password; the command prints a **one-time sign-in link** (there
is no mail server: hand it over yourself). The person opens it, chooses a password, and is
signed in. A forgotten password: ``maillage user link NAME`` makes a new link. See
:mod:`api.accounts`.
"""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from cli.context import console, err_console, graph, handled
from graph_model.i18n import _, format_datetime

app = typer.Typer(
    help="People's accounts: create (prints a sign-in link), link, role, list.",
    no_args_is_help=True,
)

_ROLE_HELP = "contributor (proposes), editor (edits, confirms) or admin (accounts, tokens)."
_NETWORK_HELP = "The id of the network a contributor or editor speaks for (an editor: only it)."


def _base() -> str:
    from api.accounts import AccountSettings
    from api.settings import ApiSettings

    base = AccountSettings().public_url
    if base:
        return base
    api = ApiSettings()
    return f"http://{api.host}:{api.port}"


def _role(value: str) -> object:
    from api.accounts import ACCOUNT_ROLES
    from api.auth import Role

    try:
        chosen = Role(value.strip().lower())
    except ValueError:
        chosen = None
    if chosen not in ACCOUNT_ROLES:
        err_console.print(
            f"[red]--role {escape(repr(value))}:[/red] "
            + escape(_("use contributor, editor or admin"))
        )
        raise typer.Exit(2)
    return chosen


def _print_link(secret: str, name: str) -> None:
    from api.accounts import AccountSettings, sign_in_url

    hours = f"{AccountSettings().sign_in_link_hours:g}"
    console.print(
        _(
            "one-time sign-in link for {name!r} (valid {hours} h, shown once):",
            name=name,
            hours=hours,
        ),
        markup=False,
    )
    console.print(sign_in_url(_base(), secret), soft_wrap=True, highlight=False, markup=False)
    advice = _(
        "hand it over yourself (it is a password until used); set MAILLAGE_PUBLIC_URL to the "
        "map's public address"
    )
    console.print(f"[dim]{escape(advice)}[/dim]")


@app.command()
def create(
    name: str = typer.Argument(..., help="The person's name, as it signs in and signs changes."),
    role: str = typer.Option(..., "--role", help=_ROLE_HELP),
    network: str | None = typer.Option(None, "--network", help=_NETWORK_HELP),
) -> None:
    """Create an account and print its one-time sign-in link."""
    from api.accounts import create_user
    from api.auth import Role

    chosen = _role(role)
    assert isinstance(chosen, Role)
    with handled(), graph() as opened:
        user, secret = create_user(opened, name, chosen, network=network)
    scope = user.network or _("national")
    console.print(
        _(
            "account {id} for {name!r}: {role} ({scope})",
            id=user.id,
            name=user.name,
            role=user.role,
            scope=scope,
        ),
        markup=False,
    )
    _print_link(secret, user.name)


@app.command()
def link(name: str = typer.Argument(..., help="The account's name or id.")) -> None:
    """A new one-time sign-in link (a forgotten password, an expired link)."""
    from api.accounts import new_sign_in_link
    from graph_model.errors import NotFound

    with handled(), graph() as opened:
        user = opened.user(name)
        if user is None:
            raise NotFound(_("no account named {name!r} (`maillage user list`)", name=name))
        secret = new_sign_in_link(opened, user.id)
    _print_link(secret, user.name)


@app.command(name="role")
def role_(
    name: str = typer.Argument(..., help="The account's name or id."),
    role: str = typer.Option(..., "--role", help=_ROLE_HELP),
    network: str | None = typer.Option(None, "--network", help=_NETWORK_HELP),
) -> None:
    """Change an account's role (and network)."""
    from api.accounts import set_role
    from api.auth import Role

    chosen = _role(role)
    assert isinstance(chosen, Role)
    with handled(), graph() as opened:
        user = set_role(opened, name, chosen, network)
    scope = user.network or _("national")
    console.print(
        _("{name!r} is now {role} ({scope})", name=user.name, role=user.role, scope=scope),
        markup=False,
    )


@app.command(name="list")
def list_() -> None:
    """List the accounts (never a password nor a link)."""
    with handled(), graph() as opened:
        users = opened.users()
    if not users:
        console.print(_("no account yet: `maillage user create NAME --role editor`"), markup=False)
        return
    table = Table(title=_("accounts"))
    for column in (_("id"), _("name"), _("role"), _("network"), _("created"), _("password")):
        table.add_column(column)
    for user in users:
        table.add_row(
            user.id,
            escape(user.name),
            user.role,
            user.network or "",
            format_datetime(user.created_at) if user.created_at else "",
            _("set") if user.password_hash else _("not yet"),
        )
    console.print(table)
