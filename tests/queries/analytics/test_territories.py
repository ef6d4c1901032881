"""Territory figures against counts made in the test from the records themselves (not from the
projection), year-on-year differences on dated links, tables of a territory's parts, legal
families, and the bad cases (unknown code, a day before the record, an EPCI's year)."""

from __future__ import annotations

import csv
import random
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph_model.errors import NotFound, ValidationError
from graph_model.i18n import use_language
from queries.analytics.legal import family_of_code, legal_family
from queries.analytics.territories import (
    EPCI_PERIMETER_YEAR,
    child_territories,
    compare_figures,
    figure_series,
    resolve_territory,
    territory_figures,
    territory_structure,
    territory_table,
)
from queries.projection import Projection

# (commune, epci, département, région) of real communes of the reference
PLACES = [
    ("69123", "200046977", "69", "84"),  # Lyon
    ("69266", "200046977", "69", "84"),  # Villeurbanne
    ("38185", "200040715", "38", "84"),  # Grenoble
    ("13055", "200054807", "13", "93"),  # Marseille
    ("31555", "243100518", "31", "76"),  # Toulouse
]
FORMS = ["Association déclarée", "SCOP", "Mutuelle", "Fondation", "SAS", None, "9220"]
KINDS = ["MEMBER_OF", "COOPERATES_WITH", "SUPPORTS", "FUNDS"]


def _movement(seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    actors = []
    for i in range(60):
        commune, epci, dep, reg = rng.choice(PLACES)
        actors.append(
            {
                "id": f"org-{i:02d}",
                "kind": rng.choice(["Organisation", "Network", "Project"]),
                "name": f"Acteur {i:02d}",
                "legal_form": rng.choice(FORMS),
                "commune": commune,
                "epci": epci,
                "departement": dep,
                "region": reg,
                "themes": rng.sample(["alimentation", "reemploi", "culture"], rng.randint(0, 2)),
            }
        )
    links = []
    for i in range(140):
        a, b = rng.sample(actors, 2)
        since = None if rng.random() < 0.2 else date(rng.randint(2015, 2024), 1 + i % 12, 1)
        until = None
        if since is not None and rng.random() < 0.3:
            until = date(since.year + rng.randint(0, 3), 12, 31)
        links.append(
            {
                "id": f"l{i}",
                "kind": rng.choice(KINDS),
                "source": a["id"],
                "target": b["id"],
                "since": since,
                "until": until,
                "sources": [],
            }
        )
    return actors, links


@pytest.fixture(scope="module")
def movement() -> tuple[Projection, list[dict[str, Any]], list[dict[str, Any]]]:
    actors, links = _movement()
    return Projection.from_records(actors, links, version=1), actors, links


def _valid(link: dict[str, Any], day: date | None) -> bool:
    if day is None:
        return True
    return (link["since"] is None or link["since"] <= day) and (
        link["until"] is None or day <= link["until"]
    )


def _expected(
    actors: list[dict[str, Any]], links: list[dict[str, Any]], level: str, code: str, day: date
) -> dict[str, Any]:
    """The figures, counted plainly from the records."""
    first: dict[str, date | None] = {}
    for link in links:
        for end in (link["source"], link["target"]):
            if link["since"] is None:
                first[end] = None
            elif end not in first:
                first[end] = link["since"]
            elif first[end] is not None:
                first[end] = min(first[end], link["since"])

    def present(actor: dict[str, Any]) -> bool:
        start = first.get(actor["id"])
        return start is None or start <= day

    inside = {a["id"] for a in actors if a[level] == code and present(a)}
    valid = [link for link in links if _valid(link, day)]
    both = [link for link in valid if link["source"] in inside and link["target"] in inside]
    one = [link for link in valid if (link["source"] in inside) != (link["target"] in inside)]
    pairs = {frozenset((link["source"], link["target"])) for link in both}
    linked = {end for link in valid for end in (link["source"], link["target"])}
    n = len(inside)
    members = Counter(
        link["target"] for link in valid if link["kind"] == "MEMBER_OF" and link["source"] in inside
    )
    return {
        "actors": n,
        "links_inside": len(both),
        "links_crossing": len(one),
        "inside_by_kind": Counter(link["kind"] for link in both),
        "crossing_by_kind": Counter(link["kind"] for link in one),
        "density": round(len(pairs) / (n * (n - 1) / 2), 6) if n > 1 else 0.0,
        "isolated": len(inside - linked),
        "by_kind": Counter(a["kind"] for a in actors if a["id"] in inside),
        "by_form": Counter(a["legal_form"] or "unknown" for a in actors if a["id"] in inside),
        "networks": dict(members),
    }


@pytest.mark.parametrize(
    ("level", "code"),
    [("region", "84"), ("departement", "69"), ("epci", "200046977"), ("commune", "13055")],
)
@pytest.mark.parametrize("day", [date(2016, 6, 1), date(2019, 1, 1), date(2025, 1, 1)])
def test_figures_match_counts_made_from_the_records(
    movement: tuple[Projection, list[dict[str, Any]], list[dict[str, Any]]],
    level: str,
    code: str,
    day: date,
) -> None:
    projection, actors, links = movement
    got = territory_figures(projection, f"{level}:{code}", as_of=day)
    want = _expected(actors, links, level, code, day)
    assert got.actors == want["actors"]
    assert got.links_inside == want["links_inside"]
    assert got.links_crossing == want["links_crossing"]
    assert {c.key: c.count for c in got.links_inside_by_kind} == want["inside_by_kind"]
    assert {c.key: c.count for c in got.links_crossing_by_kind} == want["crossing_by_kind"]
    assert got.density == pytest.approx(want["density"])
    assert got.isolated == want["isolated"]
    assert {c.key: c.count for c in got.by_kind} == want["by_kind"]
    assert {c.key: c.count for c in got.by_legal_form} == want["by_form"]
    assert {n.id: n.members for n in got.networks} == want["networks"]
    assert sum(c.count for c in got.by_family) == got.actors
    population = resolve_territory(f"{level}:{code}").population
    assert population
    assert got.per_10000 == pytest.approx(round(got.actors * 10_000 / population, 3))


def test_the_whole_country_holds_every_link_inside(
    movement: tuple[Projection, list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    projection, _actors, links = movement
    day = date(2022, 1, 1)
    got = territory_figures(projection, "FR", as_of=day)
    assert got.links_crossing == 0
    assert got.links_inside == sum(_valid(link, day) for link in links)
    assert got.population and got.population > 60_000_000


def test_year_on_year_differences_follow_the_dated_links() -> None:
    lyon = {"commune": "69123", "departement": "69", "region": "84", "legal_form": "SCOP"}
    actors = [
        {"id": "org-a", "kind": "Organisation", "name": "A", **lyon},
        {"id": "org-b", "kind": "Organisation", "name": "B", **lyon},
        {"id": "net-c", "kind": "Network", "name": "C", **lyon},
        {"id": "org-d", "kind": "Organisation", "name": "D", "region": "11", "departement": "75"},
    ]

    def link(i: str, kind: str, s: str, t: str, since: str, until: str | None = None) -> Any:
        return {"id": i, "kind": kind, "source": s, "target": t, "since": since, "until": until}

    links = [
        link("1", "MEMBER_OF", "org-a", "net-c", "2019-03-01"),
        link("2", "MEMBER_OF", "org-b", "net-c", "2020-06-01", "2021-12-31"),
        link("3", "COOPERATES_WITH", "org-a", "org-d", "2020-02-01"),
    ]
    p = Projection.from_records(actors, links, version=1)
    y2020 = territory_figures(p, "commune:69123", as_of="2020-01-01")
    y2021 = territory_figures(p, "commune:69123", as_of="2021-01-01")
    assert (y2020.actors, y2020.links_inside, y2020.links_crossing) == (2, 1, 0)
    assert (y2021.actors, y2021.links_inside, y2021.links_crossing) == (3, 2, 1)
    changes = {(d.field, d.key): d.change for d in compare_figures(y2020, y2021)}
    assert changes[("actors", None)] == 1
    assert changes[("links_inside", None)] == 1
    assert changes[("links_crossing", None)] == 1
    assert changes[("links_crossing_by_kind", "COOPERATES_WITH")] == 1
    assert changes[("networks", "net-c")] == 1
    assert changes[("by_family", "cooperative")] == 1
    series = figure_series(p, "commune:69123", 2019, 2023)
    assert [(s.year, s.figures.actors, s.figures.links_inside) for s in series] == [
        (2019, 0, 0),
        (2020, 2, 1),
        (2021, 3, 2),
        (2022, 3, 1),  # org-b's membership ended on 31 December 2021; it stays present
        (2023, 3, 1),
    ]
    assert series[3].figures.isolated == 1
    assert series[0].figures.before_data
    assert not series[1].figures.before_data


def test_a_day_before_the_record_gives_zero_and_says_so(
    movement: tuple[Projection, list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    projection, _a, links = movement
    got = territory_figures(projection, "region:84", as_of="1990-01-01")
    assert got.before_data
    assert got.record_start == min(link["since"] for link in links if link["since"])
    assert (got.actors, got.links_inside, got.links_crossing, got.isolated) == (0, 0, 0, 0)


def test_unknown_territories_name_the_levels() -> None:
    with use_language("fr"), pytest.raises(NotFound) as found:
        resolve_territory("region:99")
    assert "region:CODE" in str(found.value)
    assert "epci:SIREN" in str(found.value)
    assert "aucun territoire" in str(found.value)
    with pytest.raises(ValidationError):
        resolve_territory("canton:12")
    with pytest.raises(ValidationError):
        resolve_territory("abcdefghijk")


def test_an_epci_states_the_year_of_its_perimeter(
    movement: tuple[Projection, list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    projection, _a, _l = movement
    assert territory_figures(projection, "epci:200046977").epci_perimeter_year == (
        EPCI_PERIMETER_YEAR
    )
    assert territory_figures(projection, "departement:69").epci_perimeter_year is None


def test_a_table_has_one_row_per_part_sorted(
    movement: tuple[Projection, list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    projection, actors, _l = movement
    rows = territory_table(projection, "region:84", "departement", order_by="actors")
    assert [r.territory for r in rows][:2] in (
        ["departement:69", "departement:38"],
        ["departement:38", "departement:69"],
    )
    assert len(rows) == 12  # the départements of Auvergne-Rhône-Alpes
    assert [r.actors for r in rows] == sorted((r.actors for r in rows), reverse=True)
    assert sum(r.actors for r in rows) == sum(a["region"] == "84" for a in actors)
    by_name = territory_table(projection, "region:84", "departement", order_by="name")
    assert [r.name for r in by_name] == sorted((r.name for r in by_name), reverse=True)
    with pytest.raises(ValidationError):
        territory_table(projection, "region:84", "departement", order_by="nonsense")
    with pytest.raises(ValidationError):
        territory_table(projection, "departement:69", "region")
    epcis = child_territories(resolve_territory("departement:69"), "epci")
    assert any(t.id == "epci:200046977" for t in epcis)


def test_structure_names_brokers_and_clusters(
    movement: tuple[Projection, list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    projection, _a, _l = movement
    found = territory_structure(projection, "FR")
    assert found.brokers
    assert all(b.score > 0 for b in found.brokers)
    assert found.clusters
    assert sum(c.size for c in found.clusters) <= 60


def test_every_label_of_the_shipped_nomenclature_gives_its_codes_family() -> None:
    path = Path(__file__).parents[3] / "importers" / "data" / "categories_juridiques.csv"
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    for row in csv.DictReader(rows):
        assert legal_family(row["label"]) == family_of_code(row["code"]), row
        assert legal_family(row["code"]) == family_of_code(row["code"])


@pytest.mark.parametrize(
    ("form", "family"),
    [
        ("association loi 1901", "association"),
        ("Association déclarée, reconnue d'utilité publique", "association"),
        ("SCIC SA", "cooperative"),
        ("Société coopérative de production", "cooperative"),
        ("Caisse locale de crédit mutuel", "cooperative"),
        ("Mutuelle", "mutual"),
        ("Société d'assurance à forme mutuelle", "mutual"),
        ("Fondation reconnue d'utilité publique", "foundation"),
        ("SARL", "commercial"),
        ("catégorie juridique 5710", "commercial"),
        ("Syndicat de salariés", "other"),
        ("", "unknown"),
    ],
)
def test_legal_families(form: str, family: str) -> None:
    assert legal_family(form) == family
