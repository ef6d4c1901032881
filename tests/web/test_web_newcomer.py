"""What a newcomer met on the map (issue 14), in a real browser: names on the markers and on
the path's stops, a legend that leaves the map visible, dates written the page's way, the
reason there is no path, peers of an actor without a département, and clusters of a territory
whose members link only to a national network.

This module runs after test_web_map.py (it adds actors to the session's app: three members of
the MES in Haute-Garonne, through the API with an editor token made by the CLI).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from tests.web.conftest import ROOT, graphql, wait_for, wait_ready
from tests.web.test_web_map import _pick, api_actors, js, settle

pytestmark = pytest.mark.browser

ISOLATED = "Graines d'actions"  # in the reference dataset, without any link
WELL_LINKED = "Mouvement pour l'Economie Solidaire"


def test_markers_are_named_once_zoomed_in(driver: Any, app_url: str, shot: Any) -> None:
    labels = driver.find_elements(
        "css selector", ".leaflet-marker-pane .actor-marker .marker-label"
    )
    assert labels, "each marker carries its name"
    assert not any(label.is_displayed() for label in labels)  # not at France's zoom: clutter
    # zoom into the frame of the actors without a position: those in view are named
    js(driver, "maillage.view.goTo('inset')")
    settle(driver)
    js(driver, "maillage.map.setZoom(Math.max(maillage.map.getZoom(), 8), {animate: false})")
    settle(driver)
    shown = wait_for(
        lambda: [
            label.text
            for label in driver.find_elements("css selector", ".actor-marker .marker-label")
            if label.is_displayed()
        ],
        message="names beside the markers",
    )
    names = {a["name"] for a in api_actors(app_url)}
    assert set(shown) <= names and len(shown) >= 2, shown
    shot(driver, "labels")


def test_the_stops_of_a_path_carry_their_names(driver: Any, shot: Any) -> None:
    driver.find_element("id", "tab-path").click()
    _pick(driver, "path-from", "RIPESS Europe")
    _pick(driver, "path-to", "Collectif des Associations Citoyennes")
    driver.find_element("id", "path-submit").click()
    wait_for(lambda: driver.find_elements("css selector", "#path-hops-list li.hop"), message="path")
    names = [s.text for s in driver.find_elements("css selector", ".path-stop .stop-name")]
    assert names[0] == "RIPESS Europe" and names[-1] == "Collectif des Associations Citoyennes"
    numbers = [s.text for s in driver.find_elements("css selector", ".path-stop .stop-number")]
    assert numbers[:2] == ["1", "2"]
    shot(driver, "named-stops")


def test_the_legend_covers_no_marker(driver: Any, shot: Any) -> None:
    settle(driver)
    covered = js(
        driver,
        """
        const legend = document.getElementById('legend').getBoundingClientRect();
        return [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
          .map((m) => m.getBoundingClientRect())
          .filter((r) => r.right > legend.left && r.left < legend.right
                      && r.bottom > legend.top && r.top < legend.bottom).length;
        """,
    )
    assert covered == 0
    height = js(driver, "return document.getElementById('legend').getBoundingClientRect().height")
    assert height < 40  # closed: one line, until asked for
    driver.find_element("id", "legend-title").click()
    assert js(driver, "return document.getElementById('legend-details').open")
    driver.refresh()
    wait_ready(driver)
    assert js(driver, "return document.getElementById('legend-details').open")  # remembered
    shot(driver, "legend")


def test_dates_are_written_the_pages_way_not_the_browsers(driver: Any, shot: Any) -> None:
    field = driver.find_element("id", "filter-asof")
    assert field.get_attribute("type") == "text"
    assert field.get_attribute("placeholder") == "jj/mm/aaaa"
    field.send_keys("03/07/2019")
    driver.find_element("id", "filter-text").click()  # leaves the field: "change"
    assert field.get_attribute("data-iso") == "2019-07-03"
    assert driver.find_element("id", "path-asof").get_attribute("value") == "03/07/2019"
    driver.find_element("id", "lang-switch").click()
    wait_for(lambda: js(driver, "return document.documentElement.lang") == "en", message="en")
    assert field.get_attribute("value") == "2019-07-03"
    assert field.get_attribute("placeholder") == "yyyy-mm-dd"
    field.clear()
    field.send_keys("31/02/2019")  # no such day
    assert field.get_attribute("aria-invalid") == "true"
    shot(driver, "dates")
    driver.find_element("id", "lang-switch").click()
    wait_for(lambda: js(driver, "return document.documentElement.lang") == "fr", message="fr")


def test_no_path_says_an_actor_has_no_link(driver: Any, shot: Any) -> None:
    driver.find_element("id", "tab-path").click()
    _pick(driver, "path-from", ISOLATED)
    _pick(driver, "path-to", WELL_LINKED)
    driver.find_element("id", "path-submit").click()
    none = wait_for(lambda: driver.find_element("id", "path-none"), message="no path")
    assert f"{ISOLATED} n'a aucun lien de coopération" in none.text
    assert "éviter les instances" not in none.text  # not the generic advice
    shot(driver, "no-link")


def test_peers_of_an_actor_placed_nowhere_are_looked_for_everywhere(
    driver: Any, app_url: str
) -> None:
    mes = graphql(app_url, '{ actor(id: "net-mes") { id } }')["actor"]["id"]
    driver.get(f"{app_url}/#actor={mes}")
    driver.refresh()  # a new fragment alone does not reload the page
    wait_ready(driver)
    note = wait_for(lambda: driver.find_element("id", "peers-note"), message="peers note")
    assert "comparé aux acteurs de partout" in note.text


def _editor_token(data_dir: str) -> str:
    """An editor token of the app's graph, made by the CLI on the same data directory."""
    env = {**os.environ, "MAILLAGE_DATA_DIR": data_dir, "MAILLAGE_BACKEND": "embedded"}
    made = subprocess.run(
        [sys.executable, "-m", "cli", "--lang", "en", "token", "create", "--role", "editor",
         "--name", "web-newcomer"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return next(word for word in made.stdout.split() if word.startswith("mlg_"))


def test_clusters_say_the_members_link_only_to_a_national_network(
    driver: Any, app_url: str, app_data_dir: str, shot: Any
) -> None:
    token = _editor_token(app_data_dir)
    for n in range(3):
        actor = graphql(
            app_url,
            """mutation($input: ActorInput!) { upsertActor(input: $input) {
                 __typename ... on ActorSaved { actor { id } } ... on Problem { message } } }""",
            {"input": {"kind": "ORGANISATION", "name": f"Membre guérétois {n}",
                       "commune": "23096", "source": {"system": "web-test", "key": f"m{n}"}}},
            token=token,
        )["upsertActor"]  # fmt: skip
        assert actor["__typename"] == "ActorSaved", actor
        linked = graphql(
            app_url,
            """mutation($input: LinkInput!) { linkActors(input: $input) { __typename
                 ... on Problem { message } } }""",
            {"input": {"from": actor["actor"]["id"], "to": "net-mes", "kind": "MEMBER_OF",
                       "since": "2020-01-01", "source": {"system": "web-test", "key": f"l{n}"}}},
            token=token,
        )["linkActors"]  # fmt: skip
        assert linked["__typename"] in ("LinkSaved", "DuplicateLink"), linked
    driver.refresh()
    wait_ready(driver)
    driver.find_element("id", "tab-clusters").click()
    wait_for(
        lambda: driver.find_elements(
            "css selector", "#clusters-scope option[value='departement:23']"
        ),
        message="the département in the scope list",
    )
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", "clusters-scope")).select_by_value("departement:23")
    driver.find_element("css selector", "#clusters-form button[type=submit]").click()
    none = wait_for(lambda: driver.find_element("id", "clusters-none"), message="no cluster")
    assert "vont vers des acteurs d'ailleurs" in none.text
    why = driver.find_element("id", "clusters-unclustered").text
    assert "3 acteurs ne sont liés qu'à des acteurs hors de ce territoire" in why
    assert "sans lien avec les autres" not in driver.find_element("id", "clusters-result").text
    shot(driver, "clusters-outside-only")
    # tied through the MES, the three members form one cluster (the MES is no member)
    driver.find_element("id", "clusters-hubs").click()
    driver.find_element("css selector", "#clusters-form button[type=submit]").click()
    items = wait_for(
        lambda: driver.find_elements("css selector", "#clusters-list > li.cluster"),
        message="a cluster through the hub",
    )
    assert len(items) == 1 and "3 acteurs" in items[0].text
    shot(driver, "clusters-through-hubs")


def test_the_api_answers_in_the_pages_language_not_the_browsers(driver: Any) -> None:
    ask = """
        const done = arguments[arguments.length - 1];
        import('./js/graphql.js')
          .then((m) => m.gql(arguments[0]))
          .then(() => done('no error'), (e) => done(e.message));
    """
    query = '{ cooperationPaths(from: "net-mes", to: "adv-cac", k: 21) { found } }'
    assert "est hors de" in driver.execute_async_script(ask, query)  # French browser and page
    driver.find_element("id", "lang-switch").click()
    wait_for(lambda: js(driver, "return document.documentElement.lang") == "en", message="en")
    assert "is outside" in driver.execute_async_script(ask, query)  # the page switched: English
    driver.find_element("id", "lang-switch").click()
    wait_for(lambda: js(driver, "return document.documentElement.lang") == "fr", message="fr")
