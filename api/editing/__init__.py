"""Edits through the API: create or update an actor, record, end or remove a link.

Each operation is **one transaction** (:meth:`graph_model.port.GraphStore.edit`): its checks,
its writes and its ``Change`` record (who, when, what) commit together or not at all, so a
mutation interrupted by a store outage leaves no half-written actor or link. Expected failures
raise the project's errors (:class:`~graph_model.errors.ValidationError`,
:class:`~graph_model.errors.NotFound`) or the two of this module
(:class:`KindChangeRefused`, :class:`DuplicateLink`, :class:`LinkNotFound`); the GraphQL layer
turns them into typed results.

These functions are synchronous (they run in a worker thread) and reach the graph through the
port only: actors and links are written by the one write path of each
(:class:`~graph_model.batch.GraphBatch`), the importers' as well.

Concurrent identical edits tell every client the same truth. Edits of the same actor, or of
the links between the same two actors, take the same lock of this process (:func:`_once`),
so the second sees what the first wrote: one ``linkActors`` creates the link, the identical
ones answer ``DuplicateLink`` naming it (as a repeated call does); one ``upsertActor`` creates
the actor, the identical ones update it. A transaction the store refuses for a transient
conflict runs again (:func:`graph_model.retry.retrying`), and a create that meets the actor
created meanwhile by another process is resolved again and becomes an update.

Each audit entry says what changed: ``before`` and ``after`` in its detail, read from the
stored actor or link in the same transaction (the fields that changed only), so that the
history can show it and :mod:`api.history` can revert it. A network editor
(:attr:`Author.network`) edits that network and the actors that are its members only
(:func:`check_scope`, in the transaction).
"""

from api.editing.actors import (
    _ACTOR_FIELDS,
    REVERTIBLE,
    _check_places,
    _resolve_id,
    actor_diff,
    upsert_actor,
    upsert_in,
)
from api.editing.common import (
    Author,
    Change,
    DuplicateLink,
    KindChangeRefused,
    LinkNotFound,
    OutsideNetwork,
    _change,
    _context,
    _once,
    _plain,
    check_id,
    check_scope,
    check_source,
    in_network,
)
from api.editing.links import _overlaps, link_actors, link_in, link_state, unlink_actors

__all__ = [
    "REVERTIBLE",
    "_ACTOR_FIELDS",
    "Author",
    "Change",
    "DuplicateLink",
    "KindChangeRefused",
    "LinkNotFound",
    "OutsideNetwork",
    "_change",
    "_check_places",
    "_context",
    "_once",
    "_overlaps",
    "_plain",
    "_resolve_id",
    "actor_diff",
    "check_id",
    "check_scope",
    "check_source",
    "in_network",
    "link_actors",
    "link_in",
    "link_state",
    "unlink_actors",
    "upsert_actor",
    "upsert_in",
]
