"""The change feed over HTTP: ``GET /feed`` (JSON Lines) and ``GET /feed.atom``, on the real app
over the in-memory port (the module's own copy of the dataset), through real sockets.

Every test makes its own writes (through the API's mutations, as a user would) and reads the
feed after the graph version it started from, so what other tests of the module write does
not change what it expects.
"""

from __future__ import annotations

import json
import secrets
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import httpx
import pytest

from api.auth import Role, create_token
from api.feed import EDITOR_KINDS, PUBLIC_KINDS
from graph_model.port import GraphStore, WriteContext
from tests.api.conftest import data, start, wait_ready

ATOM = "{http://www.w3.org/2005/Atom}"
#: the test client asks for English (tests/api/conftest.py): the feed's own words are French
FR = {"Accept-Language": "fr"}
SOURCE = {"system": "test", "key": "feed"}
UPSERT = """mutation($input: ActorInput!) { upsertActor(input: $input) {
  __typename ... on ActorSaved { actor { id } } } }"""
LINK = """mutation($input: LinkInput!) { linkActors(input: $input) {
  __typename ... on LinkSaved { link { id } } } }"""


def new_id() -> str:
    return "mai-" + secrets.token_hex(6)


def upsert(client: httpx.Client, token: str, **fields: Any) -> str:
    fields.setdefault("id", new_id())
    fields.setdefault("kind", "ORGANISATION")
    fields.setdefault("source", SOURCE)
    saved = data(client, UPSERT, {"input": fields}, token=token)["upsertActor"]
    assert saved["__typename"] == "ActorSaved", saved
    return str(saved["actor"]["id"])


def link(client: httpx.Client, token: str, source: str, target: str, kind: str) -> str:
    given = {"from": source, "to": target, "kind": kind, "source": SOURCE}
    saved = data(client, LINK, {"input": given}, token=token)["linkActors"]
    assert saved["__typename"] == "LinkSaved", saved
    return str(saved["link"]["id"])


def feed(
    client: httpx.Client, token: str | None = None, **params: Any
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The lines of one page and its cursor line."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get("/feed", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in response.text.splitlines()]
    *items, cursor = lines
    assert set(cursor) == {"next", "more"}, cursor
    assert response.headers["x-feed-next"] == str(cursor["next"])
    return items, cursor


def every_page(client: httpx.Client, after: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page, cursor = feed(client, after=after, **params)
        items.extend(page)
        assert cursor["next"] >= after
        after = cursor["next"]
        if not cursor["more"]:
            return items


def keys(items: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return [(item["seq"], item["n"]) for item in items]


def test_resuming_from_after_gives_exactly_the_missing_changes(
    client: httpx.Client, dataset: GraphStore, editor_token: str
) -> None:
    start_version = dataset.graph_version()
    a = upsert(client, editor_token, name="Feed A")
    b = upsert(client, editor_token, name="Feed B", kind="NETWORK")
    link(client, editor_token, a, b, "MEMBER_OF")
    upsert(client, editor_token, id=a, name="Feed A renamed")

    whole, cursor = feed(client, after=start_version)
    assert cursor == {"next": dataset.graph_version(), "more": False}
    expected = [
        (c.seq, c.n) for c in dataset.changes_since(start_version) if c.kind in PUBLIC_KINDS
    ]
    assert keys(whole) == expected and len(expected) >= 4
    assert keys(whole) == sorted(set(keys(whole)))  # in order, each once
    kinds = [item["kind"] for item in whole]
    assert {"actor.created", "link.created", "actor.updated", "edit"} <= set(kinds)

    # page by page, one transaction at a time at least: the same changes, none twice
    assert keys(every_page(client, start_version, limit=1)) == expected
    assert keys(every_page(client, start_version, limit=3)) == expected
    # resumed after each sequence number: exactly what follows it
    for seq in sorted({s for s, _n in expected}):
        rest, _cursor = feed(client, after=seq)
        assert keys(rest) == [k for k in expected if k[0] > seq]

    created = next(item for item in whole if item["kind"] == "link.created")
    assert created["links"][0]["source"] == a and created["links"][0]["target"] == b
    assert {x["id"]: x["name"] for x in created["actors"]} == {
        a: "Feed A renamed",  # named as the graph holds it now
        b: "Feed B",
    }


def test_filters_by_territory_network_and_kinds(
    client: httpx.Client, dataset: GraphStore, editor_token: str
) -> None:
    start_version = dataset.graph_version()
    avignon = upsert(client, editor_token, name="Avignon coop", commune="84007")
    toulouse = upsert(client, editor_token, name="Toulouse coop", commune="31555")
    network = upsert(client, editor_token, name="Réseau feed", kind="NETWORK")
    link(client, editor_token, avignon, network, "MEMBER_OF")
    link(client, editor_token, toulouse, avignon, "COOPERATES_WITH")

    def actors_of(**params: Any) -> set[str]:
        items, _cursor = feed(client, after=start_version, **params)
        return {a["id"] for item in items for a in item["actors"]}

    # 84: the département (Vaucluse), as the analytics' scopes read a bare code
    # the actor seated there, and those its links join it to
    assert actors_of(territory="84") == {avignon, toulouse, network}
    assert actors_of(territory="departement:84") == actors_of(territory="84")
    assert avignon in actors_of(territory="region:93")  # Provence-Alpes-Côte d'Azur
    assert actors_of(territory="commune:31555") == {toulouse, avignon}
    assert actors_of(territory="region:11") == set()
    created, _c = feed(client, after=start_version, territory="84", kinds="actor.created")
    assert [item["targets"] for item in created] == [[avignon]]
    marais = upsert(client, editor_token, name="Marais coop", commune="75104")
    assert marais in actors_of(territory="commune:75056")  # Paris takes its arrondissements
    assert marais in actors_of(territory="75") and marais not in actors_of(territory="84")

    # the network: itself, and the actors that are its members
    on_network, _c = feed(client, after=start_version, network=network)
    touched = {a["id"] for item in on_network for a in item["actors"]}
    assert network in touched and avignon in touched
    assert all({a["id"] for a in item["actors"]} & {network, avignon} for item in on_network)
    only_links, _c = feed(
        client, after=start_version, kinds="link.created,link.updated", network=network
    )
    assert {item["kind"] for item in only_links} == {"link.created"}
    assert len(only_links) == 2  # the membership and the partner link of a member

    everything, _c = feed(client, after=start_version, kinds="actor.created")
    assert {item["targets"][0] for item in everything} == {avignon, toulouse, network, marais}


def test_a_reader_never_sees_tokens_runs_or_who(
    client: httpx.Client, dataset: GraphStore, editor_token: str, reader_token: str
) -> None:
    start_version = dataset.graph_version()
    create_token(dataset, name="feed-token", role=Role.READER)
    dataset.save_import_run("run-feed-test", {"status": "done"}, WriteContext(by="importer"))
    dataset.meta_set("feed-test", "1", WriteContext())
    upsert(client, editor_token, name="Feed private test")
    for token in (None, reader_token):
        items, _cursor = feed(client, token, after=start_version)
        assert items and {item["kind"] for item in items} <= PUBLIC_KINDS
        assert all("by" not in item and "run" not in item for item in items)
        refused = client.get(
            "/feed",
            params={"after": start_version, "kinds": "token,import_run"},
            headers={**FR, "Authorization": f"Bearer {token}"} if token else FR,
        )
        assert refused.status_code == 403, refused.text
        assert "éditeurs" in refused.json()["error"]["message"]
    seen, _cursor = feed(client, editor_token, after=start_version)
    assert {"token", "import_run", "meta", "actor.created"} <= {i["kind"] for i in seen}
    assert {i["kind"] for i in seen} <= EDITOR_KINDS
    assert {i["by"] for i in seen if i["kind"] == "actor.created"} == {"test-editor"}
    atom = client.get("/feed.atom", params={"after": start_version}).text
    assert "feed-token" not in atom and "test-editor" not in atom and "run-feed-test" not in atom


def test_reads_need_a_token_when_reads_are_not_public(
    dataset: GraphStore, reader_token: str
) -> None:
    with start(dataset, public_read=False) as private:
        wait_ready(private)
        refused = private.get("/feed")
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"
        assert private.get("/feed.atom").status_code == 401
        items, _cursor = feed(private, reader_token, after=dataset.graph_version())
        assert items == []


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"after": "-1"}, "after", "numéro de séquence"),
        ({"after": "douze"}, "after", "numéro de séquence"),
        ({"limit": "0"}, "limit", "entier de 1 à 1000"),
        ({"limit": "5000"}, "limit", "entier de 1 à 1000"),
        ({"territory": "zz"}, "territory", "ne désigne aucun territoire"),
        ({"territory": "region:99"}, "territory", "ne désigne aucun territoire"),
        ({"kinds": "actor.born"}, "kinds", "inconnu"),
        ({"network": "mai-000000000000"}, "network", "aucun acteur"),
    ],
)
def test_a_bad_parameter_is_a_400_that_says_why_in_french(
    client: httpx.Client, params: dict[str, str], field: str, words: str
) -> None:
    for route in ("/feed", "/feed.atom"):
        response = client.get(route, params=params, headers=FR)
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert error["field"] == field and words in error["message"], error


def test_a_member_is_not_a_network(client: httpx.Client, editor_token: str) -> None:
    member = upsert(client, editor_token, name="Pas un réseau")
    response = client.get("/feed", params={"network": member}, headers=FR)
    assert response.status_code == 400
    assert "n'est ni un réseau" in response.json()["error"]["message"]


def _atom(client: httpx.Client, **params: Any) -> ET.Element:
    response = client.get("/feed.atom", params=params, headers=FR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_atom_view_is_valid_atom_with_french_titles(
    client: httpx.Client, dataset: GraphStore, editor_token: str
) -> None:
    start_version = dataset.graph_version()
    a = upsert(client, editor_token, name="Atom Alpha", commune="84007")
    b = upsert(client, editor_token, name="Atom Beta", kind="NETWORK")
    link(client, editor_token, a, b, "MEMBER_OF")

    root = _atom(client, after=start_version, territory="84")
    assert root.tag == f"{ATOM}feed"
    # RFC 4287: a feed has one id, title, updated; an author (here the feed's); entries each
    # an id, a title, an updated date, and content or an alternate link
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Maillage"
    assert "Vaucluse" in (root.findtext(f"{ATOM}title") or "")
    datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "")
    self_links = [x for x in root.findall(f"{ATOM}link") if x.get("rel") == "self"]
    assert len(self_links) == 1
    entries = root.findall(f"{ATOM}entry")
    assert entries
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
        assert entry.find(f"{ATOM}content") is not None
        alternate = [x for x in entry.findall(f"{ATOM}link") if x.get("rel") == "alternate"]
        assert alternate and alternate[0].get("href")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert "Lien créé : Atom Alpha → Atom Beta" in titles
    assert "Acteur créé : Atom Alpha" in titles

    english = client.get(
        "/feed.atom",
        params={"after": start_version, "territory": "84"},
        headers={"Accept-Language": "en"},
    )
    assert "Link created: Atom Alpha → Atom Beta" in english.text
    assert (
        "Link created: Atom Alpha"
        in client.get("/feed.atom", params={"after": start_version, "lang": "en"}).text
    )


def test_the_atom_view_pages_with_a_next_link(
    client: httpx.Client, dataset: GraphStore, editor_token: str
) -> None:
    start_version = dataset.graph_version()
    for n in range(3):
        upsert(client, editor_token, name=f"Atom page {n}")
    root = _atom(client, after=start_version, kinds="actor.created", limit=1)
    assert len(root.findall(f"{ATOM}entry")) == 1
    following = [x.get("href") for x in root.findall(f"{ATOM}link") if x.get("rel") == "next"]
    assert len(following) == 1 and following[0]
    second = _atom(client, **dict(httpx.URL(following[0]).params))
    first_id = root.findtext(f"{ATOM}entry/{ATOM}id")
    assert second.findtext(f"{ATOM}entry/{ATOM}title") == "Acteur créé : Atom page 1"
    assert second.findtext(f"{ATOM}entry/{ATOM}id") != first_id


def test_a_page_names_a_bounded_number_of_ids_in_whole_writes(
    client: httpx.Client, dataset: GraphStore, editor_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import's write names thousands of actors: a page stops at about ``MAX_WEIGHT`` ids
    (here 3), at a write's end, and a write over it comes whole, alone."""
    import api.feed_pages

    monkeypatch.setattr(api.feed_pages, "MAX_WEIGHT", 3)
    start_version = dataset.graph_version()
    for n in range(3):
        upsert(client, editor_token, name=f"Weighed {n}")  # 3 changes or more, 1 id each
    pages: list[list[dict[str, Any]]] = []
    after = start_version
    while True:
        page, cursor = feed(client, after=after)
        pages.append(page)
        after = cursor["next"]
        if not cursor["more"]:
            break
    writes = [{item["seq"] for item in page} for page in pages if page]
    assert len(writes) == 3 and all(len(seqs) == 1 for seqs in writes)
    assert [len(page) for page in pages if page] == [
        len([c for c in dataset.changes_since(s - 1) if c.seq == s and c.kind in PUBLIC_KINDS])
        for (s,) in writes
    ]


def test_a_filtered_feed_shows_the_part_of_a_write_that_touches_it(
    client: httpx.Client, dataset: GraphStore, editor_token: str
) -> None:
    """An import's write names thousands of actors and links at once: a feed on a territory
    shows those of them that touch it, not the whole write."""
    from graph_model.model import Link, LinkKind, SourceRef

    avignon = upsert(client, editor_token, name="Importée Avignon", commune="84007")
    toulouse = upsert(client, editor_token, name="Importée Toulouse", commune="31555")
    lyon = upsert(client, editor_token, name="Importée Lyon", commune="69381")
    start_version = dataset.graph_version()
    source = SourceRef(system="test", key="import")
    links = [
        Link(
            kind=LinkKind.COOPERATES_WITH, source_id=avignon, target_id=toulouse, sources=[source]
        ),
        Link(kind=LinkKind.COOPERATES_WITH, source_id=toulouse, target_id=lyon, sources=[source]),
    ]
    dataset.write_links(links, WriteContext(by="importer"))  # one write, both links
    kinds = "link.created,link.updated"  # the port's bulk write logs its links as written
    (whole,), _cursor = feed(client, after=start_version, kinds=kinds)
    assert len(whole["links"]) == 2 and len(whole["targets"]) == 2
    (vaucluse,), _cursor = feed(client, after=start_version, kinds=kinds, territory="84")
    assert [(r["source"], r["target"]) for r in vaucluse["links"]] == [(avignon, toulouse)]
    assert vaucluse["targets"] == [vaucluse["links"][0]["id"]]
    assert {a["id"] for a in vaucluse["actors"]} == {avignon, toulouse}
    (rhone,), _cursor = feed(client, after=start_version, kinds=kinds, territory="69")
    assert [(r["source"], r["target"]) for r in rhone["links"]] == [(toulouse, lyon)]
