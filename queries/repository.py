"""The former functional face of the store, kept for callers not yet handed a port.

Every function here is one operation of :class:`graph_model.port.GraphStore` (implemented by
:class:`queries.store.bolt.BoltGraph`); the row shapes live in :mod:`graph_model.stored`. New code
takes a port instead (``open_graph``/``BoltGraph``) and calls the operation itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from graph_model.model import Actor, Link
from graph_model.port import GraphStore, WriteContext
from graph_model.stored import (
    COUNTRY_ID,
    TerritoryLookup,
    actor_properties,
    content_hash,
    link_properties,
    reference_fingerprint,
    source_json,
    territory_id,
    territory_lookup,
    territory_rows,
)
from graph_model.territories import TerritoryReference
from queries.store.adapter import Store
from queries.store.bolt import as_graph

__all__ = [
    "COUNTRY_ID",
    "TerritoryLookup",
    "WriteContext",
    "actor_properties",
    "actors_by_id",
    "content_hash",
    "counts",
    "ensure_territories",
    "link_properties",
    "load_territories",
    "reference_fingerprint",
    "resolve_keys",
    "source_json",
    "territory_id",
    "territory_lookup",
    "territory_rows",
    "upsert_actors",
    "upsert_links",
]

Graph = Store | GraphStore


def upsert_actors(
    store: Graph,
    actors: Sequence[Actor],
    *,
    territories: TerritoryLookup | None = None,
    context: WriteContext | None = None,
    batch_size: int = 2_000,
) -> int:
    """:meth:`GraphStore.write_actors`; returns the actors written."""
    written = as_graph(store).write_actors(
        actors, context or WriteContext(), territories=territories, batch_size=batch_size
    )
    return written.count


def upsert_links(
    store: Graph,
    links: Iterable[Link],
    *,
    context: WriteContext | None = None,
    batch_size: int = 5_000,
) -> int:
    """:meth:`GraphStore.write_links`; returns the links written."""
    written = as_graph(store).write_links(links, context or WriteContext(), batch_size=batch_size)
    return written.count


def resolve_keys(store: Graph, keys: Iterable[str]) -> dict[str, str]:
    return as_graph(store).resolve_keys(keys)


def actors_by_id(store: Graph, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Stored properties of actors, by id (missing ids are absent from the result)."""
    return {i: dict(actor.props) for i, actor in as_graph(store).actors_by_id(ids).items()}


def counts(store: Graph) -> dict[str, int]:
    return as_graph(store).counts()


def load_territories(
    store: Graph, reference: TerritoryReference, *, batch_size: int = 5_000
) -> int:
    return as_graph(store).load_territories(reference, WriteContext(), batch_size=batch_size).count


def ensure_territories(store: Graph, reference: TerritoryReference) -> tuple[int, bool]:
    return as_graph(store).ensure_territories(reference, WriteContext())
