// Choropleth of the territory figures: régions or départements coloured by a figure
// (territoryTable of the GraphQL API), EPCI as coloured outlines when zoomed in — approximate
// outlines (/geo/epci.geojson: Voronoi cells of the commune centres dissolved per EPCI, see
// graph_model/reference/README.md), the legend says so; an EPCI without one (the DROM) stays a
// disc at its communes' centre — a legend with the classes and the date, and a click that opens
// the territory's sheet (/fiche/<id>.pdf).
//
// It attaches itself to the map main.js exposes (window.maillage.map) and keeps its state in
// the page's address (?choro=actors&choroLevel=departement&choroDate=2025-01-01), so a view can
// be shared. Texts are French unless the page is in English (the page's <html lang>).
import { gql } from "./graphql.js";

export const FIGURES = ["actors", "perTenThousand", "linksInside", "linksCrossing", "density", "isolated"];
const LEVELS = ["region", "departement"];
export const EPCI_ZOOM = 8; // from this zoom the EPCI are drawn
const CLASSES = 5;
const RAMP = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"];
const EMPTY = "#f4f4f4";

const TEXT = {
  fr: {
    title: "Chiffres par territoire",
    figure: "Chiffre",
    level: "Découpage",
    date: "Au",
    off: "aucun",
    region: "régions",
    departement: "départements",
    epci: "EPCI (en zoomant)",
    actors: "acteurs",
    perTenThousand: "acteurs pour 10 000 habitants",
    linksInside: "liens internes",
    linksCrossing: "liens franchissant la limite",
    density: "densité",
    isolated: "acteurs isolés",
    legend: "{figure} au {date}",
    every: "toutes dates",
    none: "aucune donnée",
    open: "Ouvrir la fiche de {name}",
    loading: "chargement des chiffres…",
    failed: "chiffres indisponibles : {reason}",
    epciNote: "EPCI : contours approchés, tracés à partir des centres des communes (périmètres de {year})",
  },
  en: {
    title: "Figures by territory",
    figure: "Figure",
    level: "Areas",
    date: "On",
    off: "none",
    region: "régions",
    departement: "départements",
    epci: "EPCI (when zoomed in)",
    actors: "actors",
    perTenThousand: "actors per 10,000 inhabitants",
    linksInside: "links inside",
    linksCrossing: "links crossing the border",
    density: "density",
    isolated: "isolated actors",
    legend: "{figure} on {date}",
    every: "every date",
    none: "no data",
    open: "Open the sheet of {name}",
    loading: "loading the figures…",
    failed: "figures unavailable: {reason}",
    epciNote: "EPCI: approximate outlines, drawn from the communes' centres (perimeters of {year})",
  },
};

function tr(key, params = {}) {
  const lang = document.documentElement.lang === "en" ? "en" : "fr";
  let text = TEXT[lang][key] ?? TEXT.fr[key] ?? key;
  for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, value);
  return text;
}

function formatNumber(value) {
  if (value === null || value === undefined) return "—";
  const lang = document.documentElement.lang === "en" ? "en-GB" : "fr-FR";
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 3 }).format(value);
}

function formatDay(iso) {
  if (!iso) return tr("every");
  const [y, m, d] = iso.split("-");
  return document.documentElement.lang === "en" ? iso : `${d}/${m}/${y}`;
}

const TABLE = `
  query Choropleth($parent: String!, $level: TerritoryLevel!, $asOf: Date) {
    territoryTable(parent: $parent, level: $level, asOf: $asOf, orderBy: CODE, descending: false) {
      territory code name level population epciPerimeterYear latitude longitude beforeData
      actors perTenThousand linksInside linksCrossing density isolated
    }
  }`;

/** Class breaks (quantiles of the non-zero values; 0 keeps its own colour). */
export function breaks(values, classes = CLASSES) {
  const sorted = values.filter((v) => v !== null && v > 0).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const cuts = [];
  for (let i = 1; i < classes; i += 1) {
    const cut = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / classes))];
    if (!cuts.length || cut > cuts[cuts.length - 1]) cuts.push(cut);
  }
  return cuts;
}

export function colourFor(value, cuts) {
  if (value === null || value === undefined || value <= 0) return EMPTY;
  let index = 0;
  while (index < cuts.length && value >= cuts[index]) index += 1;
  return RAMP[Math.min(RAMP.length - 1, Math.round((index * (RAMP.length - 1)) / Math.max(1, cuts.length)))];
}

function sheetUrl(territory, asOf) {
  const query = asOf ? `?asOf=${encodeURIComponent(asOf)}` : "";
  return `fiche/${encodeURIComponent(territory)}.pdf${query}`;
}

class Choropleth {
  constructor(map) {
    this.map = map;
    const params = new URLSearchParams(window.location.search);
    this.figure = FIGURES.includes(params.get("choro")) ? params.get("choro") : null;
    this.level = LEVELS.includes(params.get("choroLevel")) ? params.get("choroLevel") : "departement";
    this.asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get("choroDate") ?? "") ? params.get("choroDate") : null;
    this.outlines = {};
    this.epciBounds = new Map(); // EPCI code → bounds of its outline (computed once)
    this.rows = { region: null, departement: null, epci: null };
    this.layer = L.layerGroup();
    this.epciLayer = L.layerGroup();
    this.seq = 0;
    this.addControl();
    this.map.on("zoomend", () => this.drawEpci());
    if (this.figure) this.refresh();
  }

  addControl() {
    // top right, under the "go to" control, folded: the map's legend has the bottom left
    const control = L.control({ position: "topright" });
    control.onAdd = () => {
      const box = L.DomUtil.create("div", "leaflet-bar choropleth-control");
      box.id = "choropleth";
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      const options = [`<option value="">${tr("off")}</option>`]
        .concat(FIGURES.map((f) => `<option value="${f}">${tr(f)}</option>`))
        .join("");
      const levels = LEVELS.map((l) => `<option value="${l}">${tr(l)}</option>`).join("");
      box.innerHTML = `
        <details id="choro-details"${this.figure ? " open" : ""}>
        <summary class="choropleth-title">${tr("title")}</summary>
        <label for="choro-figure">${tr("figure")}</label>
        <select id="choro-figure">${options}</select>
        <label for="choro-level">${tr("level")}</label>
        <select id="choro-level">${levels}</select>
        <label for="choro-date">${tr("date")}</label>
        <input id="choro-date" type="date">
        <div id="choro-legend" class="choropleth-legend" aria-live="polite"></div>
        </details>`;
      box.querySelector("#choro-figure").value = this.figure ?? "";
      box.querySelector("#choro-level").value = this.level;
      box.querySelector("#choro-date").value = this.asOf ?? "";
      box.querySelector("#choro-figure").addEventListener("change", (e) => {
        this.figure = e.target.value || null;
        this.refresh();
      });
      box.querySelector("#choro-level").addEventListener("change", (e) => {
        this.level = e.target.value;
        this.refresh();
      });
      box.querySelector("#choro-date").addEventListener("change", (e) => {
        this.asOf = e.target.value || null;
        this.rows = { region: null, departement: null, epci: null };
        this.refresh();
      });
      this.box = box;
      return box;
    };
    control.addTo(this.map);
  }

  saveState() {
    const url = new URL(window.location.href);
    const set = (name, value) => (value ? url.searchParams.set(name, value) : url.searchParams.delete(name));
    set("choro", this.figure);
    set("choroLevel", this.figure ? this.level : null);
    set("choroDate", this.figure ? this.asOf : null);
    history.replaceState(history.state, "", url);
  }

  async outline(level) {
    if (!this.outlines[level]) {
      const files = { region: "geo/regions.geojson", departement: "geo/departements.geojson", epci: "geo/epci.geojson" };
      const file = files[level];
      const response = await fetch(file);
      this.outlines[level] = await response.json();
    }
    return this.outlines[level];
  }

  async table(level) {
    if (!this.rows[level]) {
      const found = await gql(TABLE, { parent: "FR", level: level.toUpperCase(), asOf: this.asOf });
      this.rows[level] = found.territoryTable;
    }
    return this.rows[level];
  }

  async refresh() {
    this.saveState();
    const seq = ++this.seq;
    const legend = this.box?.querySelector("#choro-legend");
    this.layer.clearLayers();
    this.epciLayer.clearLayers();
    if (!this.figure) {
      this.layer.remove();
      this.epciLayer.remove();
      if (legend) legend.textContent = "";
      this.setDataset({ state: "off" });
      return;
    }
    if (legend) legend.textContent = tr("loading");
    this.setDataset({ state: "loading" });
    try {
      const [shapes, rows] = await Promise.all([this.outline(this.level), this.table(this.level)]);
      if (seq !== this.seq) return;
      this.draw(shapes, rows);
      await this.drawEpci();
    } catch (error) {
      if (legend) legend.textContent = tr("failed", { reason: error.message });
      this.setDataset({ state: "failed" });
    }
  }

  draw(shapes, rows) {
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const values = rows.map((r) => r[this.figure]);
    this.cuts = breaks(values);
    const layer = L.geoJSON(shapes, {
      pane: "outlines",
      style: (feature) => {
        const row = byCode.get(String(feature.properties.code));
        return {
          color: "#5b6b7a",
          weight: 0.8,
          fillOpacity: 0.75,
          fillColor: colourFor(row ? row[this.figure] : null, this.cuts),
        };
      },
      onEachFeature: (feature, shape) => {
        const row = byCode.get(String(feature.properties.code));
        if (!row) return;
        shape.bindTooltip(`${row.name} : ${formatNumber(row[this.figure])} ${tr(this.figure)}`, { sticky: true });
        shape.on("click", () => this.open(row));
        shape.on("add", () => {
          const element = shape.getElement?.();
          if (element) {
            element.setAttribute("data-territory", row.territory);
            element.setAttribute("data-value", String(row[this.figure] ?? ""));
            element.setAttribute("aria-label", tr("open", { name: row.name }));
          }
        });
      },
    });
    this.layer.addLayer(layer);
    this.layer.addTo(this.map);
    this.renderLegend(rows);
    this.setDataset({ state: "drawn", territories: String(rows.length) });
  }

  async drawEpci() {
    this.epciLayer.clearLayers();
    if (!this.figure || this.map.getZoom() < EPCI_ZOOM) {
      this.epciLayer.remove();
      return;
    }
    const [rows, shapes] = await Promise.all([this.table("epci"), this.outline("epci")]);
    if (!this.figure || this.map.getZoom() < EPCI_ZOOM) return;
    const cuts = breaks(rows.map((r) => r[this.figure]));
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const bounds = this.map.getBounds().pad(0.2);
    const outlined = new Set();
    const visible = shapes.features.filter((feature) => {
      const row = byCode.get(String(feature.properties.code));
      if (!row) return false;
      outlined.add(row.code);
      if (!this.epciBounds.has(row.code)) this.epciBounds.set(row.code, L.geoJSON(feature).getBounds());
      return this.epciBounds.get(row.code).intersects(bounds);
    });
    this.epciLayer.addLayer(this.epciShapes(visible, byCode, cuts));
    for (const row of rows) {
      // the DROM EPCI have no outline: a disc at the mean of their communes' centres
      if (outlined.has(row.code) || row.latitude === null || row.longitude === null) continue;
      if (!bounds.contains([row.latitude, row.longitude])) continue;
      const disc = L.circleMarker([row.latitude, row.longitude], {
        radius: 9,
        color: "#33414e",
        weight: 1,
        fillOpacity: 0.9,
        fillColor: colourFor(row[this.figure], cuts),
        className: "choropleth-epci",
      });
      disc.bindTooltip(`${row.name} : ${formatNumber(row[this.figure])} ${tr(this.figure)}`);
      disc.on("click", () => this.open(row));
      this.epciLayer.addLayer(disc);
    }
    this.epciLayer.addTo(this.map);
    const year = rows.find((r) => r.epciPerimeterYear)?.epciPerimeterYear;
    const note = this.box?.querySelector("#choro-epci-note");
    if (note && year) note.textContent = tr("epciNote", { year });
    this.setDataset({ epci: String(visible.length) });
  }

  epciShapes(features, byCode, cuts) {
    return L.geoJSON({ type: "FeatureCollection", features }, {
      pane: "outlines",
      style: (feature) => ({
        color: "#33414e",
        weight: 0.8,
        dashArray: "3 2", // approximate borders: drawn dashed
        fillOpacity: 0.85,
        fillColor: colourFor(byCode.get(String(feature.properties.code))[this.figure], cuts),
        className: "choropleth-epci-shape",
      }),
      onEachFeature: (feature, shape) => {
        const row = byCode.get(String(feature.properties.code));
        shape.bindTooltip(`${row.name} : ${formatNumber(row[this.figure])} ${tr(this.figure)}`, { sticky: true });
        shape.on("click", () => this.open(row));
        shape.on("add", () => {
          const element = shape.getElement?.();
          if (element) {
            element.setAttribute("data-territory", row.territory);
            element.setAttribute("data-value", String(row[this.figure] ?? ""));
            element.setAttribute("aria-label", tr("open", { name: row.name }));
          }
        });
      },
    });
  }

  open(row) {
    window.open(sheetUrl(row.territory, this.asOf), "_blank", "noopener");
    this.setDataset({ opened: row.territory });
  }

  renderLegend(rows) {
    const legend = this.box.querySelector("#choro-legend");
    const cuts = this.cuts;
    const title = tr("legend", { figure: tr(this.figure), date: formatDay(this.asOf) });
    const positive = rows.map((r) => r[this.figure]).filter((v) => v !== null && v > 0);
    const lowest = positive.length ? Math.min(...positive) : null;
    const items = [`<li><span class="swatch" style="background:${EMPTY}"></span>0 (${tr("none")})</li>`];
    if (lowest !== null) {
      const starts = [lowest, ...cuts.filter((cut) => cut > lowest)];
      starts.forEach((low, i) => {
        const high = starts[i + 1];
        const label = high === undefined ? `≥ ${formatNumber(low)}` : `${formatNumber(low)} – < ${formatNumber(high)}`;
        items.push(`<li><span class="swatch" style="background:${colourFor(low, cuts)}"></span>${label}</li>`);
      });
    }
    const before = rows.length > 0 && rows.every((r) => r.beforeData);
    legend.innerHTML = `<p class="legend-title">${title}</p><ul>${items.join("")}</ul>
      <p id="choro-epci-note" class="help"></p>${before ? `<p class="help">${tr("none")}</p>` : ""}`;
  }

  setDataset(values) {
    const box = this.box;
    if (!box) return;
    for (const [key, value] of Object.entries(values)) box.dataset[key] = value;
  }
}

function addStyles() {
  if (document.querySelector('link[data-choropleth]')) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "css/territories.css";
  link.dataset.choropleth = "true";
  document.head.append(link);
}

function start() {
  addStyles();
  const exposed = window.maillage;
  if (!exposed?.map || typeof L === "undefined") {
    window.setTimeout(start, 50);
    return;
  }
  exposed.choropleth = new Choropleth(exposed.map);
}

start();
