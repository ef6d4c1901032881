"""Fixtures of the importer tests (the graph servers come from ``tests/conftest.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importers.helpers import FIXTURES


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
