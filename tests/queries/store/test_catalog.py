"""Every statement of the catalogue is valid Cypher on every server (EXPLAIN, nothing runs)."""

from __future__ import annotations

import re

import pytest

from graph_model.errors import ConfigurationError, QueryError
from graph_model.model import ActorKind, LinkKind
from graph_model.schema import schema_statements
from queries.store import Store, cypher
from queries.store.catalog import placeholders, statement_names


def _variants(name: str) -> list[str]:
    takes_kind, takes_link = placeholders(name)
    kinds: list[ActorKind | None] = list(ActorKind) if takes_kind else [None]
    links: list[LinkKind | None] = list(LinkKind) if takes_link else [None]
    return [cypher(name, kind=k, link=lk) for k in kinds for lk in links]


@pytest.mark.parametrize("name", statement_names())
def test_statement_is_accepted_by_the_server(store: Store, name: str) -> None:
    store.write([("MERGE (m:Meta {id: 'canary'}) RETURN m.id AS id", {})])
    for text in _variants(name):
        store.read("EXPLAIN " + text)  # raises QueryError on a typo
    # EXPLAIN plans, it does not run: a DELETE in the catalogue must not have emptied anything
    assert store.read("MATCH (m:Meta {id: 'canary'}) RETURN count(m) AS n")[0]["n"] == 1


def test_a_typo_is_caught_by_explain(store: Store) -> None:
    with pytest.raises(QueryError):
        store.read("EXPLAIN MATCH (a:Actor) RETRN a")


def test_schema_setup_is_idempotent(store: Store) -> None:
    assert store.setup_schema() == len(schema_statements(store.dialect))
    assert store.setup_schema() == len(schema_statements(store.dialect))


def test_placeholders_are_filled_only_from_the_enums() -> None:
    assert ":Actor:Project " in cypher("actors_upsert", kind=ActorKind.PROJECT)
    with pytest.raises(ValueError, match="Person"):
        cypher("actors_upsert", kind="Person")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="takes kind"):
        cypher("actors_upsert")
    with pytest.raises(ConfigurationError, match="no Cypher statement"):
        cypher("drop_everything")


def test_no_statement_is_a_format_string() -> None:
    """Values travel as $parameters: no str.format / %-style holes anywhere in the catalogue."""
    holes = re.compile(r"\{\s*\w*\s*\}|%s|%\(\w+\)s")
    for name in statement_names():
        for text in _variants(name):
            assert not holes.search(text), f"{name}: {holes.search(text)}"
