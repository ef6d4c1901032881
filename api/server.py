"""How uvicorn serves the app: its timeouts, and a time limit on a request's headers.

uvicorn times out an idle keep-alive connection but not a client that sends a few bytes of
headers and then stalls (one byte every few seconds holds a connection for ever). The protocols
here arm a timer whenever a connection waits for a request's headers (when it opens, and after
each response) and close it when the headers have not come whole within
``MAILLAGE_HEADER_TIMEOUT`` seconds. The body's own time limit is the middleware's
(:class:`api.middleware.BodyLimit`), which can answer 408.

``maillage serve`` and the tests run uvicorn with :func:`uvicorn_options`; with ``workers`` above
one it also has the workers share their throttles (:mod:`api.throttle`) through the data
directory, unless ``MAILLAGE_THROTTLE_DIR`` already names a place.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.settings import ApiSettings


class _HeaderTimeout:
    """Mixin over a uvicorn HTTP protocol: close a connection whose headers are too slow."""

    header_timeout: ClassVar[float | None] = None  # None: read from ApiSettings once
    cycle: Any
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop

    @classmethod
    def _timeout(cls) -> float:
        if _HeaderTimeout.header_timeout is None:  # a --workers process: from the environment
            _HeaderTimeout.header_timeout = ApiSettings().header_timeout
        return _HeaderTimeout.header_timeout

    _header_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        waiting_after = self.cycle
        transport = self.transport

        def expire() -> None:
            if self.cycle is waiting_after and not transport.is_closing():
                transport.close()  # no new request began: its headers never came whole

        self._disarm()
        self._header_timer = self.loop.call_later(self._timeout(), expire)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm()


class H11HeaderTimeout(_HeaderTimeout, H11Protocol):
    """uvicorn's h11 protocol with a time limit on headers."""


class HttpToolsHeaderTimeout(_HeaderTimeout, HttpToolsProtocol):
    """uvicorn's httptools protocol with a time limit on headers."""


def uvicorn_options(
    settings: ApiSettings, *, http: str = "httptools", workers: int = 1
) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run``/``uvicorn.Config`` for these settings (and,
    for ``workers`` processes, their shared throttles: see :func:`share_throttles`)."""
    _HeaderTimeout.header_timeout = settings.header_timeout
    if workers > 1:
        share_throttles()
    protocol = H11HeaderTimeout if http == "h11" else HttpToolsHeaderTimeout
    return {
        "http": protocol,
        "timeout_keep_alive": max(1, round(settings.keep_alive_timeout)),
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        # the change feed's WebSocket (graphql-transport-ws): the sans-I/O implementation,
        # uvicorn's default one being deprecated
        "ws": "websockets-sansio",
    }


def share_throttles(directory: Path | None = None) -> Path:
    """Have the processes started from now on (``--workers``) keep their failure windows in one
    database of ``directory`` (default: the store's data directory, 0700), through
    ``MAILLAGE_THROTTLE_DIR`` (left alone when already set); returns the directory used."""
    from queries.store.settings import StoreSettings

    if "MAILLAGE_THROTTLE_DIR" not in os.environ:
        chosen = directory or StoreSettings().data_dir
        os.environ["MAILLAGE_THROTTLE_DIR"] = str(chosen)
    return Path(os.environ["MAILLAGE_THROTTLE_DIR"])
