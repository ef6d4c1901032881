"""Messages in the user's language: French by default, English on request.

Code writes its messages in English, wrapped in a translation function (the English text is the
*msgid*, as with gettext); the French translations live in catalogues under
``graph_model/locales/<lang>/LC_MESSAGES/*.po``. Every ``.po`` file of a language is read (one per
area may be added without touching the others), by the small reader below, at the first message
asked for: nothing to compile, so a fresh ``pip install -e .`` speaks French.

>>> with use_language("fr"):
...     ngettext("{n} link", "{n} links", 1), ngettext("{n} link", "{n} links", 2)
('1 lien', '2 liens')
>>> with use_language("en"):
...     ngettext("{n} link", "{n} links", 1), format_date(date(2019, 7, 3))
('1 link', '2019-07-03')
>>> with use_language("fr"):
...     format_date(date(2019, 7, 3)), format_number(12345), format_number(0.5, 2)
('03/07/2019', '12\\u202f345', '0,50')

Placeholders are ``str.format`` fields by name (``{name}``); ``ngettext`` fills ``{n}`` with the
count, written the language's way. A msgid without a translation is shown in English, never
as a blank; ``tests/graph_model/test_i18n.py`` fails when a message of the code has no French.

Which language: :func:`use_language` (or :func:`set_language`) for the current context — the
CLI's ``--lang``, the API's ``Accept-Language`` per request (a context variable, so concurrent
requests do not mix, and worker threads started with ``anyio.to_thread`` inherit it) — else the
``MAILLAGE_LANG`` variable, else French.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

#: languages the project speaks; the first is the default
LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
#: the variable naming the default language of a process
LANG_VARIABLE = "MAILLAGE_LANG"

_LOCALES = Path(__file__).parent / "locales"
_current: ContextVar[str | None] = ContextVar("maillage_language", default=None)


# ---------------------------------------------------------------------------------------------
# which language


def normalise_language(value: str | None) -> str | None:
    """``"fr"``, ``"en"`` (from ``fr_FR.UTF-8``, ``en-GB``, ``EN``…) or None when not spoken."""
    if not value:
        return None
    base = re.split(r"[-_.@]", value.strip().lower(), maxsplit=1)[0]
    return base if base in LANGUAGES else None


def default_language() -> str:
    """The process's language: ``MAILLAGE_LANG`` when it names one spoken, else French."""
    return normalise_language(os.environ.get(LANG_VARIABLE)) or DEFAULT_LANGUAGE


def language() -> str:
    """The language of the current context."""
    return _current.get() or default_language()


def set_language(value: str | None) -> Token[str | None]:
    """Speak ``value`` in the current context (None: back to the process's default). Returns the
    token for :func:`reset_language`. Raises ``ValueError`` for a language not spoken."""
    lang = None if value is None else normalise_language(value)
    if value is not None and lang is None:
        raise ValueError(
            gettext(
                "language {value!r} is not available: choose one of {choices}",
                value=value,
                choices=", ".join(LANGUAGES),
            )
        )
    return _current.set(lang)


def reset_language(token: Token[str | None]) -> None:
    _current.reset(token)


@contextlib.contextmanager
def use_language(value: str | None) -> Iterator[str]:
    """Speak ``value`` inside the block (None: the process's default)."""
    token = set_language(value)
    try:
        yield language()
    finally:
        _current.reset(token)


def negotiate(accept_language: str | None) -> str | None:
    """The spoken language an ``Accept-Language`` header prefers most (RFC 9110 weights), or
    None when it names none of them (the caller then keeps the default).

    >>> negotiate("en-GB,en;q=0.9,fr;q=0.8"), negotiate("de, fr;q=0.5"), negotiate("de")
    ('en', 'fr', None)
    >>> negotiate("fr;q=0, en"), negotiate("*"), negotiate(None)
    ('en', None, None)
    """
    if not accept_language:
        return None
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(accept_language.split(",")):
        tag, _sep, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _eq, val = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(val)
                except ValueError:
                    weight = 0.0
        lang = normalise_language(tag)
        if lang is None or weight <= 0:
            continue
        candidate = (-weight, position, lang)
        if best is None or candidate < best:
            best = candidate
    return None if best is None else best[2]


# ---------------------------------------------------------------------------------------------
# the catalogues


@dataclass
class Catalogue:
    """The translations of one language: msgid → text, and (msgid, msgid_plural) → forms."""

    singular: dict[str, str] = field(default_factory=dict)
    plural: dict[str, tuple[str, ...]] = field(default_factory=dict)


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"{where}: expected a quoted string, found {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(text: str, where: str = "<po>") -> Catalogue:
    """Read a gettext ``.po`` file: ``msgctxt`` is not used; fuzzy entries and entries without a
    translation are left out (their English shows)."""
    catalogue = Catalogue()
    entry: dict[str, str] = {}
    key: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, fuzzy, key
        msgid = entry.get("msgid")
        if msgid and not fuzzy:
            if "msgid_plural" in entry:
                forms = []
                index = 0
                while f"msgstr[{index}]" in entry:
                    forms.append(entry[f"msgstr[{index}]"])
                    index += 1
                if forms and all(forms):
                    catalogue.plural[msgid] = tuple(forms)
            elif entry.get("msgstr"):
                catalogue.singular[msgid] = entry["msgstr"]
        entry, key, fuzzy = {}, None, False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        here = f"{where}:{number}"
        if not line:
            flush()
        elif line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if "msgid" in entry:
                    flush()
                fuzzy = True
        elif line.startswith('"'):
            if key is None:
                raise ValueError(f"{here}: a continued string outside an entry")
            entry[key] += _unquote(line, here)
        else:
            word, _space, rest = line.partition(" ")
            if word == "msgid" and "msgid" in entry:
                was_fuzzy = fuzzy
                flush()
                fuzzy = was_fuzzy
            if not re.fullmatch(r"msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?", word):
                raise ValueError(f"{here}: unknown keyword {word!r}")
            key = word
            entry[key] = _unquote(rest, here)
    flush()
    return catalogue


@cache
def catalogue(lang: str) -> Catalogue:
    """Every ``.po`` file of ``lang``, merged (read once per process)."""
    merged = Catalogue()
    folder = _LOCALES / lang / "LC_MESSAGES"
    if folder.is_dir():
        for path in sorted(folder.glob("*.po")):
            read = parse_po(path.read_text(encoding="utf-8"), where=path.name)
            merged.singular.update(read.singular)
            merged.plural.update(read.plural)
    return merged


def _plural_index(lang: str, n: int) -> int:
    """gettext's plural form: French counts 0 and 1 as singular (« 0 lien »), English 1 only."""
    if lang == "fr":
        return 0 if n in (0, 1) else 1
    return 0 if n == 1 else 1


# ---------------------------------------------------------------------------------------------
# translating


def _format(text: str, params: Mapping[str, object]) -> str:
    if not params:
        return text
    try:
        return text.format_map(params)
    except (KeyError, IndexError, ValueError):
        # a translation with a wrong placeholder must not hide the message
        return text


def gettext(msgid: str, /, **params: object) -> str:
    """``msgid`` in the current language, its ``{placeholders}`` filled from ``params``."""
    lang = language()
    text = msgid if lang == "en" else catalogue(lang).singular.get(msgid, msgid)
    return _format(text, params)


#: the usual short name
_ = gettext


def ngettext(singular: str, plural: str, n: int, /, **params: object) -> str:
    """The form of ``singular``/``plural`` for the count ``n`` (``{n}`` written the language's
    way, e.g. ``1 234`` in French)."""
    lang = language()
    forms: tuple[str, ...] = (singular, plural)
    if lang != "en":
        forms = catalogue(lang).plural.get(singular, forms)
    index = min(_plural_index(lang, n), len(forms) - 1)
    return _format(forms[index], {"n": format_number(n), **params})


def N_(msgid: str, /) -> str:  # noqa: N802 (gettext's name for the marker)
    """Marks a msgid for the catalogue without translating it (module constants, translated
    with :func:`gettext` where they are shown)."""
    return msgid


@dataclass(frozen=True)
class Message:
    """A message translated when it is shown (``str(message)``), not when it is made: for text
    kept and shown later, perhaps to someone speaking another language (an error raised in one
    request, a reason kept in a report)."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    n: int | None = None

    def __str__(self) -> str:
        if self.plural is not None and self.n is not None:
            return ngettext(self.msgid, self.plural, self.n, **self.params)
        return gettext(self.msgid, **self.params)

    def english(self) -> str:
        """The message in English (for logs, which are the operator's)."""
        with use_language("en"):
            return str(self)


def lazy(msgid: str, /, **params: object) -> Message:
    """A :class:`Message` translated when shown."""
    return Message(msgid, params)


def lazy_plural(singular: str, plural: str, n: int, /, **params: object) -> Message:
    return Message(singular, params, plural, n)


# ---------------------------------------------------------------------------------------------
# dates and numbers


def format_date(value: date | datetime | str | None) -> str:
    """A day as the language writes it: ``03/07/2019`` in French, ``2019-07-03`` in English
    (ISO: unambiguous for every English reader). An ISO string is read first; anything else
    is shown as given; None is empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, datetime) else value
    if language() == "fr":
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    return day.isoformat()


def format_datetime(value: datetime) -> str:
    """A moment: ``03/07/2019 14:05`` in French, ``2019-07-03 14:05`` in English."""
    return f"{format_date(value)} {value:%H:%M}"


def format_number(value: float, digits: int | None = None) -> str:
    """A number: ``12 345,5`` in French (narrow no-break space, decimal comma), ``12,345.5`` in
    English; ``digits`` fixes the decimals (else an int is shown whole, a float as Python
    shows it)."""
    if isinstance(value, bool):
        return str(value)
    if digits is not None:
        text = f"{value:,.{digits}f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = f"{value:,}"
    if language() == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_percent(share: float, digits: int = 0) -> str:
    """A share (0.42) as a percentage: ``42 %`` in French, ``42%`` in English."""
    number = format_number(share * 100, digits)
    return f"{number}\u202f%" if language() == "fr" else f"{number}%"


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANG_VARIABLE",
    "N_",
    "Catalogue",
    "Message",
    "_",
    "catalogue",
    "default_language",
    "format_date",
    "format_datetime",
    "format_number",
    "format_percent",
    "gettext",
    "language",
    "lazy",
    "lazy_plural",
    "negotiate",
    "ngettext",
    "normalise_language",
    "parse_po",
    "reset_language",
    "set_language",
    "use_language",
]
