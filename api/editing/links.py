"""Record, end or remove a link in one transaction: refused when one of the same kind between
the same actors overlaps its period (:class:`DuplicateLink`), with an audit entry of the link's
state before and after."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from api.editing.common import (
    Author,
    Change,
    DuplicateLink,
    LinkNotFound,
    _change,
    _context,
    _once,
    _plain,
    check_scope,
)
from graph_model.batch import GraphBatch, link_row
from graph_model.errors import NotFound, ValidationError
from graph_model.identifiers import check_actor_id
from graph_model.model import Link, LinkKind, SourceRef
from graph_model.port import GraphEdit, GraphStore, StoredLink, WriteContext
from graph_model.stored import source_json


# -- links --------------------------------------------------------------------------------------
def _overlaps(
    a_since: date | None, a_until: date | None, b_since: date | None, b_until: date | None
) -> bool:
    return (a_since is None or b_until is None or a_since <= b_until) and (
        b_since is None or a_until is None or b_since <= a_until
    )


def _check_ends(tx: GraphEdit, *ids: str) -> None:
    for actor_id in ids:
        check_actor_id(actor_id)
    found = tx.actor_kinds(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no actor {missing[0]!r}: check the id (Query.search finds actors by name)")


def link_actors(graph: GraphStore, link: Link, author: Author) -> tuple[StoredLink, Change]:
    """Record a link unless one of the same kind between the same actors overlaps its period;
    returns the link as stored and the change."""
    key = (link.source_id, link.target_id, link.kind.value)
    return _once(key, lambda: _link(graph, link, author))


def _link(graph: GraphStore, link: Link, author: Author) -> tuple[StoredLink, Change]:
    context = _context(author)
    with graph.edit(context) as tx:
        check_scope(tx, author, link.source_id, link.target_id)
        return link_in(tx, link, author, context)


def link_in(
    tx: GraphEdit,
    link: Link,
    author: Author,
    context: WriteContext,
    *,
    extra: Mapping[str, Any] | None = None,
) -> tuple[StoredLink, Change]:
    """The new link inside a running edit (the caller checked the author's scope)."""
    _check_ends(tx, link.source_id, link.target_id)
    for current in tx.links_between(link.source_id, link.target_id, link.kind):
        if _overlaps(current.since, current.until, link.since, link.until):
            raise DuplicateLink(current)
    row = link_row(link)
    # a new link (an overlapping one, the same id included, was refused above)
    row["props"] |= {"created_by": context.by, "updated_by": context.by}
    batch = GraphBatch(context.stamp())
    batch.links[link.kind].append(row)
    batch.created.add(row["id"])
    tx.write(batch)
    written = next(
        stored
        for stored in tx.links_between(link.source_id, link.target_id, link.kind)
        if stored.id == link.id
    )
    detail = {
        "kind": link.kind.value,
        "from": link.source_id,
        "to": link.target_id,
        "subkind": link.subkind,
        "since": link.since,
        "until": link.until,
        "sources": [s.alias for s in link.sources],
        "before": None,
        "after": link_state(written),
        **(extra or {}),
    }
    return written, _change(tx, author, "link_actors", link.id, detail)


def link_state(link: StoredLink) -> dict[str, Any]:
    """What an audit entry keeps of a link (and a revert compares and restores)."""
    return {
        "id": link.id,
        "kind": link.kind,
        "from": link.source,
        "to": link.target,
        "subkind": link.subkind,
        "since": _plain(link.since),
        "until": _plain(link.until),
        "sources": list(link.sources),
    }


def unlink_actors(
    graph: GraphStore,
    *,
    source_id: str,
    target_id: str,
    kind: LinkKind,
    until: date | None,
    source: SourceRef,
    remove: bool,
    author: Author,
) -> tuple[list[StoredLink], Change]:
    """End (or remove) the links of ``kind`` from one actor to another valid on ``until``;
    returns the links as they were removed, or as they are once ended, and the change."""
    day = until or datetime.now(UTC).date()

    work = partial(
        _unlink,
        graph,
        source_id=source_id,
        target_id=target_id,
        kind=kind,
        day=day,
        source=source,
        remove=remove,
        author=author,
    )
    return _once((source_id, target_id, kind.value), work)


def _unlink(
    graph: GraphStore,
    *,
    source_id: str,
    target_id: str,
    kind: LinkKind,
    day: date,
    source: SourceRef,
    remove: bool,
    author: Author,
) -> tuple[list[StoredLink], Change]:
    context = _context(author)
    with graph.edit(context) as tx:
        check_scope(tx, author, source_id, target_id)
        _check_ends(tx, source_id, target_id)
        open_links = [
            link
            for link in tx.links_between(source_id, target_id, kind)
            if (link.until is None or link.until >= day)
            and (link.since is None or link.since <= day or remove)
        ]
        if not open_links:
            raise LinkNotFound(
                f"no {kind.value} link from {source_id} to {target_id} is open on {day}: "
                "nothing to end (actor.links lists them)"
            )
        ids = [link.id for link in open_links]
        if remove:
            tx.remove_links(source_id, target_id, kind, ids)
            ended = list(open_links)
        else:
            for link in open_links:
                if link.since is not None and link.since > day:
                    raise ValidationError(
                        f"until: {day} is before the link {link.id} started ({link.since})",
                        field="until",
                    )
            sources = sorted(
                {s for link in open_links for s in link.sources} | {source_json(source)}
            )
            ended = tx.end_links(source_id, target_id, kind, ids, until=day, sources=sources)
        detail = {
            "kind": kind.value,
            "from": source_id,
            "to": target_id,
            "until": day,
            "source": source.alias,
            "removed": remove,
            "links": ids,
            "before": [link_state(link) for link in open_links],
            "after": None if remove else [link_state(link) for link in ended],
        }
        change = _change(tx, author, "remove_link" if remove else "end_link", ids[0], detail)
    return ended, change
