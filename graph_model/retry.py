"""Transient write conflicts: the error the store adapters raise, and the bounded retry.

Two transactions touching the same records at once may make the server refuse one of them
(ArcadeDB: a concurrent modification, "Please retry the operation"; Neo4j: a ``TransientError``
such as a deadlock). Nothing was written; running the whole transaction again is the cure.
:func:`retrying` does so a few times with a jittered backoff, and a conflict that persists
becomes a :class:`StoreConflict` whose message says what to do, never the server's raw text.

>>> calls = []
>>> def flaky() -> str:
...     calls.append(1)
...     if len(calls) < 3:
...         raise StoreConflict("busy")
...     return "done"
>>> retrying(flaky, pause=0.0), len(calls)
('done', 3)
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from graph_model.errors import StoreError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: attempts of a transaction refused by a transient conflict
ATTEMPTS = 5


class StoreConflict(StoreError):
    """Raised when the store refused a transaction because another one modified the same
    records at the same time; after :data:`ATTEMPTS` tries the message asks to retry later."""

    code = "store_conflict"


def retrying(work: Callable[[], T], *, attempts: int = ATTEMPTS, pause: float = 0.02) -> T:
    """Run ``work`` (one whole transaction) again while the store reports a transient
    conflict, waiting ``pause`` × 2ⁿ with full jitter between tries."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except StoreConflict as exc:
            if attempt == attempts:
                raise StoreConflict(
                    f"the graph store refused the write {attempts} times because other edits "
                    "changed the same records at the same time: try again in a moment"
                ) from exc
            logger.debug("transient conflict (attempt %d of %d): %s", attempt, attempts, exc)
            time.sleep(random.uniform(0, pause * 2**attempt))  # noqa: S311 - jitter, not secrets
    raise AssertionError("unreachable")  # pragma: no cover
