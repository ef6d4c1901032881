"""``maillage path | clusters | peers`` on the example movement (the store is not opened: the
projection is handed in), so the CLI's questions are checked against the product's limits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import analytics as cli_analytics
from cli.main import app
from queries.projection import Projection


@pytest.fixture
def runner(example: Projection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    @contextmanager
    def projection() -> Iterator[Projection]:
        yield example

    monkeypatch.setattr(cli_analytics, "projection", projection)
    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(tmp_path))
    return CliRunner()


def _words(output: str) -> str:
    """The output with the console's line wrapping undone."""
    return " ".join(output.split())


def test_path_explains_every_hop(runner: CliRunner) -> None:
    result = runner.invoke(app, ["path", "Collectif Lyonnais", "org-marseille", "--k", "2"])
    assert result.exit_code == 0, result.output
    assert "path 1" in result.output and "path 2" in result.output
    assert "SITS_ON" in result.output


def test_path_refuses_more_hops_than_the_api(runner: CliRunner) -> None:
    result = runner.invoke(app, ["path", "org-collectif", "org-marseille", "--max-hops", "9"])
    assert result.exit_code == 1
    assert "max_hops: 9 is out of range (an integer from 1 to 8)" in _words(result.output)


def test_path_not_found_names_the_blocker(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["path", "org-collectif", "org-marseille", "--avoid-kind", "AdvocacyBody:national"],
    )
    assert result.exit_code == 4
    assert "Lifting avoid_kinds alone gives a path." in _words(result.output)


def test_clusters_keep_their_ids_under_the_data_directory(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["clusters", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "2 clusters" in result.output
    assert list((tmp_path / "clusters").glob("clusters-*.json"))
    refused = runner.invoke(app, ["clusters", "--resolution", "0"])
    assert refused.exit_code == 1 and "resolution" in refused.output


def test_peers(runner: CliRunner) -> None:
    result = runner.invoke(app, ["peers", "org-collectif"])
    assert result.exit_code == 0, result.output
    assert "La Recyclerie de Marseille" in result.output
    refused = runner.invoke(app, ["peers", "org-collectif", "--outside", "canton"])
    assert refused.exit_code == 1 and "level: 'canton'" in refused.output
