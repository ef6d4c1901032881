"""The API process's memory, as glibc's allocator holds it.

A server that follows the live graph frees each replaced version of its indexes, but glibc
keeps freed pages for reuse, and keeps them per *arena*: with the analytics and the store's
calls in worker threads, each thread can get an arena of its own (up to eight per core), and
memory freed in one is not reused by the others. Two settings keep the process's footprint to
what it holds: few arenas (:func:`limit_malloc_arenas`, at start, before the threads), and the
freed pages handed back when the writes pause (:func:`release_freed_memory`). Elsewhere than
glibc (musl, macOS) both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

#: ``mallopt``'s parameter for the number of arenas (glibc's malloc.h)
_M_ARENA_MAX = -8
#: arenas the API's allocator may use: the event loop and the analytics threads share them
ARENAS = 2


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc only
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _glibc()


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Let the allocator use at most ``arenas`` arenas (what ``MALLOC_ARENA_MAX`` does, set
    from inside the process); whether it could. Left alone when ``MALLOC_ARENA_MAX`` is set."""
    if _LIBC is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return bool(_LIBC.mallopt(_M_ARENA_MAX, arenas))


def release_freed_memory() -> None:
    """Hand the memory the replaced projections freed back to the system (glibc's
    ``malloc_trim``): the indexes of each version are freed when the next one is in place,
    but the allocator keeps the pages for itself, and a server that followed a burst of writes
    would keep the peak for good. Called when the writes pause (after the background warmers)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
