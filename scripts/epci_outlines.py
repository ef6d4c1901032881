"""Approximate EPCI outlines for the web map, built from what the reference already ships.

No registry reachable here (PyPI, npm, Debian) ships EPCI or commune contours (looked for:
``@etalab/decoupage-administratif`` has codes and names only, ``frgeostat`` and
``cubicweb-osmfrance`` no geometry, and no npm package named like ``france-geojson``,
``contours-administratifs`` or ``france-communes-geojson`` exists). So the outlines are
*approximations*:

1. within each metropolitan département, the Voronoi cells of its communes' centres
   (``communes.csv.gz``: the points geo.api.gouv.fr gives inside each commune), clipped to the
   département's outline (``departements-simplifies-2018.geojson``): the cells tile the
   département, one cell a commune;
2. the cells of the communes of one EPCI (the ``epci`` column) are dissolved into the EPCI's
   outline, across départements for an EPCI that spans several;
3. the whole coverage is simplified at once (``shapely.coverage_simplify``: neighbours keep a
   shared edge, no gap or overlap appears), and coordinates are put on a 0.001° grid
   (~100 m), keeping every outline valid.

An EPCI border drawn this way runs half-way between two communes' centres, not along the real
commune boundary: it can be off by a few kilometres. The DROM EPCI get no outline (the shipped
département outlines are metropolitan); the map keeps a disc for them.

The output is byte-stable (features sorted by code, compact JSON). shapely is needed by this
build step only (the ``reference`` extra), never at run time.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy

#: simplification tolerance, in degrees (about 1.5 km): a map drawn at EPCI zoom does not need more
TOLERANCE = 0.015
DIGITS = 3


def _shapely() -> Any:
    try:
        import shapely
    except ImportError as error:  # the build step's own dependency
        raise RuntimeError(
            "the EPCI outlines need shapely: pip install -e '.[reference]'"
        ) from error
    return shapely


def _communes(communes_gz: Path) -> dict[str, list[tuple[str, float, float]]]:
    """Département code → [(epci, lon, lat)] of its communes with an EPCI and a centre."""
    text = gzip.decompress(communes_gz.read_bytes()).decode("utf-8")
    by_departement: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(text)):
        if row["kind"] != "commune" or not row["epci"] or not row["lat"] or not row["lon"]:
            continue
        by_departement[row["departement"]].append(
            (row["epci"], float(row["lon"]), float(row["lat"]))
        )
    return by_departement


def _cells(
    shapely: Any, outline: Any, points: list[tuple[str, float, float]]
) -> dict[str, list[Any]]:
    """The Voronoi cells of ``points`` clipped to ``outline``, grouped by EPCI."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    if len({(lon, lat) for _, lon, lat in points}) < 2:
        for epci, _, _ in points[:1]:
            grouped[epci].append(outline)
        return grouped
    generators = shapely.points([(lon, lat) for _, lon, lat in points])
    frame = shapely.box(*outline.buffer(0.5).bounds)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(generators), extend_to=frame)
    )
    # each cell holds its generator; two communes sharing one centre share its cell
    tree = shapely.STRtree(generators)
    cell_index, point_index = tree.query(cells, predicate="intersects")
    for cell, point in zip(cell_index.tolist(), point_index.tolist(), strict=True):
        if shapely.contains(cells[cell], generators[point]):
            piece = shapely.intersection(cells[cell], outline)
            if not piece.is_empty:
                grouped[points[point][0]].append(piece)
    return grouped


def _polygonal(shapely: Any, shape: Any) -> Any:
    """Only the polygons of ``shape`` (a union may hold slivers reduced to lines)."""
    parts = [part for part in shapely.get_parts(shape) if part.geom_type == "Polygon"]
    return parts[0] if len(parts) == 1 else shapely.multipolygons(parts)


def _rounded(coordinates: Any) -> Any:
    if isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0], DIGITS), round(coordinates[1], DIGITS)]
    return [_rounded(part) for part in coordinates]


def build(communes_gz: Path, departements_geojson: Path, epci_csv: Path) -> tuple[bytes, int]:
    """The GeoJSON of the approximate EPCI outlines, and how many EPCI it holds."""
    shapely = _shapely()
    names = {
        row["code"]: row["name"]
        for row in csv.DictReader(io.StringIO(epci_csv.read_text(encoding="utf-8")))
    }
    outlines = {
        str(feature["properties"]["code"]): shapely.make_valid(
            shapely.geometry.shape(feature["geometry"])
        )
        for feature in json.loads(departements_geojson.read_text(encoding="utf-8"))["features"]
    }
    pieces: dict[str, list[Any]] = defaultdict(list)
    for departement, points in sorted(_communes(communes_gz).items()):
        if departement in outlines:
            for epci, cells in _cells(shapely, outlines[departement], points).items():
                pieces[epci].extend(cells)
    codes = sorted(pieces)
    merged = [shapely.make_valid(shapely.union_all(pieces[code])) for code in codes]
    merged = [_polygonal(shapely, shape) for shape in merged]
    # an array of (multi)polygons is one coverage: shared edges are simplified once
    simplified = shapely.coverage_simplify(numpy.array(merged, dtype=object), TOLERANCE)
    features = []
    # on a 0.001° grid, kept valid (rounding alone can make a thin ring cross itself)
    gridded = shapely.set_precision(simplified, 10.0**-DIGITS)
    for code, shape in zip(codes, gridded, strict=True):
        geometry = shapely.geometry.mapping(_polygonal(shapely, shape))
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "nom": names.get(code, code), "approximate": True},
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": _rounded(geometry["coordinates"]),
                },
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text + "\n").encode("utf-8"), len(features)
