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
from importers.cells import safe_row
from importers.records import LinkRecord, Outcome, Record

#: skip reasons listed in the summary table (the most frequent)
_REASONS = 8


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
        """(what, count) rows for the summary table the CLI prints."""
        rows = [("rows read", str(self.rows))]
        for outcome in Outcome:
            rows.append((outcome.value, str(self.outcomes.get(outcome, 0))))
            if outcome is Outcome.SKIPPED:
                reasons = self.skipped_by.most_common()
                rows.extend((f"  {why}", str(n)) for why, n in reasons[:_REASONS])
                if len(reasons) > _REASONS:
                    others = sum(n for _, n in reasons[_REASONS:])
                    rows.append((f"  {len(reasons) - _REASONS} other reasons", str(others)))
        rows.append(("  of which merged by name", str(self.merged)))
        rows.append(("flagged (loaded, see report)", str(self.flagged)))
        for outcome in Outcome:
            if self.links.get(outcome):
                rows.append((f"links {outcome.value}", str(self.links[outcome])))
        for name, n in sorted(self.nodes.items()):
            rows.append((name, str(n)))
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
                raise ImportFailure(f"cannot write the reject report {self.path}: {exc}") from exc
            self._writer = csv.writer(self._stream, delimiter=";")
            self._writer.writerow(self.HEADER)

    def add(self, line: int, status: str, reason: str, raw: object) -> None:
        self.written += 1
        if self._writer is None:
            return
        text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
        self._writer.writerow(safe_row((line, status, reason, text)))

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
