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

from collections import defaultdict
from dataclasses import dataclass

from graph_model.errors import AmbiguousReference, NotFound, ValidationError
from graph_model.identifiers import fold
from queries.projection import Projection


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


def _ref_memo(_: Projection) -> dict[str, ActorRef]:
    return {}


def actor_ref(projection: Projection, actor_id: str) -> ActorRef:
    """The :class:`ActorRef` of an actor (made once per projection: answers share them)."""
    memo = projection.derived("actor_refs", _ref_memo)
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


def _names(projection: Projection) -> dict[str, list[str]]:
    index: defaultdict[str, list[str]] = defaultdict(list)
    for actor_id, name in projection.graph.nodes(data="name"):
        index[fold(name)].append(actor_id)
    return dict(index)


def resolve_actor(projection: Projection, reference: str, *, field: str) -> str:
    """The id of the actor ``reference`` names: an id, or an exact name (accents and case
    ignored). Raises :class:`NotFound` or :class:`AmbiguousReference`, naming ``field``."""
    if not isinstance(reference, str) or not reference.strip():
        raise ValidationError(f"{field}: give an actor id or name", field=field)
    if reference in projection.graph:
        return reference
    matches = projection.derived("names", _names).get(fold(reference), [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        candidates = [(m, projection.graph.nodes[m]["name"]) for m in sorted(matches)]
        raise AmbiguousReference(reference, candidates)
    raise NotFound(f"{field}: no actor {reference!r} (give an actor id or its exact name)")
