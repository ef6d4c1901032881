"""Import runs, duplicate candidates, tokens and changes in memory: the records side of
:class:`~queries.store.memory.MemoryGraph` (``import_run_save``, ``candidate_*``,
``token_*``, ``changes_list``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from graph_model.changes import ChangeEntry, ChangeKind, ChangeRecord
from graph_model.port import (
    CandidateRecord,
    CandidateState,
    Decision,
    ImportRunRecord,
    TokenRecord,
    WriteContext,
    Written,
)
from queries.store.memory import reads
from queries.store.memory.base import MemoryBase, duplicate
from queries.store.memory.state import copied, created, merged

_CANDIDATE = "DuplicateCandidate"
_CLAIM = ("claim", "claimed_at", "claim_attempt")


class MemoryRecords(MemoryBase):
    """The port's record operations (see :class:`graph_model.port.GraphStore`)."""

    # -- import runs ---------------------------------------------------------------------------
    def save_import_run(
        self, run_id: str, props: Mapping[str, Any], context: WriteContext
    ) -> Written:
        with self._write(context, "save_import_run") as journal:
            self._upsert(journal, "ImportRun", run_id, props)
            journal.log(ChangeEntry(ChangeKind.IMPORT_RUN, (run_id,)))
        return Written("save_import_run", (run_id,), 1, context, journal.seq)

    def import_runs(self, limit: int) -> list[ImportRunRecord]:
        with self._lock:
            runs = list(self._state.nodes["ImportRun"].values())
        runs.sort(key=lambda p: (reads.order(p.get("started_at")), reads.order(p["id"])))
        runs.reverse()
        return [ImportRunRecord(str(p["id"]), copied(p)) for p in runs[:limit]]

    def running_import_runs(self) -> list[ImportRunRecord]:
        with self._lock:
            runs = [
                p for p in self._state.nodes["ImportRun"].values() if p.get("status") == "running"
            ]
        runs.sort(key=lambda p: (reads.order(p.get("started_at")), reads.order(p["id"])))
        return [ImportRunRecord(str(p["id"]), copied(p)) for p in runs]

    def interrupt_import_runs(
        self, run_ids: Iterable[str], at: datetime, context: WriteContext
    ) -> Written:
        marked: list[str] = []
        with self._write(context, "interrupt_import_runs") as journal:
            table = self._state.nodes["ImportRun"]
            for run_id in sorted(set(run_ids)):
                props = table.get(run_id)
                if props is not None and props.get("status") == "running":
                    stamp = {"status": "interrupted", "interrupted_at": at, "finished_at": at}
                    self._upsert(journal, "ImportRun", run_id, stamp)
                    marked.append(run_id)
            if marked:
                journal.log(ChangeEntry(ChangeKind.IMPORT_RUN, tuple(marked)))
        return Written("interrupt_import_runs", tuple(marked), len(marked), context, journal.seq)

    # -- duplicate candidates ------------------------------------------------------------------
    def candidates(self, status: str | None = "pending") -> list[CandidateRecord]:
        with self._lock:
            return reads.candidates(self._state, status)

    def candidate(self, candidate_id: str) -> dict[str, Any] | None:
        with self._lock:
            props = self._state.get(_CANDIDATE, candidate_id)
            return copied(props) if props is not None else None

    def candidates_by_id(self, ids: Iterable[str]) -> dict[str, CandidateState]:
        with self._lock:
            table = self._state.nodes[_CANDIDATE]
            return {
                c: CandidateState(
                    c,
                    str(table[c].get("status")),
                    table[c].get("actor"),
                    table[c].get("payload_hash"),
                )
                for c in ids
                if c in table
            }

    def claim_candidate(
        self, candidate_id: str, claim: str, *, at: datetime, stale: datetime
    ) -> dict[str, Any] | None:
        with self._write(None, "claim_candidate") as journal:
            journal.log(ChangeEntry(ChangeKind.CANDIDATES, (candidate_id,)))
            props = self._state.get(_CANDIDATE, candidate_id)
            if props is None:
                return None
            props = merged(props, {"claim_attempt": claim})
            status, claimed = props.get("status"), props.get("claimed_at")
            free = status == "pending" or (
                status == "deciding" and claimed is not None and claimed < stale
            )
            if free:
                props = merged(props, {"status": "deciding", "claimed_at": at, "claim": claim})
            self._state.put(journal, _CANDIDATE, candidate_id, props)
            return copied(props) if free else None

    def _held(self, candidate_id: str, claim: str) -> dict[str, Any] | None:
        props = self._state.get(_CANDIDATE, candidate_id)
        if props is None or props.get("status") != "deciding" or props.get("claim") != claim:
            return None
        return {k: v for k, v in props.items() if k not in _CLAIM}

    def decide_candidate(
        self, candidate_id: str, claim: str, decision: Decision, context: WriteContext
    ) -> Written | None:
        with self._write(context, "decide_candidate") as journal:
            journal.log(ChangeEntry(ChangeKind.CANDIDATES, (candidate_id,)))
            props = self._held(candidate_id, claim)
            if props is None:
                return None
            changes = {
                "status": decision.status,
                "decided_at": context.stamp()["now"],
                "decided_by": context.by,
                "note": decision.note,
                "result": decision.result,
                "decision_run": decision.run,
            }
            self._state.put(journal, _CANDIDATE, candidate_id, merged(props, changes))
        return Written("decide_candidate", (candidate_id,), 1, context, journal.seq)

    def release_candidate(self, candidate_id: str, claim: str) -> Written | None:
        with self._write(None, "release_candidate") as journal:
            journal.log(ChangeEntry(ChangeKind.CANDIDATES, (candidate_id,)))
            props = self._held(candidate_id, claim)
            if props is None:
                return None
            self._state.put(journal, _CANDIDATE, candidate_id, {**props, "status": "pending"})
        return Written("release_candidate", (candidate_id,), 1, seq=journal.seq)

    # -- tokens --------------------------------------------------------------------------------
    def create_token(self, token: TokenRecord, token_hash: str, context: WriteContext) -> Written:
        props = {
            "id": token.id,
            "name": token.name,
            "role": token.role,
            "hash": token_hash,
            "created_at": context.stamp()["now"],
            "created_by": token.created_by if token.created_by is not None else context.by,
        }
        with self._write(context, "create_token") as journal:
            if self._state.get("ApiToken", token.id) is not None:
                raise duplicate(token.id)
            self._state.put(journal, "ApiToken", token.id, created(props))
            journal.log(ChangeEntry(ChangeKind.TOKEN, (token.id,)))
        return Written("create_token", (token.id,), 1, context, journal.seq)

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        with self._lock:
            for props in self._state.nodes["ApiToken"].values():
                if props.get("hash") == token_hash and props.get("revoked_at") is None:
                    return reads.token(props, stamps=False)
        return None

    def tokens(self) -> list[TokenRecord]:
        with self._lock:
            rows = list(self._state.nodes["ApiToken"].values())
        rows.sort(key=lambda p: (reads.order(p.get("created_at")), reads.order(p["id"])))
        return [reads.token(p) for p in rows]

    def revoke_tokens(self, reference: str, context: WriteContext) -> list[TokenRecord]:
        now = context.stamp()["now"]
        revoked = []
        with self._write(context, "revoke_tokens") as journal:
            for token_id, props in list(self._state.nodes["ApiToken"].items()):
                named = reference in (props.get("id"), props.get("name"))
                if named and props.get("revoked_at") is None:
                    now_revoked = {**props, "revoked_at": now}
                    self._state.put(journal, "ApiToken", token_id, now_revoked)
                    revoked.append(reads.token(now_revoked))
            if revoked:
                journal.log(ChangeEntry(ChangeKind.TOKEN, tuple(t.id for t in revoked)))
        return revoked

    # -- changes -------------------------------------------------------------------------------
    def changes(self, target: str | None, limit: int) -> list[ChangeRecord]:
        with self._lock:
            rows = [
                p
                for p in self._state.nodes["Change"].values()
                if p.get("kind", ChangeKind.EDIT) == ChangeKind.EDIT
                and (target is None or p.get("target") == target)
            ]
        rows.sort(key=lambda p: (reads.order(p.get("at")), reads.order(p["id"])), reverse=True)
        return [ChangeRecord.from_props(copied(p)) for p in rows[:limit]]

    def changes_since(self, after: int, limit: int = 10_000) -> list[ChangeRecord]:
        with self._lock:
            rows = [p for p in self._state.nodes["Change"].values() if p.get("seq", 0) > after]
        rows.sort(key=lambda p: (p["seq"], p["n"]))
        return [ChangeRecord.from_props(copied(p)) for p in rows[:limit]]
