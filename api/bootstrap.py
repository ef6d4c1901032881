"""First run: the schema, the French territories and the movement reference dataset.

``maillage serve`` on an empty data directory must answer useful questions at once, so the app
brings the graph to a known base when it starts: constraints and indexes, the territories
(loaded only when the shipped reference changed, :func:`queries.repository.ensure_territories`)
and the movement reference dataset (imported only when the shipped file changed, remembered by
its SHA-256 on ``Meta {id: 'movement_dataset'}``). Every step is idempotent.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from graph_model.territories import load_reference
from queries import repository
from queries.store import Store, cypher

logger = logging.getLogger(__name__)

MOVEMENT_META = "movement_dataset"


@dataclass(frozen=True)
class Bootstrap:
    schema_statements: int
    territories: int
    territories_loaded: bool
    movement_loaded: bool
    seconds: float


def ensure_movement(store: Store) -> bool:
    """Import the shipped movement dataset unless this very file was imported; True if run."""
    from importers.formats import MovementReader
    from importers.formats.movement import shipped_dataset
    from importers.pipeline import Pipeline, file_sha256

    path = shipped_dataset()
    digest = file_sha256(path)
    rows = store.read(cypher("meta_get"), id=MOVEMENT_META)
    if rows and rows[0]["value"] == digest:
        return False
    summary = Pipeline(store, MovementReader(path)).run()
    logger.info(
        "movement reference dataset imported: %s rows (run %s)", summary.rows, summary.run_id
    )
    store.write([(cypher("meta_set"), {"id": MOVEMENT_META, "value": digest})])
    return True


def bootstrap(store: Store, *, movement: bool = True) -> Bootstrap:
    """Bring the graph to its base (see the module docstring); safe to run at every start."""
    started = time.monotonic()
    statements = store.setup_schema()
    count, loaded = repository.ensure_territories(store, load_reference())
    movement_loaded = ensure_movement(store) if movement else False
    report = Bootstrap(
        schema_statements=statements,
        territories=count,
        territories_loaded=loaded,
        movement_loaded=movement_loaded,
        seconds=time.monotonic() - started,
    )
    logger.info(
        "graph ready: %d territories (%s), movement dataset %s, in %.1f s",
        count,
        "loaded now" if loaded else "already there",
        "imported now" if movement_loaded else "already there",
        report.seconds,
    )
    return report
