"""Exports of a part of the cooperation graph: GEXF 1.3 (Gephi), GraphML, GeoJSON, CSV, XLSX.

An export is a :class:`Subgraph` (actors with the projection's attributes, links with their
dates and sources) written in one of five formats, by pure functions:

* **GEXF 1.3** (:func:`to_gexf`): a dynamic graph (``mode="dynamic"``, ``timeformat="date"``):
  every link carries a *spell* from ``since`` to ``until`` (an open end is left out), so
  Gephi's timeline replays the movement; actors carry their attributes and a ``viz:position``
  (longitude, latitude) for geographic layouts;
* **GraphML** (:func:`to_graphml`): through ``networkx.write_graphml`` (typed keys), dates as
  ISO strings;
* **GeoJSON** (:func:`to_geojson`, RFC 7946): actors with a location as ``Point`` features,
  actors without one as features with ``"geometry": null`` (they are part of the movement, and
  most of its links end at one), links between two located actors as ``LineString`` features
  (longitude first);
* **CSV** (:func:`to_csv_zip`): a zip of ``nodes.csv`` and ``links.csv`` (UTF-8 with a
  byte-order mark, so Excel shows the accents; comma; the headers Gephi's spreadsheet import
  expects: ``Id, Label`` / ``Source, Target, Type``); a text cell beginning with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so a spreadsheet does not run
  it as a formula (the stored value is unchanged);
* **XLSX** (:func:`to_xlsx`): the same two tables as sheets ``nodes`` and ``links`` of one
  workbook; every text is written as a text cell, never a formula, so it shows as it is.

Extra attributes (a cluster id, a broker score) ride along in ``Subgraph.node_extra``.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.etree import ElementTree as ET

import networkx as nx

from importers.cells import safe_row
from queries.projection import Projection

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

NODE_FIELDS = ("kind", "legal_form", "level", "commune", "departement", "region", "epci")
LINK_FIELDS = ("kind", "subkind", "since", "until", "sources")


@dataclass
class Subgraph:
    """Actors (id → projection attributes) and links (id, source, target, attributes)."""

    title: str
    nodes: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, Mapping[str, Any]]] = field(default_factory=list)
    node_extra: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def induced(cls, projection: Projection, actors: Iterable[str] | None, title: str) -> Subgraph:
        """The actors given (None: all) and every link between two of them."""
        graph = projection.graph
        if actors is None:
            nodes = dict(graph.nodes(data=True))
            edges = [(k, u, v, d) for u, v, k, d in graph.edges(keys=True, data=True)]
        else:
            wanted = {a for a in actors if a in graph}
            nodes = {a: graph.nodes[a] for a in sorted(wanted)}
            edges = [
                (key, u, v, attrs)
                for u in sorted(wanted)
                for v, links in graph._succ[u].items()
                if v in wanted
                for key, attrs in links.items()
            ]
        edges.sort(key=lambda edge: edge[0])
        return cls(title=title, nodes=nodes, edges=edges)

    @classmethod
    def of_links(
        cls, projection: Projection, links: Iterable[str], actors: Iterable[str], title: str
    ) -> Subgraph:
        """Given actors and the given links (by id) among the projection's."""
        graph = projection.graph
        nodes = {a: graph.nodes[a] for a in sorted(set(actors)) if a in graph}
        wanted = set(links)
        edges = []
        for u in nodes:
            for v, keyed in graph._succ[u].items():
                for key, attrs in keyed.items():
                    if key in wanted and v in nodes:
                        edges.append((key, u, v, attrs))
        edges.sort(key=lambda edge: edge[0])
        return cls(title=title, nodes=nodes, edges=edges)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set | list | tuple):
        return "|".join(sorted(str(v) for v in value))
    return str(value)


def _sources(value: Any) -> str:
    """Sources as ``system:key`` separated by ``|`` (their JSON is kept in GraphML/GeoJSON)."""
    keys = []
    for raw in value or ():
        try:
            data = json.loads(raw)
            keys.append(f"{data.get('system')}:{data.get('key')}")
        except (TypeError, ValueError, AttributeError):
            keys.append(str(raw))
    return "|".join(keys)


def _extra_keys(subgraph: Subgraph) -> list[str]:
    return sorted({k for extra in subgraph.node_extra.values() for k in extra})


# -- GEXF 1.3 -----------------------------------------------------------------------------------
def _gexf(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, f"{{{GEXF_NS}}}{tag}", attrs or {})


def _gexf_attributes(graph: ET.Element, kind: str, prefix: str, names: list[str]) -> None:
    """The declaration of the string attributes of nodes or edges (ids ``n0``…, ``e0``…)."""
    attributes = _gexf(graph, "attributes", {"class": kind, "mode": "static"})
    for index, name in enumerate(names):
        _gexf(attributes, "attribute", {"id": f"{prefix}{index}", "title": name, "type": "string"})


def _gexf_nodes(graph: ET.Element, subgraph: Subgraph, fields: list[str], extra: list[str]) -> None:
    nodes = _gexf(graph, "nodes")
    for actor_id, attrs in subgraph.nodes.items():
        node = _gexf(nodes, "node", {"id": actor_id, "label": str(attrs.get("name") or actor_id)})
        values = _gexf(node, "attvalues")
        more = subgraph.node_extra.get(actor_id, {})
        for index, name in enumerate(fields):
            value = more.get(name) if name in extra else attrs.get(name)
            if value not in (None, "") and value != frozenset():
                _gexf(values, "attvalue", {"for": f"n{index}", "value": _text(value)})
        if attrs.get("lat") is not None and attrs.get("lon") is not None:
            ET.SubElement(
                node,
                f"{{{VIZ_NS}}}position",
                {"x": repr(float(attrs["lon"])), "y": repr(float(attrs["lat"])), "z": "0.0"},
            )


def _gexf_edges(graph: ET.Element, subgraph: Subgraph) -> None:
    """Links with their subkind and sources (``e0``, ``e1``) and a spell from since to until."""
    edges = _gexf(graph, "edges")
    for link_id, source, target, attrs in subgraph.edges:
        kind = str(attrs.get("kind"))
        edge = _gexf(
            edges,
            "edge",
            {"id": link_id, "source": source, "target": target, "kind": kind, "label": kind},
        )
        values = _gexf(edge, "attvalues")
        if attrs.get("subkind"):
            _gexf(values, "attvalue", {"for": "e0", "value": str(attrs["subkind"])})
        if attrs.get("sources"):
            _gexf(values, "attvalue", {"for": "e1", "value": _sources(attrs["sources"])})
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None or until is not None:
            spell: dict[str, str] = {}
            if since is not None:
                spell["start"] = since.isoformat()
            if until is not None:
                spell["end"] = until.isoformat()
            _gexf(_gexf(edge, "spells"), "spell", spell)


def to_gexf(subgraph: Subgraph) -> bytes:
    """The subgraph as GEXF 1.3 with time spells (see the module docstring)."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element(
        f"{{{GEXF_NS}}}gexf",
        {"version": "1.3", f"{{{XSI_NS}}}schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd"},
    )
    meta = _gexf(root, "meta", {"lastmodifieddate": date.today().isoformat()})
    _gexf(meta, "creator").text = "Maillage"
    _gexf(meta, "description").text = subgraph.title
    graph = _gexf(
        root, "graph", {"defaultedgetype": "directed", "mode": "dynamic", "timeformat": "date"}
    )
    extra = _extra_keys(subgraph)
    node_fields = [*NODE_FIELDS, "themes", *extra]
    _gexf_attributes(graph, "node", "n", node_fields)
    _gexf_attributes(graph, "edge", "e", ["subkind", "sources"])
    _gexf_nodes(graph, subgraph, node_fields, extra)
    _gexf_edges(graph, subgraph)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    return buffer.getvalue()


# -- GraphML ------------------------------------------------------------------------------------
def to_networkx(subgraph: Subgraph) -> nx.MultiDiGraph:
    """The subgraph as a networkx graph with string/float attributes only (GraphML's types)."""
    graph = nx.MultiDiGraph(name=subgraph.title)
    for actor_id, attrs in subgraph.nodes.items():
        data: dict[str, Any] = {"label": str(attrs.get("name") or actor_id)}
        for name in NODE_FIELDS:
            if attrs.get(name):
                data[name] = _text(attrs[name])
        if attrs.get("themes"):
            data["themes"] = _text(attrs["themes"])
        if attrs.get("lat") is not None and attrs.get("lon") is not None:
            data["latitude"] = float(attrs["lat"])
            data["longitude"] = float(attrs["lon"])
        for name, value in subgraph.node_extra.get(actor_id, {}).items():
            if value is not None:
                data[name] = (
                    value
                    if isinstance(value, int | float) and not isinstance(value, bool)
                    else _text(value)
                )
        graph.add_node(actor_id, **data)
    for link_id, source, target, attrs in subgraph.edges:
        data = {"id": link_id, "kind": str(attrs.get("kind"))}
        for name in ("subkind", "since", "until"):
            if attrs.get(name) is not None:
                data[name] = _text(attrs[name])
        if attrs.get("sources"):
            data["sources"] = _sources(attrs["sources"])
        graph.add_edge(source, target, key=link_id, **data)
    return graph


def to_graphml(subgraph: Subgraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(subgraph), buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue()


# -- GeoJSON ------------------------------------------------------------------------------------
def to_geojson(subgraph: Subgraph) -> dict[str, Any]:
    """A FeatureCollection: actors as points (``geometry: null`` without a position), links
    between two located actors as lines."""
    features: list[dict[str, Any]] = []
    points: dict[str, list[float]] = {}
    for actor_id, attrs in subgraph.nodes.items():
        point: list[float] | None = None
        if attrs.get("lat") is not None and attrs.get("lon") is not None:
            point = [round(float(attrs["lon"]), 6), round(float(attrs["lat"]), 6)]
            points[actor_id] = point
        properties: dict[str, Any] = {
            "id": actor_id,
            "name": attrs.get("name"),
            "precise": bool(attrs.get("precise")),
            **{name: attrs.get(name) for name in NODE_FIELDS},
            "themes": sorted(attrs.get("themes") or ()),
            **subgraph.node_extra.get(actor_id, {}),
        }
        features.append(
            {
                "type": "Feature",
                "id": actor_id,
                "geometry": None if point is None else {"type": "Point", "coordinates": point},
                "properties": properties,
            }
        )
    for link_id, source, target, attrs in subgraph.edges:
        if source not in points or target not in points:
            continue
        features.append(
            {
                "type": "Feature",
                "id": link_id,
                "geometry": {"type": "LineString", "coordinates": [points[source], points[target]]},
                "properties": {
                    "id": link_id,
                    "kind": attrs.get("kind"),
                    "subkind": attrs.get("subkind"),
                    "from": source,
                    "to": target,
                    "since": _text(attrs.get("since")) or None,
                    "until": _text(attrs.get("until")) or None,
                    "sources": list(attrs.get("sources") or ()),
                },
            }
        )
    return {"type": "FeatureCollection", "name": subgraph.title, "features": features}


# -- CSV ----------------------------------------------------------------------------------------
def csv_bytes(rows: Iterable[list[Any]]) -> bytes:
    """Rows as CSV, every text cell escaped against formulas (:func:`importers.cells.safe_cell`)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerows(safe_row(row) for row in rows)
    # the byte-order mark: without it Excel reads UTF-8 as the local code page ("Ã©")
    return buffer.getvalue().encode("utf-8-sig")


def _tables(subgraph: Subgraph) -> tuple[list[list[Any]], list[list[Any]]]:
    """The rows of nodes and links (headers first), as the CSV and XLSX exports write them."""
    extra = _extra_keys(subgraph)
    node_rows: list[list[Any]] = [
        ["Id", "Label", *NODE_FIELDS, "themes", "latitude", "longitude", *extra]
    ]
    for actor_id, attrs in subgraph.nodes.items():
        more = subgraph.node_extra.get(actor_id, {})
        node_rows.append(
            [
                actor_id,
                attrs.get("name") or actor_id,
                *(_text(attrs.get(name)) for name in NODE_FIELDS),
                _text(attrs.get("themes")),
                "" if attrs.get("lat") is None else attrs["lat"],
                "" if attrs.get("lon") is None else attrs["lon"],
                *(_text(more.get(name)) for name in extra),
            ]
        )
    link_rows: list[list[Any]] = [
        ["Id", "Source", "Target", "Type", "kind", "subkind", "since", "until", "sources"]
    ]
    for link_id, source, target, attrs in subgraph.edges:
        link_rows.append(
            [
                link_id,
                source,
                target,
                "Directed",
                attrs.get("kind"),
                attrs.get("subkind") or "",
                _text(attrs.get("since")),
                _text(attrs.get("until")),
                _sources(attrs.get("sources")),
            ]
        )
    return node_rows, link_rows


def to_csv_zip(subgraph: Subgraph) -> bytes:
    """A zip of nodes.csv and links.csv (Gephi's spreadsheet import reads both)."""
    node_rows, link_rows = _tables(subgraph)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", csv_bytes(node_rows))
        archive.writestr("links.csv", csv_bytes(link_rows))
    return buffer.getvalue()


def to_xlsx(subgraph: Subgraph) -> bytes:
    """One workbook, sheets ``nodes`` and ``links`` (the CSV's tables)."""
    return workbook(dict(zip(("nodes", "links"), _tables(subgraph), strict=True)))


def workbook(sheets: dict[str, Iterable[Sequence[Any]]]) -> bytes:
    """A workbook of these sheets, in order; every text cell is a string cell (``data_type
    "s"``), so ``=HYPERLINK(…)`` is shown, never run; characters a workbook cannot hold
    (control characters) are dropped."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
                    cell.data_type = "s"
                else:
                    cell = WriteOnlyCell(sheet, value)
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMATS: dict[str, tuple[str, str]] = {
    "gexf": ("application/gexf+xml", "gexf"),
    "graphml": ("application/graphml+xml", "graphml"),
    "geojson": ("application/geo+json", "geojson"),
    "csv": ("application/zip", "zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def render(subgraph: Subgraph, fmt: str) -> bytes:
    if fmt == "gexf":
        return to_gexf(subgraph)
    if fmt == "graphml":
        return to_graphml(subgraph)
    if fmt == "geojson":
        return json.dumps(to_geojson(subgraph), ensure_ascii=False, default=str).encode("utf-8")
    if fmt == "csv":
        return to_csv_zip(subgraph)
    if fmt == "xlsx":
        return to_xlsx(subgraph)
    raise ValueError(f"unknown export format {fmt!r}")
