"""``maillage review``: list the duplicate candidates imports held, and decide them.

``maillage review`` lists the pending candidates; ``maillage review accept ID`` merges the held
record into the actor it resembles, ``maillage review reject ID`` creates it as a new actor.
Every decision is recorded (who, when, note, resulting actor).
"""

from __future__ import annotations

import typer
from rich.table import Table

from cli.context import console, graph, handled

app = typer.Typer(
    help="Duplicate candidates held by imports: list them, accept or reject them.",
    invoke_without_command=True,
)


@app.callback()
def overview(
    ctx: typer.Context,
    status: str = typer.Option("pending", "--status", help="pending, accepted, rejected or all."),
) -> None:
    """List duplicate candidates (pending ones by default)."""
    if ctx.invoked_subcommand is not None:
        return
    from importers.review import list_candidates

    with handled(), graph() as opened:
        candidates = list_candidates(opened, None if status == "all" else status)
    if not candidates:
        console.print(
            f"no {status if status != 'all' else ''} duplicate candidate".replace("  ", " ")
        )
        return
    table = Table(title=f"Duplicate candidates ({status})")
    for column in ("id", "record (file:line)", "resembles", "score", "why", "status"):
        table.add_column(column)
    for c in candidates:
        record = f"{c.record_name} [{c.record_commune or '?'}]\n{c.file_name}:{c.line}"
        actor = f"{c.actor_name or '?'} [{c.actor_commune or '?'}]\n{c.actor}"
        decided = f"{c.status}" + (f" → {c.result}" if c.result else "")
        table.add_row(c.id, record, actor, f"{c.score:.2f}", c.reasons, decided)
    console.print(table)
    console.print("decide with `maillage review accept ID` or `maillage review reject ID`")


@app.command()
def accept(
    candidate: str = typer.Argument(..., help="The candidate's id (dup-…)."),
    note: str | None = typer.Option(None, "--note", help="Why (kept with the decision)."),
    by: str | None = typer.Option(None, "--by", help="Who decides (default: $USER)."),
) -> None:
    """The held record IS the actor it resembles: merge it in."""
    from importers import review

    with handled(), graph() as opened:
        summary, actor = review.accept(opened, candidate, by=by, note=note)
    console.print(f"accepted: the record joined {actor} (run {summary.run_id})")


@app.command()
def reject(
    candidate: str = typer.Argument(..., help="The candidate's id (dup-…)."),
    note: str | None = typer.Option(None, "--note", help="Why (kept with the decision)."),
    by: str | None = typer.Option(None, "--by", help="Who decides (default: $USER)."),
) -> None:
    """The held record is ANOTHER actor: create it."""
    from importers import review

    with handled(), graph() as opened:
        summary, actor = review.reject(opened, candidate, by=by, note=note)
    console.print(f"rejected: the record was created as {actor} (run {summary.run_id})")
