"""GraphiQL on /graphql works with every outside address blocked: its scripts and styles are
the API's own (web/static/vendor, copied by web/build.mjs), and a query runs from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import SCREENSHOTS, make_driver, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: every request goes to a proxy that does not exist, except those to the app itself; names
#: resolve to nothing either: nothing outside 127.0.0.1 can be reached
OFFLINE = (
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)


def _requested(driver: Any) -> list[str]:
    """Every URL the browser asked for since the last call (Chromium's network log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_graphiql_runs_a_query_with_the_internet_cut_off(app_url: str, tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = make_driver(tmp_path / "profile", downloads, flags=OFFLINE, performance_log=True)
    try:
        # the control: outside addresses really are out of reach in this browser
        driver.set_page_load_timeout(10)
        try:
            driver.get("https://unpkg.com/graphiql@3.8.3/graphiql.min.js")
            blocked = driver.execute_script("return document.body.innerText")
        except Exception as exc:  # a refused navigation may also raise
            blocked = str(exc)
        assert "graphiql" not in blocked.lower() or "ERR_" in blocked, blocked[:300]
        _requested(driver)

        driver.set_page_load_timeout(30)
        driver.get(f"{app_url}/graphql")
        run = wait_for(
            lambda: driver.find_element("css selector", ".graphiql-execute-button"),
            timeout=30,
            message="GraphiQL's run button (the page loaded its scripts)",
        )
        wait_for(
            lambda: "net-mes" in driver.find_element("css selector", ".graphiql-query-editor").text,
            message="the example query in the editor",
        )
        run.click()
        result = wait_for(
            lambda: (
                text
                if '"search"'
                in (text := driver.find_element("css selector", ".graphiql-response").text)
                else None
            ),
            timeout=30,
            message="the answer of the query",
        )
        assert "Mouvement" in result and '"errors"' not in result, result[:500]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / "graphiql-offline.png"))

        app = urlsplit(app_url).netloc
        outside = [u for u in _requested(driver) if urlsplit(u).scheme in ("http", "https")
                   and urlsplit(u).netloc != app]  # fmt: skip
        assert not outside, f"GraphiQL asked for outside addresses: {outside}"
        logs = driver.get_log("browser")
        problems = [e for e in logs if e.get("level") == "SEVERE"]
        assert not problems, f"the page logged errors: {problems}"
    finally:
        driver.quit()
