"""A layered mapping behaves as the dict it stands for, whatever the changes and the folds, and
never changes the versions before it."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

import queries.analytics.layered as layered_module
from queries.analytics.layered import GONE, Layered, layered

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
