"""The message catalogues: every message of the code has its French, plurals and dates are
right, the language follows the context."""

from __future__ import annotations

import ast
import re
import string
import threading
from datetime import date
from pathlib import Path

import pytest

from graph_model import i18n
from graph_model.i18n import (
    Message,
    catalogue,
    format_date,
    format_percent,
    gettext,
    language,
    lazy,
    negotiate,
    ngettext,
    parse_po,
    use_language,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "cli", "graph_model", "importers", "queries", "web")
#: functions whose first argument (and second, for plurals) is a msgid
SINGULAR = {"_", "gettext", "N_", "lazy"}
PLURAL = {"ngettext", "lazy_plural"}


def _messages() -> list[tuple[str, str | None, str]]:
    """(msgid, msgid_plural, where) of every literal message in the packages."""
    found: list[tuple[str, str | None, str]] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                args = node.args
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                literal = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args]
                if name in SINGULAR and args and literal[0]:
                    found.append((args[0].value, None, where))  # type: ignore[attr-defined]
                elif name in PLURAL and len(args) >= 2 and literal[0] and literal[1]:
                    found.append((args[0].value, args[1].value, where))  # type: ignore[attr-defined]
    return found


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_message_of_the_code_has_its_french() -> None:
    french = catalogue("fr")
    missing = []
    for msgid, plural, where in _messages():
        if plural is None and msgid not in french.singular:
            missing.append(f"{where}: {msgid!r}")
        if plural is not None and msgid not in french.plural:
            missing.append(f"{where}: {msgid!r} (plural)")
    assert not missing, "no French for:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders() -> None:
    french = catalogue("fr")
    wrong = [msgid for msgid, text in french.singular.items() if _fields(msgid) != _fields(text)]
    for msgid, forms in french.plural.items():
        wrong.extend(msgid for form in forms if not _fields(form) <= _fields(msgid) | {"n"})
    assert not wrong


def test_the_catalogues_parse_and_are_not_empty() -> None:
    folder = ROOT / "graph_model" / "locales" / "fr" / "LC_MESSAGES"
    files = sorted(folder.glob("*.po"))
    assert files
    for path in files:
        parse_po(path.read_text(encoding="utf-8"), where=path.name)


def test_plurals_follow_each_language() -> None:
    with use_language("fr"):
        assert [ngettext("{n} link", "{n} links", n) for n in (0, 1, 2, 1500)] == [
            "0 lien",
            "1 lien",
            "2 liens",
            "1\u202f500 liens",
        ]
    with use_language("en"):
        assert [ngettext("{n} link", "{n} links", n) for n in (0, 1, 2)] == [
            "0 links",
            "1 link",
            "2 links",
        ]


def test_dates_are_dd_mm_yyyy_in_french() -> None:
    with use_language("fr"):
        assert format_date(date(2019, 7, 3)) == "03/07/2019"
        assert format_date("2021-12-31") == "31/12/2021"
        assert format_percent(0.4234) == "42\u202f%"
    with use_language("en"):
        assert format_date(date(2019, 7, 3)) == "2019-07-03"
        assert format_percent(0.4234) == "42%"


def test_french_is_the_default_and_maillage_lang_changes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MAILLAGE_LANG", raising=False)
    assert language() == "fr"
    monkeypatch.setenv("MAILLAGE_LANG", "en_GB.UTF-8")
    assert language() == "en"
    with use_language("fr"):
        assert language() == "fr"
    monkeypatch.setenv("MAILLAGE_LANG", "klingon")
    assert language() == "fr"


def test_an_unknown_language_is_refused_in_the_current_language() -> None:
    with use_language("fr"), pytest.raises(ValueError, match="n'est pas disponible"):
        i18n.set_language("de")


def test_the_language_is_per_context_not_per_process() -> None:
    seen: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def speak(lang: str) -> None:
        with use_language(lang):
            barrier.wait()
            seen[lang] = ngettext("{n} actor", "{n} actors", 2)

    threads = [threading.Thread(target=speak, args=(lang,)) for lang in ("fr", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"fr": "2 acteurs", "en": "2 actors"}


def test_a_lazy_message_is_translated_when_shown() -> None:
    with use_language("en"):
        message: Message = lazy("{n} link", n=3)
    with use_language("fr"):
        assert str(message) == "3 link"  # a singular msgid: its own translation, none here
        assert message.english() == "3 link"


def test_accept_language_picks_the_preferred_spoken_language() -> None:
    assert negotiate("en-US,en;q=0.9") == "en"
    assert negotiate("de-DE, fr-CH;q=0.4, en;q=0.3") == "fr"
    assert negotiate("es") is None


def test_po_reader_reads_continuations_plurals_and_skips_fuzzy() -> None:
    text = "\n".join(
        [
            'msgid ""',
            'msgstr "Language: fr\\n"',
            "",
            'msgid "a long "',
            '"message"',
            'msgstr "un long "',
            '"message"',
            "",
            "#, fuzzy",
            'msgid "guess"',
            'msgstr "supposition"',
            "",
            'msgid "{n} file"',
            'msgid_plural "{n} files"',
            'msgstr[0] "{n} fichier"',
            'msgstr[1] "{n} fichiers"',
        ]
    )
    read = parse_po(text)
    assert read.singular == {"a long message": "un long message"}
    assert read.plural == {"{n} file": ("{n} fichier", "{n} fichiers")}
    with pytest.raises(ValueError, match="unknown keyword"):
        parse_po('msgfoo "x"')


def test_a_message_without_french_shows_in_english() -> None:
    with use_language("fr"):
        assert gettext("no such message {x}", x=1) == "no such message 1"


def test_the_catalogues_ship_with_the_package() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'graph_model = \[[^\]]*"locales/', pyproject)


def test_the_models_refusals_are_in_french_by_default() -> None:
    from graph_model.errors import InvalidIdentifier, ValidationError
    from graph_model.identifiers import normalise_siren
    from graph_model.limits import check_text

    with use_language("fr"):
        with pytest.raises(InvalidIdentifier, match="n'est pas valide : un SIREN a 9 chiffres"):
            normalise_siren("732829321")
        with pytest.raises(ValidationError, match="name: 301 caractères, 300 au plus"):
            check_text("x" * 301, field="name", limit=300)
