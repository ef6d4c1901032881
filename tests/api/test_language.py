"""The API speaks French unless the request asks for English (``Accept-Language``), request by
request; GraphiQL's page is the API's own, with no outside script."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from graph_model.port import GraphStore
from tests.api.conftest import start, wait_ready

pytestmark = pytest.mark.memory

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture(scope="module")
def french_client(dataset: GraphStore) -> Iterator[httpx.Client]:
    with start(dataset) as client:
        wait_ready(client)
        client.headers.pop("Accept-Language", None)  # the default: no language asked
        yield client


def _error(client: httpx.Client, headers: dict[str, str] | None = None) -> tuple[str, str]:
    response = client.get(
        "/graphql",
        params={"query": 'mutation { unlinkActors(input: {from: "a", to: "b"}) { __typename } }'},
        headers={"Accept": "application/json", **(headers or {})},
    )
    return response.json()["errors"][0]["message"], response.headers["content-language"]


def test_french_by_default_english_on_request(french_client: httpx.Client) -> None:
    message, spoken = _error(french_client)
    assert spoken == "fr"
    assert message.startswith("les mutations doivent être envoyées en POST")
    message, spoken = _error(french_client, ENGLISH)
    assert spoken == "en"
    assert message.startswith("mutations must be sent with POST")
    message, spoken = _error(french_client, {"Accept-Language": "de-DE, en;q=0.5"})
    assert spoken == "en"
    message, spoken = _error(french_client, {"Accept-Language": "de-DE"})
    assert spoken == "fr"


def test_the_errors_of_analytics_and_bodies_follow_the_request(
    french_client: httpx.Client,
) -> None:
    body = french_client.post(
        "/graphql", content=b"{not json", headers={"Content-Type": "application/json", **FRENCH}
    ).json()
    assert "n'est pas du JSON valide" in body["errors"][0]["message"]
    ambiguous = french_client.post(
        "/graphql",
        json={"query": '{ cooperationPaths(from: "zz-nobody", to: "net-mes") { found } }'},
        headers=ENGLISH,
    ).json()
    assert "errors" in ambiguous
    assert not re.search(r"\b(NotFound|ValidationError|Traceback)\b", str(ambiguous))


def test_concurrent_requests_keep_their_own_language(french_client: httpx.Client) -> None:
    import concurrent.futures

    def ask(english: bool) -> str:
        return _error(french_client, ENGLISH if english else FRENCH)[0]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, [n % 2 == 0 for n in range(24)]))
    for n, answer in enumerate(answers):
        expected = "mutations must" if n % 2 == 0 else "les mutations doivent"
        assert answer.startswith(expected), (n, answer)


def test_graphiql_is_served_from_the_api_itself(french_client: httpx.Client) -> None:
    page = french_client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all("//" not in s for s in sources), sources
    for source in sources:
        assert french_client.get(f"/{source}").status_code == 200, source
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unpkg" not in policy


def test_a_limit_is_explained_in_the_request_s_language(french_client: httpx.Client) -> None:
    query = "{ actors(first: 5000) { totalCount } }"
    french = french_client.post("/graphql", json={"query": query}, headers=FRENCH).json()
    english = french_client.post("/graphql", json={"query": query}, headers=ENGLISH).json()
    assert "demande une page plus grande que permis" in french["errors"][0]["message"]
    assert "(réglée par MAILLAGE_MAX_PAGE_SIZE)" in french["errors"][0]["message"]
    assert "asks for a page larger than allowed" in english["errors"][0]["message"]
    assert french["errors"][0]["extensions"]["code"] == "limit_exceeded"  # codes never change
