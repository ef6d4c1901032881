"""What an import changed on the actors it matched, kept so that it can be undone per run and actor.

When a row joins an actor the graph already held (by key, by name or by a review decision),
every field the merge changes (name, legal form, identifiers, web, mail, description, seat) is
recorded once the batch is committed: the actor, the field, its value before and after, the run,
the source records that brought it. The record is an audit entry of the change log
(``Change`` kind ``edit``, operation :data:`OPERATION`, through the port's
:meth:`~graph_model.port.GraphStore.edit` and
:meth:`~graph_model.port.GraphEdit.record_change`), so it is listed with the actor's history
(:meth:`~graph_model.port.GraphStore.changes`).

:func:`revert` undoes one run on one actor, in one transaction: each field the run changed
goes back to its value before — unless it changed again since (a later run or an edit wins;
the field is listed as kept) — and the revert is recorded too (operation :data:`REVERTED`).

>>> diff({"name": "A", "website": None}, {"name": "A", "website": "https://a.example.org"})
{'website': [None, 'https://a.example.org']}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph_model.batch import GraphBatch
from graph_model.changes import ChangeRecord, detail
from graph_model.errors import NotFound
from graph_model.port import GraphStore, WriteContext
from graph_model.retry import retrying
from graph_model.stored import TerritoryLookup, actor_properties
from importers.merge import actor_from_props, rebuilt

#: the change log's operation of the fields an import changed, and of their revert
OPERATION = "import.fields"
REVERTED = "import.revert"
#: the fields recorded (a point, themes, areas and aliases only grow or follow the seat)
FIELDS = (
    "name", "legal_form", "level", "siren", "siret", "rna", "website", "email", "phone",
    "description", "commune",
)  # fmt: skip


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The recorded fields whose value differs: field → [before, after]."""
    return {
        name: [before.get(name), after.get(name)]
        for name in FIELDS
        if before.get(name) != after.get(name)
    }


@dataclass
class FieldChanges:
    """The changes of the batch being prepared, written once it is committed."""

    graph: GraphStore | None
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(
        self, actor_id: str, before: Mapping[str, Any], after: Mapping[str, Any], sources: list[str]
    ) -> None:
        changed = diff(before, after)
        if changed:
            self.pending[actor_id] = {"fields": changed, "sources": sorted(set(sources))}

    def flush(self, context: WriteContext) -> Any:
        """The callback that records this batch's changes (``None`` when there are none)."""
        taken, self.pending = self.pending, {}
        if not taken or self.graph is None or context.run is None:
            return None
        graph, run = self.graph, context.run

        def record() -> None:
            # the run's next batch may be committing at the same moment: a transient conflict
            # (both took the same sequence number) runs the whole transaction again
            retrying(lambda: _record(graph, run, context.by or "import", taken))

        return record


def _record(graph: GraphStore, run: str, by: str, taken: Mapping[str, Mapping[str, Any]]) -> None:
    """One transaction: the audit entries of one batch's field changes."""
    at = datetime.now(UTC)
    with graph.edit(WriteContext(run=run, at=at, by=by)) as tx:
        for n, (actor_id, change) in enumerate(sorted(taken.items())):
            tx.record_change(
                ChangeRecord(
                    id=f"fields-{run}-{actor_id}-{at.strftime('%H%M%S%f')}-{n}",
                    at=at,
                    by=by,
                    operation=OPERATION,
                    target=actor_id,
                    detail=detail(run=run, **change),
                    run=run,
                )
            )


@dataclass(frozen=True)
class Reverted:
    """What a revert did: the fields restored (field → [value now undone, value back]) and
    those kept because they changed again since the run."""

    actor: str
    run: str
    restored: dict[str, list[Any]]
    kept: dict[str, Any]


def run_changes(graph: GraphStore, actor_id: str, run_id: str) -> list[dict[str, list[Any]]]:
    """The fields one run changed on one actor, in the order they were written."""
    found = [
        json.loads(change.detail)
        for change in graph.changes(actor_id, 10_000)
        if change.operation == OPERATION and json.loads(change.detail).get("run") == run_id
    ]
    return [entry["fields"] for entry in reversed(found)]


def revert(
    graph: GraphStore,
    actor_id: str,
    run_id: str,
    *,
    territories: TerritoryLookup,
    by: str | None = None,
) -> Reverted:
    """Undo what ``run_id`` changed on ``actor_id`` (see the module docstring)."""
    changes = run_changes(graph, actor_id, run_id)
    if not changes:
        raise NotFound(f"run {run_id} changed no field of {actor_id}: nothing to revert")
    first: dict[str, Any] = {}  # each field's value before the run, after it
    last: dict[str, Any] = {}
    for fields in changes:
        for name, (before, after) in fields.items():
            first.setdefault(name, before)
            last[name] = after

    def attempt() -> Reverted:
        at = datetime.now(UTC)
        with graph.edit(WriteContext(at=at, by=by or "revert")) as tx:
            stored = tx.actors_by_id([actor_id]).get(actor_id)
            if stored is None:
                raise NotFound(f"no actor {actor_id}")
            restored = {n: [last[n], first[n]] for n in first if stored.props.get(n) == last[n]}
            kept = {n: stored.props.get(n) for n in first if n not in restored}
            if restored:
                actor = rebuilt(
                    actor_from_props(actor_id, stored.props), {n: v[1] for n, v in restored.items()}
                )
                props = actor_properties(actor, territories)
                batch = GraphBatch(WriteContext(at=at).stamp())
                located = "commune" in restored
                batch.add_actor(actor, props, [], located=located)
                tx.write(batch)
            tx.record_change(
                ChangeRecord(
                    id=f"revert-{run_id}-{actor_id}-{at.strftime('%Y%m%dT%H%M%S%f')}",
                    at=at,
                    by=by or "revert",
                    operation=REVERTED,
                    target=actor_id,
                    detail=detail(run=run_id, restored=restored, kept=kept),
                )
            )
        return Reverted(actor_id, run_id, restored, kept)

    return retrying(attempt)


def reverts_of(graph: GraphStore, actor_id: str) -> Iterable[dict[str, Any]]:
    """The reverts recorded for an actor, newest first."""
    for change in graph.changes(actor_id, 10_000):
        if change.operation == REVERTED:
            yield {"at": change.at, "by": change.by, **json.loads(change.detail)}
