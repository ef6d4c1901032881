"""A :class:`~graph_model.batch.GraphBatch` as the statements of one transaction.

The batch's rows go to the driver as they are (``UNWIND $rows``, one statement per kind of
row): no per-row round trip and no copy. The links created unless the graph already holds them
come last, so that what they found is the tail of the transaction's results, which
:func:`settlement` hands to the caller's settlement step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, LiteralString

from graph_model.batch import GraphBatch, Settle
from graph_model.model import LinkKind
from queries.store.catalog import cypher

Row = dict[str, Any]
Statement = tuple[LiteralString, Mapping[str, Any]]


def _rows(statement: LiteralString, rows: list[Row], **params: Any) -> Statement:
    return statement, {"rows": rows, **params}


def statements(batch: GraphBatch) -> list[Statement]:
    """The batch's statements, in the order :mod:`graph_model.batch` documents."""
    return [*_nodes(batch), *_places(batch), *_links(batch)]


def _nodes(batch: GraphBatch) -> list[Statement]:
    out: list[Statement] = []
    if batch.territories:
        out.append(_rows(cypher("territories_upsert"), batch.territories))
    if batch.parents:
        out.append(_rows(cypher("territories_link_parents"), batch.parents))
    if batch.themes:
        out.append(_rows(cypher("themes_upsert"), list(batch.themes.values())))
    if batch.methods:
        out.append(_rows(cypher("methods_upsert"), batch.methods))
    if batch.events:
        out.append(_rows(cypher("events_upsert"), batch.events))
    for kind, rows in batch.actors.items():
        out.append(_rows(cypher("actors_upsert", kind=kind), rows, **batch.stamp))
    if batch.aliases:
        aliases = [{"key": key, "actor": actor} for key, actor in batch.aliases.items()]
        out.append(_rows(cypher("aliases_upsert"), aliases))
    return out


def _places(batch: GraphBatch) -> list[Statement]:
    out: list[Statement] = []
    if batch.unlocated:
        out.append(_rows(cypher("actor_seat_unlink_others"), batch.unlocated))
    if batch.cleared_areas:
        out.append((cypher("actor_areas_clear"), {"ids": batch.cleared_areas}))
    for where, rows in ((LinkKind.LOCATED_IN, batch.located), (LinkKind.ACTIVE_IN, batch.active)):
        if rows:
            out.append(_rows(cypher("actor_places_upsert", link=where), rows))
    if batch.works_on:
        out.append(_rows(cypher("actor_themes_link"), batch.works_on))
    for link_kind, rows in batch.method_links.items():
        out.append(_rows(cypher("methods_link_actors", link=link_kind), rows))
    if batch.event_parts:
        out.append(_rows(cypher("events_link_actors"), batch.event_parts))
    if batch.event_places:
        out.append(_rows(cypher("events_locate"), batch.event_places))
    return out


def _links(batch: GraphBatch) -> list[Statement]:
    stamp = batch.stamp
    out: list[Statement] = []
    for link_kind, rows in batch.links.items():
        out.append(_rows(cypher("links_upsert", link=link_kind), rows, **stamp))
    if batch.candidates:
        out.append(_rows(cypher("candidates_upsert"), batch.candidates))
    for link_kind, rows in batch.new_links.items():  # last: see settlement
        out.append(_rows(cypher("links_create_unless_known", link=link_kind), rows, **stamp))
    return out


def settlement(
    batch: GraphBatch, settle: Settle | None
) -> Callable[[list[list[Row]]], Sequence[Statement]] | None:
    """The ``then`` step of the batch's transaction: the links the graph already held go to
    ``settle``, and the rows it returns are rewritten (``links_upsert``)."""
    kinds = list(batch.new_links)
    if settle is None or not kinds:
        return None

    def then(results: list[list[Row]]) -> list[Statement]:
        found = results[-len(kinds) :]
        known = {kind: rows for kind, rows in zip(kinds, found, strict=True) if rows}
        updates = settle(known)
        return [
            _rows(cypher("links_upsert", link=kind), rows, **batch.stamp)
            for kind, rows in updates.items()
            if rows
        ]

    return then


def targets(batch: GraphBatch) -> tuple[str, ...]:
    """The ids of the actors and links a batch writes (what :class:`~graph_model.port.Written`
    names)."""
    ids = [row["id"] for rows in batch.actors.values() for row in rows]
    ids.extend(row["id"] for rows in batch.links.values() for row in rows)
    ids.extend(row["id"] for rows in batch.new_links.values() for row in rows)
    return tuple(ids)


def size(batch: GraphBatch) -> int:
    return sum(len(rows) for rows in batch.actors.values()) + sum(
        len(rows) for rows in (*batch.links.values(), *batch.new_links.values())
    )
