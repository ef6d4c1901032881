"""Explanations: every hop of a path with the links it uses (kind, direction, dates, sources),
and, when no path is found, which constraints lifted alone would let one through and the
sentence that says so."""

from __future__ import annotations

import dataclasses
from itertools import pairwise
from typing import Any

from graph_model.i18n import _, ngettext
from queries.analytics.actors import ActorRef, actor_ref
from queries.analytics.links import parse_source
from queries.analytics.paths.answers import CooperationPath, Hop, LinkStep, PathConstraints
from queries.analytics.paths.question import Question, make_question
from queries.projection import Projection


def explain_hop(projection: Projection, u: str, v: str, question: Question) -> Hop:
    steps = []
    graph = projection.graph
    for adjacency, direction in ((graph._succ, "forward"), (graph._pred, "backward")):
        for link_id, attrs in adjacency[u].get(v, {}).items():
            if question.link_ok(attrs):
                steps.append(
                    LinkStep(
                        id=link_id,
                        kind=attrs["kind"],
                        subkind=attrs["subkind"],
                        direction=direction,  # type: ignore[arg-type]
                        since=attrs["since"],
                        until=attrs["until"],
                        sources=tuple(parse_source(s) for s in attrs["sources"]),
                    )
                )
    steps.sort(key=lambda s: (s.kind, s.id))
    return Hop(
        source=actor_ref(projection, u),
        target=actor_ref(projection, v),
        links=tuple(steps),
        cost=round(question.hop_cost(u, v), 9),
    )


def explain_path(
    projection: Projection, question: Question, cost: float, path: list[str]
) -> CooperationPath:
    hops = tuple(explain_hop(projection, u, v, question) for u, v in pairwise(path))
    return CooperationPath(
        actors=tuple(actor_ref(projection, a) for a in path),
        hops=hops,
        cost=round(cost, 9),
    )


#: each constraint and its lifted value
_RELAXED: dict[str, Any] = {
    "max_hops": None,
    "kinds": None,
    "as_of": None,
    "avoid": (),
    "avoid_kinds": (),
}


def blocking_constraints(
    projection: Projection, constraints: PathConstraints, source: str, target: str
) -> tuple[str, ...]:
    """The constraints that, lifted alone, let a path through."""
    active = [name for name in _RELAXED if getattr(constraints, name) not in (None, ())]
    if not active:
        return ()
    if len(active) > 1:  # first: are the two connected at all? (often the quick answer: no)
        free = dataclasses.replace(constraints, **{name: _RELAXED[name] for name in active})
        if make_question(projection, free, source, target).search(source, target) is None:
            return ()
    blocking = []
    for name in active:
        relaxed = dataclasses.replace(constraints, **{name: _RELAXED[name]})
        if make_question(projection, relaxed, source, target).search(source, target) is not None:
            blocking.append(name)
    return tuple(blocking)


def found_text(
    source: ActorRef, target: ActorRef, constraints: PathConstraints, paths: int, best: int
) -> str:
    """The sentence of an answer with paths: how many, the best's length, the constraints."""
    text = ngettext(
        "{n} path from {source} to {target}; the best has {hops}",
        "{n} paths from {source} to {target}; the best has {hops}",
        paths,
        source=source.name,
        target=target.name,
        hops=ngettext("{n} hop", "{n} hops", best),
    )
    described = constraints.describe()
    return f"{text} ({described})." if described else f"{text}."


def no_path_text(
    source: ActorRef,
    target: ActorRef,
    constraints: PathConstraints,
    blocking: tuple[str, ...],
    *,
    without_links: tuple[ActorRef, ...] = (),
) -> str:
    """Why there is no path, in the user's language: an end without any cooperation link (the
    usual reason on a fresh member list), else the constraints that, lifted alone, give one, else
    that the two are not connected."""
    described = constraints.describe()
    text = _(
        "No cooperation path from {source} ({source_id}) to {target} ({target_id})",
        source=source.name,
        source_id=source.id,
        target=target.name,
        target_id=target.id,
    )
    text += f" {described}." if described else "."
    if without_links:
        for end in without_links:
            text += " " + _(
                "{name} ({id}) has no cooperation link at all: no path can reach it; add its "
                "links (maillage import links, or the linkActors mutation).",
                name=end.name,
                id=end.id,
            )
    elif blocking:
        text += " " + _(
            "Lifting {constraints} alone gives a path.", constraints=_(" or ").join(blocking)
        )
    elif described:
        text += " " + _(
            "No single constraint explains it: lift several, or the two are not connected."
        )
    else:
        text += " " + _("They are not connected in the cooperation graph.")
    return text
