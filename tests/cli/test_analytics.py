"""``maillage path | clusters | peers`` on the example movement (the store is not opened: the
projection is handed in), so the CLI's questions are checked against the product's limits, in
French by default and in English with ``--lang en``."""

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
    # the theme labels the store would give (the example has no Theme nodes)
    labels = {"alimentation": "Alimentation durable", "reemploi": "Réemploi"}
    monkeypatch.setattr(
        cli_analytics, "theme_labels", lambda ids: {i: labels.get(i, i) for i in ids}
    )
    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(tmp_path))
    return CliRunner()


def _words(output: str) -> str:
    """The output with the console's line wrapping undone."""
    return " ".join(output.split())


def test_path_explains_every_hop_in_french(runner: CliRunner) -> None:
    result = runner.invoke(app, ["path", "Collectif Lyonnais", "org-marseille", "--k", "2"])
    assert result.exit_code == 0, result.output
    assert "chemin 1 : 3 étapes" in result.output and "chemin 2 : 3 étapes" in result.output
    # ids, kinds and dates as French writes them; the links read in the path's direction
    assert "Collectif Lyonnais [org-collectif, structure, 69123]" in result.output
    assert "→ membre de, du 01/01/2015 au 31/12/2018" in result.output
    assert "← a pour membre siégeant, depuis le 01/03/2017" in result.output


def test_path_in_english_with_lang_en(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "en", "path", "org-collectif", "org-marseille"])
    assert result.exit_code == 0, result.output
    assert "path 1: 3 hops, cost 3.00" in result.output
    assert "→ cooperates with (partenariat), since 2016-05-01" in result.output


def test_path_names_each_source_of_a_hop_once(runner: CliRunner) -> None:
    result = runner.invoke(app, ["path", "org-collectif", "org-marseille", "--k", "3"])
    assert result.exit_code == 0, result.output
    for line in result.output.splitlines():
        if "source" in line:
            named = line.split(":", 1)[1].split(",")
            assert len(named) == len(set(named)), line


def test_path_finds_actors_as_the_search_does(runner: CliRunner) -> None:
    # a typo and no accents: the API's search finds the one actor
    result = runner.invoke(app, ["path", "collectif lyonais", "recyclerie marseile"])
    assert result.exit_code == 0, result.output
    assert "'collectif lyonais' désigne Collectif Lyonnais [org-collectif]" in result.output
    # several actors match: listed, nothing guessed
    several = runner.invoke(app, ["path", "l'atelier", "ess"])
    assert several.exit_code == 1
    unknown = runner.invoke(app, ["path", "zzzz qqqq", "org-marseille"])
    assert unknown.exit_code == 1
    assert "introuvable : source: aucun acteur ne s'appelle 'zzzz qqqq'" in _words(unknown.output)


def test_an_ambiguous_name_lists_the_candidates(runner: CliRunner) -> None:
    result = runner.invoke(app, ["path", "ess", "org-marseille"])
    assert result.exit_code == 1
    words = _words(result.output)
    assert "plusieurs acteurs correspondent" in words
    assert "net-aura (Réseau ESS AURA)" in words and "ab-ess-france (ESS France)" in words
    assert "Ambiguous" not in result.output


def test_errors_name_no_python_class(runner: CliRunner) -> None:
    result = runner.invoke(app, ["path", "org-collectif", "org-marseille", "--max-hops", "9"])
    assert result.exit_code == 1
    assert "max_hops: 9" in _words(result.output)
    for name in ("ValidationError", "NotFound", "ImportFailure", "Error:"):
        assert name not in result.output
    assert _words(result.output).startswith("refusé :")


def test_path_not_found_names_the_blocker(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["path", "org-collectif", "org-marseille", "--avoid-kind", "AdvocacyBody:national"],
    )
    assert result.exit_code == 4
    assert "avoid_kinds" in _words(result.output)


def test_clusters_keep_their_ids_under_the_data_directory(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["clusters", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "7 acteurs, 2 grappes, modularité 0,204" in result.output
    assert "1 acteur hors grappe : 1 sans aucun lien" in result.output
    assert list((tmp_path / "clusters").glob("clusters-*.json"))
    refused = runner.invoke(app, ["clusters", "--resolution", "0"])
    assert refused.exit_code == 1 and "resolution" in refused.output


def test_clusters_say_why_there_is_none_instead_of_an_empty_table(runner: CliRunner) -> None:
    # Paris holds ESS France alone: linked only to actors elsewhere
    result = runner.invoke(app, ["clusters", "--scope", "departement:75"])
    assert result.exit_code == 0, result.output
    words = _words(result.output)
    assert "0 grappe" in words
    assert "1 lié seulement à des acteurs hors du périmètre" in words
    assert "Aucune grappe" in words and "--through-hubs" in words
    assert "┏" not in result.output and "┃" not in result.output  # no empty table


def test_clusters_accept_through_hubs(runner: CliRunner) -> None:
    # the analytic itself is tested in tests/queries/analytics/test_clusters_hubs.py
    hubs = runner.invoke(app, ["clusters", "--scope", "departement:75", "--through-hubs"])
    assert hubs.exit_code == 0, hubs.output
    assert "--through-hubs" not in hubs.output  # not advised once given


def test_clusters_main_departements_are_never_an_empty_cell(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "en", "clusters", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "13 67%" in result.output


def test_peers_show_theme_labels_and_a_share(runner: CliRunner) -> None:
    result = runner.invoke(app, ["peers", "org-collectif"])
    assert result.exit_code == 0, result.output
    words = _words(result.output)
    assert "hors du département 69" in words
    assert "La Recyclerie de Marseille" in words
    assert "thème Alimentation durable, thème Réemploi" in words
    assert "alimentation," not in words  # not the raw id
    refused = runner.invoke(app, ["peers", "org-collectif", "--outside", "canton"])
    assert refused.exit_code == 1 and "level: 'canton'" in refused.output


def test_peers_in_english(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "en", "peers", "collectif lyonnais"])
    assert result.exit_code == 0, result.output
    words = _words(result.output)
    assert "outside the département 69: 1 of 1 candidate" in words
    assert "shared: theme Alimentation durable, theme Réemploi, method vises" in words
