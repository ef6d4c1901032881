"""Which of an actor's links a field shows: by kind, by date, by direction.

The actors loader hands every link of an actor (:class:`~graph_model.port.StoredLink`, in
id order); ``Actor.links`` shows those passing its arguments (:func:`select_links`), and the kinds'
member lists (``Network.members``, ``Project.carriers``…) the actors at their other ends
(:func:`linked_ids`). The GraphQL ``Link`` itself is built in :mod:`api.schema.actors`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from api.schema.enums import LinkDirection, LinkKind
from graph_model.port import StoredLink


def _valid_on(link: StoredLink, day: date) -> bool:
    return (link.since is None or link.since <= day) and (link.until is None or day <= link.until)


def select_links(
    rows: Iterable[StoredLink],
    actor_id: str,
    kinds: Iterable[LinkKind] | None,
    as_of: date | None,
    direction: LinkDirection,
) -> list[StoredLink]:
    """The links of ``actor_id`` of these kinds (None: all), valid on ``as_of``, in ``direction``
    (order kept)."""
    wanted = {k.value for k in kinds} if kinds else None
    selected = []
    for row in rows:
        if wanted is not None and row.kind not in wanted:
            continue
        if as_of is not None and not _valid_on(row, as_of):
            continue
        if direction is LinkDirection.OUTGOING and row.source != actor_id:
            continue
        if direction is LinkDirection.INCOMING and row.target != actor_id:
            continue
        selected.append(row)
    return selected


def linked_ids(
    rows: Iterable[StoredLink],
    actor_id: str,
    kinds: Collection[str],
    as_of: date | None,
    direction: LinkDirection,
) -> list[str]:
    """The actors at the other end of ``actor_id``'s links of these kinds, sorted, each once."""
    return sorted(
        {
            (row.source if row.target == actor_id else row.target)
            for row in select_links(rows, actor_id, None, as_of, direction)
            if row.kind in kinds
        }
    )


__all__ = ["linked_ids", "select_links"]
