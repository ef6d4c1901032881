"""Scopes: forms accepted, codes checked, actors selected."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from graph_model.errors import ValidationError
from queries.analytics.scope import Scope, parse_scope, select
from queries.projection import Projection

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
    assert str(caught.value).startswith("scope:")


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
