// Live map: follows the graph's changes and reloads what the map shows when one touches it.
//
// The page opens the GraphQL subscription `changes` on the WebSocket of /graphql (protocol
// graphql-transport-ws, the one the API serves; docs/api.md), filtered by the territory and the
// network the map shows. When a change touches a shown actor, or may add one (an actor created
// or moved), the map is read again through main.js's own loading function, at most once per
// DEBOUNCE ms, and a short notice says how many changes it took in ("Carte mise à jour :
// 2 changements"). A lost connection is reopened with a growing delay (1 s, 2 s, 4 s… 30 s at
// most), from the last sequence number seen, so no change is missed across a reconnection.
//
// Why a WebSocket rather than Server-Sent Events: the subscription is the API's one live
// interface (the same filters, the same token check for scripts that need one), and a map
// behind MAILLAGE_PUBLIC_READ=false can send its token in connection_init, which an
// EventSource cannot send in a header.
import { lang } from "./i18n.js";

const PROTOCOL = "graphql-transport-ws";
const DEBOUNCE = 300;
const NOTICE_MS = 4000;
const RETRY_FIRST = 1000;
const RETRY_MOST = 30_000;
// the kinds that change what the map draws (an edit's audit entry comes with the change itself)
const KINDS = [
  "actor.created",
  "actor.updated",
  "actor.removed",
  "link.created",
  "link.updated",
  "link.ended",
  "link.removed",
  "places",
  "graph.cleared",
];
// kinds that may bring an actor into the map's selection even when none shown is named
const MAY_ADD = new Set(["actor.created", "actor.updated", "places", "graph.cleared"]);
const SUBSCRIPTION = `
  subscription Live($territory: String, $network: ID, $kinds: [String!], $after: Int) {
    changes(territory: $territory, network: $network, kinds: $kinds, after: $after) {
      seq n kind targets links { source target } actors { id }
    }
  }`;

// the notice's words (kept here: the page's translation files belong to the page's modules)
const WORDS = {
  fr: (n) => (n <= 1 ? `Carte mise à jour : ${n} changement` : `Carte mise à jour : ${n} changements`),
  en: (n) => (n === 1 ? "Map updated: 1 change" : `Map updated: ${n} changes`),
};

function updatedText(count) {
  return (WORDS[lang()] ?? WORDS.fr)(count);
}

function socketUrl() {
  const url = new URL("graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.hash = "";
  return url.href;
}

/**
 * Start following the changes.
 * `reload()` reads the map again (main.js's loadActors), `state` is main.js's state (the actors
 * shown, the selection), `filter()` the current filter ({filter: {territory, memberOf}}),
 * `select(id)` opens an actor in the panel again (its links may have changed).
 */
export function startLive({ reload, state, filter, select = null, token = null }) {
  const live = new LiveMap({ reload, state, filter, select, token });
  // the graph's version now: a change made while the socket opens is then replayed, not missed
  fetch("ready", { cache: "no-cache" })
    .then((response) => response.json())
    .then((body) => {
      if (live.seq === null && Number.isInteger(body.graphVersion)) live.seq = body.graphVersion;
    })
    .catch(() => {})
    .finally(() => live.connect());
  if (window.maillage) window.maillage.live = live; // for the browser tests and debugging
  document.getElementById("filters")?.addEventListener("change", () => live.filtersChanged());
  return live;
}

class LiveMap {
  constructor({ reload, state, filter, select, token }) {
    this.reload = reload;
    this.state = state;
    this.filter = filter;
    this.select = select;
    this.token = token;
    this.socket = null;
    this.seq = null; // the last sequence number seen: a reconnection resumes after it
    this.op = 0;
    this.opSocket = null;
    this.scope = null;
    this.pending = 0;
    this.timer = null;
    this.retry = RETRY_FIRST;
    this.updates = 0; // reloads done, for the tests
    this.changesSeen = 0;
    this.selectedTouched = false;
    this.notice = null;
  }

  setStatus(status) {
    document.body.dataset.live = status;
  }

  connect() {
    this.setStatus("connecting");
    let socket;
    try {
      socket = new WebSocket(socketUrl(), PROTOCOL);
    } catch (error) {
      console.warn("live:", error);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      const payload = this.token ? { authorization: `Bearer ${this.token}` } : {};
      socket.send(JSON.stringify({ type: "connection_init", payload }));
    });
    socket.addEventListener("message", (event) => this.onMessage(socket, event));
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.setStatus("closed");
      if (event.code !== 1000) console.info(`live: closed (${event.code}) ${event.reason}`);
      this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    const delay = Math.min(this.retry, RETRY_MOST) * (0.8 + Math.random() * 0.4);
    this.retry = Math.min(this.retry * 2, RETRY_MOST);
    setTimeout(() => this.connect(), delay);
  }

  onMessage(socket, event) {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "connection_ack") {
      this.retry = RETRY_FIRST;
      this.setStatus("open");
      this.subscribe(socket);
    } else if (message.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next" && message.id === String(this.op)) {
      const change = message.payload?.data?.changes;
      if (change) this.onChange(change);
      else if (message.payload?.errors) console.warn("live:", message.payload.errors[0]?.message);
    } else if (message.type === "error") {
      console.warn("live:", message.payload?.[0]?.message);
    }
  }

  currentScope() {
    const { filter } = this.filter();
    return { territory: filter.territory ?? null, network: filter.memberOf ?? null };
  }

  subscribe(socket, { fromNow = false } = {}) {
    if (this.op && this.opSocket === socket) {
      socket.send(JSON.stringify({ id: String(this.op), type: "complete" }));
    }
    this.op += 1;
    this.opSocket = socket;
    this.scope = this.currentScope();
    // after a reconnection, from the last change seen (none is missed); after a change of the
    // filters, from now on (the map has just been read again for them)
    const variables = { ...this.scope, kinds: KINDS, after: fromNow ? null : this.seq };
    socket.send(
      JSON.stringify({ id: String(this.op), type: "subscribe", payload: { query: SUBSCRIPTION, variables } }),
    );
  }

  /** The filters changed: the map reloads itself; follow the new territory and network. */
  filtersChanged() {
    const scope = this.currentScope();
    if (this.scope && scope.territory === this.scope.territory && scope.network === this.scope.network) return;
    if (this.socket?.readyState === WebSocket.OPEN && this.op) this.subscribe(this.socket, { fromNow: true });
  }

  touchesMap(change) {
    if (MAY_ADD.has(change.kind)) return true;
    const shown = new Set(this.state.actors.map((a) => a.id));
    const ids = [...change.actors.map((a) => a.id), ...change.links.flatMap((l) => [l.source, l.target])];
    return ids.some((id) => shown.has(id));
  }

  onChange(change) {
    this.seq = Math.max(this.seq ?? 0, change.seq);
    this.changesSeen += 1;
    const selected = this.state.selected?.id;
    if (selected && change.actors.some((a) => a.id === selected)) this.selectedTouched = true;
    if (!this.touchesMap(change)) return;
    this.pending += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), DEBOUNCE);
  }

  async refresh() {
    const count = this.pending;
    this.pending = 0;
    const selected = this.selectedTouched ? this.state.selected?.id : null;
    this.selectedTouched = false;
    try {
      await this.reload();
      if (selected && this.select) await this.select(selected);
    } catch (error) {
      console.warn("live: reload failed:", error);
      return;
    }
    this.updates += 1;
    document.getElementById("map")?.setAttribute("data-live-updates", String(this.updates));
    this.showNotice(updatedText(count));
  }

  showNotice(text) {
    if (!this.notice) {
      this.notice = document.createElement("div");
      this.notice.className = "live-notice";
      this.notice.setAttribute("role", "status");
      this.notice.setAttribute("aria-live", "polite");
      Object.assign(this.notice.style, {
        position: "fixed",
        bottom: "1.5rem",
        left: "50%",
        transform: "translateX(-50%)",
        zIndex: "1000",
        padding: "0.45rem 0.9rem",
        borderRadius: "0.4rem",
        background: "#1f2937",
        color: "#fff",
        font: "inherit",
        fontSize: "0.9rem",
        boxShadow: "0 2px 8px rgba(0,0,0,.25)",
        pointerEvents: "none",
      });
      document.body.append(this.notice);
    }
    this.notice.textContent = text;
    this.notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice.hidden = true;
    }, NOTICE_MS);
  }
}
