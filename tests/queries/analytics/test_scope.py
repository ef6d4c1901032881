"""Scopes: forms accepted, codes checked, actors selected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings

import queries.analytics.scope as scope_module
from graph_model.errors import ValidationError
from graph_model.i18n import use_language
from queries.analytics.scope import (
    Scope,
    parse_scope,
    scope_places,
    select,
    territory_changes,
    territory_index,
    touched_places,
)
from queries.deltas import Delta, apply_delta, follow
from queries.projection import Projection, build_projection
from tests.queries.live import follow_plan, make_actor, plans, start_graph, write_actors

if TYPE_CHECKING:
    from tests.queries.analytics.conftest import Graphs


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Scope("country")),
        ("", Scope("country")),
        ("FR", Scope("country")),
        ("France", Scope("country")),
        ("region:84", Scope("region", ("84",))),
        ("région:84", Scope("region", ("84",))),
        ("region:975", Scope("region", ("975",))),
        ("departement:69", Scope("departement", ("69",))),
        ("69", Scope("departement", ("69",))),
        ("2a", Scope("departement", ("2A",))),
        ("974", Scope("departement", ("974",))),
        ("epci:200046977", Scope("epci", ("200046977",))),
        ("200046977", Scope("epci", ("200046977",))),
        ("commune:69123", Scope("commune", ("69123",))),
        ("69123", Scope("commune", ("69123",))),
        ("2A004", Scope("commune", ("2A004",))),
        (["69266", "69123", "69123"], Scope("commune", ("69123", "69266"))),
        ("communes:69266,69123", Scope("commune", ("69123", "69266"))),
    ],
)
def test_forms(value: object, expected: Scope) -> None:
    assert parse_scope(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    ["region:8", "canton:12", "departement:1", "abc", "1234", "commune:6912", "epci:12", [],
     ["69123", "lyon"], "region:84,93"],
)  # fmt: skip
def test_malformed_scopes_name_the_parameter(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_scope(value)  # type: ignore[arg-type]
    assert caught.value.field == "scope"
    assert str(caught.value).startswith("scope :")  # French by default, the parameter named
    with use_language("en"), pytest.raises(ValidationError) as english:
        parse_scope(value)  # type: ignore[arg-type]
    assert str(english.value).startswith("scope:")


def test_codes_are_checked_against_the_reference(example: Projection) -> None:
    pytest.importorskip("graph_model.territories")
    assert select(example, "region:84").actors is not None
    # Aude exists but nobody of the example sits there: an empty scope, not an error
    assert select(example, "departement:11").actors == frozenset()
    for unknown in ("departement:00", "region:99", "commune:69999", "epci:123456789"):
        with pytest.raises(ValidationError) as caught:
            select(example, unknown)
        assert caught.value.field == "scope"


def test_selection(
    example: Projection, graphs: type[Graphs], monkeypatch: pytest.MonkeyPatch
) -> None:
    known = {"region": {"84", "93"}, "commune": {"13055", "69123"}}
    assert select(example, "region:93", known_codes=known).actors == frozenset(
        {"org-marseille", "prj-graines"}
    )
    lyon = select(example, ["69123"], known_codes=known)
    assert lyon.actors == frozenset({"org-collectif", "net-aura", "org-seule"})
    assert "org-collectif" in lyon
    assert "org-marseille" not in lyon
    whole = select(example, "FR")
    assert whole.actors is None
    assert "org-marseille" in whole
    # without a reference, a code is known when an actor sits there
    import queries.analytics.scope as scope_module

    monkeypatch.setattr(scope_module, "_reference_codes", lambda: None)
    assert select(example, "departement:13").actors == frozenset({"org-marseille", "prj-graines"})
    with pytest.raises(ValidationError):
        select(example, "departement:11")
    # arrondissements belong to their city
    arrondissement = graphs.build(
        [graphs.actor("a-lyon-3", commune="69383"), graphs.actor("a-paris", commune="75056")],
        [],
    )
    assert select(arrondissement, "69123", known_codes={"commune": {"69123"}}).actors == frozenset(
        {"a-lyon-3"}
    )


# -- the live graph ------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_the_territory_index_is_carried_and_equals_a_build(plan: list[Any]) -> None:
    def check(followed: Projection, rebuilt: Projection) -> None:
        assert territory_index(followed) == scope_module._territory_index(rebuilt)

    follow_plan(plan, territory_index, no_build=[(scope_module, "_territory_index")], check=check)


def test_changes_mark_only_the_territories_they_touch() -> None:
    graph = start_graph()  # org-00 in Lyon, linked to org-01 in Villeurbanne; org-05 in Caen
    projection = build_projection(graph)
    marks = territory_changes(projection)
    start = projection.version
    assert marks.unchanged(None, start) and marks.unchanged(frozenset({("region", "84")}), start)
    write_actors(graph, [make_actor(5, 12)])  # Caen -> Caen, renamed
    followed = follow(projection, graph).projection
    marks = territory_changes(followed)
    caen, lyon = parse_scope("14"), parse_scope("commune:69123")
    assert not marks.unchanged(scope_places(caen), start)
    assert marks.unchanged(scope_places(lyon), start)
    assert not marks.unchanged(None, start)  # all of France holds Caen
    assert marks.unchanged(scope_places(caen), followed.version)
    # a Lyon arrondissement is part of Lyon's scope
    assert ("commune", "69381") in (scope_places(lyon) or ())
    # a new lineage (a rebuild) knows nothing before it
    assert not territory_changes(build_projection(graph)).unchanged(scope_places(lyon), start)


def test_an_actor_that_moves_touches_its_neighbours_territories() -> None:
    graph = start_graph()
    projection = build_projection(graph)
    # org-01 (Villeurbanne) is linked to org-00 (Lyon) and org-02 (Lyon 1er): it moves to Caen
    write_actors(graph, [make_actor(1, 5)])
    applied = follow(projection, graph).applied
    assert applied is not None
    touched = touched_places(applied)
    assert {("commune", "69266"), ("commune", "14118")} <= touched
    assert {("commune", "69123"), ("commune", "69381")} <= touched  # its neighbours'
    assert ("commune", "75101") not in touched


def test_a_removed_actor_leaves_its_territories() -> None:
    projection = build_projection(start_graph())
    territory_index(projection)
    new, applied = apply_delta(projection, Delta(projection.version + 1, {"org-00": None}))
    assert territory_index(new) == scope_module._territory_index(new)
    assert ("commune", "69123") in touched_places(applied)
