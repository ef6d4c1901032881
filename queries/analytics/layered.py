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

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar, overload

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


#: ids a chunk of a :class:`SortedIds` holds, at most twice that
CHUNK = 512


class SortedIds:
    """A sorted sequence of distinct strings the versions of an index share: chunks of at
    most ``2 * CHUNK`` ids, never changed once made; :meth:`with_id` and :meth:`without_id`
    copy the list of chunks and the one chunk they change (a few hundred references at 100k
    ids), not the whole.

    >>> ids = SortedIds(["b", "d"]).with_id("c").without_id("b")
    >>> list(ids), len(ids), "c" in ids, list(ids.after("c"))
    (['c', 'd'], 2, True, ['d'])
    """

    __slots__ = ("_chunks", "_last", "_size")

    def __init__(self, ids: Iterable[str] = (), *, _chunks: list[tuple[str, ...]] | None = None):
        if _chunks is None:
            ordered = list(ids)
            _chunks = [tuple(ordered[i : i + CHUNK]) for i in range(0, len(ordered), CHUNK)]
        self._chunks = _chunks
        self._last = [chunk[-1] for chunk in _chunks]
        self._size = sum(len(chunk) for chunk in _chunks)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks:
            yield from chunk

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str):
            return False
        c = bisect.bisect_left(self._last, item)
        if c == len(self._chunks):
            return False
        chunk = self._chunks[c]
        i = bisect.bisect_left(chunk, item)
        return i < len(chunk) and chunk[i] == item

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SortedIds | list | tuple):
            return len(self) == len(other) and all(
                a == b for a, b in zip(self, other, strict=False)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SortedIds({len(self)} ids)"

    def after(self, key: str | None) -> Iterator[str]:
        """The ids greater than ``key`` (all for ``None``), in order."""
        if key is None:
            return iter(self)
        return self._from(key, bisect.bisect_right)

    def starting(self, key: str) -> Iterator[str]:
        """The ids from ``key`` on (``key`` included when there), in order."""
        return self._from(key, bisect.bisect_left)

    def _from(self, key: str, cut: Callable[[Sequence[str], str], int]) -> Iterator[str]:
        c = cut(self._last, key)
        if c == len(self._chunks):
            return
        chunk = self._chunks[c]
        yield from chunk[cut(chunk, key) :]
        for chunk in self._chunks[c + 1 :]:
            yield from chunk

    def with_id(self, item: str) -> SortedIds:
        """These ids and ``item`` (itself when it is there)."""
        if item in self:
            return self
        chunks = list(self._chunks)
        if not chunks:
            return SortedIds(_chunks=[(item,)])
        c = min(bisect.bisect_left(self._last, item), len(chunks) - 1)
        grown = list(chunks[c])
        bisect.insort(grown, item)
        if len(grown) > 2 * CHUNK:
            chunks[c : c + 1] = [tuple(grown[:CHUNK]), tuple(grown[CHUNK:])]
        else:
            chunks[c] = tuple(grown)
        return SortedIds(_chunks=chunks)

    def without_id(self, item: str) -> SortedIds:
        """These ids but ``item`` (itself when it is not there)."""
        if item not in self:
            return self
        chunks = list(self._chunks)
        c = bisect.bisect_left(self._last, item)
        left = tuple(x for x in chunks[c] if x != item)
        if left:
            chunks[c] = left
        else:
            del chunks[c]
        return SortedIds(_chunks=chunks)


class Appended(Sequence[str]):
    """A sequence the versions of an index share, that only grows at its end: chunks of
    ``CHUNK`` items, the last one copied by :meth:`plus` (with the list of chunks), the others
    shared.

    >>> docs = Appended(["a", "b"]).plus("c")
    >>> list(docs), docs[2], len(docs)
    (['a', 'b', 'c'], 'c', 3)
    """

    __slots__ = ("_chunk", "_chunks", "_size")

    def __init__(self, items: Iterable[str] = (), *, _chunks: list[tuple[str, ...]] | None = None):
        self._chunk = CHUNK
        if _chunks is None:
            listed = list(items)
            _chunks = [tuple(listed[i : i + CHUNK]) for i in range(0, len(listed), CHUNK)]
        self._chunks = _chunks
        self._size = sum(len(chunk) for chunk in _chunks)

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        size = len(self._chunks[0])
        return self._chunks[index // size][index % size]

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks:
            yield from chunk

    def plus(self, item: str) -> Appended:
        """These items and ``item`` after them."""
        chunks = list(self._chunks)
        if chunks and len(chunks[-1]) < len(chunks[0]):
            chunks[-1] = (*chunks[-1], item)
        elif chunks and len(chunks) == 1 and len(chunks[0]) < self._chunk:
            chunks[0] = (*chunks[0], item)
        else:
            chunks.append((item,))
        return Appended(_chunks=chunks)


__all__ = ["CHUNK", "FOLD", "GONE", "Appended", "Layered", "SortedIds", "layered"]
