"""Helpers for the importer tests: fixture files, running a reader, snapshots of the graph.

The graph comes from ``tests/conftest.py``: ``graph`` (the store port on every backend — in
memory, then each server — a clean graph per test) for round trips, ``embedded_store`` for what
only the embedded server can do (a CLI or a killed subprocess reaching the same server).

What a test reads of the graph goes through the port where the port has the operation (actors,
aliases, links between two actors, places, themes, runs, counts). What the port does not read —
every relationship an actor or an event starts, the nodes of one label — is read from what the
backend holds (:func:`relationships`, :func:`node_ids`): Cypher on a server, the state of the
memory graph, the same rows either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph_model.port import GraphStore
from importers.pipeline import ImportOptions, Pipeline
from importers.reader import Reader
from importers.report import Summary
from queries.store import BoltGraph
from queries.store.memory import MemoryGraph
from queries.store.records import python_props

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"

_WORDS = ("Jardins", "Fabrique", "Atelier", "Recyclerie", "Épicerie", "Maison", "Ferme")
_MORE = ("du Lien", "solidaire", "des Possibles", "de la Vallée", "du Partage", "citoyenne")
_PLACES = (("14000", "Caen"), ("60100", "Creil"), ("01440", "Viriat"), ("97400", "Saint-Denis"))


def write_members(path: Path, rows: int) -> None:
    """A member list large enough to be killed midway: repeated names (some rows join others,
    some are held for review), memberships of networks listed in the same file."""
    lines = ["Nom;SIREN;Code postal;Commune;Réseaux;Adhésion depuis"]
    for i in range(rows):
        postcode, commune = _PLACES[i % len(_PLACES)]
        name = f"{_WORDS[i % 7]} {_MORE[(i // 7) % 6]} {i // 42}"
        network = f"Réseau {commune} {i % 5}"
        lines.append(f"{name};;{postcode};{commune};{network};{1 + i % 28:02d}/03/2019")
    for n in range(5):
        for _, commune in _PLACES:
            lines.append(f"Réseau {commune} {n};;;;;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(
    graph: GraphStore | None, reader: Reader, tmp_path: Path | None = None, **options: Any
) -> Summary:
    """Import with a reject report in ``tmp_path`` (when given); check the counts add up."""
    if tmp_path is not None and "rejects" not in options:
        options["rejects"] = tmp_path / f"{reader.format}-rejects.csv"
    summary = Pipeline(graph, reader, ImportOptions(**options)).run()
    assert summary.adds_up(), (summary.rows, dict(summary.outcomes))
    return summary


def report_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=";"))


# -- what the port does not read ----------------------------------------------------------------
def relationships(graph: GraphStore, label: str) -> list[dict[str, Any]]:
    """Every relationship starting at a node of ``label``: ``kind, source, target, props``
    (Python values)."""
    if isinstance(graph, MemoryGraph):
        state = graph._state
        return [
            {"kind": r.kind, "source": r.start[1], "target": r.end[1], "props": dict(r.props)}
            for r in state.rels.values()
            if r.start[0] == label
        ]
    assert isinstance(graph, BoltGraph)
    rows = graph.store.read(
        "MATCH (a)-[r]->(b) WHERE $label IN labels(a) "
        "RETURN type(r) AS kind, a.id AS source, b.id AS target, properties(r) AS props",
        label=label,
    )
    return [{**row, "props": python_props(row["props"])} for row in rows]


def node_ids(graph: GraphStore, label: str) -> list[str]:
    """The ids of the nodes of one label, sorted."""
    if isinstance(graph, MemoryGraph):
        return sorted(graph._state.nodes[label])
    assert isinstance(graph, BoltGraph)
    rows = graph.store.read("MATCH (n) WHERE $label IN labels(n) RETURN n.id AS id", label=label)
    return sorted(row["id"] for row in rows)


# -- through the port ---------------------------------------------------------------------------
def actor_ids(graph: GraphStore) -> list[str]:
    return sorted(row["id"] for row in graph.name_index())


def snapshot(graph: GraphStore) -> dict[str, Any]:
    """The graph's content without run ids and times: equal after equivalent imports."""
    stored = graph.actors_by_id(actor_ids(graph))
    actors = [
        {
            "id": a.id,
            "kind": a.kind,
            "labels": sorted(["Actor", a.kind]),
            "name": a.props.get("name"),
            "commune": a.props.get("commune"),
            "siren": a.props.get("siren"),
            "rna": a.props.get("rna"),
            "hash": a.props.get("content_hash"),
            "sources": sorted(a.props.get("sources") or []),
        }
        for a in sorted(stored.values(), key=lambda a: a.id)
    ]
    aliases = sorted(
        (
            {"key": key, "actor": actor}
            for actor, keys in graph.aliases_of(stored).items()
            for key in keys
        ),
        key=lambda row: row["key"],
    )
    links = []
    for rel in relationships(graph, "Actor"):
        props = rel["props"]
        links.append(
            {
                "kind": rel["kind"],
                "source": rel["source"],
                "target": rel["target"],
                "id": props.get("id"),
                "since": str(props["since"]) if props.get("since") is not None else None,
                "until": str(props["until"]) if props.get("until") is not None else None,
                "sources": sorted(props.get("sources") or []),
            }
        )
    links.sort(key=lambda r: (r["kind"], r["source"], r["target"], r["id"] or ""))
    labels = ("DuplicateCandidate", "Event", "Method", "Territory", "Theme")
    nodes = [{"label": label, "id": i} for label in labels for i in node_ids(graph, label)]
    return {"actors": actors, "aliases": aliases, "links": links, "nodes": nodes}


def actor(graph: GraphStore, actor_id: str) -> dict[str, Any]:
    found = graph.actors_by_id([actor_id]).get(actor_id)
    assert found is not None, f"no actor {actor_id}"
    return dict(found.props)


def actor_by_alias(graph: GraphStore, key: str) -> dict[str, Any]:
    actor_id = graph.resolve_keys([key]).get(key)
    assert actor_id is not None, f"no actor with alias {key}"
    return actor(graph, actor_id)


def actors_named(graph: GraphStore, name: str) -> list[dict[str, Any]]:
    """The properties of the actors with this very name."""
    ids = [row["id"] for row in graph.name_index() if row["name"] == name]
    return [dict(a.props) for a in graph.actors_by_id(ids).values()]


def links_of(graph: GraphStore, actor_id: str) -> list[tuple[str, str, str]]:
    """Every relationship the actor starts (to actors, territories, themes, methods, events)."""
    return sorted(
        (actor_id, rel["kind"], rel["target"])
        for rel in relationships(graph, "Actor")
        if rel["source"] == actor_id
    )


def import_run(graph: GraphStore, run_id: str | None) -> dict[str, Any]:
    """The stored properties of one import run."""
    found = [r.props for r in graph.import_runs(1_000) if r.id == run_id]
    assert found, f"no import run {run_id}"
    return dict(found[0])


def count(graph: GraphStore, label: str) -> int:
    return graph.counts().get(f"nodes.{label}", 0)
