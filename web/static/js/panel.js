// The actor panel: details, links (kind, dates, sources), networks, peer projects.
import { fetchPeers } from "./graphql.js";
import { has, lang, t } from "./i18n.js";
import { KIND_COLOURS, linkDates, markerSvg, positionStyle, positionText } from "./map.js";
import { el } from "./text.js";

function sourceItem(source) {
  const label = `${source.system}: ${source.key}`;
  if (source.url && /^https?:\/\//i.test(source.url)) {
    return el("a", { href: source.url, rel: "noopener noreferrer", target: "_blank" }, label);
  }
  return label;
}

function sourcesLine(sources, { prefix = true } = {}) {
  if (!sources?.length) return null;
  const line = el("span", { class: "sources" }, prefix ? `${t("panel.sources")} ` : "");
  sources.forEach((source, index) => {
    if (index) line.append(", ");
    line.append(sourceItem(source));
  });
  return line;
}

export function linkLabel(link, fromSide) {
  // fromSide: the link read from its `from` end ("is member of") or its `to` end ("has member")
  const base = t(`link.${link.kind}.${fromSide ? "out" : "in"}`);
  if (link.subkind) {
    const sub = has(`subkind.${link.subkind}`) ? t(`subkind.${link.subkind}`) : link.subkind;
    return `${base} (${sub})`;
  }
  return base;
}

/** A theme's label in the page's language (the API gives French, and English when known). */
export function themeLabel(theme) {
  return (lang() === "en" && theme.labelEn) || theme.label;
}

function kindBadge(actor) {
  const badge = el("span", { class: "kind-badge" });
  badge.innerHTML = markerSvg(actor.kind, "exact", KIND_COLOURS[actor.kind], 14);
  badge.append(` ${t(`kind.${actor.kind}`)}`);
  return badge;
}

export class ActorPanel {
  constructor(root, { onActor, onClose, onPathFrom, onPathTo, onCentre }) {
    this.root = root;
    this.title = root.querySelector("#panel-title");
    this.body = root.querySelector("#panel-body");
    this.handlers = { onActor, onClose, onPathFrom, onPathTo, onCentre };
    root.querySelector("#panel-close").addEventListener("click", () => this.close());
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
    this.actor = null;
  }

  get isOpen() {
    return !this.root.hidden;
  }

  loading(name) {
    this.root.hidden = false;
    this.title.textContent = name ?? t("panel.loading");
    this.body.replaceChildren(el("p", { class: "help" }, t("panel.loading")));
  }

  error(message) {
    this.body.replaceChildren(el("p", { class: "error", role: "alert" }, message));
  }

  close() {
    if (this.root.hidden) return;
    this.root.hidden = true;
    this.actor = null;
    this.handlers.onClose?.();
  }

  /** Render an actor as fetched by graphql.fetchActor. */
  show(actor, { asOf } = {}) {
    this.actor = actor;
    this.asOf = asOf;
    this.root.hidden = false;
    this.render();
    this.title.focus({ preventScroll: true });
  }

  render() {
    const actor = this.actor;
    if (!actor) return;
    this.title.textContent = actor.name;
    const body = [];

    const facts = el("dl", { class: "facts" });
    const fact = (term, ...value) => {
      if (value.every((v) => v === null || v === undefined || v === "")) return;
      facts.append(el("dt", {}, term), el("dd", {}, ...value));
    };
    fact(t("panel.kind"), kindBadge(actor));
    if (actor.level) fact(t("panel.level"), t(`level.${actor.level}`));
    fact(t("panel.legal_form"), actor.legalForm);
    const territories = actor.territories
      .map((tr) => (tr.level === "country" ? tr.name : `${tr.name} (${tr.code})`))
      .join(", ");
    fact(t("panel.territories"), territories);
    fact(t("panel.location"), el("span", { class: `position-${positionStyle(actor)}` }, positionText(actor)));
    if (actor.themes.length) {
      fact(t("panel.themes"), el("ul", { class: "themes" }, actor.themes.map((th) => el("li", {}, themeLabel(th)))));
    }
    if (actor.website && /^https?:\/\//i.test(actor.website)) {
      fact(t("panel.website"), el("a", { href: actor.website, rel: "noopener noreferrer", target: "_blank" }, actor.website));
    }
    // `id:` and `name:` keys are the graph's own matching keys, not identifiers people use
    const aliases = actor.aliases.filter((alias) => !/^(id|name):/.test(alias));
    fact(t("panel.aliases"), aliases.join(", "));
    if (actor.sources.length) fact(t("panel.sources_actor"), sourcesLine(actor.sources, { prefix: false }));
    body.push(facts);

    const actions = el(
      "div",
      { class: "row wrap" },
      el("button", { type: "button", class: "secondary small", onclick: () => this.handlers.onCentre?.(actor) }, t("panel.centre")),
      el("button", { type: "button", class: "secondary small", onclick: () => this.handlers.onPathFrom?.(actor) }, t("panel.path_from")),
      el("button", { type: "button", class: "secondary small", onclick: () => this.handlers.onPathTo?.(actor) }, t("panel.path_to")),
    );
    body.push(actions);

    // what it is a member of (networks, bodies), as of the date filter
    const memberships = actor.memberships ?? [];
    body.push(el("h3", {}, t("panel.member_of"), " ", el("span", { class: "count" }, `(${memberships.length})`)));
    if (memberships.length) {
      body.push(
        el(
          "ul",
          { class: "plain", id: "panel-memberships" },
          memberships.map((l) => el("li", {}, this.actorButton(l.to), " ", el("span", { class: "help" }, linkDates(l)))),
        ),
      );
    } else {
      body.push(el("p", { class: "help" }, t("panel.no_memberships")));
    }

    body.push(
      el("h3", {}, t("panel.links"), " ", el("span", { class: "count" }, `(${actor.linkCount ?? actor.links.length})`)),
    );
    if (actor.linkCount > actor.links.length) {
      body.push(el("p", { class: "help" }, t("panel.links_partial", { shown: actor.links.length, count: actor.linkCount })));
    }
    if (this.asOf) body.push(el("p", { class: "help" }, t("panel.links_as_of", { date: this.asOf })));
    if (actor.links.length) {
      const list = el("ul", { class: "links" });
      const sorted = [...actor.links].sort((a, b) => a.kind.localeCompare(b.kind));
      for (const link of sorted) {
        const outgoing = link.from === actor.id;
        const other = outgoing ? link.to : link.from;
        list.append(
          el(
            "li",
            { class: `link kind-${link.kind}` },
            el("span", { class: "link-kind" }, linkLabel(link, outgoing)),
            " ",
            this.actorButton(other),
            el("br"),
            el("span", { class: "help" }, linkDates(link)),
            link.sources.length ? el("br") : null,
            sourcesLine(link.sources),
          ),
        );
      }
      body.push(list);
    } else {
      body.push(el("p", { class: "help" }, t("panel.no_links")));
    }

    const peers = el("div", { class: "peers", "aria-live": "polite" }, el("p", { class: "help" }, t("panel.loading")));
    body.push(el("h3", {}, t("panel.peers")), el("p", { class: "help" }, t("panel.peers_help")), peers);
    this.body.replaceChildren(...body);
    this.loadPeers(actor, peers);
  }

  async loadPeers(actor, container) {
    let answer;
    try {
      answer = await fetchPeers(actor.id, { asOf: this.asOf });
    } catch (error) {
      if (this.actor !== actor) return;
      const message = error.field === "outside" ? t("panel.peers_no_territory") : t("panel.peers_error", { message: error.message });
      container.replaceChildren(el("p", { class: error.field === "outside" ? "help" : "error" }, message));
      return;
    }
    if (this.actor !== actor) return;
    // the API compares at the région when the département is unknown, everywhere when the
    // actor has no place at all: say so
    let note = null;
    if (!answer.territory) note = el("p", { class: "help", id: "peers-note" }, t("panel.peers_anywhere"));
    else if (answer.outside === "region") note = el("p", { class: "help", id: "peers-note" }, t("panel.peers_fallback"));
    if (!answer.peers.length) {
      const where = answer.territory || t("panel.peers_everywhere");
      container.replaceChildren(...[note, el("p", { class: "help" }, t("panel.no_peers", { territory: where }))].filter(Boolean));
      return;
    }
    container.replaceChildren(
      ...(note ? [note] : []),
      el(
        "ul",
        { class: "plain", id: "panel-peers" },
        answer.peers.map((peer) => {
          actor.linkedActors.set(peer.actor.id, peer.actor);
          const reasons = [];
          if (peer.themes.length) reasons.push(t("peer.themes", { items: peer.themes.map(themeLabel).join(", ") }));
          if (peer.methods.length) reasons.push(t("peer.methods", { items: peer.methods.join(", ") }));
          if (peer.networks.length) reasons.push(t("peer.networks", { items: peer.networks.map((n) => n.name).join(", ") }));
          if (peer.carrierKinds.length) {
            reasons.push(t("peer.carriers", { items: peer.carrierKinds.map((k) => t(`kind.${k}`)).join(", ") }));
          }
          return el(
            "li",
            {},
            this.actorButton(peer.actor.id),
            " ",
            el("span", { class: "count" }, t("peer.score", { score: Math.round(peer.score * 100) })),
            reasons.length ? el("br") : null,
            reasons.length ? el("span", { class: "help" }, reasons.join(" · ")) : null,
          );
        }),
      ),
    );
  }

  actorButton(id) {
    const other = this.actor.linkedActors.get(id);
    const name = other?.name ?? id;
    return el(
      "button",
      { type: "button", class: "link-button", dataset: { actorId: id }, onclick: () => this.handlers.onActor?.(id) },
      name,
    );
  }
}
