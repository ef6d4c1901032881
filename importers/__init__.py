"""How data gets into the graph: one import in five steps, one reader per source format.

An import (:class:`~importers.pipeline.Pipeline`, the conductor: batches, the ``ImportRun``)
runs the same five steps for every format, one module each:

1. **read** — :mod:`importers.reader` (``Reader``, ``TableReader``), the formats
   (:mod:`importers.formats`) and their tables (:mod:`importers.tabular`): one record per row
   (:mod:`importers.records`);
2. **normalise and place** — :mod:`importers.prepare`, over :mod:`importers.normalise` and
   :mod:`importers.places`: an actor record becomes an ``ActorRow``, the one record its row
   travels in until it is written;
3. **identity** — :mod:`importers.identity` (keys, review decisions, then the name index of
   :mod:`importers.blocking` and the Fellegi–Sunter score of :mod:`importers.scoring`, names as
   :mod:`importers.names` reads them; review holds);
4. **merge and load** — :mod:`importers.load`, over :mod:`importers.merge` (the policy) and
   :mod:`importers.writer` (the write-behind: each batch a :class:`graph_model.batch.GraphBatch`
   written in one transaction through the store port);
5. **links** — :mod:`importers.links`, over :mod:`importers.references` (link ends given as
   text) and :mod:`importers.spool` (links stated by actor rows).

Every row is counted once (:mod:`importers.report`); every read of the graph is in
:mod:`importers.lookups`, every write in :mod:`importers.writer` (and the audit of the fields
an import changed on the actors it matched, in :mod:`importers.field_changes`), all through the
store port
(:class:`graph_model.port.GraphStore`: ``queries.store.open_graph()`` for the server, or the
in-memory ``queries.store.memory.MemoryGraph``). Records held as duplicate candidates are
decided with :mod:`importers.review`.

>>> from importers import MovementReader, Pipeline
>>> from queries.store.memory import MemoryGraph
>>> graph = MemoryGraph()
>>> summary = Pipeline(graph, MovementReader()).run()
>>> summary.adds_up(), graph.resolve_keys(["name:mes"])
(True, {'name:mes': 'net-mes'})
"""

from importers.formats import (
    EssGlobalReader,
    GoGoCartoReader,
    LinksReader,
    MovementReader,
    MurmurationsReader,
    SireneReader,
    SpreadsheetReader,
)
from importers.identity import CANDIDATE_THRESHOLD, MERGE_THRESHOLD
from importers.pipeline import ImportOptions, Pipeline
from importers.reader import Reader
from importers.records import Outcome
from importers.report import Summary
from importers.review import Candidate, accept, list_candidates, reject
from importers.tabular import TableMapping, load_mapping

__all__ = [
    "CANDIDATE_THRESHOLD",
    "MERGE_THRESHOLD",
    "Candidate",
    "EssGlobalReader",
    "GoGoCartoReader",
    "ImportOptions",
    "LinksReader",
    "MovementReader",
    "MurmurationsReader",
    "Outcome",
    "Pipeline",
    "Reader",
    "SireneReader",
    "SpreadsheetReader",
    "Summary",
    "TableMapping",
    "accept",
    "list_candidates",
    "load_mapping",
    "reject",
]
