// Export what the map shows: GeoJSON (actors as points), GEXF 1.3 (actors and links, with
// coordinates as viz positions), CSV (actors; links). Built in the browser from the data the page
// already holds, so the file is exactly what is on screen.

const GEXF_NS = "http://gexf.net/1.3";

function properties(actor) {
  return {
    id: actor.id,
    name: actor.name,
    kind: actor.kind,
    location_precision: actor.precision,
    themes: actor.themes.map((th) => th.id).join("|"),
    cluster: actor.cluster ?? null,
  };
}

export function toGeoJSON(actors, links, meta = {}) {
  const byId = new Map(actors.map((a) => [a.id, a]));
  // an actor without a position is a Feature without geometry (RFC 7946 §3.2): the place the
  // map gives it in its frame is not a position
  const features = actors.map((a) => ({
    type: "Feature",
    id: a.id,
    geometry: a.lat !== null && a.lon !== null ? { type: "Point", coordinates: [a.lon, a.lat] } : null,
    properties: properties(a),
  }));
  for (const link of links) {
    const from = byId.get(link.from);
    const to = byId.get(link.to);
    if (!from || !to || from.lat === null || to.lat === null) continue;
    features.push({
      type: "Feature",
      id: link.id,
      geometry: { type: "LineString", coordinates: [[from.lon, from.lat], [to.lon, to.lat]] },
      properties: {
        kind: link.kind,
        subkind: link.subkind,
        from: link.from,
        to: link.to,
        since: link.since,
        until: link.until,
      },
    });
  }
  return JSON.stringify({ type: "FeatureCollection", metadata: meta, features }, null, 1);
}

function xml(text) {
  return String(text ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export function toGEXF(actors, links, meta = {}) {
  const ids = new Set(actors.map((a) => a.id));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<gexf xmlns="${GEXF_NS}" xmlns:viz="${GEXF_NS}/viz" version="1.3">`,
    `  <meta lastmodifieddate="${xml(meta.date ?? "")}">`,
    "    <creator>Maillage</creator>",
    `    <description>${xml(meta.description ?? "")}</description>`,
    "  </meta>",
    '  <graph defaultedgetype="directed" mode="static">',
    '    <attributes class="node">',
    '      <attribute id="kind" title="kind" type="string"/>',
    '      <attribute id="precision" title="location_precision" type="string"/>',
    '      <attribute id="lat" title="latitude" type="double"/>',
    '      <attribute id="lon" title="longitude" type="double"/>',
    '      <attribute id="themes" title="themes" type="string"/>',
    '      <attribute id="cluster" title="cluster" type="string"/>',
    "    </attributes>",
    '    <attributes class="edge">',
    '      <attribute id="kind" title="kind" type="string"/>',
    '      <attribute id="subkind" title="subkind" type="string"/>',
    '      <attribute id="since" title="since" type="string"/>',
    '      <attribute id="until" title="until" type="string"/>',
    "    </attributes>",
    "    <nodes>",
  ];
  for (const a of actors) {
    lines.push(`      <node id="${xml(a.id)}" label="${xml(a.name)}">`);
    lines.push("        <attvalues>");
    lines.push(`          <attvalue for="kind" value="${xml(a.kind)}"/>`);
    if (a.precision) lines.push(`          <attvalue for="precision" value="${xml(a.precision)}"/>`);
    if (a.lat !== null) lines.push(`          <attvalue for="lat" value="${a.lat}"/>`);
    if (a.lon !== null) lines.push(`          <attvalue for="lon" value="${a.lon}"/>`);
    if (a.themes.length) {
      lines.push(`          <attvalue for="themes" value="${xml(a.themes.map((th) => th.id).join("|"))}"/>`);
    }
    if (a.cluster) lines.push(`          <attvalue for="cluster" value="${xml(a.cluster)}"/>`);
    lines.push("        </attvalues>");
    if (a.lat !== null && a.lon !== null) {
      lines.push(`        <viz:position x="${a.lon * 100}" y="${a.lat * 100}" z="0"/>`);
    }
    lines.push("      </node>");
  }
  lines.push("    </nodes>", "    <edges>");
  let n = 0;
  for (const link of links) {
    if (!ids.has(link.from) || !ids.has(link.to)) continue;
    lines.push(
      `      <edge id="${n}" source="${xml(link.from)}" target="${xml(link.to)}" label="${xml(link.kind)}">`,
      "        <attvalues>",
      `          <attvalue for="kind" value="${xml(link.kind)}"/>`,
    );
    if (link.subkind) lines.push(`          <attvalue for="subkind" value="${xml(link.subkind)}"/>`);
    if (link.since) lines.push(`          <attvalue for="since" value="${xml(link.since)}"/>`);
    if (link.until) lines.push(`          <attvalue for="until" value="${xml(link.until)}"/>`);
    lines.push("        </attvalues>", "      </edge>");
    n += 1;
  }
  lines.push("    </edges>", "  </graph>", "</gexf>", "");
  return lines.join("\n");
}

// A text beginning with = + - @, a tab or a carriage return is run as a formula by the
// spreadsheet that opens the file (=HYPERLINK(...)): OWASP's rule prefixes a single quote, so it
// is shown as text. Numbers (a negative longitude) are left as they are; the data is unchanged.
export function safeCell(value) {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value) {
  const safe = safeCell(value);
  const text = safe === null || safe === undefined ? "" : String(safe);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(rows) {
  // UTF-8 with a byte-order mark, so that Excel (French offices) shows the accents right
  return "\ufeff" + rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function actorsCSV(actors) {
  const rows = [["id", "name", "kind", "latitude", "longitude", "location_precision", "themes", "cluster"]];
  for (const a of actors) {
    rows.push([a.id, a.name, a.kind, a.lat, a.lon, a.precision, a.themes.map((th) => th.id).join("|"), a.cluster ?? ""]);
  }
  return csv(rows);
}

export function linksCSV(links) {
  const rows = [["id", "kind", "subkind", "from", "to", "since", "until"]];
  for (const l of links) rows.push([l.id, l.kind, l.subkind, l.from, l.to, l.since, l.until]);
  return csv(rows);
}
