"""Fixtures of the importer tests (the graph servers come from ``tests/conftest.py``).

The importer tests read the messages in English (``MAILLAGE_LANG=en``), the code's language;
tests/importers/test_messages.py checks them in French, the default a user meets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importers.helpers import FIXTURES


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    # the environment, not the context: CLI commands run in-process and in subprocesses alike
    if request.node.path.name != "test_messages.py":
        monkeypatch.setenv("MAILLAGE_LANG", "en")
    else:
        monkeypatch.delenv("MAILLAGE_LANG", raising=False)
