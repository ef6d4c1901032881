"""What the Bolt adapter's read statements return, from :class:`GraphState`: the same columns,
the same order where the statement orders (``ORDER BY``; Cypher puts ``null`` last going up and
first going down), Python values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from graph_model.changes import LinkRef
from graph_model.port import (
    ActorLink,
    ActorPlace,
    CandidateRecord,
    StoredActor,
    StoredLink,
    TerritoryRef,
    TokenRecord,
)
from graph_model.stored import ACTOR_FIELDS
from queries.store.memory.state import (
    ACTOR,
    COOPERATION,
    TERRITORY,
    GraphState,
    Props,
    Rel,
    copied,
)
from queries.store.memory.writes import link_columns

Row = dict[str, Any]

#: the labels ``count_nodes`` reports, always (0 when none)
COUNTED = (
    "Actor",
    "Network",
    "Organisation",
    "Project",
    "AdvocacyBody",
    "Territory",
    "Theme",
    "Method",
    "Event",
    "ImportRun",
    "DuplicateCandidate",
)
#: the columns of ``actor_name_index``, ``actor_state`` and ``projection_actors``, in their order
# fmt: off
NAME_INDEX = (
    "id", "kind", "name", "commune", "departement", "siren", "rna", "website", "email", "phone",
    "siret", "latitude", "longitude", "location_precision",
)  # fmt: skip
ACTOR_STATE = (
    "id", "kind", *ACTOR_FIELDS, "departement", "region", "latitude", "longitude",
    "location_precision", "themes", "methods", "sources", "content_hash",
)  # fmt: skip
PROJECTION_ACTOR = (
    "id",
    "kind",
    "name",
    "legal_form",
    "level",
    "commune",
    "departement",
    "region",
    "epci",
    "latitude",
    "longitude",
    "location_precision",
    "themes",
    "methods",
)
# fmt: on
_LINK_ROW = ("id", "kind", "source", "target", "subkind", "since", "until", "sources")
#: ``links_of_actor`` also says each source's statement (graph_model.spells)
_ACTOR_LINK_ROW = (*_LINK_ROW, "statements")


def order(value: Any) -> tuple[int, Any]:
    """A sort key putting ``null`` after every value, as Cypher's ``ORDER BY`` does."""
    return (1, 0) if value is None else (0, value)


def columns(props: Props, names: Iterable[str]) -> Row:
    return {name: _out(props.get(name)) for name in names}


def _out(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


# -- actors ------------------------------------------------------------------------------------
def actors_by_id(state: GraphState, ids: Iterable[str]) -> dict[str, StoredActor]:
    found: dict[str, StoredActor] = {}
    for actor in sorted(set(ids)):
        props = state.get(ACTOR, actor)
        if props is not None:
            found[actor] = StoredActor(actor, str(props.get("kind")), copied(props))
    return found


def actor_kinds(state: GraphState, ids: Iterable[str]) -> dict[str, str]:
    actors = state.nodes[ACTOR]
    return {a: str(actors[a].get("kind")) for a in ids if a in actors}


def places_of(state: GraphState, ids: Iterable[str]) -> list[ActorPlace]:
    places: list[ActorPlace] = []
    for actor in sorted(set(ids)):
        for _, rel in state.rels_out((ACTOR, actor)):
            if rel.kind in ("LOCATED_IN", "ACTIVE_IN") and rel.end[0] == TERRITORY:
                places.append(ActorPlace(actor, rel.kind, rel.end[1]))
    return places


# -- links -------------------------------------------------------------------------------------
def _cooperation(state: GraphState, actor: str) -> Iterator[Rel]:
    """The cooperation links touching an actor, both directions (once per direction)."""
    ref = (ACTOR, actor)
    if state.get(*ref) is None:
        return
    for _, rel in state.rels_out(ref):
        if rel.kind in COOPERATION and rel.end[0] == ACTOR:
            yield rel
    for _, rel in state.rels_in(ref):
        if rel.kind in COOPERATION and rel.start[0] == ACTOR:
            yield rel


def _link(rel: Rel) -> Row:
    return link_columns(rel.props, rel.kind, rel.start[1], rel.end[1])


def stored_link(row: Row) -> StoredLink:
    return StoredLink(
        id=str(row["id"]),
        kind=str(row["kind"]),
        source=str(row["source"]),
        target=str(row["target"]),
        subkind=row.get("subkind"),
        since=row.get("since"),
        until=row.get("until"),
        sources=tuple(row.get("sources") or ()),
        statements=tuple(row.get("statements") or ()),
        created_at=row.get("created_at"),
        updated_at=row.get("updated_at"),
        updated_by=row.get("updated_by"),
    )


def links_of_actors(state: GraphState, ids: Iterable[str]) -> list[ActorLink]:
    return [
        ActorLink(actor, stored_link(_link(rel)))
        for actor in dict.fromkeys(ids)
        for rel in _cooperation(state, actor)
    ]


def links_of_actor(state: GraphState, actor: str, as_of: date | None) -> list[StoredLink]:
    """``links_of_actor``: no stamps among its columns."""
    rows = []
    for rel in _cooperation(state, actor):
        since, until = rel.props.get("since"), rel.props.get("until")
        if as_of is not None and (
            (since is not None and since > as_of) or (until is not None and until < as_of)
        ):
            continue
        rows.append({k: v for k, v in _link(rel).items() if k in _ACTOR_LINK_ROW})
    rows.sort(key=lambda row: order(row["id"]))
    return [stored_link(row) for row in rows]


def links_between(state: GraphState, source: str, target: str, kind: str) -> list[StoredLink]:
    rows = [_link(rel) for _, rel in state.between((ACTOR, source), kind, (ACTOR, target))]
    rows.sort(key=lambda row: order(row["id"]))
    return [stored_link(row) for row in rows]


def existing_links(state: GraphState, kind: str, ends: Iterable[tuple[str, str]]) -> list[Row]:
    found: list[Row] = []
    for source, target in ends:
        start, end = (ACTOR, source), (ACTOR, target)
        if state.get(*start) is None or state.get(*end) is None:
            continue
        for _, rel in state.between(start, kind, end):
            row = {"source": source, "target": target}
            row.update(
                columns(rel.props, ("id", "subkind", "since", "until", "sources", "statements"))
            )
            found.append(row)
    return found


def stream_links(state: GraphState) -> list[Row]:
    return [
        {k: v for k, v in _link(rel).items() if k in _LINK_ROW}
        for rel in state.rels.values()
        if rel.kind in COOPERATION and rel.start[0] == ACTOR and rel.end[0] == ACTOR
    ]


def links_by_ref(state: GraphState, refs: Iterable[LinkRef]) -> list[Row]:
    """The links named (id, type, ends) that exist, as :func:`stream_links` gives them."""
    found: list[Row] = []
    seen: set[int] = set()
    for ref in refs:
        for rid, rel in state.between((ACTOR, ref.source), ref.kind, (ACTOR, ref.target)):
            if rid not in seen and rel.props.get("id") == ref.id and rel.kind in COOPERATION:
                seen.add(rid)
                found.append({k: v for k, v in _link(rel).items() if k in _LINK_ROW})
    return found


# -- figures, territories ------------------------------------------------------------------
def counts(state: GraphState) -> dict[str, int]:
    result: dict[str, int] = {}
    labels: dict[str, int] = {}
    for kind in state.kinds.values():
        labels[kind] = labels.get(kind, 0) + 1
    for label in COUNTED:
        table = state.nodes.get(label)
        result[f"nodes.{label}"] = len(table) if table is not None else labels.get(label, 0)
    levels: dict[Any, int] = {}
    for props in state.nodes[TERRITORY].values():
        levels[props.get("level")] = levels.get(props.get("level"), 0) + 1
    for level in sorted(levels, key=order):
        result[f"territories.{level}"] = levels[level]
    kinds: dict[str, int] = {}
    for rel in state.rels.values():
        kinds[rel.kind] = kinds.get(rel.kind, 0) + 1
    for kind in sorted(kinds):
        result[f"links.{kind}"] = kinds[kind]
    return result


def territory_ancestors(state: GraphState, territory: str) -> list[TerritoryRef]:
    """``PART_OF*1..4``: every territory up to four steps above, once each, by id."""
    start = (TERRITORY, territory)
    if state.get(*start) is None:
        return []
    seen: set[str] = set()
    frontier = [start]
    for _ in range(4):
        nxt = []
        for ref in frontier:
            for _, rel in state.rels_out(ref):
                if rel.kind == "PART_OF" and rel.end[0] == TERRITORY:
                    nxt.append(rel.end)
                    seen.add(rel.end[1])
        frontier = nxt
    found = []
    for parent in sorted(seen):
        props = state.get(TERRITORY, parent) or {}
        level: Any = props.get("level")  # as the statement gives it (None when unset)
        name: Any = props.get("name")
        found.append(TerritoryRef(parent, level, name))
    return found


# -- records ---------------------------------------------------------------------------------
_CANDIDATE = (
    "id",
    "status",
    "score",
    "reasons",
    "format",
    "file_name",
    "line",
    "record_name",
    "record_alias",
    "record_commune",
    "actor",
)


def candidates(state: GraphState, status: str | None) -> list[CandidateRecord]:
    rows = [
        props
        for props in state.nodes["DuplicateCandidate"].values()
        if status is None or props.get("status") == status
    ]
    rows.sort(key=lambda p: (order(p.get("created_at")), order(p.get("id"))))
    records = []
    for props in rows:
        actor = state.get(ACTOR, props["actor"]) if props.get("actor") is not None else None
        record = columns(props, _CANDIDATE)
        record["actor_name"] = actor.get("name") if actor else None
        record["actor_commune"] = actor.get("commune") if actor else None
        record.update(columns(props, ("created_at", "decided_at", "decided_by", "note", "result")))
        records.append(CandidateRecord(**record))
    return records


def token(props: Props, *, stamps: bool = True) -> TokenRecord:
    return TokenRecord(
        id=str(props["id"]),
        name=str(props["name"]),
        role=str(props["role"]),
        created_at=props.get("created_at") if stamps else None,
        created_by=props.get("created_by") if stamps else None,
        revoked_at=props.get("revoked_at") if stamps else None,
    )
