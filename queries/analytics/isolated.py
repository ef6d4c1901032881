"""Isolated actors: the actors of a scope without any cooperation link (valid on ``as_of`` if
given); with ``within_scope=True``, without any link to another actor of the scope.

>>> from queries.analytics.example import example_projection
>>> [a.id for a in isolated_actors(example_projection()).actors]
['org-seule']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from queries.analytics.actors import ActorRef, actor_ref
from queries.analytics.checks import parse_day
from queries.analytics.links import valid_on
from queries.analytics.scope import KnownCodes, Scope, select
from queries.projection import Projection


@dataclass(frozen=True, slots=True)
class IsolatedActors:
    scope: str
    as_of: date | None
    within_scope: bool
    actors: tuple[ActorRef, ...]


def isolated_actors(
    projection: Projection,
    scope: str | Sequence[str] | Scope | None = None,
    *,
    as_of: date | str | None = None,
    within_scope: bool = False,
    known_codes: KnownCodes | None = None,
) -> IsolatedActors:
    """Actors of ``scope`` without a cooperation link (see the module docstring), by id.

    >>> from queries.analytics.example import example_projection
    >>> p = example_projection()
    >>> [a.id for a in isolated_actors(p, "13", within_scope=True,
    ...                                known_codes={"departement": {"13"}}).actors]
    []
    >>> [a.id for a in isolated_actors(p, as_of="2013-01-01").actors][:3]
    ['ab-ess-france', 'org-collectif', 'org-marseille']
    """
    day = parse_day(as_of, field="as_of")
    selection = select(projection, scope, known_codes=known_codes)
    graph = projection.graph
    succ, pred = graph._succ, graph._pred  # the raw dicts: this scans every actor
    found = []
    for actor in graph if selection.actors is None else sorted(selection.actors):
        linked = False
        for adjacency in (succ[actor], pred[actor]):
            for other, links in adjacency.items():
                if within_scope and other not in selection:
                    continue
                if day is None or any(valid_on(d, day) for d in links.values()):
                    linked = True
                    break
            if linked:
                break
        if not linked:
            found.append(actor_ref(projection, actor))
    return IsolatedActors(
        scope=selection.scope.label, as_of=day, within_scope=within_scope, actors=tuple(found)
    )
