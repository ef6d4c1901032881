"""The command line's help in the user's language.

The help texts are written in English in the commands (Typer's ``help=`` and docstrings);
:func:`translate_help` replaces each by its translation in the command tree Typer builds, just
before it runs, so ``maillage --help`` and ``maillage path --help`` read French by default and
English with ``--lang en`` (looked for on the command line before anything is parsed, since
``--help`` is answered before the options are) or ``MAILLAGE_LANG=en``. The French is in
``graph_model/locales/fr/LC_MESSAGES/cli_help.po``; ``tests/cli/test_help.py`` fails when a
help text has none. What Typer itself writes around them (Usage, Options) stays English.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from graph_model.i18n import gettext, normalise_language


def language_argument(argv: Sequence[str]) -> str | None:
    """The language ``--lang X`` or ``--lang=X`` names on a command line (the first), if any.

    >>> language_argument(["maillage", "--lang", "en", "path", "--help"])
    'en'
    >>> language_argument(["maillage", "--lang=fr"]), language_argument(["maillage", "path"])
    ('fr', None)
    """
    for index, word in enumerate(argv):
        if word == "--lang" and index + 1 < len(argv):
            return normalise_language(argv[index + 1])
        if word.startswith("--lang="):
            return normalise_language(word.split("=", 1)[1])
    return None


def help_texts(command: Any) -> Iterator[tuple[Any, str, str]]:
    """(object, attribute, text) of every help text in a click command tree."""
    for attribute in ("help", "short_help"):
        text = getattr(command, attribute, None)
        if isinstance(text, str) and text:
            yield command, attribute, text
    for param in getattr(command, "params", ()):
        text = getattr(param, "help", None)
        if isinstance(text, str) and text:
            yield param, "help", text
    for sub in getattr(command, "commands", {}).values():
        yield from help_texts(sub)


def translate_help(command: Any) -> None:
    """Every help text of the tree in the current language (English ones are the msgids)."""
    for owner, attribute, text in list(help_texts(command)):
        setattr(owner, attribute, gettext(text))
