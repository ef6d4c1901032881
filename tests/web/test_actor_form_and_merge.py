"""The "Contribuer" drawer in a real browser, continued: a duplicate merged field by field from
the review queue; the actor form's commune by name (keyboard only) and a SIREN already known
from a SIRENE import (prefilled, and the known actor opened instead of a duplicate); a proposed
link seen by an anonymous reader, dashed and labelled, counted nowhere.

The data comes as it would: the imports by ``maillage import`` on the app's own graph, the
accounts by ``maillage user create``. (The file sorts before test_contribute.py, whose last
test throttles this address's sign-ins.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.keys import Keys

from tests.web.conftest import ROOT, graphql, wait_for, wait_ready
from tests.web.test_contribute import _account, _cli, _message, _sign_in_with_link, _sign_out, js

pytestmark = pytest.mark.browser

FIRST = """Nom;Forme juridique;Code postal;Ville;Site web
Les Jardins du Bocage Web;Association;14000;Caen;https://jardins-web.example.org
"""
SECOND = """Nom;Forme juridique;Code postal;Ville;Email;Latitude;Longitude
Maison des Jardins du Bocage Web;SCIC;14200;Hérouville-Saint-Clair;m@jardins-web.org;49.2;-0.33
"""  # fmt: skip
SIRENE = ROOT / "tests" / "fixtures" / "importers" / "sirene_unites_legales.csv"


def _import(data_dir: str, app_url: str, tmp: Path, name: str, text: str, source: str) -> None:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    _cli(data_dir, app_url, "import", "spreadsheet", str(path), "--source", source)


def test_an_editor_merges_a_duplicate_field_by_field(
    driver: Any, app_url: str, app_data_dir: str, tmp_path: Path, shot: Any
) -> None:
    _import(app_data_dir, app_url, tmp_path, "first.csv", FIRST, "velo-a")
    _import(app_data_dir, app_url, tmp_path, "second.csv", SECOND, "velo-b")
    held = [
        c
        for c in graphql(
            app_url, "{ duplicateCandidates(first: 100) { id recordName actor { id } } }"
        )["duplicateCandidates"]
        if c["recordName"] == "Maison des Jardins du Bocage Web"
    ]
    assert held, "the second list's row is held as a duplicate"
    candidate, actor = held[0]["id"], held[0]["actor"]["id"]
    _sign_in_with_link(driver, _account(app_data_dir, app_url, "Elsa Fusion", "editor", ""))
    driver.find_element("id", "contribute-tab-review").click()
    card = wait_for(
        lambda: driver.find_element("css selector", f"[data-candidate='{candidate}']"),
        message="the candidate in the queue",
    )
    card.find_element("css selector", "button.merge").click()
    form = wait_for(
        lambda: card.find_element("css selector", "form.merge"), message="the merge form"
    )
    fields = [f.get_attribute("data-field") for f in form.find_elements("css selector", "fieldset")]
    assert {"name", "legalForm", "commune", "email"} <= set(fields), fields
    assert "website" not in fields  # the record says nothing of it: nothing to choose
    legal = form.find_element("css selector", "fieldset[data-field='legalForm']")
    assert "SCIC" in legal.text and "Association" in legal.text
    # by the keyboard: the focus is on the first group's radios; the arrows choose
    legal.find_element("css selector", "input[value='ACTOR']").send_keys(Keys.ARROW_UP)
    assert legal.find_element("css selector", "input[value='RECORD']").is_selected()
    form.find_element("css selector", "fieldset[data-field='email'] input[value='RECORD']").click()
    shot(driver, "merge")
    form.find_element("css selector", "button[type=submit]").click()
    _message(driver, "Fusionné")
    query = "query($id: ID!) { actor(id: $id) { name legalForm } }"
    assert graphql(app_url, query, {"id": actor})["actor"] == {
        "name": "Les Jardins du Bocage Web",  # the actor's name, kept by default
        "legalForm": "SCIC",
    }
    assert not driver.find_elements("css selector", f"[data-candidate='{candidate}']")
    _sign_out(driver)
    driver.delete_all_cookies()


def test_the_actor_form_finds_a_commune_by_name_and_a_known_siren(
    driver: Any, app_url: str, app_data_dir: str, shot: Any
) -> None:
    _cli(app_data_dir, app_url, "import", "sirene", str(SIRENE))
    _sign_in_with_link(driver, _account(app_data_dir, app_url, "Olga Forme", "editor", ""))
    driver.execute_script("sessionStorage.clear()")
    driver.find_element("id", "contribute-tab-actor").click()
    commune = wait_for(lambda: driver.find_element("id", "ca-commune"), message="the form")
    commune.send_keys("herouville st")
    wait_for(
        lambda: driver.find_element("css selector", "#ca-commune-list [data-commune='14327']"),
        message="Hérouville-Saint-Clair suggested",
    )
    commune.send_keys(Keys.ARROW_DOWN, Keys.ENTER)  # the keyboard alone picks it
    form = driver.find_element("id", "contribute-actor")
    assert js(driver, "return arguments[0].elements.commune.value", form) == "14327"
    assert commune.get_attribute("value") == "Hérouville-Saint-Clair (14200)"
    position = driver.find_element("id", "ca-position").get_attribute("value")
    lat, lon = (float(v) for v in position.split(","))
    assert 49.1 < lat < 49.3 and -0.4 < lon < -0.2  # the commune's centre, proposed
    siren = driver.find_element("id", "ca-siren")
    siren.send_keys("812 345 676", Keys.TAB)
    known = wait_for(
        lambda: (
            "Déjà sur la carte" in (t := driver.find_element("id", "contribute-known").text) and t
        ),
        message="told the SIREN is known",
    )
    assert "LA FABRIQUE DE COLOMBELLES" in known
    assert (
        driver.find_element("id", "ca-name").get_attribute("value") == "LA FABRIQUE DE COLOMBELLES"
    )
    assert "SCOP" in driver.find_element("id", "ca-legal").get_attribute("value")
    shot(driver, "known-siren")
    driver.find_element("id", "contribute-open-known").click()
    wait_for(lambda: "#actor=siren-812345676" in driver.current_url, message="its entry opened")
    wait_ready(driver)
    wait_for(
        lambda: (
            js(driver, "return document.querySelector('#contribute-actor [name=id]')?.value")
            == "siren-812345676"
        ),
        message="the known actor's form, editing it",
    )
    _sign_out(driver)
    driver.delete_all_cookies()


def test_an_anonymous_reader_sees_a_proposed_link_dashed_and_labelled(
    driver: Any, app_url: str, app_data_dir: str
) -> None:
    out = _cli(app_data_dir, app_url, "--lang", "en", "token", "create", "--role", "editor",
               "--name", "web-anonymous")  # fmt: skip
    token = next(word for word in out.split() if word.startswith("mlg_"))
    upsert = """mutation($input: ActorInput!) { upsertActor(input: $input) { __typename } }"""
    for actor_id, name, lat, lon in (
        ("org-web-anon-1", "Ressourcerie Anonyme", 47.22, -1.55),
        ("org-web-anon-2", "Café Associatif Anonyme", 47.47, -0.55),
    ):
        variables = {"input": {"id": actor_id, "kind": "ORGANISATION", "name": name,
                               "latitude": lat, "longitude": lon,
                               "source": {"system": "web-test", "key": actor_id}}}  # fmt: skip
        assert graphql(app_url, upsert, variables, token=token)["upsertActor"]
    propose = """mutation($input: LinkInput!) { proposeLink(input: $input) { __typename
      ... on Proposal { id } } }"""
    source = {"system": "web-test", "key": "anon", "url": "https://example.org/a"}
    link: dict[str, Any] = {"from": "org-web-anon-1", "to": "org-web-anon-2",
                            "kind": "COOPERATES_WITH", "source": source}  # fmt: skip
    proposed = graphql(app_url, propose, {"input": link}, token=token)["proposeLink"]
    assert proposed["__typename"] == "Proposal", proposed
    driver.delete_all_cookies()
    driver.get(f"{app_url}/")
    wait_ready(driver)
    assert driver.find_elements("id", "contribute-signin")  # not signed in
    wait_for(
        lambda: (
            int(js(driver, "return document.getElementById('map').dataset.proposedLinks || 0")) >= 1
        ),
        message="the proposed link drawn for an anonymous reader",
    )
    dashed = driver.find_elements("css selector", "path.proposed-link")
    assert dashed and dashed[0].get_attribute("stroke-dasharray") == "6 6"
    label = js(
        driver,
        "let text = ''; window.maillage.map.eachLayer(l => { if (l.getTooltip && l.getTooltip() "
        "&& l.options.className === 'proposed-link') text += l.getTooltip().getContent(); }); "
        "return text;",
    )
    assert "Ressourcerie Anonyme" in label and "en attente de confirmation" in label
    assert not js(
        driver,
        "return window.maillage.state.links.some(l => l.from === 'org-web-anon-1' "
        "&& l.to === 'org-web-anon-2')",
    )  # no link: it counts nowhere
    paths = '{ cooperationPaths(from: "org-web-anon-1", to: "org-web-anon-2") { found } }'
    assert graphql(app_url, paths)["cooperationPaths"]["found"] is False
    # rejected again: the other tests of the session count the dashed links they draw
    reject = """mutation($id: ID!) { rejectProposal(id: $id) { __typename } }"""
    graphql(app_url, reject, {"id": proposed["id"]}, token=token)
