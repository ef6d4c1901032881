"""The command line under test: its commands run in-process (Typer's runner) over the example
movement, so what they print is checked without a store; the commands that need a store get
the port in memory."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from graph_model.port import GraphStore
from queries.analytics.example import example_projection
from queries.projection import Projection
from queries.store.memory import MemoryGraph


@pytest.fixture
def example() -> Projection:
    """The example movement of the analytics' doctests."""
    return example_projection()


@pytest.fixture
def memory_graph(monkeypatch: pytest.MonkeyPatch) -> GraphStore:
    """A store port in memory, handed to every command that would open the store."""
    from cli import context

    opened = MemoryGraph()
    opened.setup_schema()

    @contextlib.contextmanager
    def graph(start: bool = True) -> Iterator[GraphStore]:
        with context.handled():
            yield opened

    import cli.analytics
    import cli.db
    import cli.importing
    import cli.init
    import cli.review
    import cli.token

    for module in (cli.analytics, cli.importing, cli.init, cli.review, cli.token):
        if hasattr(module, "graph"):
            monkeypatch.setattr(module, "graph", graph)
    return opened


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests start from the product's default: no MAILLAGE_LANG, so French."""
    monkeypatch.delenv("MAILLAGE_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
