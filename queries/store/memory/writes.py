"""What the Bolt adapter's write statements do to the graph, on :class:`GraphState`.

One function per statement of ``queries/cypher/`` (named after it), with the same matching rules:
a row whose ends are missing writes nothing, ``MERGE`` finds before it creates, ``SET +=`` drops
``null`` values. :func:`write_batch` runs a :class:`~graph_model.batch.GraphBatch` in the order
``queries.store.batches`` sends it, so that both adapters leave the same graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph_model.batch import GraphBatch, KnownLinks
from graph_model.model import LinkKind
from graph_model.spells import Period, joins
from queries.store.memory.state import (
    ACTOR,
    TERRITORY,
    GraphState,
    Journal,
    Props,
    Ref,
    created,
    merged,
)

Row = Mapping[str, Any]


def upsert_nodes(state: GraphState, journal: Journal, label: str, rows: Iterable[Row]) -> None:
    """``MERGE (n:Label {id: row.id}) SET n += row.props`` (territories, themes, methods,
    events)."""
    for row in rows:
        node_id = row["id"]
        old = state.get(label, node_id) or {"id": node_id}
        state.put(journal, label, node_id, merged(old, row["props"]))


def merge_rel(
    state: GraphState,
    journal: Journal,
    kind: str,
    ends: tuple[Ref, Ref],
    props: Row | None = None,
) -> None:
    """``MATCH`` both ends, ``MERGE (a)-[r:KIND]->(b) SET r += props``."""
    start, end = ends
    if state.get(*start) is None or state.get(*end) is None:
        return
    found = state.between(start, kind, end)
    if not found:
        state.add_rel(journal, kind, start, end, created(props or {}))
    elif props:
        for rid, rel in found:
            state.set_rel(journal, rid, merged(rel.props, props))


def territories_link_parents(state: GraphState, journal: Journal, rows: Iterable[Row]) -> None:
    for row in rows:
        ends = (TERRITORY, row["id"]), (TERRITORY, row["parent"])
        merge_rel(state, journal, "PART_OF", ends)


def actors_upsert(
    state: GraphState, journal: Journal, kind: str, rows: Iterable[Row], stamp: Row
) -> None:
    """Created with its kind label when missing; the ``kind`` property set in any case."""
    now, run, kind = stamp.get("now"), stamp.get("run"), str(kind)
    for row in rows:
        actor = row["id"]
        old = state.get(ACTOR, actor)
        if old is None:
            old = created({"id": actor, "created_at": now, "created_run": run})
            state.create_actor(journal, actor, kind, old)
        changes = {**row["props"], "kind": kind, "updated_at": now, "updated_run": run}
        state.put(journal, ACTOR, actor, merged(old, changes))


def aliases_upsert(state: GraphState, journal: Journal, aliases: Mapping[str, str]) -> None:
    for key, actor in aliases.items():
        state.set_alias(journal, key, actor)


def _drop_places(
    state: GraphState, journal: Journal, actor: str, kind: str, keep: str | None = None
) -> None:
    doomed = [
        rid
        for rid, rel in state.rels_out((ACTOR, actor))
        if rel.kind == kind and rel.end[0] == TERRITORY and rel.end[1] != keep
    ]
    for rid in doomed:
        state.drop_rel(journal, rid)


def actor_seat_unlink_others(state: GraphState, journal: Journal, rows: Iterable[Row]) -> None:
    for row in rows:
        _drop_places(state, journal, row["actor"], "LOCATED_IN", keep=row["territory"])


def actor_areas_clear(state: GraphState, journal: Journal, ids: Iterable[str]) -> None:
    for actor in ids:
        _drop_places(state, journal, actor, "ACTIVE_IN")


def links_upsert(
    state: GraphState, journal: Journal, kind: str, rows: Iterable[Row], stamp: Row
) -> None:
    """``MERGE (a)-[r:KIND {id: row.id}]->(b)``, created/updated stamps."""
    now, run = stamp.get("now"), stamp.get("run")
    for row in rows:
        start, end = (ACTOR, row["source"]), (ACTOR, row["target"])
        if state.get(*start) is None or state.get(*end) is None:
            continue
        found = [
            rid for rid, rel in state.between(start, kind, end) if rel.props.get("id") == row["id"]
        ]
        if not found:
            props = created({"id": row["id"], "created_at": now, "created_run": run})
            found = [state.add_rel(journal, kind, start, end, props)]
        for rid in found:
            props = merged(state.rels[rid].props, row["props"])
            state.set_rel(journal, rid, merged(props, {"updated_at": now, "updated_run": run}))


def candidates_upsert(state: GraphState, journal: Journal, rows: Iterable[Row]) -> None:
    label = "DuplicateCandidate"
    for row in rows:
        candidate, now, run = row["id"], row.get("now"), row.get("run")
        old = state.get(label, candidate)
        if old is None:
            old = created(
                {"id": candidate, "status": "pending", "created_at": now, "created_run": run}
            )
        props = merged(merged(old, row["props"]), {"updated_at": now, "updated_run": run})
        state.put(journal, label, candidate, props)


def links_create_unless_known(
    state: GraphState, journal: Journal, kind: str, rows: Iterable[Row], stamp: Row
) -> list[dict[str, Any]]:
    """Each row's stored twins are found first (the statement's ``collect`` is an aggregation:
    every row is matched before any is created, and equal rows are one group), then the rows
    without any are created; returns ``{id, same}`` for the rows that found some. So two rows
    of one id that differ (another source) both create a link, as on the servers: the caller
    merges a batch's own restatements before sending it."""
    now, run = stamp.get("now"), stamp.get("run")
    matched: list[tuple[Row, Ref, Ref, list[dict[str, Any]]]] = []
    for row in _grouped(rows):
        start, end = (ACTOR, row["source"]), (ACTOR, row["target"])
        if state.get(*start) is None or state.get(*end) is None:
            continue
        props = row["props"]
        statement = Period(props.get("since"), props.get("until"))
        same = [
            {
                "id": rel.props.get("id"),
                "subkind": rel.props.get("subkind"),
                "since": rel.props.get("since"),
                "until": rel.props.get("until"),
                "sources": _listed(rel.props.get("sources")),
                "statements": _listed(rel.props.get("statements")),
            }
            for _, rel in state.between(start, kind, end)
            if rel.props.get("id") == row["id"]
            or (
                (rel.props.get("subkind") or "") == (props.get("subkind") or "")
                and joins(Period(rel.props.get("since"), rel.props.get("until")), statement)
            )
        ]
        matched.append((row, start, end, same))
    for row, start, end, same in matched:
        if not same:
            props = row["props"]
            values = {
                "id": row["id"],
                "subkind": props.get("subkind"),
                "since": props.get("since"),
                "until": props.get("until"),
                "sources": props.get("sources"),
                "statements": props.get("statements"),
                "created_at": now,
                "created_run": run,
                "updated_at": now,
                "updated_run": run,
            }
            state.add_rel(journal, kind, start, end, created(values))
    return [{"id": row["id"], "same": same} for row, _, _, same in matched if same]


def _grouped(rows: Iterable[Row]) -> list[Row]:
    """The rows once each: ``collect`` groups by ``a, b, row``, and equal maps are one key."""
    seen: dict[Any, Row] = {}
    for row in rows:
        seen.setdefault(_frozen(row), row)
    return list(seen.values())


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def write_batch(state: GraphState, journal: Journal, batch: GraphBatch) -> KnownLinks:
    """Every row of ``batch``, in ``queries.store.batches``' order; returns what the
    ``unless_known`` links found, by type (the types that found any)."""
    _nodes(state, journal, batch)
    _places(state, journal, batch)
    for kind, rows in batch.links.items():
        links_upsert(state, journal, kind, rows, batch.stamp)
    candidates_upsert(state, journal, batch.candidates)
    known: dict[LinkKind, list[dict[str, Any]]] = {}
    for kind, rows in batch.new_links.items():
        found = links_create_unless_known(state, journal, kind, rows, batch.stamp)
        if found:
            known[kind] = found
    return known


def _nodes(state: GraphState, journal: Journal, batch: GraphBatch) -> None:
    upsert_nodes(state, journal, TERRITORY, batch.territories)
    territories_link_parents(state, journal, batch.parents)
    upsert_nodes(state, journal, "Theme", batch.themes.values())
    upsert_nodes(state, journal, "Method", batch.methods)
    upsert_nodes(state, journal, "Event", batch.events)
    for kind, rows in batch.actors.items():
        actors_upsert(state, journal, kind, rows, batch.stamp)
    aliases_upsert(state, journal, batch.aliases)


def _places(state: GraphState, journal: Journal, batch: GraphBatch) -> None:
    actor_seat_unlink_others(state, journal, batch.unlocated)
    actor_areas_clear(state, journal, batch.cleared_areas)
    for where, rows in (("LOCATED_IN", batch.located), ("ACTIVE_IN", batch.active)):
        for row in rows:
            start, end = (ACTOR, row["actor"]), (TERRITORY, row["territory"])
            merge_rel(state, journal, where, (start, end), row["props"])
    for row in batch.works_on:
        ends = (ACTOR, row["actor"]), ("Theme", row["theme"])
        merge_rel(state, journal, "WORKS_ON", ends)
    for kind, rows in batch.method_links.items():
        for row in rows:
            start, end = (ACTOR, row["actor"]), ("Method", row["method"])
            merge_rel(state, journal, kind, (start, end), row["props"])
    for row in batch.event_parts:
        start, end = (ACTOR, row["actor"]), ("Event", row["event"])
        merge_rel(state, journal, "TOOK_PART", (start, end), row["props"])
    for row in batch.event_places:
        start, end = ("Event", row["event"]), (TERRITORY, row["territory"])
        merge_rel(state, journal, "LOCATED_IN", (start, end))


def link_columns(rel_props: Props, kind: str, source: str, target: str) -> dict[str, Any]:
    """The columns the link statements return (``links_between``, ``links_end``…)."""
    return {
        "id": rel_props.get("id"),
        "kind": kind,
        "source": source,
        "target": target,
        "subkind": rel_props.get("subkind"),
        "since": rel_props.get("since"),
        "until": rel_props.get("until"),
        "sources": _listed(rel_props.get("sources")),
        "statements": _listed(rel_props.get("statements")),
        "created_at": rel_props.get("created_at"),
        "updated_at": rel_props.get("updated_at"),
        "updated_by": rel_props.get("updated_by"),
    }
