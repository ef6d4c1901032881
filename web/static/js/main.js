// Maillage web map: wires the map, the filters, the panel, paths, clusters and exports.
//
// State lives here; the modules render it. Data comes only from the public GraphQL API
// (graphql.js); the outlines and third-party code are static files of this folder.
import { ActorPanel, themeLabel } from "./panel.js";
import { ClusterView } from "./clusters.js";
import { initDateFields, isoDate, setDate } from "./dates.js";
import { actorsCSV, linksCSV, toGEXF, toGeoJSON } from "./export.js";
import { fetchActor, fetchActors, fetchNetworks, KIND_ENUM, MAX_ACTORS } from "./graphql.js";
import { applyTranslations, initI18n, lang, LANGUAGES, onLanguageChange, setLanguage, t } from "./i18n.js";
import { KIND_COLOURS, KIND_ORDER, LINK_COLOURS, markerSvg, MovementMap, positionStyle } from "./map.js";
import { PathFinder } from "./paths.js";
import "./choropleth.js"; // the territory figures as a choropleth (issue 13; attaches to window.maillage)
import "./contribute.js"; // "Contribuer": accounts, proposals, review, history (issue 17; attaches to window.maillage)
import { debounce, download, el, fold, today } from "./text.js";

const LIST_LIMIT = 300;
const DROM = ["971", "972", "973", "974", "976"];
const DROM_REGIONS = { "01": "971", "02": "972", "03": "973", "04": "974", "06": "976" };

const state = {
  config: {},
  actors: [],
  links: [],
  total: 0,
  truncated: false,
  selected: null, // the actor shown in the panel (with its links)
  clusterOf: null,
  loadSeq: 0,
  controller: null,
  themes: new Map(), // id -> {id, label, labelEn}, from every actor seen (the theme filter's list)
  outlines: { regions: [], departements: [] },
};

let map;
let panel;
let paths;
let clusters;

// --- status line -----------------------------------------------------------------------------

function setStatus(text) {
  document.getElementById("status").textContent = text;
}

function countStatus() {
  const placed = state.actors.filter((a) => positionStyle(a) !== "none").length;
  const parts = [t("status.actors", { count: state.actors.length })];
  if (document.getElementById("filter-links").checked) parts.push(t("status.links", { count: state.links.length }));
  if (state.actors.length > placed) parts.push(t("status.unplaced", { count: state.actors.length - placed }));
  if (state.truncated) parts.push(t("status.truncated", { count: MAX_ACTORS }));
  setStatus(parts.join(" · "));
  const mapEl = document.getElementById("map");
  mapEl.dataset.actorCount = String(state.actors.length);
  mapEl.dataset.placedCount = String(placed);
  mapEl.dataset.linkCount = String(state.links.length);
  mapEl.dataset.loaded = "true";
}

// --- filters ---------------------------------------------------------------------------------

function buildKindChecks() {
  const box = document.getElementById("filter-kinds");
  box.replaceChildren();
  for (const kind of KIND_ORDER) {
    const icon = el("span", { class: "legend-icon", "aria-hidden": "true" });
    icon.innerHTML = markerSvg(kind, "exact", KIND_COLOURS[kind], 16);
    box.append(
      el(
        "label",
        { class: "check" },
        el("input", { type: "checkbox", name: "kind", value: kind, checked: true }),
        icon,
        el("span", { "data-i18n": `kind.${kind}.plural` }, t(`kind.${kind}.plural`)),
      ),
    );
  }
}

function fillSelect(select, options, anyLabel) {
  const value = select.value;
  select.replaceChildren(el("option", { value: "" }, anyLabel));
  for (const option of options) {
    if (option.group) {
      const group = el("optgroup", { label: option.group });
      for (const item of option.items) group.append(el("option", { value: item.value }, item.label));
      select.append(group);
    } else {
      select.append(el("option", { value: option.value }, option.label));
    }
  }
  if ([...select.options].some((o) => o.value === value)) select.value = value;
}

function territoryOptions() {
  const byName = (a, b) => a.label.localeCompare(b.label, lang());
  const regions = state.outlines.regions.map((f) => ({ value: `region:${f.code}`, label: f.nom }));
  for (const [code, dep] of Object.entries(DROM_REGIONS)) {
    regions.push({ value: `region:${code}`, label: t(`place.${dep}`) });
  }
  const departements = state.outlines.departements.map((f) => ({
    value: `departement:${f.code}`,
    label: `${f.code} ${f.nom}`,
  }));
  for (const code of DROM) departements.push({ value: `departement:${code}`, label: `${code} ${t(`place.${code}`)}` });
  return [
    { group: t("filters.regions"), items: regions.sort(byName) },
    { group: t("filters.departements"), items: departements.sort((a, b) => a.value.localeCompare(b.value)) },
  ];
}

function fillTerritorySelects() {
  fillSelect(document.getElementById("filter-territory"), territoryOptions(), t("filters.any_territory"));
  const scope = document.getElementById("clusters-scope");
  const value = scope.value;
  scope.replaceChildren(el("option", { value: "FR" }, t("clusters.scope_national")));
  for (const group of territoryOptions()) {
    const optgroup = el("optgroup", { label: group.group });
    for (const item of group.items) optgroup.append(el("option", { value: item.value }, item.label));
    scope.append(optgroup);
  }
  if (value) scope.value = value;
}

function fillThemeSelect() {
  const themes = [...state.themes.values()]
    .map((theme) => ({ value: theme.id, label: themeLabel(theme) }))
    .sort((a, b) => a.label.localeCompare(b.label, lang()));
  fillSelect(document.getElementById("filter-theme"), themes, t("filters.any_theme"));
}

async function fillNetworkSelect() {
  let networks = [];
  try {
    networks = await fetchNetworks();
  } catch (error) {
    console.warn("networks:", error);
  }
  state.networks = networks
    .map((n) => ({ value: n.id, label: n.name }))
    .sort((a, b) => a.label.localeCompare(b.label, lang()));
  fillSelect(document.getElementById("filter-network"), state.networks, t("filters.any_network"));
}

function currentFilter() {
  const form = document.getElementById("filters");
  const kinds = [...form.querySelectorAll("input[name=kind]:checked")].map((i) => i.value);
  const filter = {};
  if (kinds.length < KIND_ORDER.length) filter.kinds = kinds.map((k) => KIND_ENUM[k]);
  const text = form.elements.text.value.trim();
  if (text) filter.text = text;
  if (form.elements.theme.value) filter.themes = [form.elements.theme.value];
  if (form.elements.network.value) filter.memberOf = form.elements.network.value;
  if (form.elements.territory.value) filter.territory = form.elements.territory.value;
  // the date filters the links; hiding the actors without a link on that date is a choice
  const asOf = isoDate(form.elements.asOf);
  if (asOf && form.elements.activeOnly.checked) filter.activeAsOf = asOf;
  return { filter, kinds, asOf: asOf || null, withLinks: form.elements.links.checked };
}

// --- loading actors --------------------------------------------------------------------------

async function loadActors() {
  const seq = ++state.loadSeq;
  state.controller?.abort();
  state.controller = new AbortController();
  const { filter, kinds, asOf, withLinks } = currentFilter();
  document.getElementById("map").dataset.loaded = "false";
  if (!kinds.length) {
    applyActors([], [], 0, false);
    return;
  }
  setStatus(t("status.loading"));
  try {
    const result = await fetchActors(filter, {
      withLinks,
      asOf,
      signal: state.controller.signal,
      onProgress: (loaded, total) => {
        if (seq === state.loadSeq) setStatus(t("status.loading_progress", { loaded, total: total ?? "…" }));
      },
    });
    if (seq !== state.loadSeq) return;
    applyActors(result.actors, result.links, result.total, result.truncated);
  } catch (error) {
    if (error.name === "AbortError" || seq !== state.loadSeq) return;
    setStatus(t("status.error", { message: error.message }));
    document.getElementById("map").dataset.loaded = "error";
  }
}

function applyActors(actors, links, total, truncated) {
  state.actors = actors;
  state.total = total;
  state.truncated = truncated;
  const ids = new Set(actors.map((a) => a.id));
  state.links = links.filter((l) => ids.has(l.from) && ids.has(l.to));
  let newThemes = false;
  for (const actor of actors) {
    actor.cluster = state.clusterOf?.get(actor.id)?.id ?? null;
    for (const theme of actor.themes) {
      if (!state.themes.has(theme.id)) {
        state.themes.set(theme.id, theme);
        newThemes = true;
      }
    }
  }
  if (newThemes) fillThemeSelect();
  map.setActors(actors);
  map.setLinks(state.links);
  if (state.selected) map.showSelection(state.selected, state.selected.links);
  renderList();
  countStatus();
  updateExportSummary();
}

function renderList() {
  const list = document.getElementById("actor-list");
  const sorted = [...state.actors].sort((a, b) => fold(a.name).localeCompare(fold(b.name), lang()));
  document.getElementById("actor-count").textContent = t("list.count", { count: sorted.length });
  list.replaceChildren(
    ...sorted.slice(0, LIST_LIMIT).map((actor) => {
      const icon = el("span", { class: "legend-icon", "aria-hidden": "true" });
      icon.innerHTML = markerSvg(actor.kind, positionStyle(actor), KIND_COLOURS[actor.kind], 14);
      return el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: "list-item",
            dataset: { actorId: actor.id },
            onclick: () => {
              closeMenu();
              selectActor(actor.id, { reveal: true });
            },
          },
          icon,
          el("span", { class: "list-name" }, actor.name),
          el("span", { class: "visually-hidden" }, ` — ${t(`kind.${actor.kind}`)}`),
          positionStyle(actor) === "none" ? el("span", { class: "help" }, ` ${t("list.unplaced")}`) : null,
        ),
      );
    }),
  );
  if (sorted.length > LIST_LIMIT) {
    list.append(el("li", { class: "help" }, t("list.more", { count: sorted.length - LIST_LIMIT })));
  }
}

// --- selection -------------------------------------------------------------------------------

async function selectActor(id, { reveal = false } = {}) {
  const known = state.actors.find((a) => a.id === id);
  panel.loading(known?.name);
  document.body.classList.add("panel-open");
  let actor;
  try {
    actor = await fetchActor(id, { asOf: currentFilter().asOf });
  } catch (error) {
    panel.error(t("panel.error", { message: error.message }));
    return;
  }
  if (!actor) {
    panel.error(t("panel.not_found"));
    return;
  }
  state.selected = actor;
  panel.show(actor, { asOf: currentFilter().asOf });
  map.showSelection(actor, actor.links);
  if (window.location.hash !== `#actor=${encodeURIComponent(id)}`) {
    history.replaceState(null, "", `#actor=${encodeURIComponent(id)}`);
  }
  if (reveal) map.reveal(id);
}

function clearSelection() {
  state.selected = null;
  map.showSelection(null);
  document.body.classList.remove("panel-open");
  if (window.location.hash.startsWith("#actor=")) history.replaceState(null, "", window.location.pathname + window.location.search);
}

// --- legend ----------------------------------------------------------------------------------

function renderLegend() {
  const body = document.getElementById("legend-body");
  const items = [];
  if (state.clusterOf) {
    items.push(el("p", { class: "legend-note" }, t("legend.cluster_colours")));
  } else {
    for (const kind of KIND_ORDER) {
      const icon = el("span", { class: "legend-icon", "aria-hidden": "true" });
      icon.innerHTML = markerSvg(kind, "exact", KIND_COLOURS[kind], 16);
      items.push(el("li", {}, icon, t(`kind.${kind}.plural`)));
    }
  }
  const precision = ["exact", "approx", "none"].map((style) => {
    const icon = el("span", { class: "legend-icon", "aria-hidden": "true" });
    icon.innerHTML = markerSvg("Organisation", style, "#4b5563", 16);
    return el("li", {}, icon, t(`legend.${style}`));
  });
  const links = Object.entries(LINK_COLOURS).map(([kind, colour]) =>
    el(
      "li",
      {},
      el("span", { class: `legend-line line-${kind}`, style: `border-color:${colour}`, "aria-hidden": "true" }),
      t(`link.${kind}.name`),
    ),
  );
  const path = el("li", {}, el("span", { class: "legend-line line-path", "aria-hidden": "true" }), t("legend.path"));
  body.replaceChildren(
    state.clusterOf ? items[0] : el("ul", { class: "legend-list two" }, items),
    el("ul", { class: "legend-list two" }, precision),
    el("ul", { class: "legend-list two" }, links, path),
  );
}

// --- export ----------------------------------------------------------------------------------

function exportSet() {
  const inView = document.getElementById("export-in-view").checked;
  const actors = inView ? map.actorsInView() : state.actors;
  const ids = new Set(actors.map((a) => a.id));
  const links = state.links.filter((l) => ids.has(l.from) && ids.has(l.to));
  return { actors, links };
}

function updateExportSummary() {
  if (!map) return;
  const { actors, links } = exportSet();
  document.getElementById("export-summary").textContent = t("export.summary", {
    actors: actors.length,
    links: links.length,
  });
}

function exportAs(format) {
  const { actors, links } = exportSet();
  const stamp = today();
  const meta = {
    date: stamp,
    description: t("export.description", { date: stamp, url: window.location.href }),
    filter: currentFilter().filter,
  };
  const name = `maillage-${stamp}`;
  if (format === "geojson") download(`${name}.geojson`, toGeoJSON(actors, links, meta), "application/geo+json");
  else if (format === "gexf") download(`${name}.gexf`, toGEXF(actors, links, meta), "application/gexf+xml");
  else if (format === "csv") download(`${name}-actors.csv`, actorsCSV(actors), "text/csv;charset=utf-8");
  else if (format === "csv-links") download(`${name}-links.csv`, linksCSV(links), "text/csv;charset=utf-8");
  setStatus(t("export.done", { actors: actors.length, links: links.length }));
}

// --- tabs, menu, language --------------------------------------------------------------------

function setupTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  const select = (tab, focus = true) => {
    for (const other of tabs) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    if (tab.id === "tab-export") updateExportSummary();
  };
  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(tab);
      let next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
      else if (event.key === "Home") next = tabs[0];
      else if (event.key === "End") next = tabs[tabs.length - 1];
      if (next) {
        event.preventDefault();
        select(next);
      }
    });
  }
  return (id) => select(document.getElementById(id), false);
}

const SMALL_SCREEN = window.matchMedia("(max-width: 760px)");

function setMenu(open) {
  document.body.classList.toggle("menu-open", open);
  document.getElementById("menu-toggle").setAttribute("aria-expanded", String(open));
  if (open) document.getElementById("sidebar").focus();
}

/** On a phone the sidebar is a drawer over the map: close it to show the map. */
function closeMenu() {
  if (document.body.classList.contains("menu-open")) setMenu(false);
}

function setupMenu() {
  document.getElementById("menu-toggle").addEventListener("click", () => {
    setMenu(!document.body.classList.contains("menu-open"));
  });
  // the legend would cover the south-west of the map (and most of a phone's): closed until
  // asked for, then as the visitor left it on the last visit
  const legend = document.getElementById("legend-details");
  let opened = null;
  try {
    opened = window.localStorage.getItem("maillage.legend");
  } catch {
    // private mode: closed
  }
  legend.open = opened === "open" && !SMALL_SCREEN.matches;
  legend.addEventListener("toggle", () => {
    try {
      window.localStorage.setItem("maillage.legend", legend.open ? "open" : "closed");
    } catch {
      // not fatal
    }
  });
}

function setupLanguage() {
  const button = document.getElementById("lang-switch");
  button.addEventListener("click", async () => {
    const next = LANGUAGES.find((l) => l !== lang());
    await setLanguage(next);
  });
  onLanguageChange(() => {
    fillTerritorySelects();
    fillThemeSelect();
    if (state.networks) fillSelect(document.getElementById("filter-network"), state.networks, t("filters.any_network"));
    renderLegend();
    renderList();
    countStatus();
    updateExportSummary();
    map.relabel();
    panel.render();
    paths.relabel();
    clusters.relabel();
  });
}

// --- start -----------------------------------------------------------------------------------

async function loadConfig() {
  try {
    const response = await fetch("config.json", { cache: "no-cache" });
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}

async function loadOutlineNames() {
  // the same files the map draws (cached by the browser), for the territory lists
  const [regions, departements] = await Promise.all(
    ["geo/regions.geojson", "geo/departements.geojson"].map((u) => fetch(u).then((r) => r.json())),
  );
  state.outlines.regions = regions.features.map((f) => f.properties);
  state.outlines.departements = departements.features.map((f) => f.properties);
}

async function start() {
  await initI18n();
  initDateFields();
  buildKindChecks();
  applyTranslations();
  state.config = await loadConfig();
  map = new MovementMap(document.getElementById("map"), {
    tiles: state.config.tiles ?? null,
    onActorClick: (id) => selectActor(id),
  });
  window.maillage = { map: map.map, view: map, state }; // for the browser tests and debugging
  panel = new ActorPanel(document.getElementById("panel"), {
    onActor: (id) => selectActor(id, { reveal: true }),
    onClose: clearSelection,
    onCentre: (actor) => map.reveal(actor.id),
    onPathFrom: (actor) => {
      paths.setFrom(actor);
      showTab("tab-path");
      if (SMALL_SCREEN.matches) setMenu(true);
    },
    onPathTo: (actor) => {
      paths.setTo(actor);
      showTab("tab-path");
      if (SMALL_SCREEN.matches) setMenu(true);
    },
  });
  const openFromList = (id) => {
    closeMenu();
    selectActor(id, { reveal: true });
  };
  paths = new PathFinder({ map, onActor: openFromList, status: setStatus });
  clusters = new ClusterView({
    map,
    onActor: openFromList,
    names: {
      departement: (code) =>
        state.outlines.departements.find((d) => d.code === code)?.nom ??
        (DROM.includes(code) ? t(`place.${code}`) : code),
      theme: (id) => (state.themes.has(id) ? themeLabel(state.themes.get(id)) : id),
    },
    status: setStatus,
    onColouring: (colourOf, clusterOf) => {
      state.clusterOf = clusterOf;
      for (const actor of state.actors) actor.cluster = clusterOf?.get(actor.id)?.id ?? null;
      map.setColouring(colourOf);
      renderLegend();
    },
  });
  const showTab = setupTabs();
  setupMenu();
  setupLanguage();
  renderLegend();

  const form = document.getElementById("filters");
  const reload = debounce(loadActors, 250);
  form.addEventListener("change", reload);
  form.elements.text.addEventListener("input", reload);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    loadActors();
  });
  form.addEventListener("reset", () => setTimeout(loadActors, 0));
  form.elements.territory.addEventListener("change", () => {
    if (form.elements.territory.value) map.showTerritory(form.elements.territory.value);
    else map.goTo("metro");
  });
  form.elements.asOf.addEventListener("change", () => {
    setDate(document.getElementById("path-asof"), isoDate(form.elements.asOf));
  });
  for (const button of document.querySelectorAll("#pane-export button[data-format]")) {
    button.addEventListener("click", () => exportAs(button.dataset.format));
  }
  document.getElementById("export-in-view").addEventListener("change", updateExportSummary);
  map.map.on("moveend", debounce(updateExportSummary, 200));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("menu-open")) {
      closeMenu();
      document.getElementById("menu-toggle").focus();
    }
  });

  const outlines = Promise.all([map.loadOutlines(), loadOutlineNames()])
    .then(fillTerritorySelects)
    .catch((error) => setStatus(t("status.error", { message: error.message })));
  import("./live.js").then((live) => live.startLive({ reload: loadActors, state, filter: currentFilter, select: selectActor })).catch((error) => console.warn("live:", error));
  await Promise.all([outlines, loadActors(), fillNetworkSelect()]);
  const hash = window.location.hash.match(/^#actor=(.+)$/);
  if (hash) selectActor(decodeURIComponent(hash[1]), { reveal: true });
  document.body.dataset.ready = "true";
}

start().catch((error) => {
  console.error(error);
  document.getElementById("status").textContent = String(error.message ?? error);
});

