"""How big a file an import accepts: the limits that keep a hostile or broken file from taking
the machine's memory, each refused with a message naming the limit and how to raise it.

Built on demand (never at import time) from environment variables prefixed
``MAILLAGE_IMPORT_``:

* ``MAX_CELL_CHARS`` — the longest cell (a CSV field, an XLSX cell) read, in characters;
* ``MAX_SHEET_ROWS`` — the most rows of an XLSX sheet (Excel's own limit by default);
* ``MAX_UNZIPPED_BYTES`` — the total uncompressed size an ``.xlsx`` archive declares;
* ``MAX_ZIP_RATIO`` — the highest compression ratio of one member of an ``.xlsx`` archive
  (an XML sheet compresses 5 to 20 times; a zip bomb thousands of times).

An ``.xlsx`` is an archive: before openpyxl opens it, :func:`check_archive` reads the sizes its
members declare (``zipfile`` then refuses to inflate a member beyond its declared size), so a
1 MB file that would inflate to gigabytes is refused before one byte of it is inflated.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph_model.errors import ImportFailure
from graph_model.i18n import _

_MIB = 1024 * 1024


class FileLimits(BaseSettings):
    """The limits of one import (see the module docstring)."""

    model_config = SettingsConfigDict(env_prefix="MAILLAGE_IMPORT_", extra="ignore")

    max_cell_chars: int = Field(default=_MIB, ge=1024)
    max_sheet_rows: int = Field(default=1_048_576, ge=1)
    max_unzipped_bytes: int = Field(default=1024 * _MIB, ge=_MIB)
    max_zip_ratio: float = Field(default=200.0, ge=1.0)


def raise_hint(setting: str, value: object) -> str:
    """How to raise a limit, for the end of a refusal."""
    return _(
        "if the file is genuine, raise {variable} (now {value})",
        variable=f"MAILLAGE_IMPORT_{setting.upper()}",
        value=value,
    )


def check_archive(path: Path, limits: FileLimits) -> None:
    """Refuse an ``.xlsx`` whose members declare more than the limits, before it is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFailure(
            _(
                "{file}: not a readable .xlsx workbook ({reason}); re-save it from the "
                "spreadsheet program",
                file=path.name,
                reason=exc,
            )
        ) from exc
    total = sum(member.file_size for member in members)
    if total > limits.max_unzipped_bytes:
        raise ImportFailure(
            _(
                "{file}: the workbook would inflate to {size} MiB, over the limit of {most} MiB; "
                "nothing was imported; {hint}",
                file=path.name,
                size=f"{total / _MIB:.0f}",
                most=f"{limits.max_unzipped_bytes / _MIB:.0f}",
                hint=raise_hint("max_unzipped_bytes", limits.max_unzipped_bytes),
            )
        )
    for member in members:
        if member.file_size < _MIB:
            continue  # a small member cannot hurt, whatever its ratio
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_zip_ratio:
            raise ImportFailure(
                _(
                    "{file}: the member {member} is compressed {ratio} times ({size} MiB in "
                    "{packed} KiB), over the limit of {most}: it looks like a zip bomb; nothing "
                    "was imported; {hint}",
                    file=path.name,
                    member=member.filename,
                    ratio=f"{ratio:.0f}",
                    size=f"{member.file_size / _MIB:.0f}",
                    packed=f"{member.compress_size / 1024:.0f}",
                    most=f"{limits.max_zip_ratio:g}",
                    hint=raise_hint("max_zip_ratio", limits.max_zip_ratio),
                )
            )
