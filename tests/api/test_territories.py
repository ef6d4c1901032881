"""Territory figures through GraphQL and HTTP: ``territory(code){figures(asOf){…}}`` with what a
territory adds, ``compare``, ``territoryTable`` (sorted, one row per part), ``figureSeries``,
the table as CSV and XLSX, the sheet as PDF; the bad cases answered in words."""

from __future__ import annotations

import io
from typing import Any

import httpx
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.api.conftest import data, gql

FIGURES = """
query($code: String!, $asOf: Date, $before: Date!) {
  territory(code: $code) {
    name
    figures(asOf: $asOf) {
      scope actors actorsPresent population perTenThousand beforeData recordStart
      epciPerimeterYear linksInside linksCrossing isolated densityPresent
      byLegalFamily { key count } byTheme { key count } byKind { key count }
      linksInsideByKind { key count } linksCrossingByKind { key count }
      networks { id name members }
      topBrokers(top: 3) { id name score }
      topClusters(top: 3) { id size central }
      compare(asOf: $before) { field key before after change }
    }
  }
}
"""


def _figures(client: httpx.Client, code: str, as_of: str | None, before: str) -> Any:
    found = data(client, FIGURES, {"code": code, "asOf": as_of, "before": before})
    return found["territory"]["figures"]


def test_a_region_has_its_figures_and_their_change(client: httpx.Client) -> None:
    f = _figures(client, "region:84", "2025-01-01", "2024-01-01")
    assert f["scope"] == "region:84"
    assert f["population"] > 7_000_000
    assert sum(c["count"] for c in f["byLegalFamily"]) == f["actorsPresent"]
    assert sum(c["count"] for c in f["linksInsideByKind"]) == f["linksInside"]
    assert sum(c["count"] for c in f["linksCrossingByKind"]) == f["linksCrossing"]
    assert f["beforeData"] is False
    assert f["epciPerimeterYear"] is None
    if f["actorsPresent"]:
        expected = round(f["actorsPresent"] * 10_000 / f["population"], 3)
        assert abs(f["perTenThousand"] - expected) < 1e-9
    changes = {(d["field"], d["key"]): d for d in f["compare"]}
    assert changes[("actors", None)]["after"] == f["actorsPresent"]
    a = changes[("links_inside", None)]
    assert a["after"] - a["before"] == a["change"]


def test_a_day_before_the_record_is_zero_and_says_so(client: httpx.Client) -> None:
    f = _figures(client, "FR", "1800-01-01", "1799-01-01")
    assert f["beforeData"] is True
    assert f["actorsPresent"] == 0
    assert f["linksInside"] == 0
    assert f["recordStart"] is not None


def test_an_epci_states_its_perimeter_year(client: httpx.Client) -> None:
    f = _figures(client, "epci:200046977", None, "2020-01-01")
    assert f["epciPerimeterYear"] == 2026


def test_a_table_of_departements_is_sorted(client: httpx.Client) -> None:
    query = """query($order: TableOrder!, $desc: Boolean!) {
      territoryTable(parent: "region:84", level: DEPARTEMENT, asOf: "2025-01-01",
                     orderBy: $order, descending: $desc) {
        territory code name actors perTenThousand population linksInside
      }
    }"""
    rows = data(client, query, {"order": "ACTORS", "desc": True})["territoryTable"]
    assert len(rows) == 12
    assert {r["territory"] for r in rows} >= {"departement:69", "departement:38"}
    assert [r["actors"] for r in rows] == sorted((r["actors"] for r in rows), reverse=True)
    rows = data(client, query, {"order": "NAME", "desc": False})["territoryTable"]
    assert [r["name"] for r in rows] == sorted(r["name"] for r in rows)


def test_a_series_has_a_point_per_year(client: httpx.Client) -> None:
    query = """{ figureSeries(territory: "region:84", from: 2018, to: 2025) {
      territory name recordStart points { year asOf actors linksInside beforeData } } }"""
    series = data(client, query)["figureSeries"]
    assert [p["year"] for p in series["points"]] == list(range(2018, 2026))
    assert all(p["asOf"].endswith("-01-01") for p in series["points"])
    body = gql(client, '{ figureSeries(territory: "FR", from: 2025, to: 2018) { name } }')
    assert "errors" in body


def test_unknown_territories_are_refused_in_words(client: httpx.Client) -> None:
    query = '{ territoryTable(parent: "region:99", level: DEPARTEMENT) { name } }'
    message = gql(client, query, status=None)["errors"][0]["message"]
    assert "region:CODE" in message
    assert "no territory" in message
    french = client.post("/graphql", json={"query": query}, headers={"Accept-Language": "fr"})
    assert "aucun territoire" in french.json()["errors"][0]["message"]


def test_the_table_as_csv_and_xlsx(client: httpx.Client) -> None:
    params = {"parent": "region:84", "level": "departement", "asOf": "2025-01-01"}
    response = client.get("/export/territories.csv", params=params)
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads the accents
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("territory,code,name,level,as_of,population")
    assert len(lines) == 13
    response = client.get("/export/territories.xlsx", params=params)
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("territory", "code", "name")
    assert len(rows) == 13
    bad = client.get("/export/territories.csv", params={"parent": "region:99"})
    assert bad.status_code == 404
    assert "region:CODE" in bad.json()["error"]["message"]


def test_the_sheet_as_pdf(client: httpx.Client) -> None:
    response = client.get(
        "/fiche/region:84.pdf", params={"asOf": "2025-01-01"}, headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Auvergne-Rhône-Alpes" in text
    assert "Fiche territoire" in text
    assert "01/01/2025" in text
    english = client.get("/fiche/region:84.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(english.content)).pages)
    assert "Territory sheet" in text
    missing = client.get("/fiche/region:99.pdf")
    assert missing.status_code == 404


def test_a_network_has_a_page_and_anything_else_a_404_saying_why(client: httpx.Client) -> None:
    page = client.get("/reseau/net-mes")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "network-page.js" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    refused = client.get("/reseau/adv-ess-france", headers={"Accept-Language": "fr"})
    assert refused.status_code == 404
    assert "pas un réseau" in refused.text
    assert "une instance de plaidoyer" in refused.text
    unknown = client.get("/reseau/org-nobody")
    assert unknown.status_code == 404
    assert "no actor has the id" in unknown.text
