"""Every problem of a row, each with its column: what a rejected row's report line says.

Step 2 (:mod:`importers.prepare`) does not stop at a row's first problem: it checks every value
(the identifiers, the name, the bounds), and when one of them makes the row a reject, the reason
lists them all — with what the row was flagged for on the way (an unknown postcode, a web
address or a date that cannot be read) — each followed by the column it came from, so that a
person fixes the row once (``SIRET … (column "SIRET"); postcode 99999 is unknown (column
"CP"); …``).

The column of a problem is the header of the cell whose value the problem names: the field's
own cell when the problem knows its field, else the cell whose text the message quotes.

>>> from graph_model.model import SourceRef
>>> from importers.records import ActorRecord
>>> raw = {"Nom": "X", "CP": "99999", "Site": "pas un site"}
>>> record = ActorRecord(line=2, raw=raw, source=SourceRef(system="s", key="1"))
>>> column_of(record, "postcode 99999 is unknown")
'CP'
"""

from __future__ import annotations

from graph_model.errors import ValidationError
from graph_model.i18n import gettext
from importers.records import ActorRecord

#: the record's fields and the words a header holding them may use
_FIELD_WORDS = {
    "siren": "siren",
    "siret": "siret",
    "rna": "rna",
    "name": "nom",
    "website": "site",
    "email": "mail",
    "phone": "phone",
}


def column_of(record: ActorRecord, text: str, field: str | None = None) -> str | None:
    """The header of the cell a problem is about (``None`` when none can be told)."""
    value = getattr(record, field, None) if field in _FIELD_WORDS else None
    for header, cell in record.raw.items():
        if cell is None or (cell := str(cell).strip()) == "":
            continue
        if value is not None and cell == str(value).strip():
            return str(header)
    found = [str(h) for h, c in record.raw.items() if c is not None and len(str(c).strip()) >= 2]
    quoted = [h for h in found if str(record.raw[h]).strip() in text]
    if quoted:
        return max(quoted, key=lambda h: len(str(record.raw[h]).strip()))
    if field:
        word = _FIELD_WORDS.get(field, field)
        named = [h for h in found if word in h.lower()]
        if named:
            return named[0]
    return None


def with_column(record: ActorRecord, text: str, field: str | None = None) -> str:
    column = column_of(record, text, field)
    if column is None:
        return text
    named = gettext("{problem} (column {column!r})", problem=text, column=column)
    return text if text.endswith(named[len(text) :]) else named  # named once


class RowProblems(ValidationError):
    """A row that cannot be loaded, with every problem found (errors first, then flags)."""

    def __init__(self, record: ActorRecord, errors: list[ValidationError], flags: list[str]):
        self.errors = errors
        self.flags = flags
        parts = [with_column(record, str(e), e.field) for e in errors]
        parts += [with_column(record, flag) for flag in dict.fromkeys(flags)]
        super().__init__("; ".join(parts), field=errors[0].field if errors else None)
