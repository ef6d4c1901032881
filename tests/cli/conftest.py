"""The command line under test: its commands run in-process (Typer's runner) over the example
movement, so what they print is checked without a store."""

from __future__ import annotations

import pytest

from queries.analytics.example import example_projection
from queries.projection import Projection


@pytest.fixture
def example() -> Projection:
    """The example movement of the analytics' doctests."""
    return example_projection()
