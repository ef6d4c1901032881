// The page of a network (/reseau/<id>): its members on a map, their links, figures, the members
// by région, and similar networks elsewhere; embeddable in a network's own website with
// ?embed=1 (no header nor footer). The whole state is in the address, so a view can be shared:
// ?asOf=2024-01-01&kind=Organisation&selected=<member id>&lat=…&lon=…&zoom=…&lang=en&embed=1.
// Data comes only from the public GraphQL API (graphql.js); the server answers 404 for an id
// that is not a network, so this page always has one to show.
import { gql } from "./graphql.js";

const KIND_COLOURS = {
  Network: "#7b3294",
  Organisation: "#2a9d8f",
  Project: "#e76f51",
  AdvocacyBody: "#264653",
};
const PAGE = 100; // the API's largest page

const TEXT = {
  fr: {
    title: "Réseau : {name}",
    back: "Carte du mouvement",
    asOf: "Au",
    map: "Carte des membres",
    figures: "Chiffres",
    regions: "Membres par région",
    members: "Membres",
    peers: "Réseaux semblables ailleurs",
    loading: "chargement…",
    loaded: "{members} membres, dont {placed} sur la carte",
    membersCount: "membres",
    placed: "membres placés sur la carte",
    links: "liens entre membres",
    regionsCount: "régions",
    kinds: { Network: "réseaux", Organisation: "organisations", Project: "projets", AdvocacyBody: "instances" },
    nowhere: "sans territoire connu",
    noMember: "aucun membre déclaré à cette date",
    noPeer: "aucun réseau semblable trouvé",
    foot: "Données : Maillage (graphe de coopération), {when}. Sources citées sur chaque lien.",
    on: "au {date}",
    every: "toutes dates",
    failed: "la page n'a pas pu charger les données : {reason}",
    allKinds: "tous les types",
  },
  en: {
    title: "Network: {name}",
    back: "Map of the movement",
    asOf: "On",
    map: "Map of the members",
    figures: "Figures",
    regions: "Members by région",
    members: "Members",
    peers: "Similar networks elsewhere",
    loading: "loading…",
    loaded: "{members} members, {placed} of them on the map",
    membersCount: "members",
    placed: "members placed on the map",
    links: "links between members",
    regionsCount: "régions",
    kinds: { Network: "networks", Organisation: "organisations", Project: "projects", AdvocacyBody: "bodies" },
    nowhere: "no known territory",
    noMember: "no member stated on that date",
    noPeer: "no similar network found",
    foot: "Data: Maillage (cooperation graph), {when}. Each link cites its sources.",
    on: "on {date}",
    every: "every date",
    failed: "the page could not load its data: {reason}",
    allKinds: "every kind",
  },
};

const params = new URLSearchParams(window.location.search);
const state = {
  id: decodeURIComponent(window.location.pathname.split("/").filter(Boolean).pop() ?? ""),
  lang: params.get("lang") === "en" ? "en" : "fr",
  embed: params.get("embed") === "1",
  asOf: /^\d{4}-\d{2}-\d{2}$/.test(params.get("asOf") ?? "") ? params.get("asOf") : null,
  kind: KIND_COLOURS[params.get("kind")] ? params.get("kind") : null,
  selected: params.get("selected"),
  view: ["lat", "lon", "zoom"].every((k) => Number.isFinite(Number.parseFloat(params.get(k))))
    ? [Number.parseFloat(params.get("lat")), Number.parseFloat(params.get("lon")), Number.parseFloat(params.get("zoom"))]
    : null,
  network: null,
  members: [],
  markers: new Map(),
};

function tr(key, values = {}) {
  let text = TEXT[state.lang][key] ?? TEXT.fr[key] ?? key;
  if (typeof text !== "string") return text;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, value);
  return text;
}

function day(iso) {
  if (!iso) return tr("every");
  if (state.lang === "en") return iso;
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

function number(value) {
  return new Intl.NumberFormat(state.lang === "en" ? "en-GB" : "fr-FR").format(value);
}

function saveState() {
  const url = new URL(window.location.href);
  const set = (name, value) => (value === null || value === undefined || value === "" ? url.searchParams.delete(name) : url.searchParams.set(name, value));
  set("asOf", state.asOf);
  set("kind", state.kind);
  set("selected", state.selected);
  if (state.map) {
    const centre = state.map.getCenter();
    set("lat", centre.lat.toFixed(4));
    set("lon", centre.lng.toFixed(4));
    set("zoom", String(state.map.getZoom()));
  }
  history.replaceState(null, "", url);
}

const NETWORK = `
  query NetworkPage($id: ID!, $asOf: Date, $after: String) {
    actor(id: $id) {
      __typename id name kind website description
      location { latitude longitude }
      ... on Network {
        members(asOf: $asOf, first: ${PAGE}, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes {
            id name kind
            location { latitude longitude }
            territories { id name level parent { id name level parent { id name level } } }
            links(asOf: $asOf, first: 50) { nodes { id kind from { id } to { id } } }
          }
        }
      }
    }
  }`;

const PEERS = `
  query NetworkPeers($id: ID!, $asOf: Date) {
    peerProjects(actor: $id, outside: REGION, first: 6, asOf: $asOf) {
      peers { score actor { id name kind } }
    }
  }`;

async function load() {
  setStatus(tr("loading"));
  const members = [];
  let after = null;
  let network = null;
  for (let page = 0; page < 50; page += 1) {
    const found = await gql(NETWORK, { id: state.id, asOf: state.asOf, after });
    network = found.actor;
    const block = network?.members;
    if (!block) break;
    members.push(...block.nodes);
    if (!block.pageInfo.hasNextPage) break;
    after = block.pageInfo.endCursor;
  }
  state.network = network;
  state.members = members.map((m) => ({ ...m, kind: kindOf(m.kind) }));
  let peers = [];
  try {
    peers = (await gql(PEERS, { id: state.id, asOf: state.asOf })).peerProjects.peers;
  } catch {
    peers = [];
  }
  state.peers = peers;
  render(peers);
}

function kindFilter() {
  let select = document.getElementById("network-kind");
  if (!select) {
    select = document.createElement("select");
    select.id = "network-kind";
    select.addEventListener("change", () => {
      state.kind = select.value || null;
      saveState();
      render(state.peers ?? []);
    });
    document.getElementById("members-title").after(select);
  }
  const kinds = [...new Set(state.members.map((m) => m.kind))].sort();
  select.replaceChildren(...[["", tr("allKinds")], ...kinds.map((k) => [k, tr("kinds")[k] ?? k])].map(([value, label]) => {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = label;
    return option;
  }));
  select.value = state.kind ?? "";
  select.setAttribute("aria-label", tr("members"));
}

function setStatus(text) {
  document.getElementById("network-status").textContent = text;
}

const KIND_OF_ENUM = { NETWORK: "Network", ORGANISATION: "Organisation", PROJECT: "Project", ADVOCACY_BODY: "AdvocacyBody" };

function kindOf(value) {
  return KIND_OF_ENUM[value] ?? value;
}

/** The région of a member: one it is active in or seated in, else its seat's or département's. */
function regionOf(member) {
  for (const level of ["REGION", "DEPARTEMENT", "COMMUNE", "EPCI"]) {
    for (const territory of member.territories ?? []) {
      if (territory.level !== level) continue;
      let current = territory;
      while (current && current.level !== "REGION") current = current.parent;
      if (current) return current;
    }
  }
  return null;
}

function visibleMembers() {
  return state.members.filter((m) => !state.kind || m.kind === state.kind);
}

function render(peers) {
  const network = state.network;
  document.documentElement.lang = state.lang;
  document.title = `Maillage — ${network.name}`;
  document.getElementById("network-name").textContent = tr("title", { name: network.name });
  for (const [id, key] of [["back-to-map", "back"], ["network-asof-label", "asOf"], ["figures-title", "figures"],
    ["regions-title", "regions"], ["members-title", "members"], ["peers-title", "peers"]]) {
    document.getElementById(id).textContent = tr(key);
  }
  document.getElementById("network-map").setAttribute("aria-label", tr("map"));
  document.getElementById("network-asof").value = state.asOf ?? "";
  const members = visibleMembers();
  const ids = new Set(members.map((m) => m.id));
  ids.add(network.id);
  const links = new Map();
  for (const member of members) {
    for (const link of member.links?.nodes ?? []) {
      if (ids.has(link.from.id) && ids.has(link.to.id) && link.from.id !== link.to.id) links.set(link.id, link);
    }
  }
  const placed = members.filter((m) => m.location);
  const byRegion = new Map();
  for (const member of members) {
    const region = regionOf(member);
    const key = region ? region.name : tr("nowhere");
    byRegion.set(key, (byRegion.get(key) ?? 0) + 1);
  }
  const byKind = new Map();
  for (const member of members) byKind.set(member.kind, (byKind.get(member.kind) ?? 0) + 1);
  const memberLinks = [...links.values()].filter((l) => l.to.id !== network.id && l.from.id !== network.id);
  const figures = [
    [tr("membersCount"), members.length],
    [tr("placed"), placed.length],
    [tr("links"), memberLinks.length],
    [tr("regionsCount"), [...byRegion.keys()].filter((k) => k !== tr("nowhere")).length],
    ...[...byKind.entries()].map(([kind, count]) => [tr("kinds")[kind] ?? kind, count]),
  ];
  const dl = document.getElementById("network-figures");
  dl.replaceChildren(...figures.flatMap(([label, value]) => {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = number(value);
    return [dt, dd];
  }));
  dl.dataset.members = String(members.length);
  dl.dataset.placed = String(placed.length);
  dl.dataset.links = String(memberLinks.length);
  const regions = document.getElementById("network-regions");
  regions.replaceChildren(...[...byRegion.entries()].sort((a, b) => b[1] - a[1]).map(([name, count]) => {
    const li = document.createElement("li");
    li.textContent = `${name} : ${number(count)}`;
    return li;
  }));
  kindFilter();
  renderMembers(members);
  renderPeers(peers);
  drawMap(network, members, [...links.values()]);
  setStatus(members.length ? tr("loaded", { members: number(members.length), placed: number(placed.length) }) : tr("noMember"));
  const when = state.asOf ? tr("on", { date: day(state.asOf) }) : tr("every");
  document.getElementById("network-foot").textContent = tr("foot", { when });
  document.body.dataset.loaded = "true";
}

function renderMembers(members) {
  const list = document.getElementById("network-members");
  const sorted = [...members].sort((a, b) => a.name.localeCompare(b.name, state.lang));
  list.replaceChildren(...sorted.map((member) => {
    const li = document.createElement("li");
    li.dataset.id = member.id;
    if (member.id === state.selected) li.classList.add("selected");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = member.name;
    button.addEventListener("click", () => select(member.id));
    li.append(button);
    return li;
  }));
}

function renderPeers(peers) {
  const list = document.getElementById("network-peers");
  if (!peers.length) {
    const li = document.createElement("li");
    li.textContent = tr("noPeer");
    list.replaceChildren(li);
    return;
  }
  list.replaceChildren(...peers.map((peer) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `reseau/${encodeURIComponent(peer.actor.id)}${state.embed ? "?embed=1" : ""}`;
    a.textContent = `${peer.actor.name} (${Math.round(peer.score * 100)} %)`;
    if (kindOf(peer.actor.kind) !== "Network") {
      li.textContent = a.textContent;
    } else {
      li.append(a);
    }
    return li;
  }));
}

function drawMap(network, members, links) {
  if (!state.map) {
    state.map = L.map("network-map", { zoomSnap: 0.25, minZoom: 3, maxZoom: 12 });
    state.map.attributionControl.setPrefix(false);
    state.layer = L.layerGroup().addTo(state.map);
    state.map.on("moveend", saveState);
    fetch("geo/regions.geojson").then((r) => r.json()).then((shapes) => {
      L.geoJSON(shapes, { style: { color: "#8aa1b4", weight: 0.6, fillColor: "#eef3f7", fillOpacity: 0.6 }, interactive: false })
        .addTo(state.map).bringToBack();
    }).catch(() => {});
  }
  state.layer.clearLayers();
  state.markers.clear();
  const points = new Map();
  if (network.location) points.set(network.id, [network.location.latitude, network.location.longitude]);
  for (const member of members) {
    if (member.location) points.set(member.id, [member.location.latitude, member.location.longitude]);
  }
  for (const link of links) {
    const a = points.get(link.from.id);
    const b = points.get(link.to.id);
    if (a && b) L.polyline([a, b], { color: "#6c7a89", weight: 1, opacity: 0.6, className: "network-link" }).addTo(state.layer);
  }
  for (const member of members) {
    const at = points.get(member.id);
    if (!at) continue;
    const marker = L.circleMarker(at, {
      radius: member.id === state.selected ? 9 : 6,
      color: "#ffffff",
      weight: 1.5,
      fillColor: KIND_COLOURS[member.kind] ?? "#555",
      fillOpacity: 0.95,
      className: "network-member",
    }).bindTooltip(member.name);
    marker.on("click", () => select(member.id));
    marker.addTo(state.layer);
    state.markers.set(member.id, marker);
  }
  if (network.location) {
    L.circleMarker(points.get(network.id), { radius: 11, color: "#1f3b57", weight: 2, fillColor: KIND_COLOURS.Network, fillOpacity: 1 })
      .bindTooltip(network.name).addTo(state.layer);
  }
  if (state.view) {
    state.map.setView([state.view[0], state.view[1]], state.view[2]);
    state.view = null;
  } else if (points.size) {
    state.map.fitBounds(L.latLngBounds([...points.values()]).pad(0.2), { maxZoom: 9 });
  } else {
    state.map.setView([46.6, 2.4], 5.5);
  }
  document.getElementById("network-map").dataset.members = String(state.markers.size);
}

function select(id) {
  state.selected = state.selected === id ? null : id;
  for (const li of document.querySelectorAll("#network-members li")) li.classList.toggle("selected", li.dataset.id === state.selected);
  for (const [memberId, marker] of state.markers) marker.setRadius(memberId === state.selected ? 9 : 6);
  const marker = state.selected ? state.markers.get(state.selected) : null;
  if (marker) state.map.panTo(marker.getLatLng());
  saveState();
}

function start() {
  if (typeof L === "undefined") {
    window.setTimeout(start, 30);
    return;
  }
  if (state.embed) document.body.classList.add("embed");
  const back = document.getElementById("back-to-map");
  back.href = "./";
  document.getElementById("network-asof").addEventListener("change", (event) => {
    state.asOf = event.target.value || null;
    saveState();
    load().catch(failed);
  });
  load().then(saveState).catch(failed);
}

function failed(error) {
  setStatus(tr("failed", { reason: error.message }));
  document.body.dataset.loaded = "failed";
}

start();
