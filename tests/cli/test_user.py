"""``maillage user``: an account made by the CLI prints a one-time sign-in link that works once,
in French by default; roles and networks are checked; the list shows no secret."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from api.accounts import redeem
from cli.main import app
from graph_model.model import Actor, ActorKind, SourceRef
from graph_model.port import GraphStore, WriteContext


@pytest.fixture
def graph(memory_graph: GraphStore, monkeypatch: pytest.MonkeyPatch) -> GraphStore:
    import cli.token
    import cli.user

    # the conftest's memory port, as it handed it to cli.token
    monkeypatch.setattr(cli.user, "graph", getattr(cli.token, "graph"))  # noqa: B009
    monkeypatch.setenv("MAILLAGE_PUBLIC_URL", "https://carte.example.org")
    network = Actor(id="net-cli", kind=ActorKind.NETWORK, name="Réseau CLI",
                    sources=[SourceRef(system="test", key="cli")])  # fmt: skip
    memory_graph.write_actors([network], WriteContext(by="test"))
    return memory_graph


def test_create_prints_a_link_that_signs_in_once(graph: GraphStore) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["user", "create", "Nina Martin", "--role", "editor",
                               "--network", "net-cli"])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "compte usr-" in made.output and "editor (net-cli)" in made.output
    link = re.search(r"https://carte\.example\.org/signin\.html#link=(\S+)", made.output)
    assert link, made.output
    user = graph.user("Nina Martin")
    assert user is not None and (user.role, user.network) == ("editor", "net-cli")
    assert redeem(graph, link.group(1), "une phrase de passe") is not None
    assert redeem(graph, link.group(1), "une autre phrase") is None  # once
    listed = runner.invoke(app, ["user", "list"])
    assert "Nina Martin" in listed.output and "défini" in listed.output
    assert link.group(1) not in listed.output
    again = runner.invoke(app, ["user", "link", "Nina Martin"])
    assert again.exit_code == 0 and "signin.html#link=" in again.output
    role = runner.invoke(app, ["user", "role", "Nina Martin", "--role", "admin"])
    assert role.exit_code == 0 and "admin (national)" in role.output


def test_bad_roles_networks_and_names_are_refused(graph: GraphStore) -> None:
    runner = CliRunner()
    reader = runner.invoke(app, ["user", "create", "Ana", "--role", "reader"])
    assert reader.exit_code == 2 and "contributor, editor ou admin" in reader.output
    unknown = runner.invoke(app, ["user", "create", "Ana", "--role", "editor",
                                  "--network", "net-nowhere"])  # fmt: skip
    assert unknown.exit_code != 0 and "aucun réseau" in unknown.output
    assert runner.invoke(app, ["user", "create", "Ana", "--role", "editor"]).exit_code == 0
    twice = runner.invoke(app, ["user", "create", "ANA", "--role", "editor"])
    assert twice.exit_code != 0
    assert graph.user("ana") is not None and len(graph.users()) == 1


def test_a_contributor_token_can_be_made(graph: GraphStore) -> None:
    made = CliRunner().invoke(app, ["token", "create", "--role", "contributor", "--name", "bot"])
    assert made.exit_code == 0, made.output
    assert [t.role for t in graph.tokens()] == ["contributor"]
