// "Contribuer": the map's writing mode, for signed-in people (accounts: docs/api.md).
//
// A drawer with four tabs — an actor (add, or edit the one selected on the map), a link
// (declare it), the review queue (proposals to confirm or reject, the imports' duplicate
// candidates side by side), the history of the selected actor (with revert) — and, for a
// network's editors, the entries their network has not confirmed for long. Every action is a
// GraphQL field a script could call too; the server checks every right, this page only hides
// what one may not do (`me`).
//
// Proposed links are drawn dashed for every reader (proposed-links.js): they are no links and
// count in no analytics until an editor of the other side confirms them.
// A mutation sends the session's CSRF token (header X-CSRF-Token, from the `maillage_csrf`
// cookie). When the session has expired the form keeps what was typed (also kept in
// sessionStorage), and says to sign in again in another tab.
//
// It attaches to the map main.js exposes (window.maillage: map, view, state) once it exists.
//
// The drawer is this module; its panes are modules of their own, mixed into it: the actor form
// (contribute-actor.js, with contribute-commune.js), the review queue and merging
// (contribute-review.js); the texts, the API and the form helpers are contribute-texts.js,
// contribute-api.js and contribute-forms.js.
import { ActorPanes, REOPEN } from "./contribute-actor.js";
import { CONFIRM_ENTRY, HISTORY, LINK, ME, PROPOSE_LINK, REVERT, STALE, SessionExpired, call, csrfToken } from "./contribute-api.js";
import { LINK_KINDS, changed, clean, clearDraft, field, fieldLabel, mixin, restoreDraft, saveDraft, select, show, sourceOf } from "./contribute-forms.js";
import { ReviewPanes } from "./contribute-review.js";
import { TEXTS, tr } from "./contribute-texts.js";
import { ActorCombo } from "./autocomplete.js";
import { lang, onLanguageChange } from "./i18n.js";
import { drawProposedLinks, showProposedLinks } from "./proposed-links.js";
import { el } from "./text.js";

// --- the drawer -------------------------------------------------------------------------------

class Contribute {
  constructor(maillage, me) {
    this.maillage = maillage;
    this.me = me;
    this.tab = "actor";
    this.proposedLayer = L.layerGroup().addTo(maillage.map);
    this.proposals = [];
    this.picking = false;
    this.build();
    maillage.map.on("click", (event) => this.picked(event.latlng));
    onLanguageChange(() => this.rebuild());
    this.drawProposals();
  }

  async drawProposals() {
    this.proposals = await drawProposedLinks(this.maillage, this.proposedLayer);
  }

  // the header's buttons and the drawer itself
  build() {
    const topbar = document.querySelector(".topbar");
    const before = document.getElementById("lang-switch");
    this.toggleButton = el("button", {
      type: "button",
      id: "contribute-toggle",
      class: "contribute-toggle",
      "aria-controls": "contribute",
      "aria-expanded": "false",
      onclick: () => this.open(this.drawer.hidden),
    }, tr("toggle"));
    this.who = el("span", { class: "contribute-who", id: "contribute-who" }, this.me.name);
    this.signoutButton = el("button", { type: "button", id: "contribute-signout", class: "contribute-link",
      onclick: () => this.signOut() }, tr("signout"));
    this.bar = el("span", { class: "contribute-bar" }, this.toggleButton, this.who, this.signoutButton);
    topbar.insertBefore(this.bar, before);
    this.drawer = el("aside", { id: "contribute", class: "contribute", hidden: true, "aria-label": tr("toggle") });
    document.body.append(this.drawer);
    this.render();
  }

  rebuild() {
    this.bar.remove();
    this.drawer.remove();
    this.build();
  }

  open(on) {
    this.drawer.hidden = !on;
    this.toggleButton.setAttribute("aria-expanded", String(on));
    this.toggleButton.textContent = on ? tr("toggle.close") : tr("toggle");
    if (on) this.render();
  }

  tabs() {
    const tabs = ["actor", "link", "review", "history"];
    if (this.me.mayEdit && this.me.network) tabs.push("stale");
    return tabs.filter((tab) => tab !== "review" || this.me.mayEdit);
  }

  render() {
    const bar = el("div", { class: "contribute-tabs", role: "tablist" },
      ...this.tabs().map((tab) => el("button", {
        type: "button", role: "tab", id: `contribute-tab-${tab}`, "aria-selected": String(tab === this.tab),
        onclick: () => { this.tab = tab; this.render(); },
      }, tr(`tab.${tab}`))));
    this.messageBox = el("p", { class: "contribute-message", id: "contribute-message", role: "status", "aria-live": "polite" });
    this.body = el("div", { class: "contribute-body", id: `contribute-pane-${this.tab}` });
    this.drawer.replaceChildren(bar, this.messageBox, this.body);
    ({ actor: () => this.actorPane(), link: () => this.linkPane(), review: () => this.reviewPane(),
       history: () => this.historyPane(), stale: () => this.stalePane() })[this.tab]();
  }

  say(text, kind = "ok") {
    this.messageBox.replaceChildren(text);
    this.messageBox.dataset.kind = kind;
  }

  fail(error) {
    if (error instanceof SessionExpired) {
      this.messageBox.replaceChildren(tr("expired"), " ",
        el("a", { href: "signin.html", target: "_blank", rel: "opener" }, tr("expired.link")));
      this.messageBox.dataset.kind = "error";
      return;
    }
    this.say(error.message, "error");
  }

  /** Run an action; a typed problem (`... on Problem`) is shown, else `done`. */
  async act(work, done) {
    try {
      const answer = await work();
      if (answer?.message && answer.code) {
        this.say(answer.message, "error");
        return false;
      }
      if (done) this.say(done);
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  reloadMap() {
    // main.js reloads the map when its filters change: the new link is then drawn solid
    document.getElementById("filters")?.dispatchEvent(new Event("change"));
    setTimeout(() => this.drawProposals(), 300);
  }

  // --- a link -----------------------------------------------------------------------------
  linkPane() {
    const form = el("form", { id: "contribute-link", class: "contribute-form", novalidate: true });
    const combo = (name, label) => {
      const input = el("input", { name, role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
        "aria-controls": `cl-${name}-list`, autocomplete: "off" });
      const list = el("ul", { id: `cl-${name}-list`, role: "listbox", class: "listbox", hidden: true });
      return { node: el("div", { class: "contribute-field combo" }, el("label", { for: `cl-${name}` }, label), input, list), input, list };
    };
    const from = combo("from", tr("link.from"));
    const to = combo("to", tr("link.to"));
    from.input.id = "cl-from";
    to.input.id = "cl-to";
    form.append(
      el("p", { class: "help" }, tr("link.help")),
      field("cl-kind", tr("link.kind"), select("kind", LINK_KINDS, (k) => tr(`link.${k}`))),
      from.node,
      to.node,
      field("cl-since", tr("link.since"), el("input", { name: "since", inputmode: "numeric", placeholder: "2024-01-01" })),
      field("cl-until", tr("link.until"), el("input", { name: "until", inputmode: "numeric" })),
      field("cl-source", tr("source.url"), el("input", { name: "sourceUrl", type: "url", required: true, maxlength: 500 })),
      field("cl-key", tr("source.key"), el("input", { name: "sourceKey", maxlength: 300 })),
      el("button", { type: "submit", id: "contribute-link-submit" }, this.me.mayEdit ? tr("submit.edit") : tr("submit.propose")),
    );
    const ends = { from: new ActorCombo(from.input, from.list), to: new ActorCombo(to.input, to.list) };
    const selected = this.maillage.state.selected;
    if (selected) {
      from.input.value = selected.name;
      ends.from.value = { id: selected.id, name: selected.name };
    }
    restoreDraft(form);
    form.addEventListener("input", () => saveDraft(form));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendLink(form, ends);
    });
    this.body.replaceChildren(form);
  }

  async sendLink(form, ends) {
    const f = form.elements;
    const input = {
      from: ends.from.value?.id ?? clean(f.from.value),
      to: ends.to.value?.id ?? clean(f.to.value),
      kind: f.kind.value,
      since: clean(f.since.value),
      until: clean(f.until.value),
      source: sourceOf(form),
    };
    if (!input.source) {
      this.say(tr("source.url"), "error");
      f.sourceUrl.focus();
      return;
    }
    let message = tr("done.proposed");
    const ok = await this.act(async () => {
      if (this.me.mayEdit) {
        try {
          const saved = (await call(LINK, { input })).linkActors;
          if (saved.__typename === "LinkSaved") {
            message = tr("done.saved");
            return saved;
          }
          return saved;
        } catch (error) {
          if (error.code !== "outside_network") throw error;
          message = tr("done.proposedOther"); // one end is another network's: they confirm
        }
      }
      return (await call(PROPOSE_LINK, { input })).proposeLink;
    }, null);
    if (ok) {
      this.say(message);
      clearDraft(form);
      this.reloadMap();
    }
  }

  // --- history ----------------------------------------------------------------------------
  async historyPane() {
    const selected = this.maillage.state.selected;
    if (!selected) {
      this.body.replaceChildren(el("p", { class: "help" }, tr("history.none")));
      return;
    }
    const list = el("ol", { class: "contribute-history", id: "contribute-history" });
    this.body.replaceChildren(el("h3", {}, selected.name), list);
    try {
      const items = (await call(HISTORY, { of: selected.id })).history.items;
      if (!items.length) list.replaceWith(el("p", { class: "help" }, tr("history.empty")));
      for (const item of items) list.append(this.historyItem(item));
    } catch (error) {
      this.fail(error);
    }
  }

  historyItem(item) {
    const when = new Date(item.at).toLocaleString(lang() === "fr" ? "fr-FR" : "en-GB");
    const who = item.run ? tr("history.run", { run: item.run }) : (item.by ?? "");
    const fields = item.before || item.after ? changed(item.before, item.after) : [];
    const table = fields.length
      ? el("table", { class: "diff" },
        el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", {}, tr("history.before")), el("th", {}, tr("history.after")))),
        el("tbody", {}, ...fields.map((f) => el("tr", {}, el("th", { scope: "row" }, fieldLabel(f.name)),
          el("td", { class: "before" }, show(f.before)), el("td", { class: "after" }, show(f.after))))))
      : "";
    const node = el("li", { dataset: { change: item.id } },
      el("p", {}, el("strong", {}, item.operation), ` · ${when} · ${who}`), table);
    if (item.revertible && this.me.mayEdit) {
      node.append(el("button", { type: "button", class: "revert", onclick: async () => {
        const ok = await this.act(async () => (await call(REVERT, { id: item.id })).revertChange, tr("done.reverted"));
        if (ok) {
          this.reloadMap();
          this.historyPane();
        }
      } }, tr("history.revert")));
    }
    return node;
  }

  // --- stale entries ----------------------------------------------------------------------
  async stalePane() {
    const list = el("ul", { class: "contribute-stale", id: "contribute-stale" });
    this.body.replaceChildren(list);
    try {
      const stale = (await call(STALE, { n: this.me.network })).staleEntries;
      const since = (date) => tr("stale.since", { date: date ? new Date(date).toLocaleDateString(lang() === "fr" ? "fr-FR" : "en-GB") : "?" });
      for (const entry of stale.actors) {
        list.append(this.staleItem(entry.actor.name, since(entry.lastChanged), { id: entry.actor.id }, false));
      }
      for (const entry of stale.links) {
        const text = `${entry.link.from.name} — ${tr(`link.${entry.link.kind}`)} → ${entry.link.to.name}`;
        list.append(this.staleItem(text, since(entry.lastChanged), { id: entry.link.id, from: entry.link.from.id }, true));
      }
      if (!list.children.length) list.replaceWith(el("p", { class: "help" }, tr("stale.none")));
    } catch (error) {
      this.fail(error);
    }
  }

  staleItem(text, since, variables, endable) {
    const until = el("input", { type: "text", inputmode: "numeric", placeholder: "2026-12-31", "aria-label": tr("stale.end") });
    const send = (extra) => async () => {
      const ok = await this.act(async () => (await call(CONFIRM_ENTRY, { ...variables, ...extra })).confirmEntry, tr("done.saved"));
      if (ok) item.remove();
    };
    const item = el("li", {}, el("span", {}, text), " ", el("small", {}, since),
      el("div", { class: "row" },
        el("button", { type: "button", onclick: send({}) }, tr("stale.confirm")),
        endable ? el("span", {}, until, el("button", { type: "button", onclick: () => send({ until: clean(until.value) })() }, tr("stale.end"))) : ""));
    return item;
  }

  async signOut() {
    await fetch("auth/signout", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrfToken() } });
    location.reload();
  }
}

mixin(Contribute, ActorPanes, ReviewPanes);

// --- start ------------------------------------------------------------------------------------

function whenMapReady(timeout = 30_000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const look = () => {
      if (window.maillage?.map && window.maillage.state) resolve(window.maillage);
      else if (Date.now() - started > timeout) reject(new Error("the map did not start"));
      else setTimeout(look, 100);
    };
    look();
  });
}

function signInLink() {
  const topbar = document.querySelector(".topbar");
  const link = el("a", { href: "signin.html", id: "contribute-signin", class: "contribute-link" }, TEXTS[lang()]?.signin ?? TEXTS.fr.signin);
  topbar.insertBefore(el("span", { class: "contribute-bar" }, link), document.getElementById("lang-switch"));
}

function styles() {
  if (document.querySelector('link[href="css/contribute.css"]')) return;
  document.head.append(el("link", { rel: "stylesheet", href: "css/contribute.css" }));
}

async function start() {
  styles();
  const maillage = await whenMapReady();
  let me = null;
  try {
    me = (await call(ME)).me;
  } catch {
    me = null;
  }
  if (!me?.signedIn || !me.mayPropose) {
    signInLink();
    showProposedLinks(maillage); // dashed for every reader, labelled as proposed
    return;
  }
  const contribute = new Contribute(maillage, me);
  maillage.contribute = contribute; // for the browser tests and debugging
  const reopen = sessionStorage.getItem(REOPEN);
  if (reopen) { // "open this entry" (a number already known): its form, once the map selected it
    sessionStorage.removeItem(REOPEN);
    const started = Date.now();
    while (maillage.state.selected?.id !== reopen && Date.now() - started < 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    contribute.editing = true;
    contribute.tab = "actor";
    contribute.open(true);
  } else if (location.hash === "#contribuer") contribute.open(true);
}

start().catch((error) => console.warn("contribute:", error));
