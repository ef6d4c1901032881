"""The listing index follows the live graph: carried along the change log, it equals the index
built on the rebuilt projection (every list, sorted), without a build, and pages agree."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import api.listing
import queries.analytics.layered as layered_module
from api import listing
from api.listing import ListingIndex, listing_index
from api.search import folded_names
from queries.deltas import Delta, apply_delta
from queries.projection import Projection, build_projection
from tests.queries.live import IDS, follow_plan, plans, start_graph

FILTERS: list[dict[str, Any]] = [
    {},
    {"kinds": ["Organisation", "Network"]},
    {"place": ("commune", "69123")},  # Lyon with its arrondissements
    {"place": ("region", "84")},
    {"themes": ["habitat"], "text": "jardin"},
    {"member_of": IDS[1]},
]


def _pages(projection: Projection, index: ListingIndex) -> list[Any]:
    found: list[Any] = []
    for options in FILTERS:
        full = {"kinds": None, "place": None, "themes": None, "text": None, "as_of": None,
                "member_of": None, **options}  # fmt: skip
        selection = listing.select(projection, index, **full)
        found.append((listing.page(selection, index, None, 3), listing.count(selection, index)))
        found.append(listing.page(selection, index, IDS[4], 2))
    return found


def _check(followed: Projection, rebuilt: Projection) -> None:
    carried = listing_index(followed)
    built = ListingIndex.build(rebuilt, api.search._folded(rebuilt))
    assert carried == built
    assert _pages(followed, carried) == _pages(rebuilt, built)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans, st.booleans())
def test_the_listing_index_is_carried_and_equals_a_build(plan: list[Any], small: bool) -> None:
    """(``small``: chunks of two ids, split and emptied often, and frequent folds.)"""
    with (
        mock.patch.object(layered_module, "CHUNK", 2 if small else 512),
        mock.patch.object(layered_module, "FOLD_AT_LEAST", 2 if small else 256),
    ):
        follow_plan(
            plan,
            listing_index,
            no_build=[(api.listing.ListingIndex, "build"), (api.search, "_folded")],
            check=_check,
        )


def test_a_removed_actor_leaves_every_list() -> None:
    projection = build_projection(start_graph())
    listing_index(projection)
    new, _ = apply_delta(projection, Delta(projection.version + 1, {IDS[0]: None}))
    carried = listing_index(new)
    assert carried == ListingIndex.build(new, folded_names(new))
    assert IDS[0] not in carried.ids and IDS[0] in listing_index(projection).ids
