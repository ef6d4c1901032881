"""The search index follows the live graph: carried along the change log, it answers as an
index built on the rebuilt projection, and nothing is built again."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import api.search
import queries.analytics.layered as layered_module
from api.search import SearchIndex, folded_names, search_index
from queries.deltas import Delta, apply_delta
from queries.projection import Projection, build_projection
from tests.queries.live import IDS, WORDS, follow_plan, plans, start_graph

QUERIES = ("solidaire", "jardin lien", "atelie", "reseau cafe 2", "ecomonie", "org-03", "velo")


def _same_index(carried: SearchIndex, built: SearchIndex) -> None:
    assert carried.words() == built.words()
    assert carried._vocabulary == built._vocabulary
    assert carried._neighbours == built._neighbours
    assert len(carried) == len(built) and carried._total == built._total
    for query in QUERIES:
        assert carried.search(query) == built.search(query), query


def _check(followed: Projection, rebuilt: Projection) -> None:
    assert folded_names(followed) == api.search._folded(rebuilt)
    names = api.search._folded(rebuilt)
    built = SearchIndex.build({"id": i, "name_key": key} for i, key in names.items())
    _same_index(search_index(followed), built)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans, st.booleans())
def test_the_search_index_is_carried_and_equals_a_build(plan: list[Any], fold: bool) -> None:
    """(``fold``: the changes laid over the first index are folded into new bases often, and
    chunks hold two ids.)"""
    with (
        mock.patch.object(layered_module, "FOLD_AT_LEAST", 2 if fold else 256),
        mock.patch.object(layered_module, "CHUNK", 2 if fold else 512),
    ):
        follow_plan(
            plan,
            search_index,
            no_build=[(api.search, "_folded"), (api.search.SearchIndex, "build")],
            check=_check,
        )


def test_a_removed_actor_is_no_longer_found_and_its_words_go() -> None:
    projection = build_projection(start_graph())
    index = search_index(projection)
    gone = IDS[2]
    words = set(folded_names(projection)[gone].split())
    new, _ = apply_delta(projection, Delta(projection.version + 1, {gone: None}))
    carried = search_index(new)
    assert gone not in {hit.id for word in WORDS for hit in carried.search(word)}
    assert carried.search(gone) == []
    rebuilt = {k: v for k, v in folded_names(projection).items() if k != gone}
    _same_index(carried, SearchIndex.build({"id": i, "name_key": k} for i, k in rebuilt.items()))
    assert words  # and the old index still finds it
    assert index.search(gone)[0].id == gone
