"""Bounds of every text and list the graph accepts, in one place.

The model's validators (:mod:`graph_model.model`) apply them, so an import row and an API input
meet the same rules: a value too long, a list too long, a control character, a bidirectional
override hiding what a name says, a website that is not ``http(s)`` — each is refused with a
:class:`~graph_model.errors.ValidationError` naming the field and the limit (an import records
the row as a reject with that reason; the API answers ``InvalidInput``).

>>> check_text("Cafés associatifs l’Œil vert", field="name")
'Cafés associatifs l’Œil vert'
>>> check_text("Evil\\u202egnp.exe", field="name")
Traceback (most recent call last):
...
graph_model.errors.ValidationError: name: a bidirectional control character (U+202E) is not allowed
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final, TypeVar
from urllib.parse import urlsplit

from graph_model.errors import ValidationError
from graph_model.i18n import _
from graph_model.phones import normalise_phone

#: longest name of an actor, territory, theme, method or event
MAX_NAME: Final = 300
#: longest description (multi-line text)
MAX_DESCRIPTION: Final = 10_000
#: longest short text: legal form, link sub-kind, theme or method id, label
MAX_SHORT: Final = 200
#: longest code: INSEE code, territory id, SIREN/SIRET/RNA as typed
MAX_CODE: Final = 40
#: longest id (actor, candidate, link end)
MAX_ID: Final = 80
#: longest source key and alias (``system:key``)
MAX_KEY: Final = 500
#: longest alias: a source system (40), a colon, a key
MAX_ALIAS: Final = 41 + MAX_KEY
#: longest web address
MAX_URL: Final = 2_000
#: longest e-mail address (RFC 5321)
MAX_EMAIL: Final = 254
#: most items of a list: themes, methods, aliases, areas of action, sources
MAX_ITEMS: Final = 100

# C0 and C1 control characters and DEL; tab, newline and carriage return are tolerated in
# multi-line texts only
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# bidirectional embeddings, overrides and isolates: they make a name read other than it is
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

T = TypeVar("T")


def check_text(value: str, *, field: str, limit: int = MAX_SHORT, multiline: bool = False) -> str:
    """``value`` unless it is longer than ``limit`` or holds a forbidden character.

    Single-line texts refuse every control character and the bidirectional controls;
    multi-line ones (descriptions, notes) tolerate tab and line breaks and bidirectional
    marks (right-to-left passages), not the other control characters.
    """
    if len(value) > limit:
        raise ValidationError(
            _(
                "{field}: {length} characters, at most {limit} are accepted",
                field=field,
                length=len(value),
                limit=limit,
            ),
            field=field,
        )
    control = (_CONTROL_MULTILINE if multiline else _CONTROL).search(value)
    if control:
        raise ValidationError(
            _(
                "{field}: a control character ({code}) is not allowed",
                field=field,
                code=f"U+{ord(control.group()):04X}",
            ),
            field=field,
        )
    bidi = None if multiline else _BIDI.search(value)
    if bidi:
        raise ValidationError(
            _(
                "{field}: a bidirectional control character ({code}) is not allowed",
                field=field,
                code=f"U+{ord(bidi.group()):04X}",
            ),
            field=field,
        )
    return value


def check_items(
    values: Sequence[str], *, field: str, limit: int = MAX_ITEMS, item_limit: int = MAX_SHORT
) -> list[str]:
    """At most ``limit`` items, each a single-line text of at most ``item_limit``."""
    check_count(values, field=field, limit=limit)
    return [check_text(v, field=field, limit=item_limit) for v in values]


def check_count(values: Sequence[object], *, field: str, limit: int = MAX_ITEMS) -> None:
    """Refuse a list of more than ``limit`` items."""
    if len(values) > limit:
        raise ValidationError(
            _(
                "{field}: {count} items, at most {limit} are accepted",
                field=field,
                count=len(values),
                limit=limit,
            ),
            field=field,
        )


def check_url(value: str, *, field: str = "website") -> str:
    """An ``http://`` or ``https://`` address with a host (no ``javascript:``, ``data:``…)."""
    check_text(value, field=field, limit=MAX_URL)
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            _(
                "{field}: {value!r} is not a web address: give an http:// or https:// one",
                field=field,
                value=value[:80],
            ),
            field=field,
        )
    return value


def check_email(value: str, *, field: str = "email") -> str:
    """An address that looks like ``name@domain.tld``."""
    check_text(value, field=field, limit=MAX_EMAIL)
    if not _EMAIL.match(value):
        raise ValidationError(
            _(
                "{field}: {value!r} is not an e-mail address (name@example.org)",
                field=field,
                value=value[:80],
            ),
            field=field,
        )
    return value


def check_phone(value: str, *, field: str = "phone") -> str:
    """A telephone number, in its E.164 form (:func:`graph_model.phones.normalise_phone`)."""
    check_text(value, field=field, limit=MAX_CODE)
    phone = normalise_phone(value)
    if phone is None:
        raise ValidationError(
            _(
                "{field}: {value!r} is not a telephone number "
                "(01 23 45 67 89 or +33 1 23 45 67 89)",
                field=field,
                value=value[:80],
            ),
            field=field,
        )
    return phone


#: an actor's single-line texts and their bounds
_ACTOR_TEXTS: Final = {
    "name": MAX_NAME,
    "legal_form": MAX_SHORT,
    "commune": MAX_CODE,
    "departement": MAX_CODE,
    "region": MAX_CODE,
    "siren": MAX_CODE,
    "siret": MAX_CODE,
    "rna": MAX_CODE,
}
#: an actor's lists and the bound of each item
_ACTOR_LISTS: Final = {
    "active_in": MAX_CODE,
    "themes": MAX_SHORT,
    "methods": MAX_SHORT,
    "aliases": MAX_ALIAS,
    "sources": MAX_KEY,
}


def check_actor_value(field: str, value: T) -> T:
    """``value`` of an actor's ``field`` unless it breaks that field's bound (the rule of
    :class:`graph_model.model.Actor`, for callers that build actors without validating them,
    such as the importers' merge: :func:`check_actor_values`)."""
    if value is None or value == "":
        return value
    if field == "website":
        check_url(str(value), field=field)
    elif field == "email":
        check_email(str(value), field=field)
    elif field == "phone":
        check_phone(str(value), field=field)
    elif field == "description":
        check_text(str(value), field=field, limit=MAX_DESCRIPTION, multiline=True)
    elif field in _ACTOR_TEXTS and isinstance(value, str):
        check_text(value, field=field, limit=_ACTOR_TEXTS[field])
    elif field in _ACTOR_LISTS and isinstance(value, Sequence):
        check_count(value, field=field)
        for item in value:
            if isinstance(item, str):
                check_text(item, field=field, limit=_ACTOR_LISTS[field])
    return value


def check_actor_values(values: Mapping[str, object]) -> None:
    """Every bound of an actor's fields on ``values`` (field name → value; others ignored)."""
    for field, value in values.items():
        check_actor_value(field, value)
