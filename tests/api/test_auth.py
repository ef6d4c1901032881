"""Who may do what: public reads, editor writes, revoked tokens, and the token commands."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from api.auth import Role, create_token, digest, list_tokens, revoke_token
from cli import token as token_cli
from graph_model.errors import NotFound, ValidationError
from graph_model.port import GraphStore
from queries.store.memory import MemoryGraph
from tests.api.conftest import error_codes, gql, start, wait_ready

pytestmark = pytest.mark.memory

WRITE = """mutation { upsertActor(input: {id: "mai-auth0000test", kind: ORGANISATION,
  name: "Auth test"}) { __typename } }"""
READ = '{ actor(id: "net-mes") { name } }'


def test_reads_are_public_and_writes_need_a_token(client: httpx.Client) -> None:
    assert gql(client, READ)["data"]["actor"]["name"]
    body = gql(client, WRITE, status=401)
    assert error_codes(body) == ["unauthenticated"]
    assert "maillage token create" in body["errors"][0]["message"]


def test_a_reader_may_not_write(client: httpx.Client, reader_token: str) -> None:
    body = gql(client, WRITE, token=reader_token, status=403)
    assert error_codes(body) == ["forbidden"]
    assert "reader" in body["errors"][0]["message"] and "editor" in body["errors"][0]["message"]


def test_an_unknown_or_malformed_token_is_refused_even_for_reads(client: httpx.Client) -> None:
    assert error_codes(gql(client, READ, token="mlg_" + "x" * 43, status=401)) == [
        "unauthenticated"
    ]
    assert error_codes(gql(client, READ, token="not-a-token", status=401)) == ["unauthenticated"]
    response = client.post("/graphql", json={"query": READ}, headers={"Authorization": "Basic x"})
    assert response.status_code == 401


def test_a_revoked_token_stops_working(client: httpx.Client, dataset: GraphStore) -> None:
    token_id, token = create_token(dataset, name="soon-revoked", role=Role.EDITOR)
    assert gql(client, WRITE, token=token)["data"]["upsertActor"]["__typename"] == "ActorSaved"
    revoked = revoke_token(dataset, token_id)
    assert [r.id for r in revoked] == [token_id]
    assert error_codes(gql(client, WRITE, token=token, status=401)) == ["unauthenticated"]
    with pytest.raises(NotFound):
        revoke_token(dataset, token_id)


def test_tokens_are_stored_hashed(dataset: MemoryGraph) -> None:
    token_id, token = create_token(dataset, name="hashed", role=Role.ADMIN)
    stored = dataset._state.get("ApiToken", token_id)  # the node as the graph holds it
    assert stored is not None
    assert token not in stored.values()
    assert stored["hash"] == digest(token)
    assert token.startswith("mlg_") and len(token) == 47
    assert token_id in {t.id for t in list_tokens(dataset)}
    with pytest.raises(ValidationError):
        create_token(dataset, name="", role=Role.EDITOR)


def test_private_reads_need_a_token(dataset: GraphStore, reader_token: str) -> None:
    with start(dataset, public_read=False) as private:
        wait_ready(private)
        assert error_codes(gql(private, READ, status=401)) == ["unauthenticated"]
        assert gql(private, READ, token=reader_token)["data"]["actor"]["name"]
        assert private.get("/export/scope.geojson?scope=departement:31").status_code == 401
        assert private.get("/health").status_code == 200


def test_the_token_commands(dataset: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    @contextlib.contextmanager
    def opened(start: bool = True) -> Iterator[GraphStore]:
        yield dataset  # the port the settings would open

    monkeypatch.setattr(token_cli, "graph", opened)
    monkeypatch.setenv("MAILLAGE_LANG", "en")  # the words checked below are the English ones
    runner = CliRunner()
    created = runner.invoke(token_cli.app, ["create", "--role", "editor", "--name", "cli-test"])
    assert created.exit_code == 0, created.output
    secret = next(word for word in created.output.split() if word.startswith("mlg_"))
    token_id = next(word for word in created.output.split() if word.startswith("tok-"))
    listed = runner.invoke(token_cli.app, ["list"], env={"COLUMNS": "200"})
    assert token_id in listed.output and secret not in listed.output
    wrong = runner.invoke(token_cli.app, ["create", "--role", "king", "--name", "x"])
    assert wrong.exit_code == 2
    revoked = runner.invoke(token_cli.app, ["revoke", token_id])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    again = runner.invoke(token_cli.app, ["revoke", token_id])
    assert again.exit_code == 1 and "no active token" in again.output
