"""Accounts, sessions, CSRF and roles through the real app (memory store, real sockets).

Every role × operation: the anonymous public, a reader token, a contributor (token and
account), a national editor, a network editor, an admin — against upsertActor, linkActors,
proposeLink, confirmProposal, revertChange, staleEntries and users. And the bad cases: a
reused or unknown sign-in link, a forged or missing CSRF token, an expired session, the sixth
wrong password in a minute."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.accounts import create_user, digest
from api.auth import Role, create_token
from graph_model.model import Actor, ActorKind, Link, LinkKind, SourceRef
from graph_model.port import GraphStore, SessionRecord, WriteContext
from tests.api.conftest import start, wait_ready

pytestmark = pytest.mark.memory

PASSWORD = "une phrase de passe"
SOURCE = {"system": "test", "key": "accounts", "url": None}
CTX = WriteContext(by="test")


def _scenery(graph: GraphStore) -> None:
    """Two networks with a member each, and an actor of neither."""
    src = [SourceRef(system="test", key="accounts")]
    actors = [
        Actor(id="net-acc-a", kind=ActorKind.NETWORK, name="Réseau A", sources=src),
        Actor(id="net-acc-b", kind=ActorKind.NETWORK, name="Réseau B", sources=src),
        Actor(id="org-acc-a1", kind=ActorKind.ORGANISATION, name="Membre A1", sources=src),
        Actor(id="org-acc-b1", kind=ActorKind.ORGANISATION, name="Membre B1", sources=src),
        Actor(id="org-acc-x", kind=ActorKind.ORGANISATION, name="Hors réseau", sources=src),
    ]
    graph.write_actors(actors, CTX)
    graph.write_links(
        [
            Link(
                kind=LinkKind.MEMBER_OF, source_id="org-acc-a1", target_id="net-acc-a", sources=src
            ),
            Link(
                kind=LinkKind.MEMBER_OF, source_id="org-acc-b1", target_id="net-acc-b", sources=src
            ),
        ],
        CTX,
    )


_OPEN: list[httpx.Client] = []


@pytest.fixture(scope="module", autouse=True)
def _close_browsers() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


class Person:
    """A browser: its own cookies, the CSRF token it read at sign-in."""

    def __init__(self, base: str, name: str) -> None:
        self.name = name
        self.http = httpx.Client(base_url=base, timeout=30.0, headers={"Accept-Language": "en"})
        _OPEN.append(self.http)
        self.csrf: str | None = None

    def redeem(self, secret: str, password: str = PASSWORD) -> httpx.Response:
        response = self.http.post("/auth/redeem", json={"link": secret, "password": password})
        if response.status_code == 200:
            self.csrf = response.json()["csrf"]
        return response

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, csrf: str | None = "ok"
    ) -> httpx.Response:
        headers = {}
        if csrf == "ok" and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        elif csrf not in (None, "ok"):
            headers["X-CSRF-Token"] = csrf
        return self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )


@pytest.fixture(scope="module")
def graph(dataset: GraphStore) -> GraphStore:
    _scenery(dataset)
    return dataset


@pytest.fixture(scope="module")
def served(graph: GraphStore) -> Iterator[httpx.Client]:
    with start(graph) as client:
        wait_ready(client)
        yield client


def _person(served: httpx.Client, graph: GraphStore, name: str, role: Role,
            network: str | None = None) -> Person:  # fmt: skip
    _, secret = create_user(graph, name, role, network=network, by="test")
    person = Person(str(served.base_url), name)
    assert person.redeem(secret).status_code == 200
    return person


@pytest.fixture(scope="module")
def people(served: httpx.Client, graph: GraphStore) -> dict[str, Person]:
    return {
        "admin": _person(served, graph, "Ada Admin", Role.ADMIN),
        "editor": _person(served, graph, "Eve Editrice", Role.EDITOR),
        "editor_a": _person(served, graph, "Nina Réseau A", Role.EDITOR, "net-acc-a"),
        "editor_b": _person(served, graph, "Bob Réseau B", Role.EDITOR, "net-acc-b"),
        "contributor": _person(served, graph, "Carla Contributrice", Role.CONTRIBUTOR,
                               "net-acc-a"),
    }  # fmt: skip


# -- sign-in -------------------------------------------------------------------------------------
def test_a_sign_in_link_opens_a_session_once(served: httpx.Client, graph: GraphStore) -> None:
    user, secret = create_user(graph, "Lina Lien", Role.CONTRIBUTOR, by="test")
    assert graph.user(user.id).password_hash is None  # type: ignore[union-attr]
    person = Person(str(served.base_url), user.name)
    short = person.redeem(secret, "court")
    assert short.status_code == 400 and short.json()["errors"][0]["extensions"]["field"] == (
        "password"
    )
    opened = person.redeem(secret)
    assert opened.status_code == 200, opened.text
    cookies = opened.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("maillage_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Secure" not in session
    csrf = next(c for c in cookies if c.startswith("maillage_csrf="))
    assert "HttpOnly" not in csrf
    stored = graph.user(user.id)
    assert stored is not None and stored.password_hash.startswith("$argon2id$")  # type: ignore[union-attr]
    assert PASSWORD not in stored.password_hash  # type: ignore[operator]
    me = person.http.get("/auth/session").json()
    assert me["user"]["name"] == "Lina Lien" and me["csrf"] == person.csrf
    again = Person(str(served.base_url), "x").redeem(secret)
    assert again.status_code == 401 and "already used" in again.json()["errors"][0]["message"]
    # the secrets are stored hashed only
    cookie_value = person.http.cookies["maillage_session"]
    assert graph.session_by_hash(digest(cookie_value), datetime.now(UTC)) is not None
    assert graph.session_by_hash(cookie_value, datetime.now(UTC)) is None


def test_sign_in_and_out(served: httpx.Client, people: dict[str, Person]) -> None:
    browser = Person(str(served.base_url), "Eve Editrice")
    wrong = browser.http.post("/auth/signin", json={"name": "Eve Editrice", "password": "x" * 12})
    assert wrong.status_code == 401
    form = browser.http.post("/auth/signin", data={"name": "Eve Editrice", "password": PASSWORD})
    assert form.status_code == 400  # a form post (what another site could send) is refused
    right = browser.http.post("/auth/signin", json={"name": "eve editrice", "password": PASSWORD})
    assert right.status_code == 200, right.text
    browser.csrf = right.json()["csrf"]
    me = browser.gql("{ me { name role signedIn mayEdit } }").json()["data"]["me"]
    assert me == {"name": "Eve Editrice", "role": "editor", "signedIn": True, "mayEdit": True}
    refused = browser.http.post("/auth/signout")  # no CSRF token
    assert refused.status_code == 403
    out = browser.http.post("/auth/signout", headers={"X-CSRF-Token": browser.csrf})
    assert out.status_code == 200
    assert browser.http.get("/auth/session").json()["user"] is None


def test_the_sixth_wrong_password_in_a_minute_is_throttled(graph: GraphStore) -> None:
    with start(graph) as client:  # an app of its own: its throttles start empty
        wait_ready(client)
        _, secret = create_user(graph, "Tess Throttle", Role.EDITOR, by="test")
        Person(str(client.base_url), "t").redeem(secret)
        attempt = {"name": "Tess Throttle", "password": "pas le bon mot"}
        codes = [client.post("/auth/signin", json=attempt).status_code for _ in range(5)]
        assert codes == [401] * 5
        sixth = client.post("/auth/signin", json=attempt)
        assert sixth.status_code == 429
        wait = int(sixth.headers["Retry-After"])
        assert 0 < wait <= 60 and f"{wait} s" in sixth.json()["errors"][0]["message"]
        # the right password waits too (the check comes before the password is read)
        right = client.post("/auth/signin", json={"name": "Tess Throttle", "password": PASSWORD})
        assert right.status_code == 429
        # so does another account from the same address
        other = client.post("/auth/signin", json={"name": "Ada Admin", "password": PASSWORD})
        assert other.status_code == 429


# -- CSRF and sessions ---------------------------------------------------------------------------
ME = "{ me { name } }"
PROPOSE = """mutation($input: LinkInput!) { proposeLink(input: $input) {
  __typename ... on Proposal { id status side } ... on Problem { code message } } }"""


def _link(source: str, target: str, kind: str = "COOPERATES_WITH") -> dict[str, Any]:
    return {"input": {"from": source, "to": target, "kind": kind, "source": SOURCE}}


def test_a_post_with_the_session_needs_its_csrf_token(people: dict[str, Person]) -> None:
    carla = people["contributor"]
    variables = _link("org-acc-a1", "org-acc-x")
    for forged in (None, "0" * 64, people["editor"].csrf):
        refused = carla.gql(PROPOSE, variables, csrf=forged)
        assert refused.status_code == 403, refused.text
        assert refused.json()["errors"][0]["extensions"]["code"] == "csrf_refused"
    # without its token the session is not used: a query reads as the public
    assert carla.gql(ME, csrf=None).json()["data"]["me"]["name"] is None
    assert carla.http.get("/graphql", params={"query": ME}).json()["data"]["me"]["name"] == (
        "Carla Contributrice"
    )
    accepted = carla.gql(PROPOSE, variables)
    assert accepted.json()["data"]["proposeLink"]["status"] == "PENDING"


def test_an_expired_session_is_told_and_reads_as_the_public(
    served: httpx.Client, graph: GraphStore, people: dict[str, Person]
) -> None:
    user = graph.user("Eve Editrice")
    assert user is not None
    past = datetime.now(UTC) - timedelta(hours=2)
    secret = "expired-session-secret-of-the-test-0123456789"
    record = SessionRecord(id="ses-expired", user=user.id, created_at=past,
                           expires_at=past + timedelta(hours=1))  # fmt: skip
    graph.create_session(record, digest(secret), CTX)
    from api.csrf import csrf_token

    browser = Person(str(served.base_url), "late")
    browser.http.cookies.set("maillage_session", secret)
    browser.csrf = csrf_token(secret)
    assert browser.gql(ME).json()["data"]["me"]["name"] is None
    upsert = """mutation { upsertActor(input: {id: "org-acc-x", kind: ORGANISATION,
      name: "Renommé"}) { __typename } }"""
    refused = browser.gql(upsert)
    assert refused.status_code == 401
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "session_expired"
    assert "sign in again" in error["message"]
    assert browser.http.get("/auth/session").json() == {"user": None, "csrf": None,
                                                        "expired": True}  # fmt: skip


# -- roles × operations --------------------------------------------------------------------------
UPSERT = """mutation($id: ID!, $kind: ActorKind! = ORGANISATION) { upsertActor(input: {
  id: $id, kind: $kind, name: "Nom édité"}) { __typename ... on Problem { code } } }"""
LINK = """mutation($input: LinkInput!) { linkActors(input: $input) {
  __typename ... on Problem { code } } }"""
CONFIRM = """mutation($id: ID!) { confirmProposal(id: $id) {
  __typename ... on Problem { code message } } }"""
REVERT = """mutation($id: ID!) { revertChange(change: $id) { __typename
  ... on Problem { code message } } }"""
STALE = """query($n: ID!) { staleEntries(network: $n) { months actors { actor { id } } } }"""
USERS = "{ users { name role hasPassword } }"


def _outcome(response: httpx.Response, root: str) -> str:
    body = response.json()
    if body.get("errors"):
        return str(body["errors"][0]["extensions"]["code"])
    value = body["data"][root]
    return str(value["__typename"]) if isinstance(value, dict) and "__typename" in value else "ok"


@pytest.fixture(scope="module")
def tokens(graph: GraphStore) -> dict[str, str]:
    return {
        role.value: create_token(graph, name=f"test-{role.value}", role=role)[1]
        for role in (Role.READER, Role.CONTRIBUTOR, Role.EDITOR)
    }


def _as(
    who: str,
    people: dict[str, Person],
    tokens: dict[str, str],
    served: httpx.Client,
    query: str,
    variables: dict[str, Any],
) -> httpx.Response:
    if who in people:
        return people[who].gql(query, variables)
    headers = {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}
    return served.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


CASES = [
    # who, operation, variables, root, outcome
    ("anonymous", UPSERT, {"id": "org-acc-x"}, "upsertActor", "unauthenticated"),
    ("reader", UPSERT, {"id": "org-acc-x"}, "upsertActor", "forbidden"),
    ("contributor", UPSERT, {"id": "org-acc-a1"}, "upsertActor", "forbidden"),  # a session
    ("editor_a", UPSERT, {"id": "org-acc-a1"}, "upsertActor", "ActorSaved"),
    ("editor_a", UPSERT, {"id": "net-acc-a", "kind": "NETWORK"}, "upsertActor", "ActorSaved"),
    ("editor_a", UPSERT, {"id": "org-acc-b1"}, "upsertActor", "outside_network"),
    ("editor", UPSERT, {"id": "org-acc-x"}, "upsertActor", "ActorSaved"),
    ("admin", UPSERT, {"id": "org-acc-x"}, "upsertActor", "ActorSaved"),
    ("anonymous", LINK, _link("org-acc-a1", "net-acc-b"), "linkActors", "unauthenticated"),
    ("contributor", LINK, _link("org-acc-a1", "net-acc-b"), "linkActors", "forbidden"),
    ("editor_a", LINK, _link("org-acc-a1", "net-acc-b"), "linkActors", "outside_network"),
    ("editor_a", LINK, _link("org-acc-a1", "net-acc-a", "FUNDS"), "linkActors", "LinkSaved"),
    ("editor", LINK, _link("org-acc-x", "org-acc-b1"), "linkActors", "LinkSaved"),
    ("anonymous", PROPOSE, _link("org-acc-x", "net-acc-a"), "proposeLink", "unauthenticated"),
    ("reader", PROPOSE, _link("org-acc-x", "net-acc-a"), "proposeLink", "forbidden"),
    ("editor_b", PROPOSE, _link("org-acc-b1", "net-acc-a", "SUPPORTS"), "proposeLink",
     "Proposal"),
    ("anonymous", STALE, {"n": "net-acc-a"}, "staleEntries", "unauthenticated"),
    ("contributor", STALE, {"n": "net-acc-a"}, "staleEntries", "forbidden"),
    ("editor_b", STALE, {"n": "net-acc-a"}, "staleEntries", "forbidden"),
    ("editor_a", STALE, {"n": "net-acc-a"}, "staleEntries", "ok"),
    ("editor", STALE, {"n": "net-acc-b"}, "staleEntries", "ok"),
    ("anonymous", USERS, {}, "users", "unauthenticated"),
    ("editor", USERS, {}, "users", "forbidden"),
    ("admin", USERS, {}, "users", "ok"),
    ("contributor", REVERT, {"id": "chg-none"}, "revertChange", "forbidden"),
    ("editor", REVERT, {"id": "chg-none"}, "revertChange", "ChangeNotFound"),
]  # fmt: skip


@pytest.mark.parametrize(("who", "query", "variables", "root", "expected"), CASES)
def test_every_role_may_do_what_it_may_only(
    who: str,
    query: str,
    variables: dict[str, Any],
    root: str,
    expected: str,
    people: dict[str, Person],
    tokens: dict[str, str],
    served: httpx.Client,
) -> None:
    response = _as(who, people, tokens, served, query, variables)
    assert _outcome(response, root) == expected, response.text


def test_a_contributor_token_proposes_and_cannot_edit(
    tokens: dict[str, str], served: httpx.Client
) -> None:
    headers = {"Authorization": f"Bearer {tokens['contributor']}"}
    proposed = served.post(
        "/graphql",
        json={"query": PROPOSE, "variables": _link("org-acc-x", "org-acc-a1", "SUPPORTS")},
        headers=headers,
    ).json()["data"]["proposeLink"]
    assert proposed["__typename"] == "Proposal" and proposed["side"] is None
    upsert = served.post(
        "/graphql", json={"query": UPSERT, "variables": {"id": "org-acc-x"}}, headers=headers
    )
    assert upsert.status_code == 403
    confirm = served.post(
        "/graphql", json={"query": CONFIRM, "variables": {"id": proposed["id"]}}, headers=headers
    )
    assert _outcome(confirm, "confirmProposal") == "forbidden"
