"""A layered mapping behaves as the dict it stands for, whatever the changes and the folds, and
never changes the versions before it."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

import queries.analytics.layered as layered_module
from queries.analytics.layered import GONE, Appended, Layered, SortedIds, layered

keys = st.integers(0, 30)
changes = st.dictionaries(keys, st.one_of(st.integers(), st.just(GONE)), max_size=8)


@given(st.dictionaries(keys, st.integers(), max_size=20), st.lists(changes, max_size=12))
def test_a_layered_mapping_is_the_dict_it_stands_for(
    start: dict[int, int], steps: list[Any]
) -> None:
    with mock.patch.object(layered_module, "FOLD_AT_LEAST", 3):
        versions = [(layered(start), dict(start))]
        for step in steps:
            current, model = versions[-1]
            model = dict(model)
            for key, value in step.items():
                if value is GONE:
                    model.pop(key, None)
                else:
                    model[key] = value
            versions.append((current.changed(step), model))
        for mapping, model in versions:  # every version still as it was made
            assert dict(mapping) == model and len(mapping) == len(model)
            assert all(mapping[k] == v and k in mapping for k, v in model.items())
            assert all(k not in mapping and mapping.get(k, "none") == "none"
                       for k in range(31) if k not in model)  # fmt: skip
            assert mapping == model


def test_changes_fold_into_a_new_base() -> None:
    mapping: Layered[int, int] = layered({n: n for n in range(10)})
    with mock.patch.object(layered_module, "FOLD_AT_LEAST", 4):
        for n in range(10, 16):
            mapping = mapping.changed({n: n})
    assert len(mapping._top) < 4 and dict(mapping) == {n: n for n in range(16)}


words = st.text(alphabet="abcdef", min_size=1, max_size=3)


@given(st.sets(words, max_size=30), st.lists(st.tuples(st.booleans(), words), max_size=40))
def test_sorted_ids_are_the_sorted_list_they_stand_for(
    start: set[str], steps: list[tuple[bool, str]]
) -> None:
    with mock.patch.object(layered_module, "CHUNK", 2):  # chunks split and empty often
        versions = [(SortedIds(sorted(start)), sorted(start))]
        for add, word in steps:
            ids, model = versions[-1]
            if add:
                versions.append((ids.with_id(word), sorted({*model, word})))
            else:
                versions.append((ids.without_id(word), [w for w in model if w != word]))
        for ids, model in versions:  # every version still as it was made
            assert list(ids) == model and len(ids) == len(model) and ids == model
            for key in (None, "", "b", "cc", "fff"):
                assert list(ids.after(key)) == [w for w in model if key is None or w > key]
            assert all(w in ids for w in model) and "z" not in ids


@given(st.lists(words, max_size=20), st.lists(words, max_size=20))
def test_appended_items_are_the_list_they_stand_for(start: list[str], more: list[str]) -> None:
    with mock.patch.object(layered_module, "CHUNK", 3):
        versions = [(Appended(start), list(start))]
        for word in more:
            items, model = versions[-1]
            versions.append((items.plus(word), [*model, word]))
        for items, model in versions:
            assert list(items) == model and len(items) == len(model)
            assert [items[i] for i in range(len(model))] == model
            assert [items[-i] for i in range(1, len(model) + 1)] == [
                model[-i] for i in range(1, len(model) + 1)
            ]
