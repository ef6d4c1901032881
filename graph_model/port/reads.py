"""What the port reads: actors, aliases, links, territories, import runs, candidates, tokens,
what the importers look up and the projection's pulls. None of these writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, Protocol

from graph_model.changes import LinkRef
from graph_model.model import LinkKind
from graph_model.port.records import (
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


class GraphReads(Protocol):
    """The port's reads of the graph."""

    def counts(self) -> dict[str, int]:
        """``nodes.<label>``, ``territories.<level>``, ``links.<type>`` → how many."""
        ...

    def meta_get(self, key: str) -> str | None: ...

    def actors_by_id(self, ids: Iterable[str]) -> dict[str, StoredActor]: ...

    def actor_kinds(self, ids: Iterable[str]) -> dict[str, str]: ...

    def resolve_keys(self, keys: Iterable[str]) -> dict[str, str]:
        """Alias key → actor id, for the keys that are known."""
        ...

    def aliases_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """Actor id → its alias keys."""
        ...

    def places_of(self, ids: Iterable[str]) -> list[ActorPlace]: ...

    def links_of_actors(self, ids: Iterable[str]) -> list[ActorLink]: ...

    def links_of_actor(self, actor_id: str, as_of: date | None = None) -> list[StoredLink]: ...

    def links_between(self, source: str, target: str, kind: LinkKind) -> list[StoredLink]: ...

    def territory_ancestors(self, territory_id: str) -> list[TerritoryRef]: ...

    def missing_territories(self, ids: Iterable[str]) -> set[str]: ...

    def import_runs(self, limit: int) -> list[ImportRunRecord]: ...

    def running_import_runs(self) -> list[ImportRunRecord]:
        """The runs whose status is still ``running``: going on now, or left by an import that
        was killed (the caller tells them apart by the pid and host they record)."""
        ...

    def candidates(self, status: str | None = "pending") -> list[CandidateRecord]: ...

    def candidate(self, candidate_id: str) -> dict[str, Any] | None:
        """Every stored property of a candidate (``None``: no such candidate)."""
        ...

    def candidates_by_id(self, ids: Iterable[str]) -> dict[str, CandidateState]: ...

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        """The active token with this hash."""
        ...

    def tokens(self) -> list[TokenRecord]: ...

    def name_index(self) -> Iterator[Row]:
        """Every actor's ``id, kind, name, commune, departement, siren, rna, website, email,
        phone``."""
        ...

    def actor_state(self, ids: Iterable[str]) -> dict[str, Row]:
        """What identity and the merge need of stored actors (``import_actor_state``'s
        columns), by id."""
        ...

    def actors_by_name(self, name_keys: Iterable[str]) -> list[Row]:
        """``key, id, name, kind, commune`` of actors whose folded name is one of the keys."""
        ...

    def existing_links(self, kind: LinkKind, ends: Iterable[tuple[str, str]]) -> list[Row]:
        """``source, target, id, subkind, since, until, sources`` of the links of ``kind``
        already joining these (source, target) pairs."""
        ...

    def themes_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]: ...

    def methods_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]: ...

    def methods_and_events(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Properties of the ``Method``/``Event`` nodes with these ids."""
        ...

    def stream_actors(self) -> Iterator[Row]:
        """Every actor as the projection reads it (``projection_actors``' columns)."""
        ...

    def stream_links(self) -> Iterator[Row]:
        """Every actor-to-actor link as the projection reads it."""
        ...

    def projection_actors_by_id(self, ids: Iterable[str]) -> list[Row]:
        """These actors as :meth:`stream_actors` gives them (the ones that exist)."""
        ...

    def projection_links_by_ref(self, refs: Iterable[LinkRef]) -> list[Row]:
        """These links as :meth:`stream_links` gives them (the ones that exist), found by their
        ends' ids."""
        ...
