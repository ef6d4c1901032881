"""Doctests show the code's messages in English, the language the code is written in; what the
user meets — French by default, English on request — is tested under tests/ (graph_model.i18n)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _pytest.doctest import DoctestItem

from graph_model.i18n import use_language


@pytest.fixture(autouse=True)
def _doctests_in_english(request: pytest.FixtureRequest) -> Iterator[None]:
    if isinstance(request.node, DoctestItem):
        with use_language("en"):
            yield
    else:
        yield
