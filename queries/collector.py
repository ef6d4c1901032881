"""The cyclic garbage collector, paused while a large structure is built.

Building a projection or writing a batch into the in-memory store creates millions of small
containers that hold no garbage cycles; the collector would walk them again at every young
collection for nothing (it doubled the time of a territory load in the memory store). Both
pause it for the build, and give it back as it was.

>>> import gc
>>> with paused():
...     gc.isenabled()
False
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (it is enabled again after, if it was)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
