"""``maillage review``: list the duplicate candidates imports held, and decide them.

``maillage review`` lists the pending candidates; ``maillage review accept ID`` merges the held
record into the actor it resembles, ``maillage review reject ID`` creates it as a new actor.
``ID`` may be the short id the list shows, or any prefix that names one candidate (with or
without ``dup-``). Every decision is recorded (who, when, note, resulting actor).
"""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.markup import escape
from rich.table import Table

from cli.context import console, graph, handled
from graph_model.errors import NotFound
from graph_model.i18n import N_, _, format_datetime, format_number
from graph_model.port import CandidateRecord, GraphStore

app = typer.Typer(
    help="Duplicate candidates held by imports: list them, accept or reject them.",
    invoke_without_command=True,
)

PREFIX = "dup-"
#: hexadecimal digits the short id keeps at least (more when two candidates share them)
SHORT = 8

_STATUS = {
    "pending": N_("pending"),
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
}


def short_ids(ids: Sequence[str]) -> dict[str, str]:
    """Each id cut to the shortest prefix (at least ``dup-`` and 8 digits) no other id shares.

    >>> short_ids(["dup-0123456789abcdef", "dup-0123456799abcdef", "dup-fedcba9876543210"])
    {'dup-0123456789abcdef': 'dup-012345678', 'dup-0123456799abcdef': 'dup-012345679', \
'dup-fedcba9876543210': 'dup-fedcba98'}
    """
    shortest = {}
    for one in ids:
        length = min(len(one), len(PREFIX) + SHORT)
        while length < len(one) and any(o != one and o.startswith(one[:length]) for o in ids):
            length += 1
        shortest[one] = one[:length]
    return shortest


def find_candidate(graph: GraphStore, given: str) -> str:
    """The full id of the candidate ``given`` names: its id, or a prefix only it has (the
    ``dup-`` may be left out). Several match: refused with them; none: refused."""
    wanted = given.strip().lower()
    if not wanted.startswith(PREFIX):
        wanted = PREFIX + wanted
    candidates = graph.candidates(None)
    exact = [c for c in candidates if c.id == wanted]
    if exact:
        return exact[0].id
    matches = [c for c in candidates if c.id.startswith(wanted)] if len(wanted) > 4 else []
    if len(matches) == 1:
        return matches[0].id
    if matches:
        listed = "; ".join(f"{c.id} ({c.record_name})" for c in matches[:10])
        raise NotFound(
            _(
                "{given!r} starts {n} candidate ids: {listed}; give more of the id",
                given=given,
                n=len(matches),
                listed=listed,
            )
        )
    raise NotFound(
        _(
            "no duplicate candidate {given!r}: `maillage review --status all` lists them",
            given=given,
        )
    )


def _table(candidates: list[CandidateRecord], status: str) -> Table:
    shown = short_ids([c.id for c in candidates])
    table = Table(
        title=_("Duplicate candidates ({status})", status=_(_STATUS.get(status, status)))
        if status != "all"
        else _("Duplicate candidates"),
    )
    table.add_column(_("id"), no_wrap=True)
    for column in (_("held record (file:line)"), _("resembles"), _("score"), _("why")):
        table.add_column(column)
    table.add_column(_("status"))
    for c in candidates:
        record = f"{c.record_name} [{c.record_commune or '?'}]\n{c.file_name}:{c.line}"
        actor = f"{c.actor_name or '?'} [{c.actor_commune or '?'}]\n{c.actor}"
        decided = _(_STATUS.get(c.status, c.status)) + (f" → {c.result}" if c.result else "")
        if c.decided_at is not None:  # the history: who decided, when, why
            decided += f"\n{c.decided_by or '?'}, {format_datetime(c.decided_at)}"
            decided += f"\n{c.note}" if c.note else ""
        table.add_row(
            shown[c.id],
            escape(record),
            escape(actor),
            format_number(c.score, 2),
            escape(c.reasons),
            escape(decided),
        )
    return table


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
        if status == "all":
            console.print(_("no duplicate candidate"), markup=False)
        else:
            console.print(
                _("no {status} duplicate candidate", status=_(_STATUS.get(status, status))),
                markup=False,
            )
        return
    console.print(_table(candidates, status))
    console.print(
        _(
            "decide with `maillage review accept ID` or `maillage review reject ID` "
            "(the short id is enough)"
        ),
        markup=False,
    )


@app.command()
def accept(
    candidate: str = typer.Argument(..., help="The candidate's id (dup-…), or its short id."),
    note: str | None = typer.Option(None, "--note", help="Why (kept with the decision)."),
    by: str | None = typer.Option(None, "--by", help="Who decides (default: $USER)."),
) -> None:
    """The held record IS the actor it resembles: merge it in."""
    from importers import review

    with handled(), graph() as opened:
        full = find_candidate(opened, candidate)
        summary, actor = review.accept(opened, full, by=by, note=note)
    console.print(
        _(
            "accepted {candidate}: the record joined {actor} (run {run})",
            candidate=full,
            actor=actor,
            run=summary.run_id,
        ),
        markup=False,
    )


@app.command()
def reject(
    candidate: str = typer.Argument(..., help="The candidate's id (dup-…), or its short id."),
    note: str | None = typer.Option(None, "--note", help="Why (kept with the decision)."),
    by: str | None = typer.Option(None, "--by", help="Who decides (default: $USER)."),
) -> None:
    """The held record is ANOTHER actor: create it."""
    from importers import review

    with handled(), graph() as opened:
        full = find_candidate(opened, candidate)
        summary, actor = review.reject(opened, full, by=by, note=note)
    console.print(
        _(
            "rejected {candidate}: the record was created as {actor} (run {run})",
            candidate=full,
            actor=actor,
            run=summary.run_id,
        ),
        markup=False,
    )


@app.command()
def revert(
    run: str = typer.Argument(..., help="The import run (run-…) whose changes to undo."),
    actor: str = typer.Argument(..., help="The actor's id."),
    by: str | None = typer.Option(None, "--by", help="Who reverts (default: $USER)."),
) -> None:
    """Undo what one import run changed on one actor (the fields changed since are kept)."""
    from importers.field_changes import revert as revert_run
    from importers.pipeline import environment_user
    from importers.places import shared_resolver

    with handled(), graph() as opened:
        done = revert_run(
            opened, actor, run, territories=shared_resolver().lookup, by=by or environment_user()
        )
    fields = ", ".join(done.restored) or _("nothing")
    console.print(_("reverted on {actor}: {fields}", actor=actor, fields=fields), markup=False)
    if done.kept:
        kept = ", ".join(done.kept)
        console.print(_("kept (changed since the run): {fields}", fields=kept), markup=False)
