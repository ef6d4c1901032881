// The Leaflet map: territory outlines, actor markers (grouped at low zoom), links, paths.
//
// Works with no tile server: the régions and départements are drawn from the outlines shipped
// in web/static/geo/ (built from graph_model/reference). Online tiles are added only when
// config.json names a tile URL. Leaflet and Leaflet.markercluster are loaded as classic scripts
// (global `L`) from web/static/vendor/.
import { formatDate, t } from "./i18n.js";

/* global L */

export const KIND_COLOURS = {
  Network: "#0b5fa5",
  Organisation: "#b35300",
  Project: "#00795a",
  AdvocacyBody: "#a23b8c",
};
export const KIND_ORDER = ["Network", "Organisation", "Project", "AdvocacyBody"];
/** Beyond this many links the background layer stops drawing (the panel still lists them). */
export const MAX_DRAWN_LINKS = 30_000;
/** From this zoom on, every marker shown on its own carries its name (a label beside it). */
export const LABEL_ZOOM = 8;

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SHAPES = {
  Network: (s) => `<circle cx="10" cy="10" r="${s}"/>`,
  Organisation: (s) => `<rect x="${10 - s + 0.8}" y="${10 - s + 0.8}" width="${2 * s - 1.6}" height="${2 * s - 1.6}" rx="1.5"/>`,
  Project: (s) => `<polygon points="10,${10 - s - 1} ${10 + s + 1},10 10,${10 + s + 1} ${10 - s - 1},10"/>`,
  AdvocacyBody: (s) => `<polygon points="10,${10 - s - 0.5} ${10 + s + 0.8},${10 + s - 0.5} ${10 - s - 0.8},${10 + s - 0.5}"/>`,
};

export const LINK_COLOURS = {
  MEMBER_OF: "#0b5fa5",
  COOPERATES_WITH: "#00795a",
  CARRIES: "#b35300",
  SUPPORTS: "#6a4c93",
  FUNDS: "#7a5c00",
  SITS_ON: "#a23b8c",
};
const LINK_DASH = {
  MEMBER_OF: null,
  COOPERATES_WITH: null,
  CARRIES: "6 4",
  SUPPORTS: "2 4",
  FUNDS: "8 3 2 3",
  SITS_ON: "1 3",
};

/**
 * The frame in the Atlantic, west of Brittany, where the actors without a position (national
 * bodies, actors known without an address) are laid out on a grid, so that their links can be
 * drawn. A place in the frame means nothing; the frame says so, and exports keep no coordinates
 * for these actors.
 */
export const INSET = { bounds: [[46.9, -10.6], [50.75, -5.9]] };

/**
 * Where the "go to" control takes the map: metropolitan France, the five DROM, the frame of the
 * actors without position and, when some actors are seated abroad (a network's seat in
 * Luxembourg, in Seoul), a view fitted to their points (its bounds are computed from them).
 */
export const PLACES = {
  metro: { bounds: [[41.3, -10.7], [51.5, 9.6]] }, // the frame and its title included
  inset: INSET,
  971: { bounds: [[15.8, -61.85], [16.52, -61.0]] },
  972: { bounds: [[14.38, -61.25], [14.9, -60.8]] },
  973: { bounds: [[2.1, -54.6], [5.8, -51.6]] },
  974: { bounds: [[-21.4, 55.2], [-20.86, 55.85]] },
  976: { bounds: [[-13.0, 45.0], [-12.63, 45.3]] },
};

// (integer-like keys come first in an object's order: the menu's order is explicit)
export const PLACE_ORDER = ["metro", "971", "972", "973", "974", "976", "abroad", "inset"];
const OVERSEAS = ["971", "972", "973", "974", "976"];

const within = (lat, lon, [[s, w], [n, e]], margin) =>
  lat >= s - margin && lat <= n + margin && lon >= w - margin && lon <= e + margin;

/**
 * Where an actor's point falls, by its coordinates: a DROM (971–976), "metro" within the
 * metropole's view, or "abroad" (a seat outside France, or a point no French view shows).
 */
export function placeOf(lat, lon) {
  for (const code of OVERSEAS) {
    if (within(lat, lon, PLACES[code].bounds, 0.5)) return code;
  }
  return within(lat, lon, PLACES.metro.bounds, 0) ? "metro" : "abroad";
}

/**
 * The points of a gentle arc from a to b (bulging to the left of a→b by `bend` of its length):
 * a straight line between two actors can run over a third one and read as passing through it.
 */
export function arc(a, b, bend = 0.12, steps = 16) {
  const [lat1, lon1] = a;
  const [lat2, lon2] = b;
  const mid = [(lat1 + lat2) / 2 - (lon2 - lon1) * bend, (lon1 + lon2) / 2 + (lat2 - lat1) * bend];
  const points = [];
  for (let i = 0; i <= steps; i += 1) {
    const u = i / steps;
    const v = 1 - u;
    points.push([
      v * v * lat1 + 2 * v * u * mid[0] + u * u * lat2,
      v * v * lon1 + 2 * v * u * mid[1] + u * u * lon2,
    ]);
  }
  return points;
}

function isActivation(event) {
  const key = event.originalEvent?.key;
  return key === "Enter" || key === " ";
}

export function isPlaced(actor) {
  return actor.lat !== null && actor.lon !== null;
}

/** "exact" (its own coordinates), "approx" (a territory's centre) or "none" (no position). */
export function positionStyle(actor) {
  if (!isPlaced(actor)) return "none";
  return actor.precision === "exact" ? "exact" : "approx";
}

/** What the position of an actor is, in words. */
export function positionText(actor) {
  const style = positionStyle(actor);
  if (style === "none") return t("precision.none");
  if (style === "exact") return t("precision.exact");
  return t(`precision.${actor.precision ?? "unknown"}`);
}

const MARKER_STYLES = {
  // filled, solid dark outline: the actor's own coordinates
  exact: (c) => `fill="${c}" stroke="#14202b" stroke-width="1.4"`,
  // tinted, dashed outline: the centre of its commune, département or région
  approx: (c) => `fill="${c}" fill-opacity="0.22" stroke="${c}" stroke-width="2.6" stroke-dasharray="2.6 1.8"`,
  // white, dotted outline: no position at all (drawn in the frame)
  none: (c) => `fill="#ffffff" stroke="${c}" stroke-width="2.4" stroke-dasharray="0.1 2.6" stroke-linecap="round"`,
};

/** The SVG of a marker: the shape tells the kind, the fill and outline the position's style. */
export function markerSvg(kind, style, colour, size = 20) {
  const s = kind === "Network" ? 7.5 : 6.5;
  const shape = (SHAPES[kind] ?? SHAPES.Organisation)(s);
  const attrs = (MARKER_STYLES[style] ?? MARKER_STYLES.exact)(colour);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20" width="${size}" height="${size}" aria-hidden="true" focusable="false"><g ${attrs}>${shape}</g></svg>`;
}

export class MovementMap {
  constructor(container, { tiles, onActorClick }) {
    this.onActorClick = onActorClick;
    this.currentPlace = "metro";
    this.actors = new Map(); // id -> actor
    this.markers = new Map(); // id -> L.Marker
    this.colourOf = (actor) => KIND_COLOURS[actor.kind];
    this.map = L.map(container, {
      zoomSnap: 0.25,
      minZoom: 3,
      // without tiles there is nothing to see beyond the communes: stop at 11, where actors
      // sharing one point (a commune's centre) are spread out by the marker groups
      maxZoom: tiles ? 18 : 11,
      keyboard: true,
      worldCopyJump: false,
      attributionControl: true,
    });
    this.map.attributionControl.setPrefix(false);
    if (tiles?.url) {
      L.tileLayer(tiles.url, {
        attribution: tiles.attribution ?? "",
        maxZoom: tiles.maxZoom ?? 18,
      }).addTo(this.map);
      container.classList.add("has-tiles");
    }
    this.map.createPane("outlines").style.zIndex = 250;
    this.map.createPane("links").style.zIndex = 420;
    this.map.createPane("path").style.zIndex = 430;
    this.map.createPane("pathStops").style.zIndex = 650; // above the markers and their groups
    this.map.createPane("labels").style.zIndex = 260; // over the outlines, under everything else
    this.map.getPane("labels").style.pointerEvents = "none";
    this.outlines = L.layerGroup().addTo(this.map);
    this.insetLayer = L.layerGroup().addTo(this.map);
    this.insetPositions = new Map(); // id -> [lat, lon] in the frame, for actors without position
    this.cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 42,
      spiderfyOnMaxZoom: true,
      chunkedLoading: true,
      iconCreateFunction: (group) => this.clusterIcon(group),
    }).addTo(this.map);
    // a group of markers opens with Enter as with a click: zoom in, or spread at the last zoom
    this.cluster.on("clusterkeypress", (event) => {
      if (!isActivation(event)) return;
      if (this.map.getZoom() >= this.map.getMaxZoom()) event.layer.spiderfy();
      else event.layer.zoomToBounds({ padding: [30, 30] });
    });
    // the background links can be tens of thousands: one canvas, not one SVG element each
    this.linkRenderer = L.canvas({ pane: "links", padding: 0.3 });
    this.linkLayer = L.layerGroup().addTo(this.map);
    this.selectionLayer = L.layerGroup().addTo(this.map);
    this.pathLayer = L.layerGroup().addTo(this.map);
    const labels = () => container.classList.toggle("show-labels", this.map.getZoom() >= LABEL_ZOOM);
    this.map.on("zoomend", labels);
    this.goTo("metro", false);
    labels();
    this.addPlaceControl();
    // the panel and the drawer change the map's size without a window resize
    new ResizeObserver(() => this.map.invalidateSize({ pan: false })).observe(container);
  }

  /** Draw the régions and départements (fills the land; the sea is the container's colour). */
  async loadOutlines() {
    const [regions, departements] = await Promise.all(
      ["geo/regions.geojson", "geo/departements.geojson"].map((url) =>
        fetch(url).then((r) => {
          if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
          return r.json();
        }),
      ),
    );
    const hasTiles = this.map.getContainer().classList.contains("has-tiles");
    this.features = { region: new Map(), departement: new Map() };
    for (const f of regions.features) this.features.region.set(f.properties.code, f);
    for (const f of departements.features) this.features.departement.set(f.properties.code, f);
    L.geoJSON(regions, {
      pane: "outlines",
      interactive: false,
      style: { color: "#4d5d6c", weight: 1.6, fillColor: "#fbfaf5", fillOpacity: hasTiles ? 0 : 1 },
    }).addTo(this.outlines);
    L.geoJSON(departements, {
      pane: "outlines",
      interactive: false,
      style: { color: "#98a6b3", weight: 0.7, fill: false },
    }).addTo(this.outlines);
    this.map.attributionControl.addAttribution(t("map.attribution_outlines"));
    this.attribution = t("map.attribution_outlines");
    this.drawOverseasLabels();
  }

  /** The DROM have no outline in the shipped data: name each one on the map instead. */
  drawOverseasLabels() {
    this.overseasLabels?.remove();
    this.overseasLabels = L.layerGroup().addTo(this.map);
    for (const code of OVERSEAS) {
      const [[s, w], [n, e]] = PLACES[code].bounds;
      L.marker([n, (w + e) / 2], {
        pane: "labels",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({
          className: "overseas-label",
          html: `<span>${t(`place.${code}`)}</span><small>${t("place.no_outline")}</small>`,
          iconSize: [220, 40],
          iconAnchor: [110, 52], // above the island's northern edge
        }),
      }).addTo(this.overseasLabels);
    }
  }

  relabel() {
    if (this.attribution) this.map.attributionControl.removeAttribution(this.attribution);
    this.attribution = t("map.attribution_outlines");
    this.map.attributionControl.addAttribution(this.attribution);
    this.renderPlaceControl();
    if (this.overseasLabels) this.drawOverseasLabels();
    this.layoutInset([...this.actors.values()].filter((a) => !isPlaced(a)));
    for (const [id, marker] of this.markers) this.decorateMarker(marker, this.actors.get(id));
  }

  /** A group of markers: its count on a dark disc, ringed by the share of each colour. */
  clusterIcon(group) {
    const count = group.getChildCount();
    const size = count < 10 ? 34 : count < 100 ? 40 : 48;
    const shares = new Map();
    for (const marker of group.getAllChildMarkers()) {
      const actor = this.actors.get(marker.options.actorId);
      const colour = actor ? this.colourOf(actor) : "#6b7280";
      shares.set(colour, (shares.get(colour) ?? 0) + 1);
    }
    let at = 0;
    const stops = [];
    for (const [colour, n] of [...shares.entries()].sort((a, b) => b[1] - a[1])) {
      const end = at + (n / count) * 360;
      stops.push(`${colour} ${at.toFixed(1)}deg ${end.toFixed(1)}deg`);
      at = end;
    }
    const label = t("map.group", { count });
    return L.divIcon({
      html: `<span class="ring" role="img" aria-label="${label}" title="${label}" style="background: conic-gradient(${stops.join(", ")})"><span class="count" aria-hidden="true">${count}</span></span>`,
      className: "actor-cluster",
      iconSize: [size, size],
    });
  }

  iconFor(actor) {
    const style = positionStyle(actor);
    const size = actor.kind === "Network" ? 22 : 18;
    // the name beside the symbol, shown from LABEL_ZOOM on (the map's "show-labels" class);
    // hidden from assistive technologies, which read the marker's own name
    const label = `<span class="marker-label" aria-hidden="true">${escapeHtml(actor.name)}</span>`;
    return L.divIcon({
      html: markerSvg(actor.kind, style, this.colourOf(actor), size) + label,
      className: `actor-marker kind-${actor.kind} ${style}`,
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
    });
  }

  decorateMarker(marker, actor) {
    const element = marker.getElement();
    if (!element || !actor) return;
    const where = positionText(actor);
    element.setAttribute("aria-label", `${actor.name} — ${t(`kind.${actor.kind}`)}, ${where}`);
    element.dataset.actorId = actor.id;
    element.title = `${actor.name} (${t(`kind.${actor.kind}`)}; ${where})`;
  }

  /** Replace the markers; actors without a position go to the frame (see INSET). */
  setActors(actors) {
    this.cluster.clearLayers();
    this.actors = new Map(actors.map((a) => [a.id, a]));
    this.markers = new Map();
    this.layoutInset(actors.filter((a) => !isPlaced(a)));
    const layers = [];
    for (const actor of actors) {
      const at = this.point(actor.id);
      if (!at) continue;
      const marker = L.marker(at, {
        actorId: actor.id,
        icon: this.iconFor(actor),
        keyboard: true,
        riseOnHover: true,
      });
      marker.on("click", () => this.onActorClick(actor.id));
      // Leaflet gives markers a tab stop and role=button, but Enter only opens popups
      marker.on("keypress", (event) => {
        if (isActivation(event)) this.onActorClick(actor.id);
      });
      marker.on("add", () => this.decorateMarker(marker, actor));
      this.markers.set(actor.id, marker);
      layers.push(marker);
    }
    this.cluster.addLayers(layers);
    this.renderPlaceControl();
    return layers.length;
  }

  /** Lay the unplaced actors out on a grid in the frame (networks first, then by name). */
  layoutInset(unplaced) {
    this.insetLayer.clearLayers();
    this.insetPositions = new Map();
    if (!unplaced.length) return;
    const [[south, west], [north, east]] = INSET.bounds;
    const order = ["Network", "AdvocacyBody", "Project", "Organisation"];
    const sorted = [...unplaced].sort(
      (a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.name.localeCompare(b.name),
    );
    const top = north - 0.35;
    const width = east - west - 0.7;
    const height = top - south - 0.35;
    const cols = Math.max(1, Math.ceil(Math.sqrt((sorted.length * width) / height)));
    const rows = Math.ceil(sorted.length / cols);
    sorted.forEach((actor, index) => {
      const col = index % cols;
      const row = Math.floor(index / cols);
      this.insetPositions.set(actor.id, [
        top - (rows === 1 ? height / 2 : (row * height) / (rows - 1)),
        west + 0.35 + (cols === 1 ? width / 2 : (col * width) / (cols - 1)),
      ]);
    });
    L.rectangle(INSET.bounds, {
      pane: "outlines",
      interactive: false,
      color: "#4d5d6c",
      weight: 1.2,
      dashArray: "5 4",
      fillColor: "#ffffff",
      fillOpacity: 0.75,
    }).addTo(this.insetLayer);
    // the title sits above the frame, so it never hides a marker
    L.marker([north, west], {
      pane: "labels",
      interactive: false,
      keyboard: false,
      icon: L.divIcon({
        className: "inset-label",
        html: `<span>${t("inset.title", { count: unplaced.length })}</span><small>${t("inset.note")}</small>`,
        iconSize: [240, 44],
        iconAnchor: [0, 48],
      }),
    }).addTo(this.insetLayer);
  }

  /** Colour markers by another key (territorial clusters); null restores the kind colours. */
  setColouring(colourOf) {
    this.colourOf = colourOf ?? ((actor) => KIND_COLOURS[actor.kind]);
    for (const [id, marker] of this.markers) marker.setIcon(this.iconFor(this.actors.get(id)));
    this.cluster.refreshClusters();
    for (const [id, marker] of this.markers) this.decorateMarker(marker, this.actors.get(id));
    this.markSelected(this.selectedId);
  }

  /** Where an actor is drawn: its position, or its place in the frame; null if not shown. */
  point(id) {
    const actor = this.actors.get(id);
    if (!actor) return null;
    if (isPlaced(actor)) return [actor.lat, actor.lon];
    return this.insetPositions.get(id) ?? null;
  }

  linkLine(link, { weight = 1.5, opacity = 0.55, pane = "links", renderer, from, to } = {}) {
    const a = from ?? this.point(link.from);
    const b = to ?? this.point(link.to);
    if (!a || !b) return null;
    return L.polyline(arc(a, b), {
      pane,
      renderer,
      color: LINK_COLOURS[link.kind] ?? "#555",
      weight,
      opacity,
      dashArray: LINK_DASH[link.kind] ?? null,
      interactive: false,
    });
  }

  /** The links between actors on the map (thin, coloured by kind); at most MAX_DRAWN_LINKS. */
  setLinks(links) {
    this.linkLayer.clearLayers();
    let drawn = 0;
    for (const link of links) {
      if (drawn >= MAX_DRAWN_LINKS) break;
      const a = this.point(link.from);
      const b = this.point(link.to);
      // a line from the metropole to an overseas département would cross the whole map: the
      // actor's panel lists such links, and draws them when the actor is selected
      if (!a || !b || placeOf(...a) !== placeOf(...b)) continue;
      const line = this.linkLine(link, { opacity: 0.45, from: a, to: b, renderer: this.linkRenderer });
      if (line) {
        line.addTo(this.linkLayer);
        drawn += 1;
      }
    }
    return drawn;
  }

  /** Highlight an actor and draw its links (ends placed from the panel's data when not shown). */
  showSelection(actor, links = []) {
    this.selectionLayer.clearLayers();
    this.markSelected(actor?.id ?? null);
    if (!actor) return;
    const here = isPlaced(actor) ? [actor.lat, actor.lon] : this.insetPositions.get(actor.id) ?? null;
    for (const link of links) {
      const other = link.from === actor.id ? link.to : link.from;
      const there = this.point(other);
      if (!here || !there) continue;
      const ends = link.from === actor.id ? { from: here, to: there } : { from: there, to: here };
      const casing = L.polyline(arc(ends.from, ends.to), {
        pane: "links", color: "#ffffff", weight: 6, opacity: 0.9, interactive: false,
      });
      const line = this.linkLine(link, { weight: 3.5, opacity: 0.95, ...ends });
      casing.addTo(this.selectionLayer);
      line?.addTo(this.selectionLayer);
    }
    if (here) {
      L.circleMarker(here, {
        radius: 15, color: "#14202b", weight: 2.5, fill: false, interactive: false, pane: "path",
      }).addTo(this.selectionLayer);
    }
  }

  markSelected(id) {
    this.selectedId = id;
    for (const node of this.map.getContainer().querySelectorAll(".actor-marker.is-selected")) {
      node.classList.remove("is-selected");
    }
    const element = id ? this.markers.get(id)?.getElement() : null;
    element?.classList.add("is-selected");
  }

  /** Draw a cooperation path: a thick line with numbered stops, each with its actor's name. */
  showPath(path) {
    this.pathLayer.clearLayers();
    this.map.getContainer().classList.toggle("has-path", Boolean(path));
    if (!path) return;
    const where = (a) => (isPlaced(a) ? [a.lat, a.lon] : this.insetPositions.get(a.id) ?? null);
    const points = path.actors.map(where).filter(Boolean);
    if (points.length >= 2) {
      // one arc per hop, joined: the path bends away from the actors it does not go through
      const line = points.slice(1).flatMap((b, i) => arc(points[i], b, 0.18).slice(i ? 1 : 0));
      L.polyline(line, { pane: "path", color: "#ffffff", weight: 9, opacity: 0.95, interactive: false })
        .addTo(this.pathLayer);
      L.polyline(line, {
        pane: "path", color: "#c8102e", weight: 5, opacity: 1, interactive: false, className: "path-line",
      }).addTo(this.pathLayer);
    }
    path.actors.forEach((actor, index) => {
      const at = where(actor);
      if (!at) return;
      L.marker(at, {
        pane: "pathStops",
        keyboard: false,
        interactive: false,
        icon: L.divIcon({
          className: "path-stop",
          html: `<span class="stop-number">${index + 1}</span><span class="stop-name">${escapeHtml(actor.name)}</span>`,
          iconSize: [22, 22],
          iconAnchor: [11, 28],
        }),
      }).addTo(this.pathLayer);
    });
    if (points.length) this.map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 9 });
  }

  /** Zoom out of the marker groups until the actor's own marker shows, then run `then`. */
  reveal(id, then) {
    const marker = this.markers.get(id);
    if (!marker) {
      then?.();
      return;
    }
    this.cluster.zoomToShowLayer(marker, () => {
      this.markSelected(this.selectedId);
      then?.();
    });
  }

  fitActors(ids) {
    const points = ids.map((id) => this.point(id)).filter(Boolean);
    if (points.length === 1) this.map.setView(points[0], 9);
    else if (points.length) this.map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 10 });
  }

  /** Actors drawn inside the current view (those of the frame when the frame is in view). */
  actorsInView() {
    const bounds = this.map.getBounds();
    return [...this.actors.values()].filter((a) => {
      const at = this.point(a.id);
      return at !== null && bounds.contains(at);
    });
  }

  /** Centre the map on a territory id (region:76, departement:31; a DROM by its place). */
  showTerritory(id) {
    const [level, code] = String(id).split(":");
    if (level === "departement" && PLACES[code]) {
      this.goTo(code);
      return;
    }
    const feature = this.features?.[level]?.get(code);
    if (feature) this.map.fitBounds(L.geoJSON(feature).getBounds(), { padding: [20, 20] });
    else if (level === "region") {
      const drom = { "01": "971", "02": "972", "03": "973", "04": "974", "06": "976" }[code];
      if (drom) this.goTo(drom);
    }
  }

  /** The bounds of the points seated abroad (with the metropole), or null when there are none. */
  abroadBounds() {
    const points = [...this.actors.values()]
      .filter((a) => isPlaced(a) && placeOf(a.lat, a.lon) === "abroad")
      .map((a) => [a.lat, a.lon]);
    if (!points.length) return null;
    // the metropole stays in the view, so that a seat abroad is seen where it is from France
    return L.latLngBounds(points).extend(PLACES.metro.bounds);
  }

  goTo(place, animate = true) {
    const target = place === "abroad" ? { bounds: this.abroadBounds() } : PLACES[place];
    if (!target?.bounds) return;
    // Leaflet.markercluster 1.5.3 misses the markers of the new view when the map jumps from
    // one DROM to another (a reset of the view whose rounded zoom changes): once the move has
    // ended, let it place the markers of the bounds now shown (its own "moveend" handler)
    const showMarkers = () => {
      if (this.cluster._inZoomAnimation) this.cluster.once("animationend", showMarkers);
      else this.cluster._moveEnd?.();
    };
    this.map.once("moveend", () => setTimeout(showMarkers, 0));
    this.map.fitBounds(target.bounds, { animate, padding: [8, 8] });
  }

  addPlaceControl() {
    const Control = L.Control.extend({
      options: { position: "topright" },
      onAdd: () => {
        const box = L.DomUtil.create("div", "leaflet-bar place-control");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        this.placeBox = box;
        this.renderPlaceControl();
        return box;
      },
    });
    new Control().addTo(this.map);
  }

  renderPlaceControl() {
    const box = this.placeBox;
    if (!box) return;
    const counts = {};
    for (const actor of this.actors.values()) {
      const place = isPlaced(actor) ? placeOf(actor.lat, actor.lon) : "inset";
      counts[place] = (counts[place] ?? 0) + 1;
    }
    const overseas = OVERSEAS.reduce((sum, place) => sum + (counts[place] ?? 0), 0);
    box.replaceChildren();
    const label = L.DomUtil.create("label", "place-label", box);
    label.htmlFor = "place-select";
    label.textContent = t("place.go_to");
    const select = L.DomUtil.create("select", "", box);
    select.id = "place-select";
    for (const place of PLACE_ORDER) {
      if ((place === "inset" || place === "abroad") && !counts[place]) continue;
      const option = document.createElement("option");
      option.value = place;
      const n = counts[place] ?? 0;
      option.textContent = `${t(`place.${place}`)}${n ? ` (${n})` : ""}`;
      select.append(option);
    }
    select.value = counts[this.currentPlace] || this.currentPlace === "metro" ? this.currentPlace : "metro";
    select.addEventListener("change", () => {
      this.currentPlace = select.value;
      this.goTo(select.value);
    });
    const note = L.DomUtil.create("p", "place-note", box);
    note.id = "overseas-note";
    note.textContent = t("place.overseas_count", { count: overseas });
  }
}

/** A short, readable description of a link's dates. */
export function linkDates(link) {
  if (link.since && link.until) return t("link.between", { since: formatDate(link.since), until: formatDate(link.until) });
  if (link.since) return t("link.since", { since: formatDate(link.since) });
  if (link.until) return t("link.until", { until: formatDate(link.until) });
  return t("link.undated");
}
