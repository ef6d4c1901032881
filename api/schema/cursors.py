"""Keyset cursors: opaque to clients, a position in a sort order to the server.

A cursor is ``base64url("<list>:<key>")`` where ``<key>`` is the sort key of the last row seen
(an actor id, a link id) and ``<list>`` names the kind of list, so a cursor of one list is
refused by another. The next page is "rows whose key is greater than the cursor's", never an
offset: rows inserted or removed before the cursor do not shift the pages that follow, and a
cursor stays valid as long as the sort order exists.

>>> encode("a", "siren-732829320")
'YTpzaXJlbi03MzI4MjkzMjA'
>>> decode("a", encode("a", "siren-732829320"))
'siren-732829320'
>>> decode("l", encode("a", "x-1"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph_model.errors.ValidationError: after: this cursor belongs to another list; ...
"""

from __future__ import annotations

import base64
import binascii

from graph_model.errors import ValidationError

ACTORS = "a"
LINKS = "l"
RANKED = "r"


def encode(list_name: str, key: str) -> str:
    raw = f"{list_name}:{key}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(list_name: str, cursor: str | None) -> str | None:
    """The key in ``cursor`` (None for no cursor); :class:`ValidationError` when malformed."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise ValidationError(
            f"after: {cursor[:40]!r} is not a cursor; pass the endCursor of a previous page",
            field="after",
        ) from exc
    prefix, sep, key = text.partition(":")
    if not sep or not key:
        raise ValidationError(
            f"after: {cursor[:40]!r} is not a cursor; pass the endCursor of a previous page",
            field="after",
        )
    if prefix != list_name:
        raise ValidationError(
            "after: this cursor belongs to another list; use the endCursor of the same field",
            field="after",
        )
    return key
