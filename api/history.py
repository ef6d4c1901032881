"""History, revert and stale entries: what the change log tells people, and undoing an edit.

**History** (:func:`history`): an actor's or a link's entries of the change log, newest first,
one item per transaction: the API's audit entry when there is one (who, when, the operation,
``before``/``after`` of the fields it changed, the source), else the import's entry (its run).
How they are found: the audit entries by their ``target`` (indexed); the other entries list
their targets in ``targets``, which no server indexes, so they are looked for among the last
``HISTORY_SCAN`` sequence numbers below the page (a range read through the ``seq`` index) —
``bench/history.py`` measures both.

**Revert** (:func:`revert`): an editor restores what an audit entry's ``before`` says, through
:mod:`api.editing`'s path (the revert is an edit too, with its own before/after, so it can be
reverted in turn). It is refused, with the reason, when the fields it would restore were
changed since (their stored value is no longer the entry's ``after``): the later changes are
named, to be reverted first.

**Stale entries** (:func:`stale_entries`): a network's actors (the network and its members) and
their open links not confirmed nor changed for ``MAILLAGE_STALE_MONTHS`` months (24);
:func:`confirm_entry` marks one as still true (an edit that changes nothing but the date) or
ends a link on a date.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from api.auth import Principal
from api.editing import (
    _ACTOR_FIELDS,
    Author,
    Change,
    _change,
    _context,
    _once,
    _plain,
    check_scope,
    link_state,
    upsert_in,
)
from api.proposals import network_actors
from graph_model.batch import GraphBatch
from graph_model.changes import ChangeKind, ChangeRecord
from graph_model.errors import NotFound, ValidationError
from graph_model.i18n import _, format_datetime
from graph_model.model import LinkKind
from graph_model.port import GraphEdit, GraphStore, StoredActor, StoredLink

#: sequence numbers scanned for an actor's import entries below a page (see module doc)
HISTORY_SCAN = 50_000
ACTOR_OPERATIONS = frozenset({"create_actor", "update_actor", "revert_actor", "confirm_entry"})
LINK_OPERATIONS = frozenset({"link_actors", "end_link", "remove_link", "revert_link"})
#: the fields an import changed on an actor it matched (importers.field_changes)
IMPORT_FIELDS = "import.fields"


@dataclass(frozen=True)
class HistoryItem:
    change: ChangeRecord
    detail: Mapping[str, Any]

    @property
    def before(self) -> Any:
        if self.change.operation == IMPORT_FIELDS:
            return {k: v[0] for k, v in (self.detail.get("fields") or {}).items()}
        return self.detail.get("before")

    @property
    def after(self) -> Any:
        if self.change.operation == IMPORT_FIELDS:
            return {k: v[1] for k, v in (self.detail.get("fields") or {}).items()}
        return self.detail.get("after")

    @property
    def revertible(self) -> bool:
        if self.change.kind != ChangeKind.EDIT.value:
            return False
        if self.change.operation == IMPORT_FIELDS:
            return bool(self.change.run and self.after)
        if self.change.operation in LINK_OPERATIONS:
            return bool(self.before or self.after)
        return self.change.operation != "create_actor" and bool(self.after)


def _detail(change: ChangeRecord) -> dict[str, Any]:
    try:
        data = json.loads(change.detail or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def history(
    graph: GraphStore, target: str, *, first: int, before: int | None
) -> tuple[list[HistoryItem], int | None]:
    """A page of ``target``'s history (one item per transaction) and the cursor of the next
    page (the last item's sequence), ``None`` at the end."""
    limit = first * 4 + 8
    records = graph.history(target, before=before, limit=limit, scan=HISTORY_SCAN)
    groups: dict[int, list[ChangeRecord]] = {}
    for record in records:
        groups.setdefault(record.seq, []).append(record)
    items = []
    for entries in groups.values():
        audit = next((e for e in entries if e.kind == ChangeKind.EDIT.value), None)
        chosen = audit or _main(entries)
        items.append(HistoryItem(chosen, _detail(chosen)))
    more = len(items) > first or len(records) == limit
    page = items[:first]
    return page, (page[-1].change.seq if more and page else None)


_ORDER = ("actor.created", "actor.updated", "link.created", "link.updated", "link.ended")


def _main(entries: list[ChangeRecord]) -> ChangeRecord:
    return min(entries, key=lambda e: _ORDER.index(e.kind) if e.kind in _ORDER else 99)


# -- revert ---------------------------------------------------------------------------------
class RevertRefused(ValidationError):
    code = "revert_refused"

    def __init__(self, message: str, conflicts: Iterable[str] = ()) -> None:
        super().__init__(message, field="change")
        self.conflicts = list(conflicts)


def _author(principal: Principal) -> Author:
    return Author(principal.name, principal.token_id, principal.user, principal.network)


def revert(graph: GraphStore, change_id: str, principal: Principal) -> Change:
    """Restore what the audit entry ``change_id`` changed (see the module docstring)."""
    record = graph.change(change_id)
    if record is None or record.kind != ChangeKind.EDIT.value:
        raise NotFound(
            _(
                "no change {id} made through the API (an import is undone by importing "
                "again; history lists the changes)",
                id=change_id,
            )
        )
    detail = _detail(record)
    author = _author(principal)
    if record.operation in LINK_OPERATIONS:
        key = (str(detail.get("from")), str(detail.get("to")), str(detail.get("kind")))
        return _once(key, lambda: _revert_links(graph, record, detail, author))
    if record.operation == IMPORT_FIELDS:
        return _revert_import(graph, record, author)
    if record.operation == "create_actor":
        raise RevertRefused(
            _(
                "an actor's creation cannot be reverted: end its links, or merge it into the "
                "right actor"
            )
        )
    if record.operation not in ACTOR_OPERATIONS or not detail.get("after"):
        raise RevertRefused(_("this change holds nothing to restore (it is older than history)"))
    return _once((record.target,), lambda: _revert_actor(graph, record, detail, author))


def _later(graph: GraphStore, record: ChangeRecord, fields: set[str]) -> list[ChangeRecord]:
    """The later changes of the same target that touched these fields (an import's entries
    do not say which fields: they count), oldest first, one per transaction."""
    by_seq: dict[int, list[ChangeRecord]] = {}
    for change in graph.history(record.target, limit=200, scan=HISTORY_SCAN):
        if change.seq > record.seq:
            by_seq.setdefault(change.seq, []).append(change)
    found = []
    for seq in sorted(by_seq):
        entries = by_seq[seq]
        audit = next((e for e in entries if e.kind == ChangeKind.EDIT.value), None)
        if audit is None:
            found.append(_main(entries))
            continue
        after = _detail(audit).get("after")
        touched = set(after) if isinstance(after, dict) else None
        if touched is None or touched & fields:
            found.append(audit)
    return found


def _conflict(graph: GraphStore, record: ChangeRecord, fields: set[str]) -> RevertRefused:
    later = _later(graph, record, fields)
    names = ", ".join(sorted(fields))
    if later:
        last = later[0]
        return RevertRefused(
            _(
                "{fields} changed since this change ({count} later change(s), the first "
                "{id} by {by} on {at}): revert the later ones first",
                fields=names,
                count=len(later),
                id=last.id,
                by=last.by or last.run or "?",
                at=format_datetime(last.at),
            ),
            [c.id for c in later],
        )
    return RevertRefused(_("{fields} changed since this change", fields=names))


def _revert_actor(
    graph: GraphStore, record: ChangeRecord, detail: Mapping[str, Any], author: Author
) -> Change:
    before: dict[str, Any] = dict(detail.get("before") or {})
    after: dict[str, Any] = dict(detail.get("after") or {})
    context = _context(author)
    with graph.edit(context) as tx:
        found = tx.actors_by_id([record.target]).get(record.target)
        if found is None:
            raise NotFound(_("the actor {id} no longer exists", id=record.target))
        stored = dict(found.props)
        changed = {f for f, v in after.items() if _plain(stored.get(f)) != v}
        if changed:
            raise _conflict(graph, record, changed)
        given: dict[str, Any] = {"id": record.target, "kind": found.kind}
        override = dict(stored)
        for name, value in before.items():
            if name not in _ACTOR_FIELDS:
                continue
            if value is None:
                override.pop(name, None)
            else:
                given[name] = value
        if ("latitude" in before or "longitude" in before) and before.get(
            "location_precision"
        ) != "exact":
            # the point before was a commune's centre: computed again from the commune
            for name in ("latitude", "longitude", "location_precision"):
                given.pop(name, None)
                override.pop(name, None)
        extra = {"reverts": record.id}
        return upsert_in(
            tx,
            record.target,
            given,
            author,
            context,
            operation="revert_actor",
            extra=extra,
            stored_override=override,
        )[1]


def _revert_import(graph: GraphStore, record: ChangeRecord, author: Author) -> Change:
    """What an import run changed on an actor, undone by the importers' own revert (the
    fields changed since are kept, and named when none could be restored)."""
    from graph_model.stored import shipped_lookup
    from importers.field_changes import revert as revert_run

    if not record.run:
        raise RevertRefused(_("this change holds nothing to restore (it is older than history)"))
    check_scope(graph, author, record.target)
    done = revert_run(
        graph,
        record.target,
        record.run,
        territories=shipped_lookup(),
        by=author.name,
    )
    if not done.restored:
        raise _conflict(graph, record, set(done.kept))
    latest = graph.history(record.target, limit=1, scan=0)
    made = latest[0] if latest else record
    return Change(made.id, made.at, made.by, made.operation, made.target)


def _states(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


_COMPARED = ("subkind", "since", "until")


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _revert_links(
    graph: GraphStore, record: ChangeRecord, detail: Mapping[str, Any], author: Author
) -> Change:
    before, after = _states(detail.get("before")), _states(detail.get("after"))
    if not before and not after:
        raise RevertRefused(_("this change holds nothing to restore (it is older than history)"))
    source, target = str(detail.get("from")), str(detail.get("to"))
    kind = LinkKind(str(detail.get("kind")))
    context = _context(author)
    with graph.edit(context) as tx:
        check_scope(tx, author, source, target)
        current = {link.id: link for link in tx.links_between(source, target, kind)}
        for state in after:  # what the change left must still be there, unchanged
            link = current.get(str(state["id"]))
            if link is None or any(link_state(link)[f] != state.get(f) for f in _COMPARED):
                raise _conflict(graph, record, {"link " + str(state["id"])})
        wanted_ids = {str(s["id"]) for s in before}
        if not after and wanted_ids & set(current):  # a removal: unless they came back
            raise RevertRefused(_("these links were recorded again since this change"))
        now_states = [link_state(current[str(s["id"])]) for s in after]
        gone = [str(s["id"]) for s in after if str(s["id"]) not in wanted_ids]
        if gone:
            tx.remove_links(source, target, kind, gone)
        if before:
            batch = GraphBatch(context.stamp())
            for state in before:
                props = {
                    "subkind": state.get("subkind"),
                    "since": _day(state.get("since")),
                    "until": _day(state.get("until")),
                    "sources": list(state.get("sources") or ()),
                    "updated_by": context.by,
                }
                link_id = str(state["id"])
                if link_id not in current:
                    props["created_by"] = context.by
                    batch.created.add(link_id)
                batch.links[kind].append(
                    {"source": source, "target": target, "id": link_id, "props": props}
                )
            tx.write(batch)
        restored = [
            link_state(link)
            for link in tx.links_between(source, target, kind)
            if link.id in wanted_ids
        ]
        revert_detail = {
            "kind": kind.value,
            "from": source,
            "to": target,
            "reverts": record.id,
            "links": sorted(wanted_ids | {str(s["id"]) for s in after}),
            "before": now_states,
            "after": restored,
        }
        target_id = (sorted(wanted_ids) or sorted(str(s["id"]) for s in after))[0]
        return _change(tx, author, "revert_link", target_id, revert_detail)


# -- stale entries ----------------------------------------------------------------------------
@dataclass(frozen=True)
class StaleActor:
    actor: StoredActor
    last: datetime | None


@dataclass(frozen=True)
class StaleLink:
    link: StoredLink
    last: datetime | None


def _last(*values: Any) -> datetime | None:
    stamps = [v for v in values if isinstance(v, datetime)]
    return max(stamps) if stamps else None


def stale_entries(
    graph: GraphStore, network: str, months: int, *, now: datetime | None = None
) -> tuple[list[StaleActor], list[StaleLink]]:
    """The network's actors and open links unchanged for ``months`` months, oldest first."""
    if graph.actor_kinds([network]).get(network) != "Network":
        raise NotFound(_("no network {id!r}", id=network))
    now = now or datetime.now(UTC)
    horizon = now - timedelta(days=round(months * 30.44))
    ids = network_actors(graph, network)
    actors = [
        StaleActor(actor, _last(actor.props.get("created_at"), actor.props.get("updated_at")))
        for actor in graph.actors_by_id(ids).values()
    ]
    stale_actors = [a for a in actors if a.last is None or a.last < horizon]
    seen: dict[str, StoredLink] = {}
    for item in graph.links_of_actors(ids):
        seen.setdefault(item.link.id, item.link)
    today = now.date()
    links = [
        StaleLink(link, _last(link.created_at, link.updated_at))
        for link in seen.values()
        if link.until is None or link.until >= today
    ]
    stale_links = [link for link in links if link.last is None or link.last < horizon]
    stale_actors.sort(key=lambda a: (a.last or datetime.min.replace(tzinfo=UTC), a.actor.id))
    stale_links.sort(key=lambda s: (s.last or datetime.min.replace(tzinfo=UTC), s.link.id))
    return stale_actors, stale_links


def confirm_entry(
    graph: GraphStore,
    entry_id: str,
    principal: Principal,
    *,
    end: str | None = None,
    until: date | None = None,
) -> Change:
    """Mark an actor or a link as still true (its change date becomes today), or end a link
    on ``until``. A link is named by its id and one of its ends (``end``)."""
    author = _author(principal)
    context = _context(author)
    found = graph.actors_by_id([entry_id]).get(entry_id)
    if found is not None:
        if until is not None:
            raise ValidationError(
                _("an actor has no end date: end its links instead"), field="until"
            )

        def confirm_actor() -> Change:
            with graph.edit(context) as tx:
                given = {"id": entry_id, "kind": found.kind}
                return upsert_in(
                    tx, entry_id, given, author, context,
                    operation="confirm_entry", extra={"confirmed": True},
                )[1]  # fmt: skip

        return _once((entry_id,), confirm_actor)
    if end is None:
        raise ValidationError(
            _("a link is named by its id and one of its ends (from)"), field="from"
        )
    link = next((link for link in graph.links_of_actor(end) if link.id == entry_id), None)
    if link is None:
        raise NotFound(_("no link {id} of {actor}", id=entry_id, actor=end))
    return _once(
        (link.source, link.target, link.kind), lambda: _confirm_link(graph, link, author, until)
    )


def _confirm_link(
    graph: GraphStore, link: StoredLink, author: Author, until: date | None
) -> Change:
    context = _context(author)
    with graph.edit(context) as tx:
        check_scope(tx, author, link.source, link.target)
        current = next(
            (
                found
                for found in tx.links_between(link.source, link.target, LinkKind(link.kind))
                if found.id == link.id
            ),
            None,
        )
        if current is None:
            raise NotFound(_("no link {id} of {actor}", id=link.id, actor=link.source))
        if until is not None and current.since is not None and until < current.since:
            raise ValidationError(
                _("until: {day} is before the link started", day=until.isoformat()),
                field="until",
            )
        props: dict[str, Any] = {"updated_by": context.by}
        if until is not None:
            props["until"] = until
        batch = GraphBatch(context.stamp())
        batch.links[LinkKind(link.kind)].append(
            {"source": link.source, "target": link.target, "id": link.id, "props": props}
        )
        tx.write(batch)
        written = _find(tx, link)
        detail = {
            "kind": link.kind,
            "from": link.source,
            "to": link.target,
            "links": [link.id],
            "confirmed": until is None,
            "before": [link_state(current)] if until is not None else None,
            "after": [link_state(written)] if until is not None else None,
        }
        operation = "end_link" if until is not None else "confirm_entry"
        return _change(tx, author, operation, link.id, detail)


def _find(tx: GraphEdit, link: StoredLink) -> StoredLink:
    return next(
        found
        for found in tx.links_between(link.source, link.target, LinkKind(link.kind))
        if found.id == link.id
    )
