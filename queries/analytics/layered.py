"""A mapping the versions of a derived index share: a base dict never changed, and the changes
of the later versions over it.

A derived index carried along the live graph (:mod:`queries.deltas`) must not change the
index of the older projection, which keeps serving; copying its 100,000-entry dicts at every
change is what a carry should not cost. :class:`Layered` keeps a base dict and a small dict of
the keys changed since (a value, or :data:`GONE` for a key removed): :meth:`Layered.changed`
copies only that small dict, and folds it into a new base once it holds more than a fraction of
the base (:data:`FOLD`) — a copy of the whole every ``len(base) / FOLD`` changes, a few entries
per change on average. Reading a key costs one more dict look-up.

>>> first = Layered({"a": 1, "b": 2})
>>> second = first.changed({"b": GONE, "c": 3})
>>> dict(second), len(second), "b" in second, dict(first)
({'a': 1, 'c': 3}, 2, False, {'a': 1, 'b': 2})
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class _Gone:
    def __repr__(self) -> str:
        return "GONE"


#: the value of a key removed, in :meth:`Layered.changed`
GONE: Any = _Gone()
_MISSING: Any = object()
#: changes held over a base before they are folded into a new one, as a share of the base
FOLD = 1 / 32
#: ... and at least this many
FOLD_AT_LEAST = 256


class Layered(Mapping[K, V], Generic[K, V]):
    """A read-only mapping: ``base`` with the ``top`` changes over it (see the module
    docstring). Never changed once made; :meth:`changed` makes the next one."""

    __slots__ = ("_base", "_size", "_top")

    def __init__(
        self, base: Mapping[K, V], top: dict[K, Any] | None = None, size: int | None = None
    ) -> None:
        self._base: Mapping[K, V] = base
        self._top: dict[K, Any] = top or {}
        self._size = size if size is not None else sum(1 for _ in self)

    def __getitem__(self, key: K) -> V:
        value = self._top.get(key, _MISSING)
        if value is _MISSING:
            return self._base[key]
        if value is GONE:
            raise KeyError(key)
        return value  # type: ignore[no-any-return]

    def get(self, key: K, default: Any = None) -> Any:
        value = self._top.get(key, _MISSING)
        if value is _MISSING:
            return self._base.get(key, default)
        return default if value is GONE else value

    def __contains__(self, key: object) -> bool:
        value = self._top.get(key, _MISSING)  # type: ignore[arg-type]
        if value is _MISSING:
            return key in self._base
        return value is not GONE

    def __iter__(self) -> Iterator[K]:
        top = self._top
        for key in self._base:
            if key not in top:
                yield key
        for key, value in top.items():
            if value is not GONE:
                yield key

    def __len__(self) -> int:
        return self._size

    def changed(self, changes: Mapping[K, Any]) -> Layered[K, V]:
        """This mapping with ``changes`` (key -> new value, or :data:`GONE`) applied, as a new
        one; this one is left as it is."""
        if not changes:
            return self
        size = self._size
        for key, value in changes.items():
            size += (value is not GONE) - (key in self)
        top = {**self._top, **changes}
        if len(top) > max(FOLD_AT_LEAST, len(self._base) * FOLD):
            folded = Layered(self._base, top, size)
            return Layered(dict(folded.items()), None, size)
        return Layered(self._base, top, size)


def layered(mapping: Mapping[K, V]) -> Layered[K, V]:
    """``mapping`` as a :class:`Layered` (itself when it is one; a dict is shared, not
    copied: it must not change after)."""
    return mapping if isinstance(mapping, Layered) else Layered(mapping, None, len(mapping))


__all__ = ["FOLD", "GONE", "Layered", "layered"]
