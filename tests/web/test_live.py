"""The live map in a real browser: a write made elsewhere shows on an open map by itself.

The page follows the ``changes`` subscription (web/static/js/live.js); the test writes through
the API's mutations with an editor token, as another user would, and watches the open page
read its actors again and say so.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from typing import Any

import pytest

from tests.web.conftest import ROOT, wait_for

pytestmark = pytest.mark.browser

UPSERT = """mutation($input: ActorInput!) { upsertActor(input: $input) { __typename } }"""
LINK = """mutation($input: LinkInput!) { linkActors(input: $input) { __typename } }"""


@pytest.fixture(scope="module")
def editor_token(app_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An editor token of the app under test, created as an admin would (`maillage token
    create`, beside the running server); ``MAILLAGE_TEST_TOKEN`` for an app started by hand."""
    if os.environ.get("MAILLAGE_TEST_TOKEN"):
        return os.environ["MAILLAGE_TEST_TOKEN"]
    folders = [p for p in tmp_path_factory.getbasetemp().glob("maillage-web*") if p.is_dir()]
    assert folders, "the app's data directory (tests/web/conftest.py: app_url) was not found"
    env = {**os.environ, "MAILLAGE_BACKEND": "embedded", "MAILLAGE_DATA_DIR": str(folders[0])}
    done = subprocess.run(
        [sys.executable, "-m", "cli", "token", "create", "--role", "editor", "--name", "live"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    tokens = [w for w in done.stdout.split() if w.startswith("mlg_")]
    assert done.returncode == 0 and tokens, done.stdout + done.stderr
    return tokens[0]


def mutate(app_url: str, token: str, query: str, variables: dict[str, Any]) -> Any:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        f"{app_url}/graphql",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    assert not answer.get("errors"), answer["errors"]
    return answer["data"]


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def shown(driver: Any, actor: str) -> bool:
    return bool(
        js(driver, "return window.maillage.state.actors.some((a) => a.id === arguments[0])", actor)
    )


def test_a_write_elsewhere_updates_the_open_map(
    driver: Any, app_url: str, editor_token: str, shot: Any
) -> None:
    wait_for(lambda: js(driver, "return document.body.dataset.live") == "open", message="live")
    before = int(js(driver, "return document.getElementById('map').dataset.actorCount"))
    updates = int(js(driver, "return window.maillage.live.updates"))
    actor = "mai-" + secrets.token_hex(6)
    source = {"system": "test", "key": actor}
    fields = {
        "id": actor,
        "kind": "ORGANISATION",
        "name": "Atelier en direct",
        "commune": "84007",
        "source": source,
    }
    assert mutate(app_url, editor_token, UPSERT, {"input": fields})["upsertActor"] == {
        "__typename": "ActorSaved"
    }
    written = time.monotonic()
    wait_for(lambda: shown(driver, actor), timeout=30, message="the new actor on the map")
    seen = time.monotonic() - written
    count = int(js(driver, "return document.getElementById('map').dataset.actorCount"))
    assert count == before + 1
    assert int(js(driver, "return window.maillage.live.updates")) > updates
    notice = wait_for(
        lambda: js(
            driver,
            "const n = document.querySelector('.live-notice');"
            "return n && !n.hidden && n.textContent",
        ),
        message="the notice",
    )
    assert notice.startswith("Carte mise à jour : "), notice
    assert notice.endswith(("changement", "changements")), notice
    shot(driver, "new-actor")

    # a link from the new actor to one the map shows: the map's links follow
    links = int(js(driver, "return document.getElementById('map').dataset.linkCount"))
    other = js(driver, "return window.maillage.state.actors.find((a) => a.kind === 'Network').id")
    link = {"from": actor, "to": other, "kind": "MEMBER_OF", "source": source}
    assert mutate(app_url, editor_token, LINK, {"input": link})["linkActors"] == {
        "__typename": "LinkSaved"
    }
    wait_for(
        lambda: (
            int(js(driver, "return document.getElementById('map').dataset.linkCount")) == links + 1
        ),
        timeout=30,
        message="the new link on the map",
    )
    print(f"write → new actor on the open map: {seen:.2f} s")


def test_the_map_reconnects_and_takes_what_it_missed(
    driver: Any, app_url: str, editor_token: str, shot: Any
) -> None:
    wait_for(lambda: js(driver, "return document.body.dataset.live") == "open", message="live")
    # the connection drops; a write lands before the map is back: it must still arrive
    js(driver, "window.maillage.live.retry = 4000")  # back in about 4 s: the write is before
    js(driver, "window.maillage.live.socket.close(4000, 'test')")
    wait_for(lambda: js(driver, "return document.body.dataset.live") != "open", message="closed")
    actor = "mai-" + secrets.token_hex(6)
    fields = {
        "id": actor,
        "kind": "PROJECT",
        "name": "Projet pendant la coupure",
        "commune": "31555",
        "source": {"system": "test", "key": actor},
    }
    assert mutate(app_url, editor_token, UPSERT, {"input": fields})["upsertActor"] == {
        "__typename": "ActorSaved"
    }
    wait_for(lambda: js(driver, "return document.body.dataset.live") == "open", message="back")
    wait_for(lambda: shown(driver, actor), timeout=30, message="the actor written meanwhile")
    shot(driver, "after-reconnection")


def test_a_map_filtered_on_a_territory_follows_that_territory(
    driver: Any, app_url: str, editor_token: str, shot: Any
) -> None:
    from selenium.webdriver.support.ui import Select

    wait_for(lambda: js(driver, "return document.body.dataset.live") == "open", message="live")
    wait_for(
        lambda: js(
            driver,
            "return document.querySelector('#filter-territory option[value=\"departement:84\"]')",
        ),
        message="the territory list",
    )
    Select(driver.find_element("id", "filter-territory")).select_by_value("departement:84")
    wait_for(
        lambda: js(driver, "return window.maillage.live.scope?.territory") == "departement:84",
        message="the subscription follows the filter",
    )
    wait_for(lambda: js(driver, "return document.getElementById('map').dataset.loaded") == "true")
    updates = int(js(driver, "return window.maillage.live.updates"))

    def write(name: str, commune: str) -> str:
        actor = "mai-" + secrets.token_hex(6)
        fields = {
            "id": actor,
            "kind": "ORGANISATION",
            "name": name,
            "commune": commune,
            "source": {"system": "test", "key": actor},
        }
        assert mutate(app_url, editor_token, UPSERT, {"input": fields})["upsertActor"] == {
            "__typename": "ActorSaved"
        }
        return actor

    write("Ailleurs qu'en Vaucluse", "31555")
    time.sleep(1.5)  # a change elsewhere does not reach this map: nothing to read again
    assert int(js(driver, "return window.maillage.live.updates")) == updates
    inside = write("En Vaucluse", "84007")
    wait_for(lambda: shown(driver, inside), timeout=30, message="the actor of Vaucluse")
    assert int(js(driver, "return window.maillage.live.updates")) == updates + 1
    shot(driver, "territory")
