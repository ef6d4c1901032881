"""Driver values and rows become the port's Python records here, and only here.

The catalogue's statements return values (properties, lists, maps), never nodes; the driver
gives dates and times as ``neo4j.time`` values, which :func:`python_value` turns into
``datetime.date``/``datetime.datetime`` once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

import neo4j.time

from graph_model.changes import ChangeRecord
from graph_model.port import (
    CandidateRecord,
    StoredLink,
    TokenRecord,
)

_DRIVER_TIMES = (neo4j.time.Date, neo4j.time.Time)


def python_value(value: Any) -> Any:
    """A driver value as Python: ``neo4j.time`` values become ``datetime`` ones (a stored time
    without a zone is read as UTC: ArcadeDB drops the zone of the UTC times Maillage writes,
    Neo4j keeps it); lists and maps are converted inside; anything else is already Python."""
    if isinstance(value, neo4j.time.DateTime):
        native = value.to_native()
        return native if native.tzinfo is not None else native.replace(tzinfo=UTC)
    if isinstance(value, _DRIVER_TIMES):
        return value.to_native()
    if isinstance(value, list):
        return [python_value(v) for v in value]
    if isinstance(value, dict):
        return {k: python_value(v) for k, v in value.items()}
    return value


def python_props(props: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: python_value(v) for k, v in (props or {}).items()}


def stored_link(row: Mapping[str, Any]) -> StoredLink:
    """A link from the columns the link statements return (``links_between``, ``links_end``…)."""
    return StoredLink(
        id=str(row["id"]),
        kind=str(row["kind"]),
        source=str(row["source"]),
        target=str(row["target"]),
        subkind=row.get("subkind"),
        since=python_value(row.get("since")),
        until=python_value(row.get("until")),
        sources=tuple(row.get("sources") or ()),
        statements=tuple(row.get("statements") or ()),
        created_at=python_value(row.get("created_at")),
        updated_at=python_value(row.get("updated_at")),
        updated_by=row.get("updated_by"),
    )


def token_record(row: Mapping[str, Any]) -> TokenRecord:
    return TokenRecord(
        id=str(row["id"]),
        name=str(row["name"]),
        role=str(row["role"]),
        created_at=python_value(row.get("created_at")),
        created_by=row.get("created_by"),
        revoked_at=python_value(row.get("revoked_at")),
    )


def change_record(props: Mapping[str, Any]) -> ChangeRecord:
    return ChangeRecord.from_props(python_props(props))


_CANDIDATE_FIELDS = frozenset(CandidateRecord.__dataclass_fields__)


def candidate_record(row: Mapping[str, Any]) -> CandidateRecord:
    return CandidateRecord(**{k: python_value(v) for k, v in row.items() if k in _CANDIDATE_FIELDS})
