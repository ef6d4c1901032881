"""Everything an import writes to the graph: the batches, in order, behind the run (step 4).

Each batch is one transaction (a :class:`~graph_model.batch.GraphBatch` given to the port's
:meth:`~graph_model.port.GraphStore.write_batch`), run in order on one worker thread while the
next batch is read and resolved (:class:`_WriteBehind`), so that the server writes while Python
works. What a batch carries stays visible to the run (:class:`Pending`,
:meth:`Writes.visible`) until its transaction is committed — the graph does not show it before.
A dry run queues nothing: its pending view accumulates the whole run. The run's own node
(``ImportRun``) is written here too (:meth:`Writes.save_run`).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from graph_model.batch import GraphBatch, KnownLinks, Settle
from graph_model.identifiers import fold
from graph_model.model import Actor, LinkKind
from graph_model.port import GraphStore, WriteContext
from graph_model.spells import with_run


@dataclass
class Pending:
    """What a batch wrote (or would write, in a dry run), visible to the next batches until its
    transaction is committed — the graph does not show it before."""

    keys: dict[str, str] = field(default_factory=dict)
    actors: dict[str, tuple[Actor, dict[str, Any]]] = field(default_factory=dict)
    names: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    links: dict[tuple[str, str, LinkKind], list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )


class _WriteBehind:
    """Runs the batches' transactions in order on one worker thread; at most ``depth`` batches in
    flight. A failed write surfaces at the next submit (or at :meth:`drain`), and stops the run."""

    def __init__(self, graph: GraphStore, depth: int = 1) -> None:
        self._graph = graph
        self._depth = depth
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="maillage-import")
        self.inflight: deque[tuple[Future[Any], Pending, Callable[[], None] | None]] = deque()

    def submit(
        self,
        batch: GraphBatch,
        pending: Pending,
        settle: Settle | None = None,
        done: Callable[[], None] | None = None,
    ) -> None:
        """Queue one transaction; ``settle`` as :meth:`GraphStore.write_batch` takes it,
        ``done`` called (on the caller's thread) once the transaction is committed."""
        future = self._pool.submit(self._graph.write_batch, batch, settle)
        self.inflight.append((future, pending, done))
        self.drain(keep=self._depth)

    def drain(self, keep: int = 0) -> None:
        while len(self.inflight) > keep:
            future, _, done = self.inflight[0]
            future.result()  # raises the write's error, if any
            self.inflight.popleft()
            if done is not None:
                done()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            for future, _, _ in self.inflight:
                future.cancel()
            self.inflight.clear()
            self._pool.shutdown(wait=True)


class Writes:
    """The run's writes: the batch being prepared (:attr:`batch`), the transactions queued behind
    the run (none in a dry run), and the view of what they carry until committed."""

    def __init__(self, graph: GraphStore | None, *, dry_run: bool) -> None:
        self._graph = graph
        self.dry_run = dry_run
        self.context = WriteContext()
        #: what the batch being prepared writes; in a dry run, what the whole run would write
        self.batch = Pending()
        self._behind: _WriteBehind | None = None

    def start(self, run_id: str) -> None:
        """Start writing for one run: everything written carries its id."""
        assert self._graph is not None
        self.context = WriteContext(run=run_id)
        self._behind = _WriteBehind(self._graph)

    def new_batch(self) -> GraphBatch:
        """An empty batch stamped with the run (and the time it is prepared)."""
        return GraphBatch(self.context.stamp())

    def save_run(self, run_id: str, props: dict[str, Any]) -> None:
        """Write the run's own node at once (not behind the batches)."""
        assert self._graph is not None
        self._graph.save_import_run(run_id, props, self.context)

    def write(self, batch: GraphBatch) -> None:
        """Queue one transaction (in order with the batches) that no later batch needs to see
        before it is committed (themes, the movement's methods and events); nothing in a dry
        run."""
        if batch and self._behind is not None:
            self._behind.submit(batch, Pending())

    def end_batch(
        self,
        write: GraphBatch,
        settle: Settle | None = None,
        done: Callable[[], None] | None = None,
    ) -> None:
        """Queue the batch's transaction; what it carries stays visible until committed.
        ``settle``/``done``: see :meth:`_WriteBehind.submit` (the links a batch settles)."""
        if self.dry_run:
            return  # the dry run's pending view accumulates: nothing is ever committed
        if write and self._behind is not None:
            if settle is not None:  # the batch's own rows carry the run already (add_link)
                settle = _settled_in(settle, self.context.run)
            self._behind.submit(write, self.batch, settle, done)
        self.batch = Pending()

    def visible(self) -> Iterator[Pending]:
        """What this run wrote that the graph may not show yet: the batch being prepared,
        then the batches in flight, newest first."""
        yield self.batch
        if self._behind is not None:
            for _, pending, _ in reversed(self._behind.inflight):
                yield pending

    def known_key(self, key: str) -> str | None:
        for pending in self.visible():
            found = pending.keys.get(key)
            if found is not None:
                return found
        return None

    def known_actor(self, actor_id: str) -> tuple[Actor, dict[str, Any]] | None:
        for pending in self.visible():
            found = pending.actors.get(actor_id)
            if found is not None:
                return found
        return None

    def remember(self, actor: Actor, props: dict[str, Any]) -> None:
        """An actor the batch writes, as later rows and link ends must find it."""
        self.batch.actors[actor.id] = (actor, props)
        name_key = props.get("name_key") or fold(actor.name)
        self.batch.names[name_key].append((actor.id, actor.name, actor.kind.value))

    def drain(self) -> None:
        if self._behind is not None:
            self._behind.drain()

    def close(self) -> None:
        """Wait for every queued transaction (raising the first failure) and stop the thread."""
        if self._behind is not None:
            self._behind.close()


def _stated_in(rows: list[dict[str, Any]], run: str | None) -> None:
    """The link statements this run makes carry its id (:func:`graph_model.spells.with_run`)."""
    for row in rows:
        props = row["props"]
        if props.get("statements"):
            props["statements"] = with_run(props["statements"], run)


def _settled_in(settle: Settle, run: str | None) -> Settle:
    """``settle``, the statements of the links it rewrites carrying the run's id."""

    def settled(known: KnownLinks) -> dict[LinkKind, list[dict[str, Any]]]:
        rewrites = {kind: list(rows) for kind, rows in settle(known).items()}
        for rows in rewrites.values():
            _stated_in(rows, run)
        return rewrites

    return settled
