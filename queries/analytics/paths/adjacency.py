"""Each actor's distinct neighbours, either link direction, in canonical order: the index the
path searches walk and the link columns are laid out by (:mod:`.columns`), built once per
projection and carried along the live graph's changes."""

from __future__ import annotations

from typing import Any

from queries.projection import Projection


def all_neighbours(projection: Projection) -> dict[str, tuple[str, ...]]:
    """Each actor's distinct neighbours, either link direction, in canonical order: its
    successors in their order, then its other predecessors in theirs."""
    succ, pred = projection.graph._succ, projection.graph._pred
    return {u: tuple(dict.fromkeys([*succ[u], *pred[u]])) for u in succ}


def neighbour_index(projection: Projection) -> dict[str, tuple[str, ...]]:
    return projection.derived("neighbours", all_neighbours, carry_neighbours)


def carry_neighbours(
    neighbours: dict[str, tuple[str, ...]], applied: Any
) -> dict[str, tuple[str, ...]]:
    """The neighbour index of ``applied.new``: the actors touched worked out again, the others
    shared (the dict is copied at C speed, as the graph's own dicts are by the delta)."""
    graph = applied.new.graph
    succ, pred = graph._succ, graph._pred
    carried = dict(neighbours)
    for actor in applied.touched:
        if actor in succ:
            carried[actor] = tuple(dict.fromkeys([*succ[actor], *pred[actor]]))
        else:
            carried.pop(actor, None)
    return carried
