"""Helpers for the importer tests: fixture files, running a reader, snapshots of the graph.

The graph server comes from ``tests/conftest.py``: ``store`` (every server, a clean graph per
test) for round trips, ``embedded_store`` for what only the embedded server can do (a CLI or a
killed subprocess reaching the same server).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from importers.pipeline import ImportOptions, Pipeline
from importers.reader import Reader
from importers.report import Summary
from queries.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"


def run(
    store: Store | None, reader: Reader, tmp_path: Path | None = None, **options: Any
) -> Summary:
    """Import with a reject report in ``tmp_path`` (when given); check the counts add up."""
    if tmp_path is not None and "rejects" not in options:
        options["rejects"] = tmp_path / f"{reader.format}-rejects.csv"
    summary = Pipeline(store, reader, ImportOptions(**options)).run()
    assert summary.adds_up(), (summary.rows, dict(summary.outcomes))
    return summary


def report_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=";"))


def snapshot(store: Store) -> dict[str, Any]:
    """The graph's content without run ids and times: equal after equivalent imports."""
    actors = store.read(
        "MATCH (a:Actor) RETURN a.id AS id, a.kind AS kind, labels(a) AS labels, a.name AS name,"
        " a.commune AS commune, a.siren AS siren, a.rna AS rna, a.content_hash AS hash,"
        " a.sources AS sources ORDER BY id"
    )
    for row in actors:
        row["labels"] = sorted(row["labels"])
        row["sources"] = sorted(row["sources"] or [])
    aliases = store.read("MATCH (al:Alias) RETURN al.key AS key, al.actor AS actor ORDER BY key")
    links = store.read(
        "MATCH (a:Actor)-[r]->(b) RETURN type(r) AS kind, a.id AS source, b.id AS target,"
        " r.id AS id, r.since AS since, r.until AS until, r.sources AS sources"
    )
    for row in links:
        row["sources"] = sorted(row["sources"] or [])
        for key in ("since", "until"):
            row[key] = str(row[key]) if row[key] is not None else None
    links.sort(key=lambda r: (r["kind"], r["source"], r["target"], r["id"] or ""))
    nodes = store.read(
        "MATCH (n) WHERE n:Theme OR n:Method OR n:Event OR n:Territory OR n:DuplicateCandidate"
        " RETURN labels(n)[0] AS label, n.id AS id ORDER BY label, id"
    )
    return {"actors": actors, "aliases": aliases, "links": links, "nodes": nodes}


def actor(store: Store, actor_id: str) -> dict[str, Any]:
    rows = store.read("MATCH (a:Actor {id: $id}) RETURN properties(a) AS p", id=actor_id)
    assert rows, f"no actor {actor_id}"
    props: dict[str, Any] = rows[0]["p"]
    return props


def actor_by_alias(store: Store, key: str) -> dict[str, Any]:
    rows = store.read(
        "MATCH (al:Alias {key: $key}) MATCH (a:Actor {id: al.actor}) RETURN properties(a) AS p",
        key=key,
    )
    assert rows, f"no actor with alias {key}"
    props: dict[str, Any] = rows[0]["p"]
    return props


def links_of(store: Store, actor_id: str) -> list[tuple[str, str, str]]:
    rows = store.read(
        "MATCH (a:Actor {id: $id})-[r]->(b) RETURN type(r) AS kind, b.id AS target", id=actor_id
    )
    return sorted((actor_id, r["kind"], r["target"]) for r in rows)
