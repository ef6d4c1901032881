"""The outcome of an import: the summary counts, the reject report, and the tally that keeps both.

Invariant: every input row has exactly one :class:`~importers.records.Outcome`, so
``created + updated + unchanged + candidates + rejected + skipped == rows``
(:meth:`Summary.adds_up`). Links derived from actor rows (memberships, Murmurations
relationships) and nodes other than actors are counted apart, they are not input rows.

The reject report (``--rejects FILE``) is a CSV as French offices open it (``;``, UTF-8 with
BOM): one line per row that was rejected, skipped, held as a duplicate candidate or flagged, with
its line number, the reason and the raw row as JSON (a cell that a spreadsheet would run as a
formula gets a leading ``'``, :mod:`importers.cells`) — except the rows a filter leaves out by
the million (SIRENE units outside the ESS with ``--ess-only``, ceased, natural persons, not
public): those are counted by reason in the summary (:attr:`Summary.skipped_by`, and the
``ImportRun``'s ``skipped_reasons``), not listed.

Every step counts through one :class:`Tally`, so the invariant is kept in one place.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from graph_model.errors import ImportFailure
from graph_model.i18n import N_, Message, _, format_number, ngettext
from importers.cells import safe_row
from importers.records import LinkRecord, Outcome, Record

#: skip reasons listed in the summary table (the most frequent)
_REASONS = 8

#: each outcome as the summary names it (the values stay English in the graph and the report)
OUTCOME_WORDS = {
    Outcome.CREATED: N_("created"),
    Outcome.UPDATED: N_("updated"),
    Outcome.UNCHANGED: N_("unchanged"),
    Outcome.CANDIDATE: N_("held for review (duplicate candidates)"),
    Outcome.REJECTED: N_("rejected"),
    Outcome.SKIPPED: N_("skipped"),
}
LINK_WORDS = {
    Outcome.CREATED: N_("links created"),
    Outcome.UPDATED: N_("links updated"),
    Outcome.UNCHANGED: N_("links unchanged"),
    Outcome.CANDIDATE: N_("links held for review"),
    Outcome.REJECTED: N_("links rejected"),
    Outcome.SKIPPED: N_("links skipped"),
}


@dataclass
class Summary:
    """Counts of one import run."""

    format: str
    file_name: str
    sha256: str = ""
    run_id: str | None = None
    dry_run: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None
    rows: int = 0
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    links: Counter[Outcome] = field(default_factory=Counter)
    nodes: Counter[str] = field(default_factory=Counter)
    #: skipped rows by reason
    skipped_by: Counter[str] = field(default_factory=Counter)
    flagged: int = 0
    merged: int = 0

    def count(self, outcome: Outcome, n: int = 1) -> None:
        self.outcomes[outcome] += n

    def adds_up(self) -> bool:
        return sum(self.outcomes.values()) == self.rows

    @property
    def seconds(self) -> float:
        if self.started_at is None or self.finished_at is None:
            return 0.0
        return (self.finished_at - self.started_at).total_seconds()

    def run_properties(self) -> dict[str, Any]:
        """What the ``ImportRun`` node records of the counts."""
        props: dict[str, Any] = {
            "rows": self.rows,
            "flagged": self.flagged,
            "merged": self.merged,
        }
        for outcome in Outcome:
            props[outcome.value] = self.outcomes.get(outcome, 0)
        for outcome in Outcome:
            if self.links.get(outcome):
                props[f"links_{outcome.value}"] = self.links[outcome]
        for name, n in sorted(self.nodes.items()):
            props[f"nodes_{name}"] = n
        if self.skipped_by:
            props["skipped_reasons"] = json.dumps(dict(self.skipped_by), ensure_ascii=False)
        # the run node's own word for what the issue calls "candidates"
        props["candidates"] = props.pop(Outcome.CANDIDATE.value)
        return props

    def table(self) -> list[tuple[str, str]]:
        """(what, count) rows for the summary table the CLI prints, in the user's language."""
        rows = [(_("rows read"), format_number(self.rows))]
        for outcome in Outcome:
            rows.append((_(OUTCOME_WORDS[outcome]), format_number(self.outcomes.get(outcome, 0))))
            if outcome is Outcome.SKIPPED:
                reasons = self.skipped_by.most_common()
                rows.extend((f"  {_(why)}", format_number(n)) for why, n in reasons[:_REASONS])
                if len(reasons) > _REASONS:
                    others = sum(n for _why, n in reasons[_REASONS:])
                    other_reasons = ngettext(
                        "{n} other reason", "{n} other reasons", len(reasons) - _REASONS
                    )
                    rows.append((f"  {other_reasons}", format_number(others)))
        rows.append((_("  of which merged by name"), format_number(self.merged)))
        rows.append((_("flagged (loaded, see the report)"), format_number(self.flagged)))
        for outcome in Outcome:
            if self.links.get(outcome):
                rows.append((_(LINK_WORDS[outcome]), format_number(self.links[outcome])))
        for name, n in sorted(self.nodes.items()):
            rows.append((name, format_number(n)))
        return rows


class RejectReport:
    """Writes rejected, skipped, held and flagged rows as they happen (nothing kept in memory)."""

    HEADER = ("line", "status", "reason", "raw")

    def __init__(self, path: Path | str | None) -> None:
        self.path = Path(path) if path is not None else None
        self._stream: TextIO | None = None
        self._writer: Any = None
        self.written = 0
        if self.path is not None:
            try:
                self._stream = self.path.open("w", encoding="utf-8-sig", newline="")
            except OSError as exc:
                raise ImportFailure(
                    _(
                        "cannot write the reject report {path}: {reason}; choose another "
                        "--rejects file",
                        path=self.path,
                        reason=exc.strerror or exc,
                    )
                ) from exc
            self._writer = csv.writer(self._stream, delimiter=";")
            self._writer.writerow(self.HEADER)

    def add(self, line: int, status: str, reason: str | Message, raw: object) -> None:
        """One row of the report; a reason that is a catalogue message is written in the
        user's language (the ``status`` stays the stable English value scripts filter on)."""
        self.written += 1
        if self._writer is None:
            return
        text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
        said = str(reason) if isinstance(reason, Message) else _(reason)
        self._writer.writerow(safe_row((line, status, said, text)))

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def __enter__(self) -> RejectReport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Tally:
    """Counts each row's outcome in the summary and lists in the report what a person must see
    (rejected, skipped, held and flagged rows). Links derived from an actor row are counted
    apart (:attr:`Summary.links`): they are not input rows."""

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        self.report = RejectReport(None)

    def admit(self, record: Record) -> bool:
        """Count a row read; False when it goes no further (skipped, or read as an error)."""
        if not (isinstance(record, LinkRecord) and not record.counted):
            self.summary.rows += 1
        if record.skip:
            self.count(record, Outcome.SKIPPED)
            self.summary.skipped_by[record.skip] += 1
            if not record.quiet:
                self.report.add(record.line, Outcome.SKIPPED.value, record.skip, record.raw)
            return False
        if record.error:
            self.reject(record, record.error)
            return False
        return True

    def count(self, record: Record, outcome: Outcome) -> None:
        if isinstance(record, LinkRecord) and not record.counted:
            self.summary.links[outcome] += 1
        else:
            self.summary.count(outcome)

    def reject(self, record: Record, reason: str) -> None:
        self.count(record, Outcome.REJECTED)
        self.report.add(record.line, Outcome.REJECTED.value, reason, record.raw)

    def hold(self, record: Record, reason: str) -> None:
        """A row held as a duplicate candidate (for ``maillage review``)."""
        self.count(record, Outcome.CANDIDATE)
        self.report.add(record.line, Outcome.CANDIDATE.value, reason, record.raw)

    def flag(self, record: Record, flags: list[str]) -> None:
        if flags:
            self.summary.flagged += 1
            self.report.add(record.line, "flagged", "; ".join(dict.fromkeys(flags)), record.raw)
