// Territorial clusters of a scope, coloured on the map; the scope's brokers and isolated actors.
import { isoDate } from "./dates.js";
import { fetchClusters } from "./graphql.js";
import { t } from "./i18n.js";
import { el } from "./text.js";

// 12 distinguishable colours (Tableau 10 darkened for contrast on the light land colour, plus
// two); clusters beyond 12 share the grey of "other".
export const CLUSTER_COLOURS = [
  "#1f5f99", "#c2410c", "#15803d", "#b91c1c", "#6d28d9", "#854d0e",
  "#be185d", "#0e7490", "#4d7c0f", "#9a3412", "#1e3a8a", "#7e22ce",
];
const OTHER = "#6b7280";

export class ClusterView {
  constructor({ map, onActor, onColouring, status, names }) {
    this.map = map;
    // names.departement(code) and names.theme(id): labels in the page's language
    this.names = names;
    this.onActor = onActor;
    this.onColouring = onColouring;
    this.status = status;
    this.form = document.getElementById("clusters-form");
    this.scope = document.getElementById("clusters-scope");
    this.resolution = document.getElementById("clusters-resolution");
    this.result = document.getElementById("clusters-result");
    this.data = null;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.compute();
    });
    document.getElementById("clusters-clear").addEventListener("click", () => this.clear());
  }

  clear() {
    this.data = null;
    this.result.replaceChildren();
    this.onColouring(null, null);
  }

  async compute() {
    this.result.replaceChildren(el("p", { class: "help" }, t("clusters.computing")));
    try {
      this.data = await fetchClusters(this.scope.value, {
        resolution: Number(this.resolution.value) || 1,
        asOf: isoDate(document.getElementById("filter-asof")) || null,
        throughHubs: document.getElementById("clusters-hubs").checked,
      });
    } catch (error) {
      this.result.replaceChildren(el("p", { class: "error", role: "alert" }, t("clusters.error", { message: error.message })));
      return;
    }
    const clusterOf = new Map();
    this.data.clusters.forEach((cluster, index) => {
      cluster.colour = CLUSTER_COLOURS[index] ?? OTHER;
      for (const id of cluster.members) clusterOf.set(id, cluster);
    });
    this.clusterOf = clusterOf;
    this.onColouring((actor) => clusterOf.get(actor.id)?.colour ?? "#9ca3af", clusterOf);
    this.render();
  }

  /** What a cluster is, in words: size, ties, where, on what, around whom. */
  summary(cluster) {
    const percent = (share) => `${Math.round(share * 100)} %`;
    const lines = [
      t("clusters.ties", {
        inside: cluster.internalLinks,
        outside: cluster.externalLinks,
        density: cluster.density.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 2 }),
      }),
    ];
    if (cluster.departements.length) {
      const where = cluster.departements
        .slice(0, 3)
        .map((d) => `${this.names.departement(d.key)} ${percent(d.share)}`)
        .join(", ");
      lines.push(t("clusters.where", { items: where }));
    }
    if (cluster.themes.length) {
      const short = (text) => (text.length > 40 ? `${text.slice(0, 38).trimEnd()}…` : text);
      const themes = cluster.themes.slice(0, 3).map((th) => `${short(this.names.theme(th.key))} ${percent(th.share)}`);
      lines.push(t("clusters.themes", { items: themes.join(", ") }));
    }
    if (cluster.central.length) {
      lines.push(t("clusters.central", { items: cluster.central.slice(0, 3).map((c) => c.name).join(", ") }));
    }
    return lines;
  }

  render() {
    if (!this.data) return;
    const { clusters, brokers, isolated } = this.data;
    const nodes = [el("h3", {}, t("clusters.title", { count: clusters.length }))];
    nodes.push(
      el(
        "p",
        { class: "help" },
        t("clusters.overview", {
          actors: this.data.actors,
          unclustered: this.data.unclustered,
          modularity: this.data.modularity.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 2 }),
        }),
      ),
    );
    // those in no cluster, by cause: without any link (the isolated actors below), or linked
    // only to actors outside the territory (a national network without a position, most often)
    const outsideOnly = Math.max(0, this.data.unclustered - this.data.isolatedTotal);
    if (!clusters.length) {
      const hubs = document.getElementById("clusters-hubs").checked;
      const why = outsideOnly && !hubs ? "clusters.none_outside" : "clusters.none";
      nodes.push(el("p", { class: "notice", id: "clusters-none" }, t(why)));
    }
    const causes = [];
    if (outsideOnly) causes.push(el("li", {}, t("clusters.outside_only", { count: outsideOnly })));
    if (this.data.isolatedTotal && this.data.unclustered) {
      causes.push(el("li", {}, t("clusters.unclustered_isolated", { count: Math.min(this.data.isolatedTotal, this.data.unclustered) })));
    }
    if (causes.length) nodes.push(el("ul", { class: "help", id: "clusters-unclustered" }, causes));
    const list = el("ul", { class: "clusters", id: "clusters-list" });
    clusters.forEach((cluster, index) => {
      list.append(
        el(
          "li",
          { class: "cluster", dataset: { clusterId: cluster.id } },
          el("span", { class: "swatch", style: `background:${cluster.colour}`, "aria-hidden": "true" }),
          el(
            "button",
            { type: "button", class: "link-button", onclick: () => this.map.fitActors(cluster.members) },
            t("clusters.item", { n: index + 1, id: cluster.id, count: cluster.size }),
          ),
          el("ul", { class: "summary" }, this.summary(cluster).map((line) => el("li", {}, line))),
        ),
      );
    });
    nodes.push(list);

    const real = brokers.filter((b) => b.score > 0);
    nodes.push(el("h3", {}, t("clusters.brokers")), el("p", { class: "help" }, t("clusters.brokers_help")));
    nodes.push(
      real.length
        ? el(
            "ol",
            { class: "plain numbered", id: "brokers-list" },
            real.map((b) =>
              el("li", {}, this.actorButton(b.actor), " ", el("span", { class: "count" }, t("clusters.broker_score", { score: Math.round(b.score * 100) }))),
            ),
          )
        : el("p", { class: "help" }, t("clusters.no_brokers")),
    );
    nodes.push(el("h3", {}, t("clusters.isolated", { count: this.data.isolatedTotal })), el("p", { class: "help" }, t("clusters.isolated_help")));
    nodes.push(
      isolated.length
        ? el("ul", { class: "plain", id: "isolated-list" }, isolated.map((a) => el("li", {}, this.actorButton(a))))
        : el("p", { class: "help" }, t("clusters.no_isolated")),
    );
    this.result.replaceChildren(...nodes);
    this.status?.(t("clusters.title", { count: clusters.length }));
  }

  actorButton(actor) {
    return el(
      "button",
      { type: "button", class: "link-button", dataset: { actorId: actor.id }, onclick: () => this.onActor(actor.id) },
      actor.name,
    );
  }

  relabel() {
    this.render();
  }
}
