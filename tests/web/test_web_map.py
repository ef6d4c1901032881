"""The web map in a real browser, against the app serving the movement reference dataset.

What the page shows is checked against what the API answers (asked directly over HTTP), so the
tests follow the reference dataset as it grows; the few named actors are ones the MES project
names and the dataset must keep.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import graphql, make_driver, wait_for, wait_ready

pytestmark = pytest.mark.browser

# two actors of the reference dataset joined by a cooperation path of two hops (the MES is a
# member of both)
PATH_FROM = "RIPESS Europe"
PATH_TO = "Collectif des Associations Citoyennes"
# an actor with links and networks, to open in the panel
WELL_LINKED = "Mouvement pour l'Economie Solidaire"

ALL_ACTORS = """
query($after: String) {
  actors(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name location { latitude longitude precision } }
  }
}"""


def api_actors(app_url: str) -> list[dict[str, Any]]:
    actors: list[dict[str, Any]] = []
    after = None
    while True:
        page = graphql(app_url, ALL_ACTORS, {"after": after})["actors"]
        actors.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return actors
        after = page["pageInfo"]["endCursor"]


def find_actor(app_url: str, name: str) -> dict[str, Any]:
    found = graphql(
        app_url, "query($t: String!) { search(text: $t, first: 5) { id name } }", {"t": name}
    )["search"]
    hits = found["edges"] if isinstance(found, dict) else found
    nodes = [h.get("node", h) for h in hits]
    assert nodes, f"the reference dataset has no actor named like {name!r}"
    first: dict[str, Any] = nodes[0]
    return first


@pytest.fixture(scope="module")
def actors(app_url: str) -> list[dict[str, Any]]:
    """Every actor of the dataset, as the API lists them."""
    return api_actors(app_url)


def placed(actors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The actors with a position (the others are drawn in the "no position" frame)."""
    return [a for a in actors if a["location"] is not None]


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def visible_count(driver: Any) -> int:
    """Actors drawn in the current view: single markers plus the counts of the groups."""
    return int(
        js(
            driver,
            """
            const box = document.getElementById('map').getBoundingClientRect();
            const inside = (el) => {
              const r = el.getBoundingClientRect();
              const x = r.left + r.width / 2, y = r.top + r.height / 2;
              return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
            };
            let n = 0;
            for (const el of document.querySelectorAll('.leaflet-marker-pane .actor-marker')) {
              if (inside(el)) n += 1;
            }
            for (const el of document.querySelectorAll('.leaflet-marker-pane .actor-cluster')) {
              if (inside(el)) n += Number(el.textContent);
            }
            return n;
            """,
        )
    )


def settle(driver: Any) -> None:
    """Let Leaflet finish its zoom/pan animations and marker-group updates."""
    time.sleep(0.6)


# the metropole's view (web/static/js/map.js PLACES.metro) and the DROM's, margin included
METRO_VIEW = ((41.3, -10.7), (51.5, 9.6))
DROM_VIEWS = [
    ((15.3, -62.35), (17.02, -60.5)),
    ((13.88, -61.75), (15.4, -60.3)),
    ((1.6, -55.1), (6.3, -51.1)),
    ((-21.9, 54.7), (-20.36, 56.35)),
    ((-13.5, 44.5), (-12.13, 45.8)),
]


def _abroad(location: dict[str, Any]) -> bool:
    def inside(view: tuple[tuple[float, float], tuple[float, float]]) -> bool:
        (s, w), (n, e) = view
        lat, lon = float(location["latitude"]), float(location["longitude"])
        return s <= lat <= n and w <= lon <= e

    return not inside(METRO_VIEW) and not any(inside(v) for v in DROM_VIEWS)


def _choose_place(driver: Any, place: str) -> None:
    js(
        driver,
        "const s = document.getElementById('place-select');"
        "s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
        place,
    )


def _all_in_view(driver: Any, ids: list[str]) -> bool:
    """Whether each actor's marker, or the group it is drawn in, lies inside the map's view."""
    return bool(
        js(
            driver,
            """
            const view = window.maillage.view, bounds = view.map.getBounds();
            return arguments[0].every((id) => {
              const marker = view.markers.get(id);
              const shown = marker && view.cluster.getVisibleParent(marker);
              return Boolean(shown) && bounds.contains(shown.getLatLng());
            });
            """,
            ids,
        )
    )


def test_map_shows_every_actor(driver: Any, actors: list[dict[str, Any]], shot: Any) -> None:
    expected = len(actors)
    assert expected > 0, "the reference dataset should have actors"
    mapel = driver.find_element("id", "map")
    assert int(mapel.get_attribute("data-actor-count")) == expected
    assert int(mapel.get_attribute("data-placed-count")) == len(placed(actors))
    status = driver.find_element("id", "status").text.replace("\u202f", "").replace("\xa0", "")
    assert re.search(rf"\b{expected} acteurs? sur la carte", status), status
    # outlines drawn from the shipped files: 13 régions + 96 départements
    assert len(driver.find_elements("css selector", ".leaflet-outlines-pane path")) >= 109
    settle(driver)
    # every actor is somewhere: in the first view (metropole and the "no position" frame) or
    # behind one of the overseas choices of the "go to" control, which says how many each holds
    select = driver.find_element("id", "place-select")
    options = [o.get_attribute("value") for o in select.find_elements("tag name", "option")]
    assert options[0] == "metro" and {"971", "972", "973", "974", "976"} <= set(options)
    unplaced = expected - len(placed(actors))
    assert ("inset" in options) == (unplaced > 0)
    labels = {o.get_attribute("value"): o.text for o in select.find_elements("tag name", "option")}

    def said(place: str) -> int:
        found = re.search(r"\((\d+)\)", labels.get(place, ""))
        return int(found.group(1)) if found else 0

    # the actors seated abroad (a point outside the metropole's view and the DROM) have their
    # own choice, fitted to their points; the metropole stays in that view, so they are counted
    # one by one: each one's marker, or the group holding it, is inside the view
    abroad = [a["id"] for a in placed(actors) if _abroad(a["location"])]
    assert said("abroad") == len(abroad)
    assert ("abroad" in options) == bool(abroad)
    # the marker groups are made in chunks: wait until the first view holds what it says
    first = said("metro") + unplaced
    wait_for(lambda: visible_count(driver) >= first, message="the actors of the first view")
    shot(driver, "metropole")
    seen = first
    if abroad:
        _choose_place(driver, "abroad")
        wait_for(
            lambda: _all_in_view(driver, abroad), message="the actors seated abroad in their view"
        )
        settle(driver)
        shot(driver, "etranger")
        seen += len(abroad)
    for place in [o for o in options[1:] if o not in ("inset", "abroad")]:
        _choose_place(driver, place)
        # the move to a DROM is animated: wait for the map to show what the control says
        wanted = said(place)
        if wanted:
            wait_for(functools.partial(_at_least, driver, wanted), message=f"the actors of {place}")
        settle(driver)
        here = visible_count(driver)
        if here:
            shot(driver, f"outre-mer-{place}")
        seen += here
    assert seen == expected


def test_exact_approximate_and_unknown_positions_look_different(
    driver: Any, actors: list[dict[str, Any]], shot: Any
) -> None:
    def precision(actor: dict[str, Any]) -> str | None:
        return (actor["location"] or {}).get("precision")

    examples = {
        "exact": next((a for a in actors if precision(a) == "EXACT"), None),
        "approx": next((a for a in actors if precision(a) not in (None, "EXACT")), None),
        "none": next((a for a in actors if a["location"] is None), None),
    }
    assert examples["approx"] is not None, "the reference dataset places actors at communes"
    drawn = {}
    for style, actor in examples.items():
        if actor is None:
            continue
        js(driver, "maillage.view.reveal(arguments[0])", actor["id"])
        selector = f".actor-marker[data-actor-id='{actor['id']}']"
        marker = wait_for(
            functools.partial(driver.find_element, "css selector", selector),
            message=f"marker of {actor['name']}",
        )
        assert style in marker.get_attribute("class").split()
        drawn[style] = js(
            driver,
            "const g = arguments[0].querySelector('svg g');"
            "return [g.getAttribute('fill'), g.getAttribute('fill-opacity'),"
            "        g.getAttribute('stroke-dasharray')].join(' ');",
            marker,
        )
        assert actor["name"] in marker.get_attribute("aria-label")
        settle(driver)
        shot(driver, style)
    # each style is drawn differently (fill, tint, dashes), and says so to screen readers
    assert len(set(drawn.values())) == len(drawn)


def test_search_finds_economie_without_accents(driver: Any, shot: Any) -> None:
    driver.find_element("id", "tab-path").click()
    box = driver.find_element("id", "path-from")
    box.send_keys("economie")
    options = wait_for(
        lambda: [
            o.text for o in driver.find_elements("css selector", "#path-from-options .option-name")
        ],
        message="suggestions for 'economie'",
    )
    # typed without its accent, the word is found with it ("économie", any case)
    assert any("économie" in name.lower() for name in options), options
    assert box.get_attribute("aria-expanded") == "true"
    shot(driver, "suggestions")


def test_clicking_an_actor_opens_its_panel(driver: Any, app_url: str, shot: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    actor = find_actor(app_url, WELL_LINKED)
    js(driver, "maillage.view.reveal(arguments[0])", actor["id"])
    selector = f".actor-marker[data-actor-id='{actor['id']}']"
    marker = wait_for(lambda: driver.find_element("css selector", selector), message="marker")
    settle(driver)
    ActionChains(driver).move_to_element(marker).click().perform()
    panel = driver.find_element("id", "panel")
    wait_for(panel.is_displayed, message="the panel")
    title = driver.find_element("id", "panel-title")
    wait_for(lambda: title.text == actor["name"], message="the panel's title")
    wait_for(lambda: panel.find_elements("css selector", "ul.links li.link"), message="links")
    assert js(driver, "return maillage.view.selectionLayer.getLayers().length") > 0
    assert driver.current_url.endswith(f"#actor={actor['id']}")
    wait_for(
        lambda: (
            not panel.find_elements("css selector", ".peers .help")
            or "Chargement" not in panel.find_element("css selector", ".peers").text
        ),
        message="peer projects",
    )
    shot(driver, "panel")
    # Escape closes it and the selection goes
    driver.find_element("id", "panel-close").click()
    assert not driver.find_element("id", "panel").is_displayed()


def _pick(driver: Any, field: str, name: str) -> None:
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element("id", field)
    box.clear()
    box.send_keys(name)
    wait_for(
        lambda: driver.find_elements("css selector", f"#{field}-options .option"),
        message=f"suggestions for {name!r}",
    )
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    wait_for(lambda: box.get_attribute("aria-expanded") == "false", message="pick")


def test_a_path_between_two_known_actors_is_drawn_and_listed(
    driver: Any, app_url: str, shot: Any
) -> None:
    source = find_actor(app_url, PATH_FROM)
    target = find_actor(app_url, PATH_TO)
    driver.find_element("id", "tab-path").click()
    _pick(driver, "path-from", PATH_FROM)
    _pick(driver, "path-to", PATH_TO)
    assert driver.find_element("id", "path-from").get_attribute("value") == source["name"]
    assert driver.find_element("id", "path-to").get_attribute("value") == target["name"]
    driver.find_element("id", "path-submit").click()
    hops = wait_for(
        lambda: driver.find_elements("css selector", "#path-hops-list li.hop"),
        message="the listed path",
    )
    assert len(hops) >= 1
    names = [b.text for b in driver.find_elements("css selector", "#path-hops-list .link-button")]
    assert names[0] == source["name"] and names[-1] == target["name"]
    assert driver.find_elements("css selector", ".leaflet-path-pane path.path-line")
    stops = driver.find_elements("css selector", ".path-stop")
    assert len(stops) >= 2
    settle(driver)
    shot(driver, "path")


CLUSTERS = """
{ territorialClusters(seed: 42) { clusters { id size } }
  brokers(first: 10, seed: 42) { actors { score actor { id name } } } }"""


def test_clusters_colour_the_map_and_list_brokers(driver: Any, app_url: str, shot: Any) -> None:
    expected = graphql(app_url, CLUSTERS)
    clusters = expected["territorialClusters"]["clusters"]
    brokers = [b["actor"]["name"] for b in expected["brokers"]["actors"] if b["score"] > 0]
    driver.find_element("id", "tab-clusters").click()
    assert driver.find_element("id", "clusters-scope").get_attribute("value") == "FR"
    driver.find_element("css selector", "#clusters-form button[type=submit]").click()
    items = wait_for(
        lambda: driver.find_elements("css selector", "#clusters-list > li.cluster"),
        message="the list of clusters",
    )
    assert len(items) == len(clusters)
    # the members of the first cluster are drawn in its colour
    colour = js(
        driver,
        "return maillage.state.clusterOf && [...maillage.state.clusterOf.values()][0].colour",
    )
    assert colour
    settle(driver)
    strokes = js(
        driver,
        "return [...document.querySelectorAll('.actor-marker svg g')]"
        ".map(g => g.getAttribute('stroke') + ' ' + g.getAttribute('fill'))",
    )
    assert any(colour in s for s in strokes), (colour, strokes)
    listed = [b.text for b in driver.find_elements("css selector", "#brokers-list .link-button")]
    assert listed == brokers
    shot(driver, "clusters")
    driver.find_element("id", "clusters-clear").click()
    wait_for(lambda: js(driver, "return maillage.state.clusterOf === null"), message="cleared")


def test_switching_language_changes_the_texts(driver: Any, app_url: str, shot: Any) -> None:
    assert js(driver, "return document.documentElement.lang") == "fr"
    assert driver.find_element("id", "tab-filters").text == "Filtres"
    switch = driver.find_element("id", "lang-switch")
    assert switch.text == "English"
    switch.click()
    wait_for(lambda: js(driver, "return document.documentElement.lang") == "en", message="en")
    assert driver.find_element("id", "tab-filters").text == "Filters"
    assert "on the map" in driver.find_element("id", "status").text
    assert driver.find_element("id", "lang-switch").text == "Français"
    assert "Go to" in driver.find_element("css selector", ".place-control").text
    shot(driver, "english")
    # remembered on the next visit
    driver.refresh()
    wait_ready(driver)
    assert driver.find_element("id", "tab-path").text == "Path"


def test_an_english_browser_gets_english(app_url: str, tmp_path: Path, shot: Any) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    english = make_driver(tmp_path / "profile", downloads, language="en-US")
    try:
        english.get(f"{app_url}/")
        wait_ready(english)
        assert english.execute_script("return document.documentElement.lang") == "en"
        assert english.find_element("id", "tab-clusters").text == "Clusters"
        shot(english, "browser-language")
    finally:
        english.quit()


def _download(driver: Any, button: str, suffix: str) -> Path:
    for old in driver.downloads.glob(f"*{suffix}"):
        old.unlink()
    driver.find_element("id", button).click()
    downloaded: Path = wait_for(
        lambda: next(
            (
                p
                for p in driver.downloads.glob(f"*{suffix}")
                if p.stat().st_size > 0 and not p.name.endswith(".crdownload")
            ),
            None,
        ),
        message=f"a downloaded {suffix} file",
    )
    return downloaded


def test_exports_download_files_that_parse(driver: Any, shot: Any) -> None:
    shown = int(driver.find_element("id", "map").get_attribute("data-actor-count"))
    links = int(driver.find_element("id", "map").get_attribute("data-link-count"))
    driver.find_element("id", "tab-export").click()
    in_view = driver.find_element("id", "export-in-view")
    if in_view.is_selected():
        in_view.click()  # everything shown, not only the visible part (outre-mer included)
    shot(driver, "export-tab")

    geojson = json.loads(_download(driver, "export-geojson", ".geojson").read_text("utf-8"))
    assert geojson["type"] == "FeatureCollection"
    kinds = [(f["geometry"] or {}).get("type") for f in geojson["features"]]
    # every actor is a feature (without geometry when it has no position), links are lines
    assert kinds.count("Point") + kinds.count(None) == shown
    assert kinds.count("LineString") <= links
    assert {"id", "name", "kind", "location_precision"} <= set(geojson["features"][0]["properties"])

    gexf = ET.fromstring(_download(driver, "export-gexf", ".gexf").read_bytes())
    ns = {"g": "http://gexf.net/1.3"}
    assert len(gexf.findall(".//g:nodes/g:node", ns)) >= shown
    assert len(gexf.findall(".//g:edges/g:edge", ns)) == links

    text = _download(driver, "export-csv", "-actors.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) >= shown and rows[0].keys() >= {"id", "name", "kind", "latitude"}

    text = _download(driver, "export-csv-links", "-links.csv").read_text("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == links


def test_filters_reload_the_actors(driver: Any, shot: Any) -> None:
    before = int(driver.find_element("id", "map").get_attribute("data-actor-count"))
    checkbox = driver.find_element("css selector", "#filter-kinds input[value=AdvocacyBody]")
    checkbox.click()
    wait_for(
        lambda: (
            driver.find_element("id", "map").get_attribute("data-loaded") == "true"
            and int(driver.find_element("id", "map").get_attribute("data-actor-count")) < before
        ),
        message="fewer actors without the advocacy bodies",
    )
    items = driver.find_elements("css selector", "#actor-list .list-item")
    assert items and len(items) <= before
    shot(driver, "without-advocacy-bodies")


def test_phone_screen_and_keyboard(driver: Any, shot: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.set_window_size(420, 860)
    wait_for(lambda: driver.find_element("id", "menu-toggle").is_displayed(), message="menu")
    settle(driver)
    assert js(driver, "return document.documentElement.scrollWidth <= window.innerWidth")
    assert not driver.find_element("id", "sidebar").is_displayed()
    shot(driver, "phone-map")
    # keyboard only: open the drawer, move between tabs with the arrow keys
    driver.find_element("id", "menu-toggle").send_keys(Keys.ENTER)
    wait_for(lambda: driver.find_element("id", "sidebar").is_displayed(), message="drawer")
    tab = driver.find_element("id", "tab-filters")
    # the drawer slides in: its tabs can take keys once they are on the screen
    wait_for(tab.is_displayed, message="the drawer's tabs on the screen")
    tab.send_keys(Keys.ARROW_RIGHT)
    assert driver.switch_to.active_element.get_attribute("id") == "tab-path"
    assert driver.find_element("id", "pane-path").is_displayed()
    shot(driver, "phone-drawer")
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(lambda: not driver.find_element("id", "sidebar").is_displayed(), message="closed")
    # a marker takes the focus and opens its actor with Enter
    marker = driver.find_element("css selector", ".actor-marker[tabindex='0']")
    js(driver, "arguments[0].focus()", marker)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(driver.find_element("id", "panel").is_displayed, message="the panel, by keyboard")
    # the panel shows at once and takes the focus once its actor has loaded
    wait_for(
        lambda: js(
            driver, "return document.getElementById('panel').contains(document.activeElement)"
        ),
        message="the focus in the panel",
    )
    shot(driver, "phone-panel")
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(lambda: not driver.find_element("id", "panel").is_displayed(), message="Escape")


def _at_least(driver: Any, count: int) -> bool:
    """Whether the map shows at least ``count`` actors."""
    return bool(visible_count(driver) >= count)
