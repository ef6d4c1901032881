"""``maillage --help`` and every command's help, in French by default, English with --lang en."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.main import get_command

from cli.help import help_texts, translate_help
from cli.main import app
from graph_model.i18n import catalogue, use_language

ROOT = Path(__file__).resolve().parents[2]


def test_every_help_text_has_its_french() -> None:
    french = catalogue("fr").singular
    missing = [text for _, _, text in help_texts(get_command(app)) if text not in french]
    assert not missing, "no French for:\n" + "\n".join(missing)


def test_the_help_is_translated_in_the_command_tree() -> None:
    with use_language("fr"):
        command = get_command(app)
        translate_help(command)
    assert command.help == "Maillage : le mouvement de l'économie solidaire en graphe."
    path = command.commands["path"]  # type: ignore[attr-defined]
    assert path.help.startswith("Comment FROM est relié à TO")
    assert any(p.help == "id ou nom d'acteur" for p in path.params)


def _help(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MAILLAGE_LANG"}
    env["COLUMNS"] = "200"
    done = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return " ".join(done.stdout.split())


def test_maillage_help_speaks_french_then_english_on_request() -> None:
    assert "le mouvement de l'économie solidaire en graphe" in _help("--help")
    assert "Grappes territoriales" in _help("clusters", "--help")
    english = _help("--lang", "en", "clusters", "--help")
    assert "Territorial clusters: who cooperates densely" in english
