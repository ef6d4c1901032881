"""First run: the schema, the French territories and the movement reference dataset.

``maillage serve`` on an empty data directory must answer useful questions at once, so the app
brings the graph to a known base when it starts: constraints and indexes, the territories
(loaded only when the shipped reference changed,
:meth:`~graph_model.port.GraphStore.ensure_territories`)
and the movement reference dataset (imported only when the shipped file changed, remembered by
its SHA-256 on ``Meta {id: 'movement_dataset'}``). Every step is idempotent.

Before them, the import runs a killed import left ``running`` are marked ``interrupted``
(:func:`importers.runs.interrupt_abandoned`): after a crash, ``importRuns`` tells the truth from
the next start on.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from graph_model.port import GraphStore, WriteContext
from graph_model.territories import load_reference

logger = logging.getLogger(__name__)

MOVEMENT_META = "movement_dataset"


@dataclass(frozen=True)
class Bootstrap:
    schema_statements: int
    territories: int
    territories_loaded: bool
    movement_loaded: bool
    seconds: float
    #: runs found left ``running`` by an import that is gone, marked ``interrupted``
    interrupted: tuple[str, ...] = ()


def ensure_movement(graph: GraphStore) -> bool:
    """Import the shipped movement dataset unless this very file was imported; True if run."""
    from importers.formats import MovementReader
    from importers.formats.movement import shipped_dataset
    from importers.pipeline import Pipeline
    from importers.reader import file_sha256

    path = shipped_dataset()
    digest = file_sha256(path)
    if graph.meta_get(MOVEMENT_META) == digest:
        return False
    summary = Pipeline(graph, MovementReader(path)).run()
    logger.info(
        "movement reference dataset imported: %s rows (run %s)", summary.rows, summary.run_id
    )
    graph.meta_set(MOVEMENT_META, digest, WriteContext(run=summary.run_id))
    return True


def bootstrap(graph: GraphStore, *, movement: bool = True) -> Bootstrap:
    """Bring the graph to its base (see the module docstring); safe to run at every start."""
    from importers.runs import interrupt_abandoned

    started = time.monotonic()
    statements = graph.setup_schema()
    interrupted = tuple(interrupt_abandoned(graph))
    count, loaded = graph.ensure_territories(load_reference(), WriteContext())
    movement_loaded = ensure_movement(graph) if movement else False
    report = Bootstrap(
        schema_statements=statements,
        territories=count,
        territories_loaded=loaded,
        movement_loaded=movement_loaded,
        seconds=time.monotonic() - started,
        interrupted=interrupted,
    )
    logger.info(
        "graph ready: %d territories (%s), movement dataset %s, in %.1f s",
        count,
        "loaded now" if loaded else "already there",
        "imported now" if movement_loaded else "already there",
        report.seconds,
    )
    return report
