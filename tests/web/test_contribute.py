"""The map's "Contribuer" mode in a real browser: accounts made by the CLI, a one-time sign-in
link, a link proposed by one side, confirmed by an editor of the other, then drawn solid and
used by a path.

The accounts and the scenery (two networks, a member of each) are made on the app's own graph:
the accounts by ``maillage user create`` (whose printed link is what the test opens), the actors
and links through the API with an editor token, as a script would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest

from tests.web.conftest import ROOT, graphql, wait_for, wait_ready

pytestmark = pytest.mark.browser

PASSWORD = "une phrase de passe assez longue"
SOURCE = {"system": "web-test", "key": "contribute"}


def _cli(data_dir: str, app_url: str, *args: str) -> str:
    env = {
        **os.environ,
        "MAILLAGE_DATA_DIR": data_dir,
        "MAILLAGE_BACKEND": "embedded",
        "MAILLAGE_PUBLIC_URL": app_url,
    }
    made = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return made.stdout


def _account(data_dir: str, app_url: str, name: str, role: str, network: str) -> str:
    """The sign-in link ``maillage user create`` prints for a new account (``network``:
    empty for a national one)."""
    scope = ("--network", network) if network else ()
    out = _cli(data_dir, app_url, "user", "create", name, "--role", role, *scope)
    found = re.search(r"(https?://\S+/signin\.html#link=\S+)", out)
    assert found, out
    return found.group(1)


def _scenery(app_url: str, token: str) -> None:
    upsert = """mutation($input: ActorInput!) { upsertActor(input: $input) { __typename
      ... on Problem { message } } }"""
    link = """mutation($input: LinkInput!) { linkActors(input: $input) { __typename
      ... on Problem { message } } }"""
    actors: list[dict[str, object]] = [
        {"id": "net-web-a", "kind": "NETWORK", "name": "Réseau Web Sud"},
        {"id": "net-web-b", "kind": "NETWORK", "name": "Réseau Web Est"},
        {"id": "org-web-a1", "kind": "ORGANISATION", "name": "Coopérative Garonne",
         "latitude": 43.6, "longitude": 1.44},
        {"id": "org-web-b1", "kind": "ORGANISATION", "name": "Épicerie Rhodanienne",
         "latitude": 45.76, "longitude": 4.84},
    ]  # fmt: skip
    for actor in actors:
        answer = graphql(app_url, upsert, {"input": {**actor, "source": SOURCE}}, token=token)
        assert answer["upsertActor"]["__typename"] == "ActorSaved", answer
    for member, network in (("org-web-a1", "net-web-a"), ("org-web-b1", "net-web-b")):
        variables = {
            "input": {"from": member, "to": network, "kind": "MEMBER_OF", "source": SOURCE}
        }
        made = graphql(app_url, link, variables, token=token)["linkActors"]["__typename"]
        assert made in ("LinkSaved", "DuplicateLink")  # the other test may have made it


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def _sign_in_with_link(driver: Any, link: str) -> None:
    driver.get(link)
    form = wait_for(lambda: driver.find_element("id", "redeem-form"), message="redeem form")
    wait_for(form.is_displayed, message="the redeem form shows")
    assert "link=" not in driver.current_url  # the secret left the address bar
    driver.find_element("id", "redeem-password").send_keys(PASSWORD)
    driver.find_element("id", "redeem-again").send_keys(PASSWORD)
    driver.find_element("id", "redeem-submit").click()
    wait_for(lambda: driver.current_url.endswith("/#contribuer"), message="back to the map")
    wait_ready(driver)
    wait_for(
        lambda: driver.find_element("id", "contribute").is_displayed(),
        message="the Contribuer drawer opens",
    )


def _pick(driver: Any, field: str, text: str, actor_id: str) -> None:
    box = driver.find_element("id", field)
    box.clear()
    box.send_keys(text)
    option = wait_for(
        lambda: driver.find_element("css selector", f"#{field}-list [data-actor-id='{actor_id}']"),
        message=f"the suggestion {actor_id}",
    )
    option.click()


def _sign_out(driver: Any) -> None:
    driver.find_element("id", "contribute-signout").click()
    # the page reloads: the sign-in link of the new page, then its actors
    wait_for(lambda: driver.find_elements("id", "contribute-signin"), message="signed out")
    wait_ready(driver)


def _solid(driver: Any) -> bool:
    return bool(
        js(
            driver,
            "return window.maillage.state.links.some(l => l.from === 'org-web-a1' "
            "&& l.to === 'org-web-b1')",
        )
    )


def _token(app_url: str, data_dir: str, name: str) -> str:
    out = _cli(data_dir, app_url, "--lang", "en", "token", "create", "--role", "editor",
               "--name", name)  # fmt: skip
    return next(word for word in out.split() if word.startswith("mlg_"))


def _message(driver: Any, part: str) -> str:
    return str(
        wait_for(
            lambda: part in (text := driver.find_element("id", "contribute-message").text) and text,
            message=f"the message {part!r}",
        )
    )


def _open_actor(driver: Any, app_url: str, actor_id: str) -> None:
    driver.get(f"{app_url}/#actor={actor_id}")
    driver.refresh()  # only the fragment changed: load the page again, which reads it
    wait_ready(driver)
    wait_for(
        lambda: js(driver, "return window.maillage.state.selected?.id") == actor_id,
        message=f"{actor_id} selected",
    )
    wait_for(lambda: driver.find_element("id", "contribute-toggle"), message="Contribuer")
    driver.find_element("id", "contribute-toggle").click()


def test_an_editor_edits_reads_the_history_and_reverts_a_network_editor_stays_in_its_network(
    driver: Any, app_url: str, app_data_dir: str, shot: Any
) -> None:
    _scenery(app_url, _token(app_url, app_data_dir, "web-contribute-2"))
    eve = _account(app_data_dir, app_url, "Eve Nationale", "editor", "")
    nina = _account(app_data_dir, app_url, "Nina Garonne", "editor", "net-web-a")

    _sign_in_with_link(driver, eve)
    _open_actor(driver, app_url, "org-web-b1")
    driver.find_element("id", "contribute-edit-selected").click()
    website = driver.find_element("id", "ca-website")
    website.clear()
    website.send_keys("https://epicerie.example.org")
    driver.find_element("id", "contribute-actor-submit").click()
    _message(driver, "Enregistré")
    query = '{ actor(id: "org-web-b1") { website } }'
    assert graphql(app_url, query)["actor"]["website"] == "https://epicerie.example.org"
    driver.find_element("id", "contribute-tab-history").click()
    first = wait_for(
        lambda: driver.find_element("css selector", "#contribute-history li"),
        message="the history",
    )
    assert "update_actor" in first.text and "https://epicerie.example.org" in first.text
    after = first.find_element("css selector", "td.after").text
    before = first.find_element("css selector", "td.before").text
    assert (before, after) == ("—", "https://epicerie.example.org")
    shot(driver, "history")
    first.find_element("css selector", "button.revert").click()
    _message(driver, "Modification annulée")
    assert graphql(app_url, query)["actor"]["website"] is None  # the state before, again
    _sign_out(driver)

    _sign_in_with_link(driver, nina)
    _open_actor(driver, app_url, "org-web-b1")  # a member of the other network
    driver.find_element("id", "contribute-edit-selected").click()
    name = driver.find_element("id", "ca-name")
    name.clear()
    name.send_keys("Épicerie renommée")
    driver.find_element("id", "contribute-actor-submit").click()
    refused = _message(driver, "hors du réseau")
    assert "net-web-a" in refused
    driver.get_log("browser")  # the refusal's 403 is logged by the browser: expected here
    assert graphql(app_url, '{ actor(id: "org-web-b1") { name } }')["actor"]["name"] == (
        "Épicerie Rhodanienne"
    )
    _sign_out(driver)
    driver.delete_all_cookies()


def test_a_link_proposed_by_one_side_is_confirmed_by_the_other_and_drawn_solid(
    driver: Any, app_url: str, app_data_dir: str, shot: Any
) -> None:
    _scenery(app_url, _token(app_url, app_data_dir, "web-contribute"))
    carla = _account(app_data_dir, app_url, "Carla Garonne", "contributor", "net-web-a")
    bob = _account(app_data_dir, app_url, "Bob Rhône", "editor", "net-web-b")

    # the contributor of one side signs in with her link and proposes the link
    _sign_in_with_link(driver, carla)
    assert driver.find_element("id", "contribute-who").text == "Carla Garonne"
    tabs = [e.text for e in driver.find_elements("css selector", "#contribute [role=tab]")]
    assert tabs == ["Acteur", "Lien", "Historique"]  # a contributor reviews nothing
    driver.find_element("id", "contribute-tab-link").click()
    _pick(driver, "cl-from", "Coopérative Garonne", "org-web-a1")
    _pick(driver, "cl-to", "Epicerie Rhodanienne", "org-web-b1")
    driver.find_element("id", "cl-source").send_keys("https://example.org/convention.pdf")
    driver.find_element("id", "contribute-link-submit").click()
    message = wait_for(
        lambda: driver.find_element("id", "contribute-message").text, message="an answer"
    )
    assert "Proposé" in message, message
    wait_for(
        lambda: js(driver, "return document.getElementById('map').dataset.proposedLinks") == "1",
        message="the proposed link is drawn",
    )
    dashed = driver.find_elements("css selector", "path.proposed-link")
    assert dashed and dashed[0].get_attribute("stroke-dasharray") == "6 6"
    assert not _solid(driver)  # no link: it counts nowhere yet
    paths = """query { cooperationPaths(from: "org-web-a1", to: "org-web-b1") { found } }"""
    assert graphql(app_url, paths)["cooperationPaths"]["found"] is False
    shot(driver, "proposed")
    # a contributor cannot edit directly: the actor form proposes
    driver.find_element("id", "contribute-tab-actor").click()
    assert driver.find_element("id", "contribute-actor-submit").text == "Proposer"
    _sign_out(driver)

    # an editor of the other side confirms it from the review queue
    _sign_in_with_link(driver, bob)
    driver.find_element("id", "contribute-tab-review").click()
    card = wait_for(
        lambda: driver.find_element("css selector", "#contribute-proposals [data-proposal]"),
        message="the proposal in the queue",
    )
    assert "Coopérative Garonne" in card.text and "Carla Garonne" in card.text
    card.find_element("css selector", "button.confirm").click()
    wait_for(
        lambda: "Confirmé" in driver.find_element("id", "contribute-message").text,
        message="confirmed",
    )
    wait_for(lambda: _solid(driver), message="the link is drawn solid")
    wait_for(
        lambda: js(driver, "return document.getElementById('map').dataset.proposedLinks") == "0",
        message="no dashed link left",
    )
    found = graphql(app_url, paths)["cooperationPaths"]["found"]
    assert found is True  # and a path uses it
    shot(driver, "confirmed")
    _sign_out(driver)
    driver.delete_all_cookies()


def test_a_request_without_the_csrf_token_and_the_sixth_wrong_password_are_refused(
    driver: Any, app_url: str, app_data_dir: str, shot: Any
) -> None:
    """Last of the module: the sixth wrong password throttles this address's sign-ins."""
    _scenery(app_url, _token(app_url, app_data_dir, "web-contribute-3"))
    link = _account(app_data_dir, app_url, "Tess Garonne", "contributor", "net-web-a")
    _sign_in_with_link(driver, link)
    # the page's own request, without the header: the session is not used, the proposal refused
    status = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch("graphql", {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json"},
          body: JSON.stringify({query: 'mutation { proposeLink(input: {from: "org-web-a1", '
            + 'to: "net-web-b", kind: SUPPORTS, source: {system: "t", key: "k"}}) '
            + '{ __typename } }'})})
          .then(async (r) => done([r.status, (await r.json()).errors[0].extensions.code]));"""
    )
    assert status == [403, "csrf_refused"]
    # the session ends in the middle of a form: told so, and nothing typed is lost
    driver.find_element("id", "contribute-tab-link").click()
    _pick(driver, "cl-from", "Coopérative Garonne", "org-web-a1")
    _pick(driver, "cl-to", "Réseau Web Est", "net-web-b")
    source = driver.find_element("id", "cl-source")
    source.send_keys("https://example.org/compte-rendu.pdf")
    driver.add_cookie({"name": "maillage_session", "value": "a-session-that-ended-long-ago"})
    driver.find_element("id", "contribute-link-submit").click()
    assert "session a expiré" in _message(driver, "session a expiré")
    assert source.get_attribute("value") == "https://example.org/compte-rendu.pdf"
    kept = driver.execute_script("return sessionStorage.getItem('maillage.contribute.drafts')")
    assert "compte-rendu.pdf" in kept
    driver.get_log("browser")  # the refusal's 403 is logged by the browser: expected here
    driver.delete_all_cookies()
    driver.execute_script("sessionStorage.clear()")
    driver.get(f"{app_url}/signin.html")
    name = wait_for(lambda: driver.find_element("id", "signin-name"), message="the form")
    name.send_keys("Tess Garonne")
    password = driver.find_element("id", "signin-password")
    messages = []
    for _ in range(6):
        password.clear()
        password.send_keys("pas le bon mot de passe")
        driver.find_element("id", "signin-submit").click()
        wait_for(lambda: driver.find_element("id", "signin-message").text, message="an answer")
        messages.append(driver.find_element("id", "signin-message").text)
        driver.execute_script("document.getElementById('signin-message').textContent = ''")
    assert all("erroné" in m for m in messages[:5]), messages
    assert "trop de mots de passe erronés" in messages[5] and "réessayez dans" in messages[5]
    shot(driver, "throttled")
    driver.get_log("browser")  # the 401s and the 429 are logged by the browser: expected here
