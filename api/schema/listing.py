"""Lists of actors with filters, as keyset pages: the filter and cursor read, the page cut.

A page holds the actors passing the filters whose id follows the cursor's, in id order, cut from
the projection's listing index (:mod:`api.listing`); the total is counted only when
``totalCount`` is selected. :func:`actor_page` answers with the page's actor ids
(:class:`~api.schema.pagination.KeyPage`); ``Query.actors`` and ``Territory.actors`` dress them
as actors (:func:`api.schema.actors.list_actors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api import listing
from api.schema import cursors
from api.schema.context import Info
from api.schema.inputs import ActorFilter
from api.schema.pagination import KeyPage, check_first
from api.territories import TerritoryRecord
from graph_model.errors import ValidationError
from graph_model.identifiers import check_actor_id, fold
from graph_model.model import TerritoryLevel
from queries.projection import Projection


@dataclass(frozen=True, slots=True)
class ActorPage:
    """The ids of one page of actors, and the projection that holds them."""

    page: KeyPage
    projection: Projection


def _place(record: TerritoryRecord | None) -> tuple[str, str] | None:
    if record is None or record.level is TerritoryLevel.COUNTRY:
        return None
    return (record.level.value, record.code)


def _options(
    info: Info, where: ActorFilter | None, territory: TerritoryRecord | None
) -> dict[str, Any]:
    """The filter as :func:`api.listing.select`'s options (the territory as a place)."""
    options: dict[str, Any] = {
        "kinds": None,
        "themes": None,
        "text": None,
        "as_of": None,
        "member_of": None,
    }
    if where is not None:
        if where.kinds:
            options["kinds"] = sorted({k.value for k in where.kinds})
        if where.themes:
            options["themes"] = sorted(set(where.themes))
        if where.text is not None:
            folded = fold(where.text)
            if not folded:
                raise ValidationError(
                    "filter.text: give at least one letter or digit", field="text"
                )
            options["text"] = folded
        options["as_of"] = where.active_as_of
        if where.member_of is not None:
            options["member_of"] = check_actor_id(str(where.member_of))
        if where.territory is not None:
            chosen = info.context.services.territories.resolve(where.territory)
            if territory is not None and chosen.id != territory.id:
                raise ValidationError(
                    "filter.territory: this list is already the territory's; leave it out",
                    field="territory",
                )
            territory = chosen
    options["place"] = _place(territory)
    return options


async def actor_page(
    info: Info,
    where: ActorFilter | None,
    first: int | None,
    after: str | None,
    *,
    territory: TerritoryRecord | None = None,
) -> ActorPage:
    """The page of actors passing ``where`` (within ``territory``) after the cursor ``after``.

    A selection with checks left (a text, a date) is walked in a worker thread: it may visit
    many actors; one without is cut on the event loop.
    """
    size = check_first(info, first)
    key = cursors.decode(cursors.ACTORS, after)
    options = _options(info, where, territory)
    services = info.context.services
    projection = await services.projection.get()
    index = listing.listing_index(projection)
    selection = listing.select(projection, index, **options)
    if selection.checks:
        positions = await services.compute_in_thread(
            lambda: listing.page(selection, index, key, size)
        )
    else:
        positions = listing.page(selection, index, key, size)

    async def count() -> int:
        if not selection.checks:
            return listing.count(selection, index)
        return await services.compute_in_thread(lambda: listing.count(selection, index))

    page = KeyPage(
        keys=positions[:size],
        list_name=cursors.ACTORS,
        has_next=len(positions) > size,
        has_previous=key is not None,
        count=count,
    )
    return ActorPage(page, projection)


__all__ = ["ActorPage", "actor_page"]
