"""The analytics' parameter objects: each question is built from plain options and checked once,
against one set of limits, whichever door (CLI, GraphQL, HTTP export, a direct call) builds it."""

from __future__ import annotations

from datetime import date

import pytest

from graph_model.errors import InvalidDates, ValidationError
from graph_model.i18n import use_language
from queries.analytics import (
    PATH_LIMITS,
    SEARCH_LIMITS,
    BrokerQuery,
    ClusterQuery,
    NeighbourhoodQuery,
    PathLimits,
    PathQuery,
    PeerQuery,
    cooperation_paths,
    find_paths,
)
from queries.analytics.scope import Scope
from queries.projection import Projection

#: the limits the API builds from its settings (MAILLAGE_MAX_PATH_HOPS, MAILLAGE_MAX_PATHS)
API_LIMITS = PathLimits(
    max_hops=8,
    max_k=20,
    default_max_hops=8,
    hints={
        "max_hops": "limit max_path_hops, MAILLAGE_MAX_PATH_HOPS",
        "k": "limit max_paths, MAILLAGE_MAX_PATHS",
    },
    names={"max_hops": "maxHops"},
)


def test_product_limits_are_the_graphql_ones() -> None:
    assert (PATH_LIMITS.max_hops, PATH_LIMITS.max_k, PATH_LIMITS.default_max_hops) == (8, 20, 8)
    assert (SEARCH_LIMITS.max_hops, SEARCH_LIMITS.max_k, SEARCH_LIMITS.default_max_hops) == (
        12,
        20,
        None,
    )
    assert PathQuery.build("a", "b").max_hops == 8
    assert PathQuery.build("a", "b", limits=SEARCH_LIMITS).max_hops is None
    with pytest.raises(ValidationError) as caught:
        PathQuery.build("a", "b", max_hops=12)
    assert caught.value.field == "max_hops"
    assert PathQuery.build("a", "b", max_hops=12, limits=SEARCH_LIMITS).max_hops == 12


def test_path_query_normalises_its_options() -> None:
    query = PathQuery.build(
        "org-collectif",
        "org-marseille",
        weighted=1,  # type: ignore[arg-type]
        kinds=["sits_on", "MEMBER_OF", "SITS_ON"],
        as_of="2019-06-01",
        avoid="net-aura",
        avoid_kinds=["advocacybody:NATIONAL", "Network"],
        k=3,
    )
    assert query == PathQuery(
        source="org-collectif",
        target="org-marseille",
        weighted=True,
        max_hops=8,
        kinds=("MEMBER_OF", "SITS_ON"),
        as_of=date(2019, 6, 1),
        avoid=("net-aura",),
        avoid_kinds=("AdvocacyBody:national", "Network"),
        k=3,
    )


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"max_hops": 9}, "maxHops", "maxHops: 9 is outside 1..8 (limit max_path_hops, "),
        ({"max_hops": 0}, "maxHops", "maxHops: 0 is outside 1..8"),
        ({"k": 21}, "k", "k: 21 is outside 1..20 (limit max_paths, MAILLAGE_MAX_PATHS)"),
        ({"kinds": ["LIKES"]}, "kinds", "kinds: 'LIKES' is not a cooperation link kind"),
        (
            {"avoid_kinds": ["Network:national"]},
            "avoid_kinds",
            "avoid_kinds: only AdvocacyBody has",
        ),
    ],
)
@use_language("en")
def test_a_door_words_refusals_its_own_way(
    options: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        PathQuery.build("a", "b", limits=API_LIMITS, **options)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value).startswith(message)


def test_limits_beyond_the_searches_bounds_are_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="max_hops"):
        PathLimits(max_hops=13)
    with pytest.raises(ValueError, match="default_max_hops"):
        PathLimits(max_hops=4, default_max_hops=8)


def test_a_bad_date_is_invalid_dates() -> None:
    with pytest.raises(InvalidDates) as caught:
        PathQuery.build("a", "b", as_of="2019-13-01")
    assert caught.value.field == "as_of"


def test_find_paths_answers_as_the_plain_function(example: Projection) -> None:
    query = PathQuery.build("Collectif Lyonnais", "org-marseille", k=2, limits=SEARCH_LIMITS)
    built, plain = (
        find_paths(example, query),
        cooperation_paths(example, "Collectif Lyonnais", "org-marseille", k=2),
    )
    assert built == plain
    assert built.constraints.max_hops is None and built.constraints.k == 2


def test_other_questions_check_once() -> None:
    assert ClusterQuery.build("69").scope == Scope("departement", ("69",))
    assert ClusterQuery.build(resolution=2).resolution == 2.0
    with pytest.raises(ValidationError) as caught:
        ClusterQuery(resolution=0.0)
    assert caught.value.field == "resolution"
    with pytest.raises(ValidationError) as caught:
        BrokerQuery(pivots=0)
    assert caught.value.field == "pivots"
    with pytest.raises(ValidationError) as caught:
        PeerQuery.build("a", level="canton")
    assert caught.value.field == "level"
    assert PeerQuery.build("a", kinds="project").kinds == frozenset({"Project"})
    hint = "limit max_neighbourhood_depth, MAILLAGE_MAX_NEIGHBOURHOOD_DEPTH"
    with pytest.raises(ValidationError) as caught, use_language("en"):
        NeighbourhoodQuery.build("a", depth=3, max_depth=2, depth_hint=hint)
    assert str(caught.value) == f"depth: 3 is outside 1..2 ({hint})"
    with pytest.raises(ValueError, match="max_depth"):
        NeighbourhoodQuery.build("a", max_depth=4)
