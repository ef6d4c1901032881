"""The store guard: every API call to the store goes through it, so an outage is answered at once.

The sync port (:class:`~graph_model.port.GraphStore`) runs in worker threads (``anyio.to_thread``,
abandoned on cancellation so a request never outlives its time limit). When a call fails with
:class:`~graph_model.errors.StoreUnavailable`, or does not return within the request's time
limit, the guard marks the store *down*: from then on every call fails immediately with the
same clear error (no request waits on a dead socket) while one background task pings the store
(:meth:`~graph_model.port.GraphStore.ping`) every ``store_probe_interval`` seconds; the first
successful ping marks it *up* again. So the API recovers by itself when the server comes back,
and the Bolt store re-follows an embedded server that restarted on other ports (see
``Store._maybe_follow_embedded``). With ``restart`` (the embedded server's
:meth:`~queries.store.embedded.EmbeddedServer.restart_after_crash`, on by default, obtained by
:func:`api.bolt.served`) the probe also starts a server that died — not one stopped on purpose
— at most once every ``RESTART_SPACING`` seconds.

Invariant: at most one probe task runs at a time, and it ends as soon as the store answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio.to_thread

from api import timing
from graph_model.errors import StoreUnavailable
from graph_model.port import GraphStore

logger = logging.getLogger(__name__)

#: seconds between two attempts to restart a server that died (a start takes a few seconds;
#: one that fails, on a port taken or a full disk, is not retried in a tight loop)
RESTART_SPACING = 15.0

P = ParamSpec("P")
T = TypeVar("T")


class StoreGuard:
    """Fail fast while the store is down; probe it in the background; recover by itself."""

    def __init__(
        self,
        graph: GraphStore,
        *,
        where: Callable[[], str] = lambda: "the configured server",
        probe_interval: float = 1.0,
        call_timeout: float = 10.0,
        restart: Callable[[], object] | None = None,
    ) -> None:
        #: the port the API's calls go through
        self.graph = graph
        #: where the store is, as the messages name it (read each time: a server may move)
        self.where = where
        self.probe_interval = probe_interval
        self.call_timeout = call_timeout
        self.restart = restart
        self._down_since: float | None = None
        self._reason = ""
        self._probe: asyncio.Task[None] | None = None
        self._next_restart = 0.0

    @property
    def available(self) -> bool:
        return self._down_since is None

    @property
    def reason(self) -> str:
        return self._reason

    def check(self) -> None:
        """Raise :class:`StoreUnavailable` at once while the store is known to be down."""
        if self._down_since is not None:
            raise StoreUnavailable(self._reason)

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a sync store call in a worker thread, through the guard."""
        return await self.run_within(self.call_timeout, fn, *args, **kwargs)

    async def run_within(
        self, timeout: float, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """:meth:`run` with its own time limit (exports are allowed longer than requests)."""
        self.check()
        call = functools.partial(fn, *args, **kwargs)
        try:
            with anyio.fail_after(timeout), timing.phase("store"):
                return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
        except StoreUnavailable as exc:
            self.mark_down(str(exc))
            raise StoreUnavailable(self._reason) from exc
        except TimeoutError as exc:
            self.mark_down(
                f"the graph store at {self.where()} did not answer within {timeout:g} s",
                public=f"the graph store did not answer within {timeout:g} s; the API answers "
                "'store unavailable' until it does",
            )
            raise StoreUnavailable(self._reason) from exc

    def mark_down(self, reason: str, *, public: str | None = None) -> None:
        """Note the store down: ``reason`` (which may name its address) goes to the log only.

        Clients are told ``public``, or that the store is unavailable and probed: the address
        of the database is the operator's business, not the caller's.
        """
        if self._down_since is None:
            self._down_since = time.monotonic()
            logger.warning("graph store unavailable: %s", reason or self.where())
        self._reason = public or (
            f"the graph store is unavailable; it is probed every {self.probe_interval:g} s and "
            "the API resumes when it answers (the server's log says which server and why)"
        )
        self._start_probe()

    def _start_probe(self) -> None:
        if self._probe is not None and not self._probe.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # called outside the event loop: the next async call starts the probe
        self._probe = loop.create_task(self._probe_until_up(), name="maillage-store-probe")

    async def _probe_until_up(self) -> None:
        while self._down_since is not None:
            await asyncio.sleep(self.probe_interval)
            try:
                with anyio.fail_after(max(self.probe_interval * 5, 5.0)):
                    await anyio.to_thread.run_sync(self.graph.ping, abandon_on_cancel=True)
            except (StoreUnavailable, TimeoutError) as exc:
                logger.debug("store still unavailable: %s", exc)
                await self._maybe_restart()
                continue
            except Exception:  # any other answer means the server is back
                logger.exception("unexpected error while probing the store")
            down_for = time.monotonic() - (self._down_since or time.monotonic())
            self._down_since = None
            self._reason = ""
            logger.warning("graph store available again after %.1f s", down_for)

    async def _maybe_restart(self) -> None:
        if self.restart is None or time.monotonic() < self._next_restart:
            return
        self._next_restart = time.monotonic() + RESTART_SPACING
        try:
            state = await anyio.to_thread.run_sync(self.restart, abandon_on_cancel=True)
        except Exception as exc:  # the probe goes on; the next attempt comes later
            logger.warning("could not restart the graph store: %s", exc)
            return
        if state is not None:
            logger.warning("restarted the graph store after it stopped answering")

    async def ensure_probe_stopped(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._probe
            self._probe = None
