"""Schema set-up: uniqueness constraints and indexes, per server dialect.

Every statement is idempotent (``IF NOT EXISTS``), so ``maillage init`` may run any number of
times. Constraints come before any load: without an index on the key, every ``MERGE`` scans all
nodes (DESIGN.md measured 389 nodes/s falling, against ~34k nodes/s with the constraint).
Keys are strings everywhere: an index fixes its property's type on ArcadeDB.

The statements live in ``graph_model/cypher/schema/<dialect>.cypher``, one per line-group
separated by ``;``; the dialects differ where a server lacks a feature (ArcadeDB has no
full-text index reachable from Cypher; Neo4j gets one for search).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal, LiteralString

Dialect = Literal["arcadedb", "neo4j"]


@cache
def schema_statements(dialect: Dialect) -> tuple[LiteralString, ...]:
    """The constraint and index statements for ``dialect``, in order.

    >>> any("Actor" in s and "UNIQUE" in s for s in schema_statements("arcadedb"))
    True
    """
    folder = resources.files("graph_model") / "cypher" / "schema"
    statements: list[LiteralString] = []
    for name in ("common", dialect):
        text = (folder / f"{name}.cypher").read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
        # mypy reads LiteralString as str; the text comes from files shipped in the package
        statements.extend(s.strip() for s in body.split(";") if s.strip())
    return tuple(statements)
