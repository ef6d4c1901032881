"""Issue 13 in a real browser: the choropleth of the territory figures on the map (a figure per
département, its legend and date, the state in the address, a click that opens the sheet; the
approximate EPCI outlines when zoomed in), the
page of a network (/reseau/<id>: members on the map, figures, peers, the state in the address,
404 for a non-network), and that page embedded in an iframe of another origin — allowed where
MAILLAGE_FRAME_ANCESTORS names that origin, refused by default."""

from __future__ import annotations

import http.server
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from selenium.webdriver.support.ui import Select

from tests.web.conftest import graphql, wait_for

pytestmark = pytest.mark.browser


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def test_the_choropleth_colours_departements_and_opens_a_sheet(
    driver: Any, app_url: str, shot: Any
) -> None:
    control = wait_for(lambda: driver.find_elements("id", "choropleth"), message="control")[0]
    assert "Chiffres par territoire" in control.text
    driver.find_element("css selector", "#choropleth summary").click()  # it starts folded
    js(
        driver,
        "const d = document.getElementById('choro-date'); d.value = '2025-01-01';"
        "d.dispatchEvent(new Event('change'))",
    )
    Select(driver.find_element("id", "choro-figure")).select_by_value("actors")
    wait_for(lambda: control.get_attribute("data-state") == "drawn", message="drawn", timeout=60)
    shapes = driver.find_elements("css selector", "path[data-territory^='departement:']")
    assert len(shapes) == 96  # the metropolitan outlines
    # the colours follow the figures the API gives for each département
    table = graphql(
        app_url,
        '{ territoryTable(parent: "FR", level: DEPARTEMENT, asOf: "2025-01-01") '
        "{ territory actors } }",
    )["territoryTable"]
    counts = {r["territory"]: r["actors"] for r in table}
    paris = driver.find_element("css selector", "path[data-territory='departement:75']")
    assert int(paris.get_attribute("data-value")) == counts["departement:75"] > 0
    empty = [t for t, n in counts.items() if n == 0 and t != "departement:75"]
    lone = driver.find_elements("css selector", f"path[data-territory='{empty[0]}']")
    if lone:  # an overseas département has no outline
        assert lone[0].get_attribute("fill") == "#f4f4f4"
    assert paris.get_attribute("fill") != "#f4f4f4"
    legend = driver.find_element("id", "choro-legend").text
    assert "acteurs au 01/01/2025" in legend
    # the state is in the address: a reload shows the same choropleth
    assert "choro=actors" in driver.current_url and "choroDate=2025-01-01" in driver.current_url
    shot(driver, "choropleth")
    driver.refresh()
    control = wait_for(lambda: driver.find_elements("id", "choropleth"), message="control")[0]
    wait_for(lambda: control.get_attribute("data-state") == "drawn", message="again", timeout=60)
    # a click opens the territory's sheet (a PDF the server renders) in a new tab
    handles = set(driver.window_handles)
    js(driver, "maillage.choropleth.open({territory: 'departement:75', name: 'Paris'})")
    wait_for(lambda: set(driver.window_handles) - handles, message="a new tab")
    assert control.get_attribute("data-opened") == "departement:75"
    new = (set(driver.window_handles) - handles).pop()
    driver.switch_to.window(new)
    wait_for(lambda: "fiche/departement" in driver.current_url, message="sheet url")
    assert "asOf=2025-01-01" in driver.current_url
    driver.close()
    driver.switch_to.window(next(iter(handles)))
    # the PDF's tab asked for /favicon.ico (the viewer's own request, a 404): not the map's
    driver.get_log("browser")
    with urllib.request.urlopen(f"{app_url}/fiche/departement:75.pdf?asOf=2025-01-01") as r:
        assert r.headers["Content-Type"] == "application/pdf"
        assert r.read(5) == b"%PDF-"


def test_zoomed_in_the_choropleth_draws_the_epci_outlines(driver: Any, app_url: str) -> None:
    driver.get(f"{app_url}/?choro=actors&choroLevel=departement")
    control = wait_for(lambda: driver.find_elements("id", "choropleth"), message="control")[0]
    wait_for(lambda: control.get_attribute("data-state") == "drawn", message="drawn", timeout=60)
    js(driver, "maillage.map.setView([45.76, 4.84], 9)")  # Lyon, past the EPCI zoom
    wait_for(lambda: int(control.get_attribute("data-epci") or 0) > 0, message="epci", timeout=60)
    # outlines, not discs: each EPCI is a polygon of the approximate outlines, with its figure
    lyon = wait_for(
        lambda: driver.find_elements("css selector", "path[data-territory='epci:200046977']"),
        message="the Métropole de Lyon",
    )[0]
    assert "choropleth-epci-shape" in (lyon.get_attribute("class") or "")
    assert lyon.get_attribute("d").count("L") > 20  # a polygon's many vertices, not an arc
    table = graphql(app_url, '{ territoryTable(parent: "FR", level: EPCI) { territory actors } }')
    counts = {r["territory"]: r["actors"] for r in table["territoryTable"]}
    assert int(lyon.get_attribute("data-value")) == counts["epci:200046977"] > 0
    assert lyon.get_attribute("fill") != "#f4f4f4"
    shapes = driver.find_elements("css selector", "path[data-territory^='epci:']")
    assert len(shapes) == int(control.get_attribute("data-epci")) > 5
    assert not driver.find_elements("css selector", "path.choropleth-epci")  # no disc here
    # the legend says the outlines are approximations
    note = driver.find_element("id", "choro-epci-note").text
    assert "contours approchés" in note and "centres des communes" in note
    with urllib.request.urlopen(f"{app_url}/geo/epci.geojson") as r:
        assert r.headers["Content-Type"].startswith("application/geo+json")


def test_a_network_page_shows_its_members_and_keeps_its_state(
    driver: Any, app_url: str, shot: Any
) -> None:
    members = graphql(
        app_url,
        '{ actor(id: "net-mes") { ... on Network { members(first: 100) { totalCount } } } }',
    )["actor"]["members"]["totalCount"]
    assert members >= 16  # its founders and its board of 2015
    driver.get(f"{app_url}/reseau/net-mes")
    wait_for(lambda: driver.find_element("tag name", "body").get_attribute("data-loaded"))
    assert driver.find_element("tag name", "body").get_attribute("data-loaded") == "true"
    assert "Mouvement pour l'Economie Solidaire" in driver.find_element("id", "network-name").text
    figures = driver.find_element("id", "network-figures")
    assert int(figures.get_attribute("data-members")) == members
    items = driver.find_elements("css selector", "#network-members li")
    assert len(items) == members
    assert driver.find_element("id", "network-peers").text  # peers elsewhere, or why none
    # selecting a member goes into the address; the address gives it back
    items[0].find_element("tag name", "button").click()
    selected = items[0].get_attribute("data-id")
    wait_for(lambda: f"selected={selected}" in driver.current_url, message="selection in url")
    shot(driver, "network")
    driver.get(driver.current_url)
    wait_for(lambda: driver.find_element("tag name", "body").get_attribute("data-loaded"))
    chosen = driver.find_elements("css selector", "#network-members li.selected")
    assert [li.get_attribute("data-id") for li in chosen] == [selected]
    # a date before the dated memberships: only the undated ones (valid on every day) remain
    early = graphql(
        app_url,
        '{ actor(id: "net-mes") { ... on Network { members(asOf: "1990-01-01", first: 100) '
        "{ totalCount } } } }",
    )["actor"]["members"]["totalCount"]
    assert early < members
    driver.get(f"{app_url}/reseau/net-mes?asOf=1990-01-01")
    wait_for(lambda: driver.find_element("tag name", "body").get_attribute("data-loaded"))
    shown = driver.find_element("id", "network-figures").get_attribute("data-members")
    assert int(shown) == early
    assert driver.find_element("id", "network-asof").get_attribute("value") == "1990-01-01"
    logs = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not logs, logs
    driver.get(f"{app_url}/")


def test_a_page_for_what_is_not_a_network_is_a_404_saying_why(app_url: str) -> None:
    for actor_id, words in (
        ("adv-ess-france", "pas un réseau"),
        ("org-nobody-here", "aucun acteur"),
    ):
        request = urllib.request.Request(
            f"{app_url}/reseau/{actor_id}", headers={"Accept-Language": "fr"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 404
        text = refused.value.read().decode()
        refused.value.close()
        assert words in text.replace("&#x27;", "'"), text


# -- embedding --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _Framing(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>Site du réseau</title>"
            "</head><body><h1>Notre réseau</h1>"
            f"<iframe id='embedded' src='{self.target}' width='900' height='600'></iframe>"
            "</body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def _framing_site(port: int, target: str) -> Iterator[str]:
    handler = type("Handler", (_Framing,), {"target": target})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def framed_app() -> Iterator[tuple[str, int]]:
    """An app over the reference dataset (in memory) that allows one other origin to frame it."""
    from api.bootstrap import bootstrap
    from queries.store.memory import MemoryGraph
    from tests.api.conftest import start

    graph = MemoryGraph()
    bootstrap(graph)
    site_port = _free_port()
    with start(graph, frame_ancestors=[f"http://127.0.0.1:{site_port}"]) as client:
        yield str(client.base_url).rstrip("/"), site_port


def test_an_embedded_network_page_inside_another_origins_iframe(
    driver: Any, framed_app: tuple[str, int], app_url: str, shot: Any
) -> None:
    base, site_port = framed_app
    with _framing_site(site_port, f"{base}/reseau/net-mes?embed=1") as site:
        driver.get(site)
        frame = wait_for(lambda: driver.find_elements("id", "embedded"), message="iframe")[0]
        driver.switch_to.frame(frame)
        try:
            body = wait_for(
                lambda: driver.find_element("tag name", "body").get_attribute("data-loaded"),
                message="the embedded page loaded",
                timeout=40,
            )
            assert body == "true"
            classes = driver.find_element("tag name", "body").get_attribute("class")
            assert "embed" in classes
            header = driver.find_element("css selector", "header.network-top")
            assert not header.is_displayed()  # no chrome inside a network's website
            assert int(driver.find_element("id", "network-figures").get_attribute("data-members"))
        finally:
            driver.switch_to.default_content()
        shot(driver, "embedded")
    # the session's app names no ancestor: another origin cannot frame it
    with _framing_site(_free_port(), f"{app_url}/reseau/net-mes?embed=1") as site:
        driver.get(site)
        frame = wait_for(lambda: driver.find_elements("id", "embedded"), message="iframe")[0]
        driver.switch_to.frame(frame)
        try:
            assert not driver.find_elements("id", "network-figures")
        finally:
            driver.switch_to.default_content()
    driver.get(f"{app_url}/")
    driver.get_log("browser")  # the refused frame logs an error by design
