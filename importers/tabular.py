"""Reading tables as French offices write them: CSV or XLSX, detected, overridable.

The first step (read) for the spreadsheet, links, ESSGlobal and SIRENE formats. What is detected:

* **encoding** — a BOM says UTF-8 (``utf-8-sig``) or UTF-16; otherwise the whole file is tried as
  UTF-8, then CP1252 (Excel's "CSV (séparateur: point-virgule)" on Windows), then Latin-1. A file
  with NUL bytes and no UTF-16 BOM is not a text table: :class:`ImportFailure`;
* **separator** — ``;``, ``,``, tab or ``|``, whichever splits the header line most;
* **header row** — the first of the first 15 rows where at least two cells name known columns
  (title rows above the header are common); then each column is matched to a field by its folded
  header (``Nom``, ``Raison sociale``, ``Structure``… all mean ``name``).

A mapping file (:class:`TableMapping`, ``--mapping M.yaml``) overrides any of it. The whole file is
read once before anything is written (SHA-256, encoding check, row count), so an undecodable file
fails before the first write; the rows are then streamed, never held in memory.

Size limits (:mod:`importers.limits`, ``MAILLAGE_IMPORT_*``) are checked in that first read too:
a CSV field or an XLSX cell longer than ``MAX_CELL_CHARS``, an XLSX sheet of more than
``MAX_SHEET_ROWS`` rows, an ``.xlsx`` archive that would inflate beyond ``MAX_UNZIPPED_BYTES``
or is compressed more than ``MAX_ZIP_RATIO`` times refuse the whole file, with the line and the
limit named, before anything is written.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from graph_model.errors import ImportFailure
from graph_model.i18n import _
from graph_model.identifiers import fold
from graph_model.model import parse
from importers.limits import FileLimits, check_archive, raise_hint
from importers.scan import Scan, scan_file

_DELIMITERS = (";", ",", "\t", "|")
_HEADER_SCAN = 15


class TableMapping(BaseModel):
    """A mapping file: how to read one table when detection is not enough (all optional).

    ``columns`` maps a field (``name``, ``siren``, ``postcode``…; see ``docs/importers.md``) to
    the column header as written in the file; ``null`` ignores a column detection would take.
    """

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str | None] = Field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = Field(default=None, ge=1)
    sheet: str | None = None
    list_separator: str = ";|\n,"
    source: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*$")
    defaults: dict[str, str] = Field(default_factory=dict)
    kinds: dict[str, str] = Field(default_factory=dict)
    link_kinds: dict[str, str] = Field(default_factory=dict)
    networks: list[str] = Field(default_factory=list)
    ignore_categories: list[str] = Field(default_factory=list)


def load_mapping(path: Path | None) -> TableMapping:
    """Read a mapping file; a missing or malformed one is an :class:`ImportFailure`."""
    if path is None:
        return TableMapping()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeError, yaml.YAMLError) as exc:
        raise ImportFailure(
            _("mapping file {path}: cannot be read ({reason})", path=path, reason=exc)
        ) from exc
    if not isinstance(data, dict):
        raise ImportFailure(
            _("mapping file {path}: expected a YAML mapping at the top level", path=path)
        )
    try:
        return parse(TableMapping, data)
    except Exception as exc:
        raise ImportFailure(_("mapping file {path}: {reason}", path=path, reason=exc)) from exc


def _header_key(text: object) -> str:
    return fold(str(text)) if text is not None else ""


class Table:
    """A CSV or XLSX file read as rows of named fields."""

    def __init__(
        self,
        path: Path,
        fields: Mapping[str, Sequence[str]],
        mapping: TableMapping,
        limits: FileLimits | None = None,
    ) -> None:
        self.path = Path(path)
        self._limits = limits
        self.fields = fields
        self.mapping = mapping
        self.sha256 = ""
        self.total: int | None = None
        self.encoding: str | None = mapping.encoding
        self.delimiter: str | None = mapping.delimiter
        self.header: list[str] = []
        self.header_line = 0
        self.columns: dict[str, int] = {}  # field → column index
        self.is_xlsx = self.path.suffix.lower() in (".xlsx", ".xlsm")
        self._sheet: str | None = None

    @property
    def limits(self) -> FileLimits:
        """The size limits, read from the environment when first needed."""
        if self._limits is None:
            self._limits = FileLimits()
        return self._limits

    # -- preparation: one full read, nothing written -------------------------------------------
    def prepare(self, required: Sequence[str] = ()) -> None:
        if not self.path.is_file():
            raise ImportFailure(_("{path}: no such file", path=self.path))
        if self.path.suffix.lower() in (".xls", ".ods"):
            raise ImportFailure(
                _(
                    "{file}: {suffix} files are not read; save it as .xlsx or as CSV (UTF-8) "
                    "from the spreadsheet program",
                    file=self.path.name,
                    suffix=self.path.suffix,
                )
            )
        if self.is_xlsx:
            self._prepare_xlsx()
        else:
            self._prepare_csv()
        self._match_columns(required)

    def _prepare_csv(self) -> None:
        explicit = self.encoding
        if explicit:
            try:
                codecs.lookup(explicit)
            except LookupError as exc:
                raise ImportFailure(
                    _(
                        "mapping: unknown encoding {encoding!r} (try utf-8, cp1252 or latin-1)",
                        encoding=explicit,
                    )
                ) from exc
        scan = scan_file(self.path, explicit or "utf-8")
        self.sha256 = scan.sha256
        self.encoding = self._encoding(scan, explicit)
        sample, lines = scan.sample, scan.lines
        text = sample.decode(self.encoding, errors="replace")
        if self.delimiter is None:
            self.delimiter = _sniff_delimiter(text)
        if scan.longest_line > self.limits.max_cell_chars:
            # only a line that long can hold a field over the limit (bar a quoted field over
            # many lines, refused when it is met): read the fields once before anything is written
            for _row in self._csv_rows():
                pass
        rows = list(_take(csv.reader(io.StringIO(text), delimiter=self.delimiter), _HEADER_SCAN))
        self._find_header(rows)
        self.total = max(0, lines + (0 if sample.endswith(b"\n") else 1) - self.header_line)

    def _encoding(self, scan: Scan, explicit: str | None) -> str:
        """The encoding to read the file with (see the module docstring)."""
        if scan.sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if scan.nul:
            raise ImportFailure(
                _(
                    "{file}: this is not a text table (it holds NUL bytes: a binary file, or "
                    "UTF-16 without a byte-order mark); export it as CSV UTF-8",
                    file=self.path.name,
                )
            )
        if explicit:
            if not scan.decodes:
                raise ImportFailure(
                    _(
                        "{file}: cannot be read as {encoding} ({reason}); fix the encoding in "
                        "the mapping file or remove it to let it be detected",
                        file=self.path.name,
                        encoding=explicit,
                        reason=scan.failure,
                    )
                )
            return explicit
        if scan.decodes:
            return "utf-8-sig" if scan.sample.startswith(codecs.BOM_UTF8) else "utf-8"
        return "latin-1" if scan.undefined_cp1252 else "cp1252"

    def _open_workbook(self) -> Any:
        from openpyxl import load_workbook

        try:
            return load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ImportFailure(
                _(
                    "{file}: not a readable .xlsx workbook ({reason}); re-save it from the "
                    "spreadsheet program",
                    file=self.path.name,
                    reason=exc,
                )
            ) from exc

    def _worksheet(self, workbook: Any) -> Any:
        if self.mapping.sheet:
            if self.mapping.sheet not in workbook.sheetnames:
                raise ImportFailure(
                    _(
                        "{file}: no sheet named {sheet!r} (sheets: {sheets})",
                        file=self.path.name,
                        sheet=self.mapping.sheet,
                        sheets=", ".join(workbook.sheetnames),
                    )
                )
            return workbook[self.mapping.sheet]
        return workbook[workbook.sheetnames[0]]

    def _prepare_xlsx(self) -> None:
        digest = hashlib.sha256()
        with self.path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        self.sha256 = digest.hexdigest()
        check_archive(self.path, self.limits)
        workbook = self._open_workbook()
        try:
            sheet = self._worksheet(workbook)
            rows = [list(r) for r in _take(sheet.iter_rows(values_only=True), _HEADER_SCAN)]
            self._find_header(rows)
            self._sheet = sheet.title
            count = self._check_sheet(sheet)
            self.total = max(0, count - self.header_line) if count else None
        finally:
            workbook.close()

    def _check_sheet(self, sheet: Any) -> int:
        """Stream the whole sheet once (nothing kept): its rows, each cell against the limits."""
        limits = self.limits
        count = 0
        for count, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if count > limits.max_sheet_rows:
                raise ImportFailure(
                    _(
                        "{file}: the sheet {sheet!r} has more than {most} rows, the most a "
                        "sheet may have; nothing was imported; {hint}",
                        file=self.path.name,
                        sheet=sheet.title,
                        most=limits.max_sheet_rows,
                        hint=raise_hint("max_sheet_rows", limits.max_sheet_rows),
                    )
                )
            for column, cell in enumerate(cells, start=1):
                if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
                    raise ImportFailure(
                        _(
                            "{file}: line {line}, column {column}: a cell is longer than {most} "
                            "characters, the longest a cell may be; nothing was imported; "
                            "{hint}",
                            file=self.path.name,
                            line=count,
                            column=column,
                            most=limits.max_cell_chars,
                            hint=raise_hint("max_cell_chars", limits.max_cell_chars),
                        )
                    )
        return count

    def _field_of(self, header: object) -> str | None:
        key = _header_key(header)
        if not key:
            return None
        for name, variants in self.fields.items():
            if key in variants:
                return name
        return None

    def _find_header(self, rows: list[list[Any]]) -> None:
        if not rows:
            raise ImportFailure(_("{file}: the file is empty", file=self.path.name))
        if self.mapping.header_row:
            index = self.mapping.header_row - 1
            if index >= len(rows):
                raise ImportFailure(
                    _("{file}: no row {row}", file=self.path.name, row=self.mapping.header_row)
                )
        else:
            mapped = {v for v in self.mapping.columns.values() if v}
            index = 0
            for i, row in enumerate(rows):
                known = [
                    c for c in row if self._field_of(c) or (c is not None and str(c) in mapped)
                ]
                if len(known) >= 2:
                    index = i
                    break
        self.header = ["" if c is None else str(c).strip() for c in rows[index]]
        self.header_line = index + 1

    def _match_columns(self, required: Sequence[str]) -> None:
        by_header = {h: i for i, h in enumerate(self.header) if h}
        columns: dict[str, int] = {}
        for i, header in enumerate(self.header):
            name = self._field_of(header)
            if name and name not in columns:
                columns[name] = i
        for name, wanted in self.mapping.columns.items():
            if wanted is None:
                columns.pop(name, None)
            elif wanted in by_header:
                columns[name] = by_header[wanted]
            else:
                raise ImportFailure(
                    _(
                        "{file}: the mapping names column {wanted!r} for {name!r}, but the "
                        "header (line {line}) has: {header}",
                        file=self.path.name,
                        wanted=wanted,
                        name=name,
                        line=self.header_line,
                        header=", ".join(self.header),
                    )
                )
        missing = [name for name in required if name not in columns]
        if missing:
            raise ImportFailure(
                _(
                    "{file}: no column for {missing} in the header (line {line}: {header}); "
                    "name the columns in a mapping file (--mapping), see docs/importers.md",
                    file=self.path.name,
                    missing=", ".join(missing),
                    line=self.header_line,
                    header=", ".join(h for h in self.header if h) or _("empty"),
                )
            )
        self.columns = columns

    # -- rows ---------------------------------------------------------------------------------
    def rows(self) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
        """(line number, values by field, raw values by header) for each row after the header;
        a row with no value at all gives empty dicts (the caller counts it as skipped)."""
        source = self._xlsx_rows() if self.is_xlsx else self._csv_rows()
        names = [h or f"column {i + 1}" for i, h in enumerate(self.header)]
        columns = list(self.columns.items())
        for line, cells in source:
            if line <= self.header_line:
                continue
            if self.is_xlsx:
                if not any(c is not None and str(c).strip() for c in cells):
                    yield line, {}, {}
                    continue
                shown = [_plain(c) for c in cells]
            elif "".join(cells).strip():  # CSV cells are text
                shown = cells
            else:
                yield line, {}, {}
                continue
            if len(names) < len(cells):
                names += [f"column {i + 1}" for i in range(len(names), len(cells))]
            raw = {n: c for n, c in zip(names, shown, strict=False) if c is not None and c != ""}
            values = {name: cells[i] for name, i in columns if i < len(cells)}
            yield line, values, raw

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        assert self.encoding is not None
        assert self.delimiter is not None
        limit = self.limits.max_cell_chars
        csv.field_size_limit(limit)
        with self.path.open("r", encoding=self.encoding, newline="") as stream:
            reader = csv.reader(stream, delimiter=self.delimiter)
            start = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise ImportFailure(self._unreadable_field(start, str(exc), limit)) from exc
                yield start, cells
                start = reader.line_num + 1

    def _unreadable_field(self, line: int, reason: str, limit: int) -> str:
        if "field larger than field limit" in reason:
            return _(
                "{file}: line {line}: a field is longer than {most} characters, the longest a "
                "cell may be; nothing was imported; {hint}",
                file=self.path.name,
                line=line,
                most=limit,
                hint=raise_hint("max_cell_chars", limit),
            )
        return _(
            "{file}: line {line}: cannot be read as CSV ({reason}); nothing was imported",
            file=self.path.name,
            line=line,
            reason=reason,
        )

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Any]]]:
        workbook = self._open_workbook()
        try:
            sheet = workbook[self._sheet] if self._sheet else self._worksheet(workbook)
            for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield line, list(cells)
        finally:
            workbook.close()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _take(rows: Any, n: int) -> Iterator[Any]:
    for i, row in enumerate(rows):
        if i >= n:
            return
        yield row


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:_HEADER_SCAN] if line.strip()]
    best, best_score = ",", -1
    for delimiter in _DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delimiter))) - 1 for line in lines[:10]]
        if not counts:
            continue
        top = max(counts)
        # a separator splits the header and most rows alike; prefer the one that splits most
        consistent = sum(1 for c in counts if c == top and c > 0)
        score = top * 10 + consistent
        if score > best_score:
            best, best_score = delimiter, score
    return best


def variants(*names: str) -> tuple[str, ...]:
    """Folded header variants (``variants("N° SIREN", "siren")``)."""
    return tuple(dict.fromkeys(_header_key(n) for n in names))
