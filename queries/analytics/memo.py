"""What a projection remembers for the analytics: :class:`RecentlyUsed`, a small
least-recently-used store, and :func:`remembered`, the answers kept per projection.

A projection is one graph version: a write gives a new projection, and so fresh answers; nothing
here is ever invalidated by hand. When a change is applied to a projection instead of a rebuild
(:mod:`queries.deltas`), the remembered answers are not carried (:func:`carry_answers`): any
answer may depend on what changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from queries.projection import Projection

T = TypeVar("T")

#: answers kept per projection by :func:`remembered`
ANSWERS_KEPT = 64


class RecentlyUsed:
    """The last ``size`` values made on one projection, by key (least recently used out).

    ``exclusive``: a value is made under the lock, so two threads never make the same one
    twice (for large values: the filtered adjacencies of paths); otherwise it is made outside
    it, and other keys are not kept waiting (for slow answers: national brokers).
    """

    def __init__(self, size: int, *, exclusive: bool) -> None:
        self.size = size
        self._exclusive = exclusive
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
            if self._exclusive:
                return self._keep(key, make())
        value = make()
        with self._lock:
            return self._keep(key, value)

    def carried(self, carry: Callable[[Hashable, Any], Any]) -> RecentlyUsed:
        """A new store holding ``carry(key, value)`` for each value kept here, in the same
        order of use (a ``None`` is left out); this one is left as it is."""
        with self._lock:
            items = list(self._items.items())
        new = RecentlyUsed(self.size, exclusive=self._exclusive)
        for key, value in items:
            kept = carry(key, value)
            if kept is not None:
                new._items[key] = kept
        return new

    def __len__(self) -> int:
        return len(self._items)

    def _keep(self, key: Hashable, value: T) -> T:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value


def remembered(projection: Projection, key: Hashable, compute: Callable[[], T]) -> T:
    """The answer to ``key`` on this projection, computed once (the last :data:`ANSWERS_KEPT`
    questions are kept). For analytics whose answers are immutable and costly (national
    brokers: seconds at 100,000 actors).

    >>> from queries.analytics.example import example_projection
    >>> p = example_projection()
    >>> remembered(p, ("twice",), lambda: object()) is remembered(p, ("twice",), object)
    True
    """
    answers = projection.derived("answers", _answers, carry_answers)
    return answers.get(key, compute)


def _answers(_: Projection) -> RecentlyUsed:
    return RecentlyUsed(ANSWERS_KEPT, exclusive=False)


def carry_answers(answers: RecentlyUsed, applied: object) -> None:
    """The remembered answers do not follow a change (:mod:`queries.deltas`): any of them may
    depend on what changed, and knowing which would cost more than asking again. ``None``: the
    next projection starts with none."""
