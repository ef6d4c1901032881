"""The SDL in docs/schema.graphql is the schema the code builds (regenerate it with
``python -c "from api.schema import sdl; print(sdl(), end='')" > docs/schema.graphql``)."""

from __future__ import annotations

from pathlib import Path

from api.schema import sdl

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "schema.graphql"


def test_the_schema_snapshot_is_up_to_date() -> None:
    assert SNAPSHOT.read_text(encoding="utf-8") == sdl(), (
        "the GraphQL schema changed: review the change, then regenerate docs/schema.graphql "
        "(see this module's docstring)"
    )


def test_names_clients_depend_on() -> None:
    text = sdl()
    for name in (
        "interface Actor",
        "type Network implements Actor",
        "type Organisation implements Actor",
        "type Project implements Actor",
        "type AdvocacyBody implements Actor",
        "type Territory",
        "type Link",
        "type Theme",
        "type Method",
        "type ImportRun",
        "cooperationPaths(",
        "territorialClusters(",
        "peerProjects(",
        "brokers(",
        "isolatedActors(",
        "neighbourhood(",
        "figures(",
        "importRuns(",
        "duplicateCandidates(",
        "upsertActor(",
        "linkActors(",
        "unlinkActors(",
        "resolveDuplicate(",
        "interface Problem",
        "totalCount",
        "pageInfo",
    ):
        assert name in text, name
