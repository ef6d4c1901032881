"""No N+1: a page of 100 actors with their links, territories and link ends costs a bounded
number of store round trips, counted on the store's port (each of its operations the API
calls here is one round trip on a server)."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from graph_model.port import GraphStore
from queries.store.memory import MemoryGraph
from tests.api.conftest import data

pytestmark = pytest.mark.memory


#: what the projection's tail asks every few milliseconds, whatever the requests are
_BACKGROUND = frozenset({"graph_version"})


class Counted:
    """A port that counts the calls made to it (``round_trips``), then hands them on."""

    def __init__(self, graph: GraphStore) -> None:
        self._graph = graph
        self._lock = threading.Lock()
        self.round_trips = 0

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._graph, name)
        if not callable(value):
            return value

        def counted(*args: Any, **kwargs: Any) -> Any:
            if name not in _BACKGROUND:
                with self._lock:
                    self.round_trips += 1
            return value(*args, **kwargs)

        return counted


@pytest.fixture(scope="module")
def dataset(_memory_dataset: MemoryGraph) -> Counted:
    """The module's copy of the dataset, its calls counted (what the app is handed)."""
    return Counted(_memory_dataset.copy())


PAGE = """query($n: Int, $links: Int) { actors(first: $n) { edges { node {
  id name siren
  territories { id name }
  themes { id }
  links(first: $links) { totalCount edges { node { id kind since
    from { id name website } to { id name siren } } } }
} } } }"""


def _trips(client: httpx.Client, store: Counted, n: int, links: int) -> tuple[int, int]:
    before = store.round_trips
    page = data(client, PAGE, {"n": n, "links": links})["actors"]["edges"]
    linked = sum(len(e["node"]["links"]["edges"]) for e in page)
    return store.round_trips - before, linked


def test_a_page_of_100_actors_with_links_and_territories(
    client: httpx.Client, dataset: Counted
) -> None:
    data(client, "{ actors(first: 1) { totalCount } }")  # the projection is loaded
    trips, linked = _trips(client, dataset, 100, 20)
    assert linked > 100, "the page should hold links"
    # actors' fields (1) + links (1) + territories (1) + themes (1) + link ends' stored fields
    # (1) + at most one graph-version check of the projection (1)
    assert trips <= 6, trips
    small, _ = _trips(client, dataset, 5, 20)
    assert trips <= small + 1, (trips, small)  # the count does not grow with the page
