"""The soak's hostile client: oversized bodies, deep queries, slow sends (loopback only).

Bounded in count and in time: one request every :data:`PAUSE` seconds at most, at most
:data:`SLOW_AT_ONCE` slow connections at a time, each given up after :data:`SLOW_LIMIT`
seconds. Expected answers: 413 for a body over the limit, a refusal (400, any code) for a query
nested deeper than the limit, and a slow connection cut by the server before ``SLOW_LIMIT``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from bench.soak_clients import ANSWER_LIMIT, Soak, Tally, classify

PAUSE = 1.0
#: bytes of the oversized body (the default limit is 1 MiB)
OVERSIZED = 2 * 1024 * 1024
#: nesting of the deep query (the default limit is 12)
DEPTH = 40
SLOW_AT_ONCE = 2
#: seconds the oversized request waits, its headers sent, for a refusal before sending the body
EARLY = 1.0
#: seconds a slow connection is kept trying; the server's header and body time limits are
#: 10 s and 15 s by default
SLOW_LIMIT = 40.0
SLOW_STEP = 3.0


async def _read_status(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), ANSWER_LIMIT)
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await asyncio.wait_for(reader.readexactly(length), ANSWER_LIMIT) if length else b""
    return int(head[9:12]), body


async def _oversized(soak: Soak, tally: Tally) -> None:
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", soak.port)
    try:
        head = (
            "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {OVERSIZED}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode())
        with contextlib.suppress(TimeoutError):  # a refusal on the declared length alone
            status, _ = await asyncio.wait_for(_read_status(reader), EARLY)
            tally.note(f"oversized → {status} (before the body)", started, expected=status == 413)
            return
        chunk = b" " * 65_536
        cut = False
        try:
            for _ in range(OVERSIZED // len(chunk)):
                writer.write(chunk)
                await asyncio.wait_for(writer.drain(), ANSWER_LIMIT)
        except OSError:
            cut = True  # the server answered and closed before the end (its 413 may be lost)
        try:
            status, _ = await _read_status(reader)
        except (OSError, asyncio.IncompleteReadError):
            # refused before it was read whole: the connection was cut while sending, or reset
            # after (a reset drops an answer the client had not read yet); a crash of the API
            # would show in its log's tracebacks, which the report counts
            what = "cut while sending" if cut else "reset, the answer lost"
            tally.note(f"oversized → {what}", started, expected=True)
            return
        tally.note(f"oversized → {status}", started, expected=status == 413)
    except (OSError, asyncio.IncompleteReadError, TimeoutError):
        tally.note("oversized → no answer", started, expected=False)
    finally:
        writer.close()


def deep_query(depth: int = DEPTH) -> str:
    inner = "id"
    for _ in range(depth // 4):
        inner = f"links(first: 1) {{ edges {{ node {{ to {{ {inner} }} }} }} }}"
    return f'{{ actor(id: "net-mes") {{ {inner} }} }}'


async def _deep(soak: Soak, tally: Tally) -> None:
    started = time.monotonic()
    raw = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/graphql\r\n"
        f"Connection: close\r\nContent-Length: {len(deep_query().encode())}\r\n\r\n{deep_query()}"
    ).encode()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", soak.port)
        try:
            writer.write(raw)
            status, body = await _read_status(reader)
        finally:
            writer.close()
    except (OSError, asyncio.IncompleteReadError, TimeoutError):
        tally.note("deep query → no answer", started, expected=False)
        return
    what, _ = classify(status, body)
    refused = (status == 400 and what != "ok") or (what == "store_unavailable" and soak.in_outage())
    tally.note(f"deep query → {status} {what}", started, expected=refused)


async def _slow(soak: Soak, tally: Tally) -> None:
    """Headers sent one byte every ``SLOW_STEP`` s until the server cuts the connection."""
    started = time.monotonic()
    payload = b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"
    cut = False
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", soak.port)
    except OSError:
        tally.note("slow send → no connection", started, expected=False)
        return
    try:
        for byte in payload:
            if time.monotonic() - started > SLOW_LIMIT or soak.stop.is_set():
                break
            writer.write(bytes([byte]))
            await writer.drain()
            with contextlib.suppress(TimeoutError):
                if await asyncio.wait_for(reader.read(1024), SLOW_STEP) == b"":
                    cut = True
                    break
                cut = True  # an answer (408, 400) before the request was whole
                break
    except OSError:
        cut = True
    finally:
        writer.close()
    if soak.stop.is_set() and not cut:
        return  # the run ended first: says nothing of the server
    tally.note("slow send cut" if cut else "slow send never cut", started, expected=cut)


async def hostile(soak: Soak) -> None:
    """Oversized bodies, deep queries and slow sends in turn, one every ``PAUSE`` seconds."""
    tally = soak.tally("hostile")
    slow: set[asyncio.Task[None]] = set()
    turn = 0
    try:
        while not soak.stop.is_set():
            turn += 1
            if turn % 3 == 0 and len(slow) < SLOW_AT_ONCE:
                task = asyncio.create_task(_slow(soak, tally))
                slow.add(task)
                task.add_done_callback(slow.discard)
            elif turn % 3 == 1:
                await _oversized(soak, tally)
            else:
                await _deep(soak, tally)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(soak.stop.wait(), PAUSE)
    finally:
        for task in list(slow):
            task.cancel()
        await asyncio.gather(*slow, return_exceptions=True)
