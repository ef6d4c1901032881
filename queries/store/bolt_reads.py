"""The port's reads over Bolt (:class:`graph_model.port.GraphReads`): one catalogue statement a
read, its rows turned into the port's records (:mod:`queries.store.records`) once. Hot reads the
importers make many of (name index, actor state, existing links) return the statements' rows as
they come, since they hold no driver-specific values but the links' dates, converted in place."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from graph_model.changes import LinkRef
from graph_model.model import LinkKind
from graph_model.port import (
    ActorLink,
    ActorPlace,
    CandidateRecord,
    CandidateState,
    ImportRunRecord,
    Row,
    StoredActor,
    StoredLink,
    TerritoryRef,
    TokenRecord,
)
from queries.store.bolt_core import BoltCore
from queries.store.catalog import cypher
from queries.store.edit import actor_kinds, actors_by_id, links_between
from queries.store.records import (
    candidate_record,
    python_props,
    python_value,
    stored_link,
    token_record,
)


class BoltReads(BoltCore):
    """The port's reads over one :class:`~queries.store.adapter.Store`."""

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for row in self.store.read(cypher("count_nodes")):
            result[f"nodes.{row['label']}"] = int(row["n"])
        for row in self.store.read(cypher("count_territories")):
            result[f"territories.{row['level']}"] = int(row["n"])
        for row in self.store.read(cypher("count_links")):
            result[f"links.{row['kind']}"] = int(row["n"])
        return result

    def meta_get(self, key: str) -> str | None:
        rows = self.store.read(cypher("meta_get"), id=key)
        value = rows[0]["value"] if rows else None
        return None if value is None else str(value)

    def actors_by_id(self, ids: Iterable[str]) -> dict[str, StoredActor]:
        return actors_by_id(self.store.read, ids)

    def actor_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return actor_kinds(self.store.read, ids)

    def resolve_keys(self, keys: Iterable[str]) -> dict[str, str]:
        """One record of ``[key, actor]`` pairs (``aliases_resolve_pairs``): the driver reads it
        much faster than one record per key."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        rows = self.store.read(cypher("aliases_resolve_pairs"), keys=wanted)
        return dict(rows[0]["pairs"]) if rows else {}

    def aliases_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for row in self.store.read(cypher("aliases_of_actors"), ids=sorted(set(ids))):
            found[row["actor"]].append(str(row["key"]))
        return {actor: sorted(keys) for actor, keys in found.items()}

    def places_of(self, ids: Iterable[str]) -> list[ActorPlace]:
        rows = self.store.read(cypher("places_of_actors"), ids=sorted(set(ids)))
        return [ActorPlace(row["actor"], row["relation"], row["territory"]) for row in rows]

    def links_of_actors(self, ids: Iterable[str]) -> list[ActorLink]:
        rows = self.store.read(cypher("links_of_actors"), ids=list(dict.fromkeys(ids)))
        return [ActorLink(row["actor"], stored_link(row)) for row in rows]

    def links_of_actor(self, actor_id: str, as_of: date | None = None) -> list[StoredLink]:
        day = as_of.isoformat() if as_of is not None else None
        rows = self.store.read(cypher("links_of_actor"), id=actor_id, as_of=day)
        return [stored_link(row) for row in rows]

    def links_between(self, source: str, target: str, kind: LinkKind) -> list[StoredLink]:
        return links_between(self.store.read, source, target, kind)

    def territory_ancestors(self, territory_id: str) -> list[TerritoryRef]:
        rows = self.store.read(cypher("territory_ancestors"), id=territory_id)
        return [TerritoryRef(row["id"], row["level"], row["name"]) for row in rows]

    def missing_territories(self, ids: Iterable[str]) -> set[str]:
        rows = self.store.read(cypher("territories_missing"), ids=list(ids))
        return {row["id"] for row in rows}

    def import_runs(self, limit: int) -> list[ImportRunRecord]:
        rows = self.store.read(cypher("import_runs_list"), limit=limit)
        return [ImportRunRecord(str(row["id"]), python_props(row["props"])) for row in rows]

    def running_import_runs(self) -> list[ImportRunRecord]:
        rows = self.store.read(cypher("import_runs_running"))
        return [ImportRunRecord(str(row["id"]), python_props(row["props"])) for row in rows]

    def candidates(self, status: str | None = "pending") -> list[CandidateRecord]:
        return [
            candidate_record(r) for r in self.store.read(cypher("candidates_list"), status=status)
        ]

    def candidate(self, candidate_id: str) -> dict[str, Any] | None:
        rows = self.store.read(cypher("candidate_get"), id=candidate_id)
        return python_props(rows[0]["props"]) if rows else None

    def candidates_by_id(self, ids: Iterable[str]) -> dict[str, CandidateState]:
        rows = self.store.read(cypher("candidates_by_id"), ids=list(ids))
        return {
            row["id"]: CandidateState(row["id"], row["status"], row["actor"], row["payload_hash"])
            for row in rows
        }

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        rows = self.store.read(cypher("token_by_hash"), hash=token_hash)
        return token_record(rows[0]) if rows else None

    def tokens(self) -> list[TokenRecord]:
        return [token_record(row) for row in self.store.read(cypher("tokens_list"))]

    def name_index(self) -> Iterator[Row]:
        return self.store.read_stream(cypher("actor_name_index"))

    def actor_state(self, ids: Iterable[str]) -> dict[str, Row]:
        return {row["id"]: row for row in self.store.read(cypher("actor_state"), ids=list(ids))}

    def actors_by_name(self, name_keys: Iterable[str]) -> list[Row]:
        return self.store.read(cypher("actors_by_name"), keys=sorted(set(name_keys)))

    def existing_links(self, kind: LinkKind, ends: Iterable[tuple[str, str]]) -> list[Row]:
        rows = [{"source": s, "target": t} for s, t in ends]
        found = self.store.read(cypher("links_joining", link=kind), rows=rows)
        for row in found:
            row["since"] = python_value(row["since"])
            row["until"] = python_value(row["until"])
        return found

    def themes_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self.store.read(cypher("themes_by_id"), ids=list(ids))
        return {row["id"]: python_props(row["props"]) for row in rows}

    def methods_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self.store.read(cypher("methods_by_id"), ids=list(ids))
        return {row["id"]: python_props(row["props"]) for row in rows}

    def methods_and_events(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self.store.read(cypher("methods_and_events_by_id"), ids=list(ids))
        return {row["id"]: python_props(row["props"]) for row in rows}

    def stream_actors(self) -> Iterator[Row]:
        return self.store.read_stream(cypher("projection_actors"))

    def stream_links(self) -> Iterator[Row]:
        """Dates become ``date`` here, as everywhere the port answers (most links have none)."""
        for row in self.store.read_stream(cypher("projection_links")):
            yield _dated(row)

    def projection_actors_by_id(self, ids: Iterable[str]) -> list[Row]:
        wanted = sorted(set(ids))
        return self.store.read(cypher("projection_actors_by_id"), ids=wanted) if wanted else []

    def projection_links_by_ref(self, refs: Iterable[LinkRef]) -> list[Row]:
        by_kind: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
        for ref in refs:
            by_kind[ref.kind][ref.id] = {"id": ref.id, "source": ref.source, "target": ref.target}
        found: list[Row] = []
        for kind, rows in sorted(by_kind.items()):
            statement = cypher("projection_links_by_ref", link=LinkKind(kind))
            found.extend(
                _dated(row) for row in self.store.read(statement, rows=list(rows.values()))
            )
        return found


def _dated(row: Row) -> Row:
    """A projection link row with its dates as ``date`` (most links have none)."""
    since, until = row["since"], row["until"]
    if since is not None:
        row["since"] = python_value(since)
    if until is not None:
        row["until"] = python_value(until)
    return row
