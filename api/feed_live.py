"""The live change feed: one per process, on the projection's listener, to bounded queues.

:class:`ChangeFeed` hangs on the projection (:meth:`api.projection.ProjectionService.add_listener`):
the projection follows the log for every request anyway, and tells the feed of each change it
applied with the projection that now holds it — so a client that reads the map again on a
change finds it there, and no subscriber, nor the feed, polls the store. Each subscriber
(:class:`Subscription`) has a bounded queue; one whose queue is full is dropped
(:class:`Dropped`, with the sequence to resume from) instead of growing the process's memory,
and the others go on. What the feed shows and how it filters is :mod:`api.feed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncGenerator, Sequence
from typing import TYPE_CHECKING, Any

from api.feed import MAX_LIMIT, FeedFilter
from api.feed_pages import (
    READ_CHUNK,
    Facts,
    Matcher,
    gather_facts,
    read_page,
    read_sequences,
    render,
)
from graph_model.changes import ChangeRecord
from graph_model.errors import MaillageError, StoreUnavailable
from graph_model.i18n import Message, _, lazy
from queries.projection import Projection

if TYPE_CHECKING:
    from api.services import Services

logger = logging.getLogger(__name__)


class Dropped(MaillageError):
    """A subscriber fell too far behind: it was dropped; ``resume`` is the sequence to resume
    from (``after``)."""

    code = "too_slow"

    def __init__(self, message: str, resume: int) -> None:
        super().__init__(message)
        self.resume = resume


class Subscription:
    """One subscriber: its filter, the last sequence it was handed, its bounded queue."""

    def __init__(self, feed_filter: FeedFilter, cursor: int, size: int) -> None:
        self.matcher = Matcher(feed_filter)
        #: the last sequence offered to the subscriber (what comes after it is new to it)
        self.cursor = cursor
        #: the sequence of the last change the subscriber took
        self.delivered = cursor
        self.size = size
        self.waiting: deque[dict[str, Any]] = deque()
        self._news = asyncio.Event()
        self.dropped: Message | None = None
        #: where a dropped subscriber resumes (``after``)
        self.resume = cursor

    def offer(
        self,
        changes: Sequence[ChangeRecord],
        facts: Facts,
        projection: Projection,
        rendered: dict[tuple[str, bool], dict[str, Any]] | None = None,
    ) -> None:
        """Queue the changes that pass the filter (``rendered``: the lines already made for
        other subscribers of the same changes, shared)."""
        if self.dropped is not None:
            return
        editor = self.matcher.filter.editor
        shared = rendered if rendered is not None else {}
        for change in changes:
            if change.seq <= self.cursor:
                continue
            chosen = self.matcher.select(change, facts, projection)
            if chosen is None:
                continue
            if len(self.waiting) >= self.size:
                resume = self.resume_point()
                self.drop(
                    lazy(
                        "too slow: {n} changes were waiting; resume with after={after}",
                        n=self.size,
                        after=resume,
                    ),
                    resume,
                )
                return
            if chosen is change:  # whole: the same line as every subscriber's
                key = (change.id, editor)
                line = shared.get(key)
                if line is None:
                    line = shared[key] = render(change, facts, editor=editor)
            else:  # the part of it this subscriber's filter keeps
                line = render(chosen, facts, editor=editor)
            self.waiting.append(line)
            self._news.set()
        if changes:
            self.cursor = max(self.cursor, changes[-1].seq)

    def resume_point(self) -> int:
        """The last sequence the subscriber took whole: the one before the last it took when
        part of that one still waits (resuming replays it whole: a change may then come twice,
        known by its ``(seq, n)``, but none is missed)."""
        if self.waiting and int(self.waiting[0]["seq"]) == self.delivered:
            return self.delivered - 1
        return self.delivered

    async def take(self) -> dict[str, Any]:
        """The next change; :class:`Dropped` once dropped."""
        while not self.waiting and self.dropped is None:
            self._news.clear()
            await self._news.wait()
        if self.dropped is not None:
            raise Dropped(str(self.dropped), self.resume)
        item = self.waiting.popleft()
        self.delivered = max(self.delivered, int(item["seq"]))
        return item

    def drop(self, reason: Message, resume: int) -> None:
        """Forget what waits and wake the subscriber, which then ends with ``reason`` (and
        resumes after ``resume``)."""
        self.dropped = reason
        self.resume = resume
        self.waiting.clear()
        self._news.set()


class ChangeFeed:
    """The live change feed of one process (see the module docstring).

    It hangs on the projection (:meth:`api.projection.ProjectionService.add_listener`): the
    projection follows the log for every request anyway, and tells the feed of each change it
    applied with the projection that now holds it, so no subscriber, and not the feed either,
    polls the store. A sequence the listener was not told of (the projection rebuilt instead of
    following: a hole in the log, the graph cleared) is read from the log, so none is lost.
    """

    def __init__(
        self,
        services: Services,
        *,
        queue_size: int = 256,
        check_interval: float = 1.0,
    ) -> None:
        self.services = services
        self.queue_size = queue_size
        #: how often, without news, the feed checks the projection did not move silently
        self.check_interval = check_interval
        self._subscribers: set[Subscription] = set()
        #: the last sequence handed to the subscribers (``None``: nobody listens)
        self.position: int | None = None
        self._heard_changes: deque[tuple[Sequence[ChangeRecord], Projection]] = deque()
        self._news: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        services.projection.add_listener(self._heard)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def stream(
        self, feed_filter: FeedFilter, after: int | None
    ) -> AsyncGenerator[dict[str, Any], None]:
        """The changes after ``after`` (``None``: from now on) that pass the filter: those
        already in the log first, read page by page, then the new ones as they commit.
        Raises :class:`Dropped` when the subscriber fell too far behind."""
        services = self.services
        if after is None:
            after = await services.guard.run(services.graph.graph_version)
        cursor = after
        matcher = Matcher(feed_filter)
        while True:  # replay until the log holds nothing the live feed has not handed on
            page = await read_page(services, feed_filter, cursor, MAX_LIMIT, matcher=matcher)
            for item in page.items:
                yield item
            cursor = page.next
            if not page.more and (self.position is None or cursor >= self.position):
                break
        subscription = Subscription(feed_filter, cursor, self.queue_size)
        self._add(subscription)
        try:
            while True:
                yield await subscription.take()
        finally:
            self._subscribers.discard(subscription)

    def _add(self, subscription: Subscription) -> None:
        if self._closed:
            raise StoreUnavailable(_("the server is stopping"))
        if not self._subscribers or self.position is None:
            self.position = subscription.cursor
            self._heard_changes.clear()
        self._subscribers.add(subscription)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._deliver_loop(), name="maillage-change-feed"
            )

    def _heard(self, changes: Sequence[ChangeRecord], projection: Projection) -> None:
        """The projection's listener (in the event loop: it only queues)."""
        if not changes or not self._subscribers:
            return
        self._heard_changes.append((changes, projection))
        if self._news is not None:
            self._news.set()

    async def _deliver_loop(self) -> None:
        """Hand on what the projection applied, in order, while someone listens."""
        self._news = asyncio.Event()
        while self._subscribers and not self._closed:
            try:
                if self._heard_changes:
                    changes, projection = self._heard_changes.popleft()
                    await self._deliver(changes, projection)
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._news.wait(), self.check_interval)
                self._news.clear()
                current = self.services.projection.current
                position = self.position
                if current is None or position is None or self._heard_changes:
                    continue
                if current.version > position:  # rebuilt: read what it passed over
                    await self._deliver([], current)
            except StoreUnavailable:
                await asyncio.sleep(self.check_interval)  # the guard probes the store
            except Exception:  # a bug must not stop the feed for everyone without a word
                logger.exception("the change feed failed; going on")
                await asyncio.sleep(self.check_interval)
        self.position = None
        self._heard_changes.clear()

    async def _deliver(self, changes: Sequence[ChangeRecord], projection: Projection) -> None:
        position = self.position or 0
        fresh = [change for change in changes if change.seq > position]
        end = fresh[0].seq - 1 if fresh else projection.version
        while position < end:  # sequences the listener was not told of: from the log
            missed, _more = await self.services.guard.run(
                read_sequences, self.services.graph, position, READ_CHUNK
            )
            missed = [change for change in missed if change.seq <= end]
            if not missed:
                break
            await self._publish(missed, projection)
            position = missed[-1].seq
        if fresh:
            await self._publish(fresh, projection)

    async def _publish(self, changes: Sequence[ChangeRecord], projection: Projection) -> None:
        facts = await gather_facts(self.services, changes, projection)
        self.publish(changes, facts, projection)

    def publish(
        self, changes: Sequence[ChangeRecord], facts: Facts, projection: Projection
    ) -> None:
        """Hand ``changes`` (whole sequences, after :attr:`position`) to every subscriber."""
        rendered: dict[tuple[str, bool], dict[str, Any]] = {}  # one line a change, shared
        for subscription in list(self._subscribers):
            subscription.offer(changes, facts, projection, rendered)
        if changes:
            self.position = max(self.position or 0, changes[-1].seq)

    async def close(self) -> None:
        self._closed = True
        for sub in list(self._subscribers):
            resume = sub.resume_point()
            sub.drop(
                lazy("the server is stopping: resume with after={after}", after=resume), resume
            )
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


__all__ = ["ChangeFeed", "Dropped", "Subscription"]
