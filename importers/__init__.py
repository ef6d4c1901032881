"""How data gets into the graph: one pipeline, one reader per source format.

The pipeline (:mod:`importers.pipeline`) runs read → normalise (:mod:`importers.normalise`) →
resolve territory (:mod:`importers.places`) → resolve identity (:mod:`importers.identity`) →
load (:mod:`importers.merge`, :mod:`importers.load`) for every format (:mod:`importers.formats`),
and reports every row (:mod:`importers.report`). Records held as duplicate candidates are
decided with :mod:`importers.review`.

>>> from importers import SpreadsheetReader, Pipeline, ImportOptions  # doctest: +SKIP
>>> Pipeline(store, SpreadsheetReader(path), ImportOptions(rejects=report)).run()  # doctest: +SKIP
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
from importers.pipeline import ImportOptions, Pipeline, Reader
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
