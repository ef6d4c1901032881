"""What a cell of a CSV or XLSX file written by Maillage may begin with: never a formula.

A value that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel and LibreOffice as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``) when the file
is opened. Such values arrive through imports and mutations and are stored as they were given;
every CSV writer of the project (the exports, the reject report) passes its cells through
:func:`safe_cell`, which prefixes a single quote — OWASP's rule for CSV injection — so the
spreadsheet shows the text instead of running it. Only text is escaped, at write time: numbers
(a negative longitude) stay numbers, and the stored value is never changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: the first characters a spreadsheet reads as the start of a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value to write in a cell: text that a spreadsheet would run gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """:func:`safe_cell` on every cell of a row."""
    return [safe_cell(value) for value in row]
