"""The change log over Bolt (:class:`graph_model.port.ChangeLog`): the entries in sequence order,
read by sequence number, the audit list and one target's history."""

from __future__ import annotations

from graph_model.changes import ChangeRecord
from queries.store.bolt_core import BoltCore
from queries.store.catalog import cypher
from queries.store.records import change_record

#: sequence numbers read from the change log per round trip
SEQUENCE_WINDOW = 500


class BoltLog(BoltCore):
    """The port's change log reads over one :class:`~queries.store.adapter.Store`."""

    def changes(self, target: str | None, limit: int) -> list[ChangeRecord]:
        rows = self.store.read(cypher("changes_list"), target=target, limit=limit)
        return [change_record(row["props"]) for row in rows]

    def changes_since(self, after: int, limit: int = 10_000) -> list[ChangeRecord]:
        """Read by sequence numbers, up to the store's version, :data:`SEQUENCE_WINDOW` at a
        time (each an index lookup: 4-5 ms for a few entries here, against 40-65 ms and
        growing with the log for a range condition)."""
        newest = self.graph_version()
        found: list[ChangeRecord] = []
        first = int(after) + 1
        while first <= newest and len(found) < limit:
            last = min(newest, first + SEQUENCE_WINDOW - 1)
            rows = self.store.read(cypher("changes_at"), first=first, last=last)
            found.extend(change_record(row["props"]) for row in rows)
            first = last + 1
        return found[:limit]

    # -- history -------------------------------------------------------------------------------
    def history(
        self, target: str, *, before: int | None = None, limit: int = 50, scan: int = 50_000
    ) -> list[ChangeRecord]:
        below = before if before is not None else self.store.version() + 1
        audit = self.store.read(
            cypher("changes_history_audit"), target=target, before=below, limit=int(limit)
        )
        others = self.store.read(
            cypher("changes_history_scan"),
            target=target,
            floor=int(below - scan),
            below=int(below),
            limit=int(limit),
        )
        found = {str(r["props"]["id"]): change_record(r["props"]) for r in [*audit, *others]}
        ordered = sorted(found.values(), key=lambda c: (c.seq, c.n), reverse=True)
        return ordered[:limit]

    def change(self, change_id: str) -> ChangeRecord | None:
        rows = self.store.read(cypher("change_get"), id=change_id)
        return change_record(rows[0]["props"]) if rows else None
