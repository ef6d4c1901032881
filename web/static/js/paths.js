// Cooperation paths: from one actor to another over dated links, drawn and listed hop by hop.
import { ActorCombo } from "./autocomplete.js";
import { isoDate } from "./dates.js";
import { fetchPaths } from "./graphql.js";
import { t } from "./i18n.js";
import { linkDates, positionStyle } from "./map.js";
import { linkLabel } from "./panel.js";
import { el } from "./text.js";

export class PathFinder {
  constructor({ map, onActor, status }) {
    this.map = map;
    this.onActor = onActor;
    this.status = status;
    this.form = document.getElementById("path-form");
    this.result = document.getElementById("path-result");
    this.from = new ActorCombo(document.getElementById("path-from"), document.getElementById("path-from-options"));
    this.to = new ActorCombo(document.getElementById("path-to"), document.getElementById("path-to-options"));
    this.avoid = document.getElementById("path-avoid");
    this.asOf = document.getElementById("path-asof");
    this.hops = document.getElementById("path-hops");
    this.paths = [];
    this.shown = 0;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.find();
    });
    document.getElementById("path-swap").addEventListener("click", () => {
      const a = this.from.value;
      const b = this.to.value;
      this.from.set(b);
      this.to.set(a);
    });
    document.getElementById("path-clear").addEventListener("click", () => this.clear());
  }

  setFrom(actor) {
    this.from.set(actor);
  }

  setTo(actor) {
    this.to.set(actor);
  }

  clear() {
    this.paths = [];
    this.answer = null;
    this.map.showPath(null);
    this.result.replaceChildren();
  }

  async find() {
    if (!this.from.value || !this.to.value) {
      this.result.replaceChildren(el("p", { class: "error", role: "alert" }, t("path.pick_both")));
      return;
    }
    if (this.from.value.id === this.to.value.id) {
      this.result.replaceChildren(el("p", { class: "error", role: "alert" }, t("path.same")));
      return;
    }
    this.result.replaceChildren(el("p", { class: "help" }, t("path.searching")));
    try {
      this.asked = {
        avoidUmbrella: this.avoid.checked,
        asOf: isoDate(this.asOf) || null,
        maxHops: Number(this.hops.value) || null,
      };
      this.answer = await fetchPaths(this.from.value.id, this.to.value.id, this.asked);
    } catch (error) {
      this.answer = null;
      this.map.showPath(null);
      this.result.replaceChildren(el("p", { class: "error", role: "alert" }, t("path.error", { message: error.message })));
      return;
    }
    this.paths = this.answer.paths;
    this.shown = 0;
    this.render();
  }

  /** Why there is no path: an end without any link, else the constraints, else no chain. */
  noPathReason() {
    const { linkCounts, blocking } = this.answer;
    const when = this.asked?.asOf ? t("path.no_link_when") : "";
    for (const [end, combo] of [["from", this.from], ["to", this.to]]) {
      if (linkCounts?.[end] === 0) return t("path.no_link", { name: combo.value?.name ?? "", when });
    }
    // with at most one constraint (the number of steps is always one), the API lifted it and
    // still found no path: the two are not connected; with several, lifting them together might
    const several = this.asked && (this.asked.avoidUmbrella || this.asked.asOf);
    if (!blocking.length && !several) return t("path.not_connected");
    return t("path.none");
  }

  render() {
    const nodes = [];
    if (!this.answer) return;
    if (!this.paths.length) {
      this.map.showPath(null);
      nodes.push(el("p", { class: "notice", id: "path-none" }, this.noPathReason()));
      for (const constraint of this.answer.blocking) {
        nodes.push(el("p", { class: "help" }, t("path.blocking", { constraint: t(`path.constraint.${constraint}`) })));
      }
      this.result.replaceChildren(...nodes);
      this.status?.(t("path.none_short"));
      return;
    }
    if (this.paths.length > 1) {
      const choices = el("div", { class: "row wrap", role: "group", "aria-label": t("path.alternatives") });
      this.paths.forEach((path, index) => {
        choices.append(
          el(
            "button",
            {
              type: "button",
              class: index === this.shown ? "small" : "secondary small",
              "aria-pressed": String(index === this.shown),
              onclick: () => {
                this.shown = index;
                this.render();
              },
            },
            t("path.option", { n: index + 1, count: path.length }),
          ),
        );
      });
      nodes.push(choices);
    }
    const path = this.paths[this.shown];
    this.map.showPath(path);
    nodes.push(el("p", { class: "path-summary", id: "path-summary" }, t("path.found", { count: path.length })));
    const byId = new Map(path.actors.map((a) => [a.id, a]));
    const list = el("ol", { class: "hops", id: "path-hops-list" });
    for (const hop of path.hops) {
      // why this hop: every valid link joining the two actors, read from the hop's first actor
      const reasons = el("ul", { class: "reasons" });
      for (const link of hop.links) {
        const forward = link.direction !== "backward";
        const sources = link.sources.map((s) => `${s.system}: ${s.key}`).join(", ");
        reasons.append(
          el(
            "li",
            { class: `link kind-${link.kind}` },
            el("span", { class: "link-kind" }, linkLabel(link, forward)),
            " · ",
            el("span", { class: "help" }, linkDates(link), sources ? ` · ${t("panel.sources")} ${sources}` : ""),
          ),
        );
      }
      list.append(
        el(
          "li",
          { class: "hop" },
          this.actorButton(byId.get(hop.from)),
          el("span", { class: "hop-arrow", "aria-hidden": "true" }, " → "),
          el("span", { class: "visually-hidden" }, ` ${t("path.then")} `),
          this.actorButton(byId.get(hop.to)),
          reasons,
        ),
      );
    }
    nodes.push(list);
    const unplaced = path.actors.filter((a) => positionStyle(a) === "none");
    if (unplaced.length) {
      nodes.push(el("p", { class: "help" }, t("path.unplaced", { names: unplaced.map((a) => a.name).join(", ") })));
    }
    this.result.replaceChildren(...nodes);
    this.status?.(t("path.status", { count: path.length }));
  }

  actorButton(actor) {
    if (!actor) return "?";
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
