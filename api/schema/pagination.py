"""Keyset pagination: Relay connections cut after a cursor, and the page size every list obeys.

A list is sorted by a string key (an actor id, a link id); a page is the ``first`` items whose
key follows the cursor's (:mod:`api.schema.cursors`), never an offset. A page is cut on the
keys first (:func:`key_page`) and only its own items are built, so a long list costs its keys,
not its GraphQL objects. ``totalCount`` is a plain number when known and counted on demand
otherwise.
"""

from __future__ import annotations

import bisect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

import strawberry
from strawberry import Private

from api.schema import cursors
from api.schema.context import Info
from api.schema.fields import field
from graph_model.errors import ValidationError

T = TypeVar("T")

Counter = Callable[[], Awaitable[int]]


@strawberry.type(description="Where a page stands in its list (Relay).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, with keyset cursors (see docs/api.md).")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: Private[int | Counter]

    @field(description="How many items the whole list holds (counted on demand).")
    def total_count(self) -> int:
        # a plain value when known; the awaitable of the count otherwise (GraphQL awaits it):
        # a sync resolver spares a coroutine per list in the common case
        if isinstance(self.count, int):
            return self.count
        return cast(int, self.count())

    @field(description="The nodes of the page, without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def page_of(
    nodes: Sequence[tuple[str, T]],
    list_name: str,
    *,
    has_next: bool,
    has_previous: bool,
    count: int | Counter,
) -> Connection[T]:
    """A connection over one page already cut (``nodes`` in key order)."""
    edges = [Edge(cursor=cursors.encode(list_name, k), node=node) for k, node in nodes]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


def check_first(info: Info, first: int | None) -> int:
    """The page size asked for, within the limit (``MAILLAGE_MAX_PAGE_SIZE``)."""
    settings = info.context.settings
    if first is None:
        return settings.default_page_size
    if first < 0:
        raise ValidationError(f"first: {first} is negative; ask for 1 or more", field="first")
    if first > settings.max_page_size:
        raise ValidationError(
            f"first: {first} exceeds the maximum page size of {settings.max_page_size} "
            "(limit max_page_size, MAILLAGE_MAX_PAGE_SIZE); page with `after`",
            field="first",
        )
    return first


@dataclass(frozen=True, slots=True)
class KeyPage:
    """The keys of one page and where it stands; :meth:`connection` dresses its nodes."""

    keys: Sequence[str]
    list_name: str
    has_next: bool
    has_previous: bool
    count: int | Counter
    #: where the page's first key stands in the whole list
    start: int = 0

    @property
    def end(self) -> int:
        """Where the key after the page's last stands in the whole list."""
        return self.start + len(self.keys)

    def connection(self, nodes: Sequence[tuple[str, T]]) -> Connection[T]:
        """The page's connection over ``nodes`` (its keys' items, in key order)."""
        return page_of(
            nodes,
            self.list_name,
            has_next=self.has_next,
            has_previous=self.has_previous,
            count=self.count,
        )


def key_page(keys: Sequence[str], list_name: str, first: int, after: str | None) -> KeyPage:
    """The ``first`` keys of ``keys`` (sorted) that follow the cursor ``after``."""
    key = cursors.decode(list_name, after)
    start = 0 if key is None else bisect.bisect_right(keys, key)
    return KeyPage(
        keys=keys[start : start + first],
        list_name=list_name,
        has_next=start + first < len(keys),
        has_previous=start > 0,
        count=len(keys),
        start=start,
    )


__all__ = ["Connection", "Counter", "Edge", "KeyPage", "PageInfo", "check_first", "key_page"]
