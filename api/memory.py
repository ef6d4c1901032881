"""The API process's memory, as glibc's allocator holds it.

A server that follows the live graph frees each replaced version of its indexes, but glibc
keeps freed pages for reuse, and keeps them per *arena*: with the analytics and the store's
calls in worker threads, each thread can get an arena of its own (up to eight per core), and
memory freed in one is not reused by the others. Two settings keep the process's footprint to
what it holds: few arenas and a fixed threshold for large blocks (:func:`limit_malloc_arenas`,
at start, before the threads), and the freed pages handed back when the writes pause or every
few seconds while they do not (:func:`release_freed_memory`). Elsewhere than glibc (musl,
macOS) both do nothing.

The large blocks are the point of the threshold: each delta copies a few tables of the
projection (a dict of every actor: a megabyte at 20,000 actors) and frees the ones they
replace. glibc serves blocks over ``M_MMAP_THRESHOLD`` with their own mapping, given back to
the system when freed, but by default it *raises* the threshold to the size of the first such
block freed, so every later copy comes from the heap and stays there. A fixed threshold keeps
them mapped (a soak's first minute of writes grew the process by 18 MB with the dynamic
threshold, 10 MB with the fixed one; see ``bench/RESULTS.md``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

#: ``mallopt``'s parameter for the number of arenas (glibc's malloc.h)
_M_ARENA_MAX = -8
#: arenas the API's allocator may use: the event loop and the analytics threads share them
ARENAS = 2
#: ``mallopt``'s parameter for the size above which a block gets a mapping of its own
_M_MMAP_THRESHOLD = -3
#: blocks from this size (bytes) are mapped, and given back when freed (glibc's default start)
MMAP_THRESHOLD = 128 * 1024


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
    from inside the process), and map blocks from :data:`MMAP_THRESHOLD` bytes for good (what
    ``MALLOC_MMAP_THRESHOLD_`` does); whether the arenas could be set. Each is left alone when
    its environment variable is set."""
    if _LIBC is None:
        return False
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        _LIBC.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    return bool(_LIBC.mallopt(_M_ARENA_MAX, arenas))


def release_freed_memory() -> None:
    """Hand the memory the replaced projections freed back to the system (glibc's
    ``malloc_trim``): the indexes of each version are freed when the next one is in place,
    but the allocator keeps the pages for itself, and a server that followed a burst of writes
    would keep the peak for good. Called when the writes pause (after the background warmers)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
