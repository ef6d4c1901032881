"""Telephone numbers as the graph keeps them: E.164 (``+33123456789``).

French files write one number many ways: ``01 23 45 67 89``, ``01.23.45.67.89``,
``+33 1 23 45 67 89``, ``+33 (0)1 23 45 67 89``, ``0033 1 23 45 67 89``, ``Tél : 01-23-45-67-89``,
or a number that a spreadsheet read as an integer and lost its leading zero (``123456789``).
:func:`normalise_phone` reads them all as the same E.164 number; the overseas départements,
which share the French national plan but have their own country codes, get theirs (``0262…`` →
``+262262…``). A number written in international form for another country is kept as E.164
as written. Anything else (too short, letters, several numbers in one cell) is not a number:
``None``, and the caller reports it with its column instead of guessing.

>>> normalise_phone("01 23 45 67 89"), normalise_phone("+33 (0)1.23.45.67.89")
('+33123456789', '+33123456789')
>>> normalise_phone("0033 6 12 34 56 78"), normalise_phone(612345678)
('+33612345678', '+33612345678')
>>> normalise_phone("0262 12 34 56"), normalise_phone("Tél. : 05-96-12-34-56")
('+262262123456', '+596596123456')
>>> normalise_phone("+32 2 123 45 67"), normalise_phone("12 34")
('+3221234567', None)
>>> normalise_phone("01 23 45 67 89 / 06 12 34 56 78") is None  # two numbers: not one
True
"""

from __future__ import annotations

import re

#: the overseas prefixes of the French national plan and the country code each dials under
#: (ARCEP's plan: Guadeloupe and the northern islands 590/690/691, Guyane 594/694, Martinique
#: 596/696/697, La Réunion 262/263/692/693, Mayotte 269/639, Saint-Pierre-et-Miquelon 508)
OVERSEAS: dict[str, str] = {
    "590": "590", "690": "590", "691": "590",
    "594": "594", "694": "594",
    "596": "596", "696": "596", "697": "596",
    "262": "262", "263": "262", "692": "262", "693": "262",
    "269": "262", "639": "262",
    "508": "508",
}  # fmt: skip

_LABEL = re.compile(
    r"^\s*(?:t[ée]l[ée]?(?:phone)?|tel|phone|portable|mobile|fixe)\.?\s*:?\s*", re.IGNORECASE
)
_SEPARATORS = re.compile(r"[\s.\-/()\u00a0\u202f]")
_NATIONAL = re.compile(r"^0[1-9]\d{8}$")
_INTERNATIONAL = re.compile(r"^\+[1-9]\d{7,14}$")


def _digits(value: object) -> str | None:
    """The number's characters without labels and separators (``None``: not one number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != int(value) or value <= 0:
            return None
        return f"0{int(value)}" if 100_000_000 <= value < 1_000_000_000 else str(int(value))
    if not isinstance(value, str):
        return None
    text = _LABEL.sub("", value.strip().removeprefix("tel:"))
    text = text.replace("(0)", "")
    text = _SEPARATORS.sub("", text)
    if text.startswith("00"):
        text = "+" + text[2:]
    if re.fullmatch(r"[1-9]\d{8}", text):  # the leading zero lost in a spreadsheet
        text = "0" + text
    return text or None


def normalise_phone(value: object) -> str | None:
    """The E.164 form of one telephone number, or ``None`` when it is not one."""
    text = _digits(value)
    if text is None:
        return None
    if text.startswith("+33") and _NATIONAL.match("0" + text[3:]):
        text = "0" + text[3:]
    if _NATIONAL.match(text):
        national = text[1:]
        code = OVERSEAS.get(national[:3], "33")
        return f"+{code}{national}"
    if text.startswith("+33"):
        return None  # +33 with the wrong number of digits
    return text if _INTERNATIONAL.match(text) else None


__all__ = ["OVERSEAS", "normalise_phone"]
