"""Identifiers: SIREN, SIRET, RNA, INSEE codes, and Maillage's own actor ids.

Invariants:

* a SIREN is 9 digits passing the Luhn check; a SIRET is 14 digits passing the Luhn check
  (La Poste's establishments, SIREN 356000000, follow INSEE's exception: the digit sum is a
  multiple of 5), and its first nine digits are a valid SIREN;
* an RNA number (Répertoire national des associations) is ``W`` followed by 9 digits
  (the ``W`` + département/arrondissement-office form used since 2009);
* an actor id, once minted, never changes. It is minted from the strongest identity known at
  creation: ``siren-<SIREN>``, else ``rna-<RNA>``, else ``mai-`` and 12 hex digits of a SHA-256
  of the first source key. Later identifiers become aliases of the same actor.

>>> normalise_siren("732 829 320")
'732829320'
>>> is_valid_siret("73282932000074")
True
>>> mint_actor_id(siren="732829320")
'siren-732829320'
>>> mint_actor_id(source_key="gogocarto:42")
'mai-5f51942d240a'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from graph_model.errors import InvalidIdentifier
from graph_model.i18n import _

_NON_DIGITS = re.compile(r"[\s.\-]")
_RNA = re.compile(r"^W\d{9}$")
_ACTOR_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-zA-Z0-9]+)+$")
_LA_POSTE_SIREN = "356000000"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_valid_siren(value: str) -> bool:
    """True for 9 digits that pass the Luhn check."""
    return len(value) == 9 and value.isdigit() and _luhn_ok(value)


def is_valid_siret(value: str) -> bool:
    """True for 14 digits that pass the Luhn check (or La Poste's digit-sum rule)."""
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(_LA_POSTE_SIREN):
        return sum(int(c) for c in value) % 5 == 0
    return _luhn_ok(value) and is_valid_siren(value[:9])


def normalise_siren(value: str) -> str:
    """Strip spaces and dots, check, and return the SIREN; raise :class:`InvalidIdentifier`."""
    digits = _NON_DIGITS.sub("", value)
    if not is_valid_siren(digits):
        raise InvalidIdentifier(
            _(
                "SIREN {value!r} is not valid: a SIREN is 9 digits passing the Luhn check",
                value=value,
            ),
            field="siren",
        )
    return digits


def normalise_siret(value: str) -> str:
    """Strip spaces and dots, check, and return the SIRET; raise :class:`InvalidIdentifier`."""
    digits = _NON_DIGITS.sub("", value)
    if not is_valid_siret(digits):
        raise InvalidIdentifier(
            _(
                "SIRET {value!r} is not valid: a SIRET is 14 digits passing the Luhn check",
                value=value,
            ),
            field="siret",
        )
    return digits


def normalise_rna(value: str) -> str:
    """Upper-case, strip spaces, check ``W`` + 9 digits; raise :class:`InvalidIdentifier`."""
    cleaned = value.strip().replace(" ", "").upper()
    if not _RNA.match(cleaned):
        raise InvalidIdentifier(
            _(
                "RNA number {value!r} is not valid: expected W followed by 9 digits (W751234567)",
                value=value,
            ),
            field="rna",
        )
    return cleaned


def mint_actor_id(
    *, siren: str | None = None, rna: str | None = None, source_key: str | None = None
) -> str:
    """Mint the id of a new actor from its strongest identity (see the module docstring)."""
    if siren:
        return f"siren-{normalise_siren(siren)}"
    if rna:
        return f"rna-{normalise_rna(rna)}"
    if source_key:
        digest = hashlib.sha256(source_key.encode("utf-8")).hexdigest()
        return f"mai-{digest[:12]}"
    raise InvalidIdentifier(_("an actor id needs a SIREN, an RNA number or a source key"))


def check_actor_id(value: str) -> str:
    """Check the shape of an actor id (lower-case prefix, dash, then letters/digits)."""
    if not _ACTOR_ID.match(value) or len(value) > 80:
        raise InvalidIdentifier(
            _(
                "{value!r} is not an actor id: ids look like 'siren-732829320', "
                "'rna-W751234567', 'mai-9e0d3f1bb8f7' or a curated slug such as 'mes-national'",
                value=value,
            ),
            field="id",
        )
    return value


def fold(text: str) -> str:
    """Accent- and case-insensitive form of a text, for matching and search.

    >>> fold("  Économie   Solidaire—Île-de-France ")
    'economie solidaire ile de france'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = stripped.casefold().replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", lowered).split())
