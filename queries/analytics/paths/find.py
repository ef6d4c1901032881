"""Answering a path question: :func:`find_paths` for a built :class:`PathQuery`, and
:func:`cooperation_paths`, the same from plain options."""

from __future__ import annotations

from typing import Unpack

from graph_model.errors import ValidationError
from queries.analytics.actors import actor_ref, resolve_actor
from queries.analytics.paths.alternatives import k_shortest
from queries.analytics.paths.answers import PathAnswer, PathConstraints
from queries.analytics.paths.explanations import (
    blocking_constraints,
    explain_path,
    found_text,
    no_path_text,
)
from queries.analytics.paths.query import SEARCH_LIMITS, PathOptions, PathQuery
from queries.analytics.paths.question import make_question
from queries.projection import Projection


def cooperation_paths(
    projection: Projection, source: str, target: str, **options: Unpack[PathOptions]
) -> PathAnswer:
    """Cooperation paths from ``source`` to ``target`` (ids or exact names): the options
    are those of :meth:`PathQuery.build`, declared there once.

    Parameters
    ----------
    projection : Projection
        The cooperation graph.
    source, target : str
        The two actors.
    weighted : bool
        Cheapest paths by the documented weight instead of fewest hops.
    max_hops : int, optional
        At most this many hops (1 to 12).
    kinds : iterable of str, optional
        Link kinds a path may use (default: all cooperation links).
    as_of : date or str, optional
        Use only links valid on that day (``YYYY-MM-DD``).
    avoid : iterable of str
        Actors (ids or names) a path may not go through.
    avoid_kinds : iterable of str
        Actor kinds a path may not go through: ``"AdvocacyBody"``, ``"AdvocacyBody:national"``.
        The two ends are never avoided.
    k : int
        How many alternatives (the k shortest simple paths, 1 to 20).
    limits : PathLimits
        What the options are checked against (default: the searches' own bounds,
        :data:`SEARCH_LIMITS`; the CLI and the API pass the product's, :data:`PATH_LIMITS`).
        Given here, it is handed to :meth:`PathQuery.build`.

    Returns
    -------
    PathAnswer
        Paths best first; when none, an explanation naming the constraints.

    Raises
    ------
    NotFound, AmbiguousReference
        An unknown or ambiguous actor (``source``, ``target``, ``avoid``).
    ValidationError
        A parameter out of range or malformed; ``field`` names it.

    Examples
    --------
    >>> from queries.analytics.example import example_projection
    >>> p = example_projection()
    >>> cooperation_paths(p, "org-collectif", "org-marseille", as_of="2019-06-01").paths[0].length
    4
    >>> cooperation_paths(p, "org-collectif", "org-marseille", max_hops=0)
    Traceback (most recent call last):
    ...
    graph_model.errors.ValidationError: max_hops: 0 is out of range (an integer from 1 to 12)
    """
    if options.get("limits") is None:
        options["limits"] = SEARCH_LIMITS
    return find_paths(projection, PathQuery.build(source, target, **options))


def find_paths(projection: Projection, query: PathQuery) -> PathAnswer:
    """The answer to a built :class:`PathQuery`: its actors resolved (``source``, ``target``,
    ``avoid``; raising :class:`~graph_model.errors.NotFound` or
    :class:`~graph_model.errors.AmbiguousReference` naming them), then the search."""
    source_id = resolve_actor(projection, query.source, field="source")
    target_id = resolve_actor(projection, query.target, field="target")
    if source_id == target_id:
        raise ValidationError("target: it is the same actor as source", field="target")
    avoided = tuple(sorted({resolve_actor(projection, a, field="avoid") for a in query.avoid}))
    if source_id in avoided or target_id in avoided:
        raise ValidationError("avoid: a path cannot avoid its own source or target", field="avoid")
    constraints = PathConstraints(
        weighted=query.weighted,
        max_hops=query.max_hops,
        kinds=query.kinds,
        as_of=query.as_of,
        avoid=avoided,
        avoid_kinds=query.avoid_kinds,
        k=query.k,
    )
    question = make_question(projection, constraints, source_id, target_id)
    if constraints.k > 1:
        found = k_shortest(question, source_id, target_id, constraints.k)
    else:
        one = question.search(source_id, target_id)
        found = [] if one is None else [one]
    found.sort(key=lambda item: (round(item[0], 9), len(item[1]), item[1]))
    source_ref, target_ref = actor_ref(projection, source_id), actor_ref(projection, target_id)
    if found:
        paths = tuple(explain_path(projection, question, cost, path) for cost, path in found)
        return PathAnswer(
            source=source_ref,
            target=target_ref,
            constraints=constraints,
            paths=paths,
            explanation=found_text(
                source_ref, target_ref, constraints, len(paths), paths[0].length
            ),
            blocking=(),
        )
    blocking = blocking_constraints(projection, constraints, source_id, target_id)
    return PathAnswer(
        source=source_ref,
        target=target_ref,
        constraints=constraints,
        paths=(),
        explanation=no_path_text(
            source_ref,
            target_ref,
            constraints,
            blocking,
            without_links=tuple(
                ref for ref in (source_ref, target_ref) if projection.graph.degree(ref.id) == 0
            ),
        ),
        blocking=blocking,
    )
