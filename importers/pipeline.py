"""The import pipeline: the conductor of an import's five steps.

One pipeline serves every format. It runs, batch by batch, over the records the reader yields:

1. **read** (:mod:`importers.reader`, :mod:`importers.formats`): the format checks the whole
   file first (nothing is written when it cannot be read), then yields one record per row;
2. **normalise and place** (:mod:`importers.prepare`): an actor record becomes an
   :class:`~importers.records.ActorRow` with clean values and INSEE territories — a row that
   breaks a rule is *rejected* with its line and the reason, the rest of the file goes on;
3. **identity** (:mod:`importers.identity`): which actor the row is, by key then by name;
   rows that only resemble one are held for review;
4. **merge and load** (:mod:`importers.load`): the rows merged into their actors, what changed
   written — one transaction a batch, queued behind the run (:mod:`importers.writer`);
5. **links** (:mod:`importers.links`): link rows as they come, links stated by actor rows once
   every actor is loaded.

The pipeline itself only holds the run's bookkeeping: every run is an ``ImportRun`` node (id,
format, file name and SHA-256, times, status, counts, and the pid and host of the process that
runs it); the nodes and links it writes carry its id in ``created_run``/``updated_run``. A file
that cannot be read records no run at all (:meth:`Reader.prepare` fails before the run starts);
a run left ``running`` by a killed import is marked ``interrupted`` when the next one starts
(:mod:`importers.runs`). ``dry_run`` reads the graph but writes nothing, not even the
run. Every row is counted once (:class:`~importers.report.Tally`).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph_model.errors import ValidationError
from graph_model.port import GraphStore
from importers.identity import NEW, Identity
from importers.links import LinkLoad
from importers.load import ActorLoad
from importers.lookups import Lookups
from importers.places import TerritoryResolver, shared_resolver
from importers.prepare import Preparation
from importers.reader import Reader, batched, check_system
from importers.records import ActorRecord, ActorRow, LinkRecord, Record
from importers.report import RejectReport, Summary, Tally
from importers.runs import interrupt_abandoned, this_process
from importers.spool import LinkSpool
from importers.writer import Writes

#: ``NEW`` lives in :mod:`importers.identity`; named here too for review, which decides with it
__all__ = ["NEW", "ImportOptions", "Pipeline", "environment_user"]

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _young_collections_rarer() -> Iterator[None]:
    """Run the cyclic garbage collector less often during an import.

    A run keeps a large live state (the name index, the batches in flight) while it allocates
    millions of short-lived objects (rows, records, statement parameters); with the default
    thresholds (a collection every 700 net allocations) the collector's passes over that state
    took a quarter of the run's CPU (``bench/RESULTS.md``). Memory is still reclaimed by
    reference counting at once; only reference cycles wait a little longer.
    """
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass
class ImportOptions:
    dry_run: bool = False
    rejects: Path | str | None = None
    batch_size: int | None = None  # default: the reader's
    progress: Callable[[int], None] | None = None
    #: review decisions: source alias of a held record → actor id to join, or NEW
    forced: Mapping[str, str] = field(default_factory=dict)
    run_format: str | None = None


class Pipeline:
    """Run one reader through the five steps against one graph (the store port), or none: a
    dry run without a graph."""

    def __init__(
        self,
        graph: GraphStore | None,
        reader: Reader,
        options: ImportOptions | None = None,
        *,
        resolver: TerritoryResolver | None = None,
    ) -> None:
        self.graph = graph
        self.reader = reader
        self.options = options or ImportOptions()
        self.dry_run = self.options.dry_run or graph is None
        resolver = resolver or shared_resolver()
        self.summary = Summary(format=self.options.run_format or reader.format, file_name="")
        self.tally = Tally(self.summary)
        lookups = Lookups(graph)
        self.writes = Writes(graph, dry_run=self.dry_run)
        self.spool = LinkSpool()
        # the steps (the reader is the first)
        self.prepare = Preparation(resolver)
        self.identity = Identity(
            lookups,
            self.writes,
            self.tally,
            forced=self.options.forced,
            file_name=reader.file_name,
        )
        self.actors = ActorLoad(
            lookups,
            self.writes,
            self.tally,
            self.identity,
            self.spool,
            resolver=resolver,
            keep_created=reader.links,
        )
        self.links = LinkLoad(
            lookups, self.writes, self.tally, self.identity, resolver, created=self.actors.created
        )
        self._lookups = lookups

    @property
    def _batch_size(self) -> int:
        return self.options.batch_size or self.reader.batch_size

    # -- the run ------------------------------------------------------------------------------
    def run(self) -> Summary:
        """Import the reader's file; the summary's counts add up to the rows read."""
        check_system(self.reader.system)
        self.reader.prepare()  # ImportFailure here: nothing written
        self._start()
        try:
            with _young_collections_rarer():
                self._load()
            self.writes.close()
            self.summary.finished_at = datetime.now(UTC)
            if not self.dry_run:
                self._save_run("finished")
        except BaseException:
            self._fail()
            raise
        finally:
            self.tally.report.close()
            self.spool.close()
        return self.summary

    def _start(self) -> None:
        summary = self.summary
        summary.file_name = self.reader.file_name
        summary.sha256 = self.reader.sha256
        summary.dry_run = self.dry_run
        summary.started_at = datetime.now(UTC)
        self.tally.report = RejectReport(self.options.rejects)
        if self.dry_run:
            return
        stamp = summary.started_at.strftime("%Y%m%dT%H%M%S%f")
        summary.run_id = f"run-{stamp}-{self.reader.sha256[:8]}"
        try:
            assert self.graph is not None
            interrupt_abandoned(self.graph)
            self._save_run("running")
        except BaseException:
            self.tally.report.close()
            raise
        self.writes.start(summary.run_id)

    def _load(self) -> None:
        if self.reader.fuzzy and self.graph is not None:
            self.identity.build_index()
        self.actors.write_themes(self.reader.themes())
        ensure = self.writes.new_batch()
        self.actors.add_territories(ensure, set(self.reader.territories()))
        self.writes.write(ensure)
        nodes = self.writes.new_batch()
        self.reader.before(self._lookups.nodes, nodes)
        self.writes.write(nodes)
        for batch in batched(self.reader.records(), self._batch_size):
            self._batch(batch)
            if self.options.progress:
                self.options.progress(len(batch))
        # links stated by actor rows: every actor of the file is known now
        for links in batched(self.spool.records(), max(self._batch_size, 5_000)):
            self.links.load(links)
        self.writes.drain()
        tail = self.writes.new_batch()
        counts = self.reader.after(self.links.references.one, tail)
        self.writes.write(tail)
        for name, n in counts.items():
            self.summary.nodes[name] += n

    def _batch(self, batch: list[Record]) -> None:
        """One batch of records through the steps: actor rows, then link rows."""
        records: list[ActorRecord] = []
        links: list[LinkRecord] = []
        for record in batch:
            if not self.tally.admit(record):
                continue
            if isinstance(record, ActorRecord):
                records.append(record)
            else:
                links.append(record)
        if records:
            rows: list[ActorRow] = []
            for record in records:
                try:
                    rows.append(self.prepare.row(record))
                except ValidationError as exc:
                    self.tally.reject(record, str(exc))
            self.actors.load(*self.identity.resolve(rows))
        if links:
            self.links.load(links)

    def _fail(self) -> None:
        self.summary.finished_at = datetime.now(UTC)
        try:
            self.writes.close()
        except Exception:  # already failing: the first error is the one to raise
            logger.warning("a batch write failed while the run was stopping")
        if not self.dry_run:
            try:
                self._save_run("failed")
            except Exception:  # the store may be what failed: the first error matters
                logger.warning("could not record the failed run %s", self.summary.run_id)

    def _save_run(self, status: str) -> None:
        summary = self.summary
        assert summary.run_id is not None
        props: dict[str, Any] = {
            "format": summary.format,
            "file_name": summary.file_name,
            "sha256": summary.sha256,
            "system": self.reader.system,
            "started_at": summary.started_at,
            "status": status,
        }
        if status == "running":
            props.update(this_process())
        else:
            props["finished_at"] = summary.finished_at
            props.update(summary.run_properties())
        self.writes.save_run(summary.run_id, props)


def environment_user() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
