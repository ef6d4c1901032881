"""Everything an import reads of the graph, one small function a read.

Identity (step 3) looks records up by key and by name and reads the actors they join; the other
steps read a little too (which territories, themes and candidates exist; the links a dry run
compares with). Every read goes through :class:`Lookups`, and each method is one statement of
the catalogue, so that the store behind it can be swapped for another door in one place. Without
a store (a dry run without a graph) every lookup finds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from graph_model.model import LinkKind
from queries.store import Store, cypher

Row = dict[str, Any]


class Lookups:
    """The import's reads of one store (or of none)."""

    def __init__(self, store: Store | None) -> None:
        self._store = store

    @property
    def connected(self) -> bool:
        return self._store is not None

    def name_index(self) -> Iterator[Row]:
        """Every actor as the name index keeps it (id, kind, name, places, identifiers,
        web and mail), streamed."""
        if self._store is None:
            return iter(())
        return self._store.read_stream(cypher("import_name_index"))

    def aliases(self, keys: Iterable[str]) -> dict[str, str]:
        """Stored aliases: key → actor id."""
        wanted = sorted(set(keys))
        if not wanted or self._store is None:
            return {}
        rows = self._store.read(cypher("import_resolve_aliases"), keys=wanted)
        return dict(rows[0]["pairs"]) if rows else {}

    def actor_state(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored properties of actors (the fields the merge needs), by id."""
        wanted = sorted(set(ids))
        if not wanted or self._store is None:
            return {}
        rows = self._store.read(cypher("import_actor_state"), ids=wanted)
        return {row["id"]: {k: v for k, v in row.items() if v is not None} for row in rows}

    def actors_named(self, names: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
        """Folded names → (id, name, kind) of the actors so named."""
        by_name: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        wanted = sorted(set(names))
        if self._store is not None and wanted:
            for row in self._store.read(cypher("import_actors_by_name"), keys=wanted):
                by_name[row["key"]].append((row["id"], row["name"], row["kind"]))
        return by_name

    def missing_territories(self, ids: list[str]) -> set[str]:
        """Those of the territories that the graph does not hold yet."""
        if self._store is None:
            return set()
        rows = self._store.read(cypher("import_missing_territories"), ids=ids)
        return {row["id"] for row in rows}

    def candidates(self, ids: list[str]) -> dict[str, Row]:
        """Duplicate candidates already held, by id (status, actor, payload hash)."""
        if self._store is None:
            return {}
        rows = self._store.read(cypher("review_candidates_by_id"), ids=ids)
        return {row["id"]: row for row in rows}

    def themes(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Stored properties of themes, by id."""
        if self._store is None:
            return {}
        rows = self._store.read(cypher("import_existing_themes"), ids=ids)
        return {row["id"]: row["props"] for row in rows}

    def nodes(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Stored properties of the movement dataset's other nodes (methods, events), by id."""
        if self._store is None or not ids:
            return {}
        rows = self._store.read(cypher("movement_existing_nodes"), ids=ids)
        return {row["id"]: row["props"] for row in rows}

    def links(self, kind: LinkKind, ends: list[dict[str, str]]) -> list[Row]:
        """The links of one type joining the given ends (``{source, target}`` rows)."""
        if self._store is None:
            return []
        return self._store.read(cypher("import_existing_links", link=kind), rows=ends)
