"""The model's tests read its messages in English, the code's language; test_i18n.py checks
the languages themselves (French by default)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph_model.i18n import use_language


@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.path.name == "test_i18n.py":
        yield
        return
    with use_language("en"):
        yield
