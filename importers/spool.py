"""Links stated by actor rows (memberships, Murmurations relationships), kept until step 5.

They are written to a temporary file as their actors are merged (step 4) and read back as
:class:`~importers.records.LinkRecord` once every actor of the file is loaded, so that a member
listed before its network still finds it; memory stays flat whatever the file's size.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from graph_model.identifiers import fold
from graph_model.model import LinkKind, SourceRef
from importers.records import ActorRecord, LinkRecord, Membership, Relation


class LinkSpool:
    """The links actor rows stated, on disk in file order."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None
        self.spooled = 0

    def add(self, record: ActorRecord, actor_id: str) -> None:
        """Keep the links a record states, from the actor it joined."""
        intents: list[dict[str, Any]] = []
        for membership in record.memberships:
            intents.append(_membership_intent(record, actor_id, membership))
        for relation in record.relations:
            intents.append(_relation_intent(record, actor_id, relation))
        if not intents:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        for intent in intents:
            self._file.write(json.dumps(intent, ensure_ascii=False, default=str) + "\n")
            self.spooled += 1

    def records(self) -> Iterator[LinkRecord]:
        """The links kept, as link records (counted apart: they are not input rows)."""
        if self._file is None:
            return
        self._file.seek(0)
        for text in self._file:
            data = json.loads(text)
            yield LinkRecord(
                line=data["line"],
                raw={"from": data["source"], "to": data["target"], "kind": data["kind"]},
                source_ref=data["source"],
                target_ref=data["target"],
                kind=LinkKind(data["kind"]),
                subkind=data.get("subkind"),
                since=date.fromisoformat(data["since"]) if data.get("since") else None,
                until=date.fromisoformat(data["until"]) if data.get("until") else None,
                # written by this run from a validated record: no need to validate again
                sources=[
                    SourceRef.model_construct(
                        system=data["system"], key=data["key"], url=data["url"]
                    )
                ],
                create_target=data["create"],
                counted=False,
                source_id=data.get("source_id"),
                target_id=data.get("target_id"),
            )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _membership_intent(
    record: ActorRecord, actor_id: str, membership: Membership
) -> dict[str, Any]:
    key = f"{record.source.key}>member_of>{fold(membership.network)}"
    return {
        "line": record.line,
        "source": f"id:{actor_id}",
        "source_id": actor_id,
        "target": membership.network,
        "kind": LinkKind.MEMBER_OF.value,
        "since": membership.since,
        "until": membership.until,
        "create": membership.create_if_missing,
        "system": record.source.system,
        "key": key,
        "url": record.source.url,
    }


def _relation_intent(record: ActorRecord, actor_id: str, relation: Relation) -> dict[str, Any]:
    own = f"id:{actor_id}"
    ends = (relation.target, own) if relation.reverse else (own, relation.target)
    return {
        "line": record.line,
        "source": ends[0],
        "target": ends[1],
        "source_id": None if relation.reverse else actor_id,
        "target_id": actor_id if relation.reverse else None,
        "kind": relation.kind.value,
        "subkind": relation.subkind,
        "create": False,
        "system": record.source.system,
        "key": f"{record.source.key}>{relation.kind.value.lower()}>{relation.target}",
        "url": record.source.url,
    }
