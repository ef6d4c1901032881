"""Each limit refuses with its name and value; malformed requests get clear errors; the HTTP
surface beside GraphQL (health, GraphiQL, GET queries, CORS)."""

from __future__ import annotations

import httpx
import pytest

from graph_model.port import GraphStore
from tests.api.conftest import error_codes, gql, start, wait_ready

pytestmark = pytest.mark.memory


def _refusal(body: dict[str, object], limit: str) -> str:
    errors = body["errors"]
    assert isinstance(errors, list) and len(errors) == 1
    assert errors[0]["extensions"]["code"] == "limit_exceeded"
    assert errors[0]["extensions"]["limit"] == limit
    message: str = errors[0]["message"]
    assert f"MAILLAGE_{limit.upper()}" in message
    return message


def test_page_size(client: httpx.Client) -> None:
    message = _refusal(
        gql(client, "{ actors(first: 101) { totalCount } }", status=400), "max_page_size"
    )
    assert "of 100" in message
    variables = gql(
        client,
        "query($n: Int) { actors(first: $n) { totalCount } }",
        {"n": 500},
        status=400,
    )
    _refusal(variables, "max_page_size")
    nested = '{ actor(id: "net-mes") { links(first: 1000) { totalCount } } }'
    _refusal(gql(client, nested, status=400), "max_page_size")


def test_depth(client: httpx.Client) -> None:
    inner = "id"
    for _ in range(8):
        inner = f"links {{ edges {{ node {{ from {{ {inner} }} }} }} }}"
    body = gql(client, f'{{ actor(id: "net-mes") {{ {inner} }} }}', status=400)
    assert "levels deep" in _refusal(body, "max_depth")


def test_cost(client: httpx.Client) -> None:
    query = """{ cooperationPaths(from: "net-mes", to: "adv-csess", k: 20, maxHops: 8) {
      paths { actors { links(first: 100) { edges { node { from { id } to { id } } } } } } } }"""
    message = _refusal(gql(client, query, status=400), "max_query_cost")
    assert "cooperationPaths(k: 20, maxHops: 8)" in message and "of 50000" in message
    small = '{ cooperationPaths(from: "net-mes", to: "adv-csess", k: 2) { found } }'
    assert gql(client, small)["data"]["cooperationPaths"]["found"] is True


def test_argument_limits_of_paths(client: httpx.Client) -> None:
    body = gql(client, '{ cooperationPaths(from: "net-mes", to: "adv-csess", k: 50) { found } }')
    assert error_codes(body) == ["invalid"] and "MAILLAGE_MAX_PATHS" in body["errors"][0]["message"]


def test_tokens(dataset: GraphStore) -> None:
    with start(dataset, max_tokens=100) as small:
        wait_ready(small)
        fields = " ".join(["__typename"] * 120)
        body = gql(small, f"{{ {fields} }}", status=400)
        assert "tokens" in body["errors"][0]["message"]


def test_time_limit(dataset: GraphStore) -> None:
    with start(dataset, request_timeout=0.000_001) as hurried:
        wait_ready(hurried)
        # a selection with a text to match is walked in a worker thread: it takes time
        query = '{ actors(first: 5, filter: {text: "solidaire"}) { totalCount } }'
        body = gql(hurried, query, status=504)
        assert error_codes(body) == ["timeout"]
        message = body["errors"][0]["message"]
        assert "request_timeout" in message and "MAILLAGE_REQUEST_TIMEOUT" in message


def test_malformed_requests_say_what_is_wrong(client: httpx.Client) -> None:
    syntax = gql(client, "{ actor(id: ", status=400)
    assert (
        error_codes(syntax) == ["invalid_query"]
        and "Syntax Error" in syntax["errors"][0]["message"]
    )
    unknown = gql(client, "{ actors { nope } }", status=400)
    assert "nope" in unknown["errors"][0]["message"]
    enum = gql(client, "{ actors(filter: {kinds: [PERSON]}) { totalCount } }", status=400)
    assert "PERSON" in enum["errors"][0]["message"]
    date = gql(
        client, '{ actor(id: "net-mes") { links(asOf: "2019-13-45") { totalCount } } }', status=400
    )
    assert "2019-13-45" in date["errors"][0]["message"]
    cursor = gql(client, '{ actors(after: "garbage!") { totalCount } }')
    assert error_codes(cursor) == ["invalid"] and "cursor" in cursor["errors"][0]["message"]
    wrong_list = gql(client, '{ actors(after: "bDpsbmstMQ") { totalCount } }')
    assert "another list" in wrong_list["errors"][0]["message"]
    negative = gql(client, "{ actors(first: -1) { totalCount } }")
    assert error_codes(negative) == ["invalid"]
    scope = gql(client, '{ figures(scope: "region:xx") { actors } }')
    assert error_codes(scope) == ["invalid"] and "scope" in scope["errors"][0]["message"]
    not_json = client.post(
        "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert (
        not_json.status_code == 400
        and not_json.json()["errors"][0]["extensions"]["code"] == "bad_request"
    )
    empty = client.post("/graphql", json={"variables": {}})
    assert empty.status_code == 400


def test_get_queries_graphiql_and_mutations_only_by_post(client: httpx.Client) -> None:
    got = client.get("/graphql", params={"query": '{ actor(id: "net-mes") { id } }'})
    assert got.status_code == 200 and got.json()["data"]["actor"]["id"] == "net-mes"
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    mutation = client.get(
        "/graphql",
        params={
            "query": 'mutation { resolveDuplicate(candidate: "x", accept: true) { __typename } }'
        },
    )
    assert mutation.status_code == 400
    assert client.get("/health").json() == {"status": "ok"}
    assert client.post("/graphql", json={"query": "{ __typename }"}).headers["x-request-id"]


def test_cors_is_configurable(dataset: GraphStore) -> None:
    with start(dataset, cors_origins="https://carte.example.org") as served:
        wait_ready(served)
        allowed = served.options(
            "/graphql",
            headers={
                "Origin": "https://carte.example.org",
                "Access-Control-Request-Method": "POST",
            },
        )
        assert allowed.headers["access-control-allow-origin"] == "https://carte.example.org"
        other = served.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
