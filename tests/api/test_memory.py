"""The API's allocator settings (glibc): few arenas, and freed pages handed back."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from api import memory

pytestmark = pytest.mark.memory

needs_glibc = pytest.mark.skipif(memory._LIBC is None, reason="not glibc: nothing to set")

_CHURN = """
import os, sys
from bench.soak_check import rss_mb
from api.memory import release_freed_memory
blocks = [bytes(2000) + str(n).encode() for n in range(150_000)]  # ~300 MB through malloc
keep = blocks[::1000]
del blocks
before = rss_mb(os.getpid())
release_freed_memory()
print(before, rss_mb(os.getpid()))
"""


def _script(code: str, env: dict[str, str]) -> str:
    """What ``code`` prints, run by a fresh interpreter in the project's root."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
        env=env,
    )
    return done.stdout


@needs_glibc
def test_freed_memory_goes_back_to_the_system() -> None:
    printed = _script(_CHURN, {**os.environ, "MALLOC_ARENA_MAX": "1"})
    before, after = map(float, printed.split())
    assert after < before - 100, (before, after)  # MB the allocator had kept


@needs_glibc
def test_the_arenas_are_left_alone_when_the_environment_sets_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert memory.limit_malloc_arenas() is False
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    assert memory.limit_malloc_arenas() is True


_TABLES = """
import os
from bench.soak_check import rss_mb
from api.memory import limit_malloc_arenas
if os.environ.get("FIXED"):
    limit_malloc_arenas()
small = []
for round in range(40):  # what a delta does: copy a large table, free the one it replaces
    table = dict.fromkeys(range(200_000 + round))  # ~10 MB, one block
    small.append(str(round).encode())  # a small block after it, kept
    del table
print(rss_mb(os.getpid()))
"""


@needs_glibc
def test_large_tables_freed_go_back_to_the_system_at_once() -> None:
    def rss(fixed: bool) -> float:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
        return float(_script(_TABLES, env | ({"FIXED": "1"} if fixed else {})))

    # the dynamic threshold keeps the freed tables in the heap; the fixed one gives them back
    assert rss(fixed=True) < rss(fixed=False) - 5, "the freed tables were kept"
