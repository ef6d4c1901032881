"""Normalisation of raw values, the second step of every import (after reading).

French office files carry the same value in many shapes: names with stray spaces, text that went
through the wrong encoding once (``CrÃ©teil``), dates as ``dd/mm/yyyy``, postcodes that lost their
leading zero in Excel (``1440`` for ``01440``), identifiers typed with spaces. The functions here
turn one value into its clean form and never guess beyond what the value says: a value that cannot
be read gives ``None`` (optional fields) or raises :class:`~graph_model.errors.ValidationError`
with a message that names the value (fields a row cannot do without).

>>> clean_text("  Les   Jardins\\u00a0de  CrÃ©teil ")
'Les Jardins de Créteil'
>>> parse_date("03/07/2019"), parse_date("2019-12-02"), parse_date("2019", end=True)
(datetime.date(2019, 7, 3), datetime.date(2019, 12, 2), datetime.date(2019, 12, 31))
>>> normalise_postcode("1440"), normalise_postcode(97411.0), normalise_postcode("75 011")
('01440', '97411', '75011')
>>> website_domain("https://www.le-mes.org/adherents/"), email_domain("Contact@Ressourcerie.FR")
('le-mes.org', 'ressourcerie.fr')
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlsplit

from graph_model.errors import InvalidDates
from graph_model.identifiers import fold

_SPACES = re.compile(r"\s+")


def _continuation_chars() -> str:
    chars = []
    for byte in range(0x80, 0xC0):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))  # undefined in CP1252: Latin-1 kept the byte as is
    return "".join(chars)


_CONT = _continuation_chars()
_CONT_BYTE = {char: 0x80 + i for i, char in enumerate(_CONT)}
# A UTF-8 lead byte (0xC2-0xEF, read as Latin-1/CP1252) followed by its continuation bytes: the
# trace of UTF-8 text decoded as CP1252 or Latin-1.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00df][" + re.escape(_CONT) + "]|[\u00e0-\u00ef][" + re.escape(_CONT) + "]{2}"
)
_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_YEAR = re.compile(r"^(1[89]\d\d|2\d\d\d)$")
_POSTCODE = re.compile(r"^\d{5}$")

#: mail and web hosts shared by many unrelated actors: a match on them proves nothing
GENERIC_DOMAINS = frozenset(
    {
        "gmail.com", "yahoo.fr", "yahoo.com", "hotmail.fr", "hotmail.com", "outlook.fr",
        "outlook.com", "live.fr", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net",
        "neuf.fr", "aol.com", "icloud.com", "gmx.fr", "protonmail.com", "riseup.net",
        "facebook.com", "fb.com", "instagram.com", "linkedin.com", "twitter.com", "x.com",
        "wordpress.com", "blogspot.com", "over-blog.com", "wixsite.com", "jimdo.com",
        "helloasso.com", "google.com", "sites.google.com", "framasite.org", "e-monsite.com",
        "assoconnect.com", "youtube.com",
    }
)  # fmt: skip

#: the directories that list actors (maps, bases of initiatives): an element's "website" is
#: often its page there (``modulebdis.exemole.fr/…/complet-2041.html``, the MES's BDIS), not
#: the actor's own site, so it is compared no more than a shared host (gogocarto.fr: every map
#: of GoGoCarto on its subdomains; exemole.fr: the BDF directories, the BDIS among them)
DIRECTORY_DOMAINS = frozenset(
    {
        "exemole.fr", "presdecheznous.fr", "capoupascap.info", "transiscope.org",
        "gogocarto.fr", "colibris-lafabrique.org",
    }
)  # fmt: skip


def repair_mojibake(text: str) -> str:
    """Undo one round of UTF-8 read as CP1252 (or Latin-1), when the text shows its marks.

    >>> repair_mojibake("Ã‰conomie solidaire Ã\u00a0 Montreuil, CrÃ©teil")
    'Économie solidaire à Montreuil, Créteil'
    >>> repair_mojibake("Ã la bonne heure")  # not mojibake: no byte sequence to undo
    'Ã la bonne heure'
    """
    if not _MOJIBAKE.search(text):
        return text

    def undo(match: re.Match[str]) -> str:
        sequence = match.group(0)
        raw = bytes([ord(sequence[0]), *(_CONT_BYTE[c] for c in sequence[1:])])
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return sequence

    return _MOJIBAKE.sub(undo, text)


def clean_text(value: object) -> str | None:
    """Trim, collapse whitespace (non-breaking spaces included), repair mojibake, NFC.

    ``None``, empty and whitespace-only values give ``None``.
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.isascii():  # most cells: no mojibake, already NFC; whitespace as ``\s`` has it
        return " ".join(text.split()) or None
    if text.isspace():
        return None
    text = repair_mojibake(text)  # first: a non-breaking space may be half of a sequence
    text = _SPACES.sub(" ", text).strip()
    text = unicodedata.normalize("NFC", text)
    return text or None


def parse_date(value: object, *, end: bool = False) -> date | None:
    """A date from ``dd/mm/yyyy`` (French), ``yyyy-mm-dd`` (ISO, with or without time), an
    Excel date, or a year alone (1 January, or 31 December when ``end``). Empty gives ``None``;
    anything else raises :class:`InvalidDates`.

    >>> parse_date("31/02/2020")
    Traceback (most recent call last):
    ...
    graph_model.errors.InvalidDates: '31/02/2020' is not a date: day is out of range for month
    """
    if isinstance(value, str):
        # member lists repeat the same few dates: each text is read once per run of the process
        return _parse_date_text(value, end)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _parse_date_text(str(int(value)), end)
    return _parse_date_text(str(value), end)


@lru_cache(maxsize=65_536)
def _parse_date_text(value: str, end: bool) -> date | None:
    text = clean_text(value) or ""
    if not text:
        return None
    try:
        if match := _DATE_DMY.match(text):
            day, month, year = map(int, match.groups())
            if year < 100:
                # two-digit years in member lists are founding or joining years: 1900s or 2000s
                year += 2000 if year <= date.today().year % 100 else 1900
            return date(year, month, day)
        if match := _DATE_ISO.match(text):
            year, month, day = map(int, match.groups())
            return date(year, month, day)
        if match := _YEAR.match(text):
            year = int(match.group(1))
            return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError as exc:
        raise InvalidDates(f"{text!r} is not a date: {exc}", field="date") from exc
    raise InvalidDates(
        f"{text!r} is not a date: expected dd/mm/yyyy, yyyy-mm-dd or a year", field="date"
    )


def normalise_postcode(value: object) -> str | None:
    """Five digits; a four-digit value gets back the leading zero Excel removed. Anything
    else (a Cedex label, a foreign code) gives ``None``."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s.]", "", str(value))
    if text.isdigit() and len(text) == 4:
        text = "0" + text
    return text if _POSTCODE.match(text) else None


#: a scheme other than http(s) (``host:8080`` is a port, not a scheme)
_OTHER_SCHEME = re.compile(r"^(?!https?:)[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


def normalise_url(value: object) -> str | None:
    """A web address with a scheme (``https://`` added when missing), or ``None``. Another
    scheme (``javascript:``, ``data:``) is kept as written, for the model's bound to refuse it:
    prefixing it would turn a hostile value into a plausible address."""
    text = clean_text(value)
    if not text or " " in text or "." not in text:
        return None
    if _OTHER_SCHEME.match(text):
        return text
    if not re.match(r"^https?://", text, re.IGNORECASE):
        text = "https://" + text.lstrip("/")
    return text


def website_domain(value: object) -> str | None:
    """The host of a web address without ``www.``, lower-case."""
    url = normalise_url(value)
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host or None


def normalise_email(value: object) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    text = text.removeprefix("mailto:").strip()
    return text.lower() if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", text) else None


def email_domain(value: object) -> str | None:
    email = normalise_email(value)
    return email.rsplit("@", 1)[1] if email else None


_NOT_DISTINCTIVE = GENERIC_DOMAINS | DIRECTORY_DOMAINS


def distinctive_domain(domain: str | None) -> str | None:
    """The domain if it can tell actors apart (not a webmail, a social network or a
    directory's page).

    >>> distinctive_domain("modulebdis.exemole.fr"), distinctive_domain("amap-bagneux.org")
    (None, 'amap-bagneux.org')
    """
    if not domain or domain in _NOT_DISTINCTIVE:
        return None
    if any(domain.endswith("." + generic) for generic in _NOT_DISTINCTIVE):
        return None
    return domain


def normalise_profile_url(url: str) -> str:
    """A web address as a key: no scheme, no ``www.``, no trailing slash, lower-case host.

    >>> normalise_profile_url("https://www.Open.coop/")
    'open.coop'
    """
    text = url.strip()
    for prefix in ("https://", "http://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    host, _, path = text.partition("/")
    host = host.lower().removeprefix("www.")
    path = path.rstrip("/")
    return f"{host}/{path}" if path else host


def slug(text: str) -> str:
    """Lower-case letters and digits joined by dashes (for ids).

    >>> slug("ESS'perluette — outil")
    'essperluette-outil'
    """
    folded = fold(text.replace("'", "").replace("’", ""))
    return "-".join(folded.split())


def split_list(value: object, separators: str = ";|\n,") -> list[str]:
    """Split a cell holding several values (``"MES; RIPESS"``), cleaning each one."""
    text = clean_text(value) if not isinstance(value, str) else value
    if not text:
        return []
    pattern = "[" + re.escape(separators) + "]"
    return [item for part in re.split(pattern, text) if (item := clean_text(part))]


def parse_float(value: object) -> float | None:
    """A number written the French way (``43,296``) or the English way; else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = (clean_text(value) or "").replace(" ", "").replace(",", ".")
    try:
        return float(text) if text else None
    except ValueError:
        return None
