"""Actors as answers show them (:class:`ActorRef`), and the resolution of an actor given by id
or by name.

A reference is an actor id, or an exact name with accents and case ignored; a name several
actors share is refused with the candidates (:class:`~graph_model.errors.AmbiguousReference`),
never guessed. Both indexes (the refs, the folded names) are made once per projection.

>>> from queries.analytics.example import example_projection
>>> p = example_projection()
>>> resolve_actor(p, "Collectif Lyonnais", field="source")
'org-collectif'
>>> resolve_actor(p, "org-nobody", field="target")
Traceback (most recent call last):
...
graph_model.errors.NotFound: target: no actor 'org-nobody' (give an actor id or its exact name)
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_model.errors import AmbiguousReference, NotFound, ValidationError
from graph_model.i18n import _
from graph_model.identifiers import fold
from queries.analytics.layered import GONE, layered
from queries.projection import Projection

if TYPE_CHECKING:
    from queries.deltas import Applied


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor as answers show it: id, name, kind and where it sits."""

    id: str
    name: str
    kind: str
    level: str | None
    commune: str | None
    departement: str | None
    region: str | None


#: refs carried to the next projection when actors change, at most (beyond: made again)
REFS_CARRIED = 4_096


def _ref_memo(_: Projection) -> dict[str, ActorRef]:
    return {}


def _carry_refs(memo: dict[str, ActorRef], applied: Applied) -> dict[str, ActorRef]:
    """The refs made so far, but those of the actors the change touched (made again when
    asked)."""
    if not applied.actors:
        return memo  # no actor changed: both projections may share (and fill) one memo
    if len(memo) > REFS_CARRIED:
        return {}  # a ref is cheap to make again: copying them all is not
    carried = dict(memo)
    for actor in applied.actors:
        carried.pop(actor, None)
    return carried


def actor_ref(projection: Projection, actor_id: str) -> ActorRef:
    """The :class:`ActorRef` of an actor (made once per projection: answers share them)."""
    memo = projection.derived("actor_refs", _ref_memo, _carry_refs)
    ref = memo.get(actor_id)
    if ref is None:
        attrs = projection.graph._node[actor_id]
        ref = ActorRef(
            id=actor_id,
            name=attrs["name"],
            kind=attrs["kind"],
            level=attrs["level"],
            commune=attrs["commune"],
            departement=attrs["departement"],
            region=attrs["region"],
        )
        memo[actor_id] = ref
    return ref


def _names(projection: Projection) -> Mapping[str, list[str]]:
    index: defaultdict[str, list[str]] = defaultdict(list)
    for actor_id, name in projection.graph.nodes(data="name"):
        index[fold(name)].append(actor_id)
    return dict(index)


def _carry_names(index: Mapping[str, list[str]], applied: Applied) -> Mapping[str, list[str]]:
    """The folded names after a change: only the names an actor lost or took are made again
    (each list in id order, as a build gives), laid over the old index
    (:class:`~queries.analytics.layered.Layered`)."""
    changes: dict[str, Any] = {}

    def holders(name: str) -> list[str]:
        found = changes.get(name)
        return list(index.get(name, ()) if found is None else () if found is GONE else found)

    for actor, (before, after) in applied.actors.items():
        old = fold(before["name"]) if before is not None else None
        new = fold(after["name"]) if after is not None else None
        if old == new:
            continue
        if old is not None:
            changes[old] = [a for a in holders(old) if a != actor] or GONE
        if new is not None:
            bearing = holders(new)
            bisect.insort(bearing, actor)
            changes[new] = bearing
    return layered(index).changed(changes) if changes else index


def name_index(projection: Projection) -> Mapping[str, list[str]]:
    """Folded name -> the actors bearing it (id order), once per projection and carried along
    the live graph's changes."""
    return projection.derived("names", _names, _carry_names)


def resolve_actor(projection: Projection, reference: str, *, field: str) -> str:
    """The id of the actor ``reference`` names: an id, or an exact name (accents and case
    ignored). Raises :class:`NotFound` or :class:`AmbiguousReference`, naming ``field``."""
    if not isinstance(reference, str) or not reference.strip():
        raise ValidationError(_("{field}: give an actor id or name", field=field), field=field)
    if reference in projection.graph:
        return reference
    matches = name_index(projection).get(fold(reference), [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        candidates = [(m, projection.graph.nodes[m]["name"]) for m in sorted(matches)]
        raise AmbiguousReference(reference, candidates)
    raise NotFound(
        _(
            "{field}: no actor {reference!r} (give an actor id or its exact name)",
            field=field,
            reference=reference,
        )
    )
