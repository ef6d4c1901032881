"""``maillage import …``: load a source file into the graph through the import pipeline.

One command per format; each shows a progress bar (rows/s, time left) and ends with a summary
table. ``--rejects FILE`` writes every row that was not loaded as is (rejected, skipped, held
for review, flagged) with its line and the reason; ``--dry-run`` says what would happen and
writes nothing. See ``docs/importers.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from cli.context import console, err_console, graph, handled
from graph_model.errors import ImportFailure
from graph_model.i18n import _, format_number

app = typer.Typer(
    help="Import a source file (member lists, maps, registers) into the graph.",
    no_args_is_help=True,
)

REJECTS = typer.Option(
    None, "--rejects", help="Write the rows not loaded as is (line, status, reason) to this CSV."
)
DRY_RUN = typer.Option(False, "--dry-run", help="Say what would change; write nothing.")
MAPPING = typer.Option(
    None, "--mapping", help="YAML file naming columns, encoding, separator… (docs/importers.md)."
)
SOURCE = typer.Option(
    None,
    "--source",
    help="Name of the source system (lower-case, e.g. reseau-occitanie); the same for every "
    "export of the same list.",
)
BATCH = typer.Option(None, "--batch-size", hidden=True, min=1)
# the file is checked by its reader (a missing or unreadable file is refused in the user's
# language, with what to do), not by the option parser, whose messages are English only
FILE = typer.Argument(..., help="The file to import.")


class RateColumn(ProgressColumn):
    """Rows per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        shown = format_number(speed, 0) if speed else "…"
        return Text(_("{rate} rows/s", rate=shown), style="progress.data.speed")


def _run(reader: object, rejects: Path | None, dry_run: bool, batch_size: int | None) -> None:
    from importers.pipeline import ImportOptions, Pipeline
    from importers.reader import Reader
    from importers.records import Outcome

    assert isinstance(reader, Reader)
    with handled():  # before the store is opened: a mistyped path is said at once
        if not Path(reader.path).is_file():
            raise ImportFailure(_("{path}: no such file", path=reader.path))
    with handled(), graph() as opened:
        if not dry_run:
            opened.setup_schema()
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn(_("left:")),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err_console, transient=False) as progress:
            task = progress.add_task(f"{reader.format} {reader.file_name}", total=None)

            def advance(rows: int) -> None:
                if progress.tasks[0].total is None and reader.total is not None:
                    progress.update(task, total=reader.total)
                progress.advance(task, rows)

            options = ImportOptions(
                dry_run=dry_run, rejects=rejects, batch_size=batch_size, progress=advance
            )
            summary = Pipeline(opened, reader, options).run()
            progress.update(task, total=summary.rows, completed=summary.rows)
    title = f"{summary.format}: {summary.file_name}" + (
        _(" — DRY RUN, nothing written") if dry_run else ""
    )
    table = Table(title=escape(title))
    table.add_column(_("rows"))
    table.add_column(_("count"), justify="right")
    for what, count in summary.table():
        table.add_row(escape(what), count)
    console.print(table)
    if summary.run_id:
        console.print(
            _(
                "import run {run} ({seconds} s)",
                run=summary.run_id,
                seconds=format_number(summary.seconds, 1),
            ),
            markup=False,
        )
    if rejects is not None:
        console.print(_("report: {path}", path=rejects), markup=False)
    elif summary.outcomes.get(Outcome.REJECTED) or summary.flagged:
        console.print(
            _("some rows were rejected or flagged: add --rejects FILE to see why"), markup=False
        )


@app.command()
def movement(
    file: Path | None = typer.Argument(
        None, help="The movement dataset (default: the one shipped with Maillage)."
    ),
    rejects: Path | None = REJECTS,
    dry_run: bool = DRY_RUN,
    batch_size: int | None = BATCH,
) -> None:
    """The movement reference dataset: MES, axes, networks, projects, methods, events, bodies."""
    from importers.formats import MovementReader

    _run(MovementReader(file), rejects, dry_run, batch_size)


def _mapped_command(name: str, reader_name: str, help_text: str) -> None:
    """Register ``maillage import NAME``: a tabular format read through a mapping file
    (spreadsheet, links, ESSGlobal); ``reader_name`` is its class in :mod:`importers.formats`,
    imported when the command runs (``maillage --help`` stays fast)."""

    def command(
        file: Path = FILE,
        mapping: Path | None = MAPPING,
        source: str | None = SOURCE,
        rejects: Path | None = REJECTS,
        dry_run: bool = DRY_RUN,
        batch_size: int | None = BATCH,
    ) -> None:
        from importers import formats
        from importers.tabular import load_mapping

        reader_class: Callable[..., object] = getattr(formats, reader_name)
        with handled():
            reader = reader_class(file, mapping=load_mapping(mapping), system=source)
        _run(reader, rejects, dry_run, batch_size)

    app.command(name=name, help=help_text)(command)


_mapped_command(
    "spreadsheet", "SpreadsheetReader", "A list of members, partners or projects (CSV or XLSX)."
)
_mapped_command(
    "links", "LinksReader", "Cooperation links (CSV or XLSX): from, to, kind, since, until, source."
)
_mapped_command("essglobal", "EssGlobalReader", "An ESSGlobal standard CSV (RIPESS vocabulary).")


@app.command()
def gogocarto(
    file: Path = FILE,
    taxonomy: Path | None = typer.Option(None, "--taxonomy", help="The map's taxonomy.json."),
    mapping: Path | None = MAPPING,
    source: str | None = SOURCE,
    rejects: Path | None = REJECTS,
    dry_run: bool = DRY_RUN,
    batch_size: int | None = BATCH,
) -> None:
    """A GoGoCarto export (/api/elements.json, gogofull or gogocompact)."""
    from importers.formats import GoGoCartoReader
    from importers.tabular import load_mapping

    with handled():
        reader = GoGoCartoReader(
            file, taxonomy=taxonomy, mapping=load_mapping(mapping), system=source
        )
    _run(reader, rejects, dry_run, batch_size)


@app.command()
def murmurations(
    file: Path = FILE,
    source: str | None = SOURCE,
    rejects: Path | None = REJECTS,
    dry_run: bool = DRY_RUN,
    batch_size: int | None = BATCH,
) -> None:
    """Murmurations organisation profiles (JSON: one profile, a list, or an index answer)."""
    from importers.formats import MurmurationsReader

    _run(MurmurationsReader(file, system=source), rejects, dry_run, batch_size)


@app.command()
def sirene(
    file: Path = FILE,
    ess_only: bool = typer.Option(False, "--ess-only", help="Only the ESS legal units."),
    rejects: Path | None = REJECTS,
    dry_run: bool = DRY_RUN,
    batch_size: int | None = BATCH,
) -> None:
    """An INSEE SIRENE unités légales file (streamed: any size)."""
    from importers.formats import SireneReader

    _run(SireneReader(file, ess_only=ess_only), rejects, dry_run, batch_size)
