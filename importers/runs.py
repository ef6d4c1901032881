"""Runs left ``running`` by an import that was killed: found and marked ``interrupted``.

An import records its run as ``running`` when it starts, with the process id and the host it
runs on, and as ``finished`` or ``failed`` when it ends. A process killed with ``kill -9`` (or a
machine that lost power) never ends its run; the next import (:class:`~importers.pipeline.
Pipeline`, when it starts) and ``maillage serve`` (:func:`api.bootstrap.bootstrap`) call
:func:`interrupt_abandoned`, which marks ``interrupted`` (with ``interrupted_at``) every run
still ``running`` whose import is gone:

* recorded on this host: its process is no longer alive;
* recorded on another host (a shared server), or without a pid (runs older than this rule):
  it started more than :data:`STALE_AFTER` ago — we cannot see that host's processes, so only a
  run older than any real import is taken for dead.

What the interrupted run wrote stays: re-running the same file ends as one clean run would.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from graph_model.port import GraphStore, ImportRunRecord, WriteContext

logger = logging.getLogger(__name__)

#: a run on another host still ``running`` after this long is taken for dead
STALE_AFTER = timedelta(hours=48)


def this_process() -> dict[str, object]:
    """What a run records of the process running it (``pid``, ``host``). The pid is kept as
    text: the run's numbers are its counts (GraphQL's ``ImportRun.counts`` lists them)."""
    return {"pid": str(os.getpid()), "host": socket.gethostname()}


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this host (one it may not signal counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _pid(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def abandoned(
    run: ImportRunRecord,
    now: datetime,
    *,
    host: str,
    alive: Callable[[int], bool] = pid_alive,
) -> bool:
    """Whether a run still ``running`` was left by an import that is gone (module docstring)."""
    pid, run_host = _pid(run.props.get("pid")), run.props.get("host")
    if run_host == host and pid is not None:
        return pid != os.getpid() and not alive(pid)
    started = run.props.get("started_at")
    if not isinstance(started, datetime):
        return True  # a run without a start cannot be going on
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return now - started > STALE_AFTER


def interrupt_abandoned(
    graph: GraphStore, *, alive: Callable[[int], bool] = pid_alive
) -> list[str]:
    """Mark ``interrupted`` the runs whose import is gone; their ids."""
    now = datetime.now(UTC)
    host = socket.gethostname()
    gone = [
        run.id for run in graph.running_import_runs() if abandoned(run, now, host=host, alive=alive)
    ]
    if not gone:
        return []
    written = graph.interrupt_import_runs(gone, now, WriteContext())
    for run_id in written.targets:
        logger.warning(
            "import run %s was left running by an import that is gone: interrupted", run_id
        )
    return list(written.targets)
