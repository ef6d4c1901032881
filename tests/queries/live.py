"""Random writes through the port, for the tests that check a derived index carried along the
live graph (:mod:`queries.deltas`) equals the one a build gives on the rebuilt projection.

The movement is small but varied where the indexes look: kinds (a network members join, a
project carried), names sharing words (search, exact names), communes in three régions with
arrondissements (territory lists, scopes), themes and methods (peers, listing), dated links of
every kind an index reads (``MEMBER_OF``, ``CARRIES``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from typing import Any
from unittest import mock

from hypothesis import strategies as st

from graph_model.model import Actor, ActorKind, Link, LinkKind
from graph_model.port import GraphStore, WriteContext
from graph_model.stored import TerritoryLookup, territory_lookup
from graph_model.territories import load_reference
from queries.deltas import follow
from queries.projection import Projection, build_projection
from queries.store.memory import MemoryGraph

CTX = WriteContext(run="run-live", by="tests")
IDS = [f"org-{n:02d}" for n in range(12)]
#: Lyon and Villeurbanne (one EPCI), a Lyon and a Paris arrondissement, Marseille, Caen, none
COMMUNES = ("69123", "69266", "69381", "75101", "13055", "14118", None)
KINDS = (ActorKind.ORGANISATION, ActorKind.NETWORK, ActorKind.PROJECT)
LINK_KINDS = (LinkKind.MEMBER_OF, LinkKind.COOPERATES_WITH, LinkKind.CARRIES, LinkKind.SUPPORTS)
WORDS = ("solidaire", "jardin", "atelier", "reseau", "economie", "lien", "velo", "cafe")
THEMES = ("alimentation", "mobilite", "reemploi", "habitat")
METHODS = ("vises", "sroi", "ecocarte")


def make_actor(n: int, variant: int) -> Actor:
    """Actor ``n`` in its ``variant``-th state: its name, place, themes and methods move with
    the variant (its kind is fixed at creation)."""
    commune = COMMUNES[variant % len(COMMUNES)]
    return Actor(
        id=IDS[n],
        kind=KINDS[n % len(KINDS)],  # a kind is fixed at creation
        name=f"{WORDS[variant % len(WORDS)]} {WORDS[(n + variant) % len(WORDS)]} {n % 4}",
        commune=commune,
        departement="974" if commune is None and variant % 2 else None,
        themes=[THEMES[(n + k) % len(THEMES)] for k in range(variant % 3)],
        methods=[METHODS[(n * variant) % len(METHODS)]] if variant % 2 else [],
    )


@functools.cache
def places() -> TerritoryLookup:
    """The territories reference, as an import places actors (département, région, EPCI and
    point from the commune)."""
    return territory_lookup(load_reference())


def write_actors(graph: GraphStore, actors: list[Actor]) -> None:
    """Write actors as an import does: placed by the territories reference."""
    graph.write_actors(actors, CTX, territories=places())


def apply_write(graph: GraphStore, step: tuple[Any, ...]) -> None:
    """One write of a random plan (writes that make no sense here are skipped, as a user
    would be refused)."""
    op = step[0]
    if op == "actor":
        write_actors(graph, [make_actor(step[1], step[2])])
        return
    known = set(graph.actor_kinds(IDS))
    source, target = IDS[step[1]], IDS[step[2]]
    if source == target or source not in known or target not in known:
        return
    kind = LINK_KINDS[step[3] % len(LINK_KINDS)]
    if op == "link":
        since = date(2015 + step[4], 1, 1) if step[4] else None
        graph.write_links([Link(source_id=source, target_id=target, kind=kind, since=since)], CTX)
        return
    links = graph.links_between(source, target, kind)
    if not links:
        return
    if op == "delete":
        graph.delete_links(kind, [links[0].id], CTX)
    elif op == "end":
        with graph.edit(CTX) as tx:
            tx.end_links(source, target, kind, [links[0].id], until=date(2030, 1, 1), sources=[])


ends = st.integers(0, len(IDS) - 1)
write = st.one_of(
    st.tuples(st.just("actor"), ends, st.integers(0, 20)),
    st.tuples(st.just("link"), ends, ends, st.integers(0, 3), st.integers(0, 4)),
    st.tuples(st.sampled_from(["delete", "end"]), ends, ends, st.integers(0, 3)),
)
#: a plan: writes, each followed (True) or left for the next follow, as a tailing worker does
plans = st.lists(st.tuples(write, st.booleans()), min_size=1, max_size=25)


def start_graph() -> MemoryGraph:
    """Six actors and a few links, before the random writes."""
    graph = MemoryGraph()
    write_actors(graph, [make_actor(n, n) for n in range(6)])
    for n in range(5):
        apply_write(graph, ("link", n, n + 1, n, n % 3))
    return graph


def follow_plan(
    plan: list[tuple[tuple[Any, ...], bool]],
    index: Callable[[Projection], object],
    *,
    no_build: list[tuple[object, str]],
    check: Callable[[Projection, Projection], None],
) -> Projection:
    """Build ``index`` on a first projection, then apply ``plan`` through the port, following
    the log now and then; at every follow, ``index`` on the followed projection must be
    carried — each ``(module, name)`` of ``no_build`` is a build function that must not run
    again — and ``check(followed, rebuilt)`` compares it with a build on the rebuilt
    projection. Returns the last followed projection."""
    graph = start_graph()
    projection = build_projection(graph)
    index(projection)
    followed_once = False
    for step, look in [*plan, (("noop",), True)]:
        if step[0] != "noop":
            apply_write(graph, step)
        if not look:
            continue
        before = projection
        projection = follow(projection, graph).projection
        with ExitStack() as stack:
            for module, name in no_build:
                stack.enter_context(
                    mock.patch.object(module, name, side_effect=AssertionError(f"{name} ran"))
                )
            index(projection)
        if projection is not before:
            followed_once = True
        check(projection, build_projection(graph))
    assert followed_once or all(step[0] != "actor" for step, _ in plan)
    return projection
