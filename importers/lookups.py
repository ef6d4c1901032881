"""Everything an import reads of the graph, one small function a read.

Identity (step 3) looks records up by key and by name and reads the actors they join; the other
steps read a little too (which territories, themes and candidates exist; the links a dry run
compares with). Every read goes through :class:`Lookups`, each method one operation of the store
port (:class:`graph_model.port.GraphStore`), shaped as the steps use it. Without a graph (a dry
run without a store) every lookup finds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graph_model.model import LinkKind
from graph_model.port import CandidateState, GraphStore, Row
from importers.names import Match


@dataclass(frozen=True)
class Judgements:
    """Review decisions, by the source alias of the record decided: the actor it was judged
    to be (``same``), the actors it was judged not to be (``different``); and the questions
    still open (``pending``: the actor it was held against, the score and reasons given)."""

    same: dict[str, str]
    different: dict[str, frozenset[str]]
    pending: dict[str, Match] = field(default_factory=dict)


class Lookups:
    """The import's reads of one graph (or of none)."""

    def __init__(self, graph: GraphStore | None) -> None:
        self._graph = graph

    @property
    def connected(self) -> bool:
        return self._graph is not None

    @property
    def graph(self) -> GraphStore | None:
        """The graph read (the steps that record something besides the batches write to it:
        :mod:`importers.field_changes`)."""
        return self._graph

    def name_index(self) -> Iterator[Row]:
        """Every actor as the name index keeps it (id, kind, name, places, identifiers,
        web and mail), streamed."""
        if self._graph is None:
            return iter(())
        return self._graph.name_index()

    def aliases(self, keys: Iterable[str]) -> dict[str, str]:
        """Stored aliases: key → actor id."""
        wanted = sorted(set(keys))
        if not wanted or self._graph is None:
            return {}
        return self._graph.resolve_keys(wanted)

    def actor_state(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored properties of actors (the fields the merge needs), by id."""
        wanted = sorted(set(ids))
        if not wanted or self._graph is None:
            return {}
        rows = self._graph.actor_state(wanted)
        return {key: {k: v for k, v in row.items() if v is not None} for key, row in rows.items()}

    def actors_named(self, names: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
        """Folded names → (id, name, kind) of the actors so named."""
        by_name: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        wanted = sorted(set(names))
        if self._graph is not None and wanted:
            for row in self._graph.actors_by_name(wanted):
                by_name[row["key"]].append((row["id"], row["name"], row["kind"]))
        return by_name

    def missing_territories(self, ids: list[str]) -> set[str]:
        """Those of the territories that the graph does not hold yet."""
        if self._graph is None:
            return set()
        return self._graph.missing_territories(ids)

    def candidates(self, ids: list[str]) -> dict[str, CandidateState]:
        """Duplicate candidates already held, by id (status, actor, payload hash)."""
        if self._graph is None:
            return {}
        return self._graph.candidates_by_id(ids)

    def themes(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Stored properties of themes, by id."""
        if self._graph is None:
            return {}
        return self._graph.themes_by_id(ids)

    def nodes(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Stored properties of the movement dataset's other nodes (methods, events), by id."""
        if self._graph is None or not ids:
            return {}
        return self._graph.methods_and_events(ids)

    def links(self, kind: LinkKind, ends: list[tuple[str, str]]) -> list[Row]:
        """The links of one type joining the given ends (``(source, target)`` pairs)."""
        if self._graph is None:
            return []
        return self._graph.existing_links(kind, ends)

    def judgements(self) -> Judgements:
        """Every review decision kept on the graph's duplicate candidates: a record judged
        the same as an actor joins it again; one judged not the same is never proposed (or
        merged) with that actor again, whatever the run; one still awaiting a decision is
        held again against the same actor (a resumed or repeated run does not decide it
        differently because the graph grew meanwhile)."""
        same: dict[str, str] = {}
        different: dict[str, set[str]] = defaultdict(set)
        pending: dict[str, Match] = {}
        if self._graph is None:
            return Judgements({}, {})
        for status in ("accepted", "rejected", "pending"):
            for candidate in self._graph.candidates(status):
                if status == "accepted":
                    same[candidate.record_alias] = candidate.result or candidate.actor
                elif status == "rejected":
                    different[candidate.record_alias].add(candidate.actor)
                else:
                    pending[candidate.record_alias] = Match(
                        candidate.actor,
                        candidate.actor_name or candidate.actor,
                        candidate.score,
                        candidate.reasons,
                    )
        return Judgements(same, {k: frozenset(v) for k, v in different.items()}, pending)
