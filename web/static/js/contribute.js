// "Contribuer": the map's writing mode, for signed-in people (accounts: docs/api.md).
//
// A drawer with four tabs — an actor (add, or edit the one selected on the map), a link
// (declare it), the review queue (proposals to confirm or reject, the imports' duplicate
// candidates side by side), the history of the selected actor (with revert) — and, for a
// network's editors, the entries their network has not confirmed for long. Every action is a
// GraphQL field a script could call too; the server checks every right, this page only hides
// what one may not do (`me`).
//
// Proposed links are drawn dashed (class `proposed-link`) from `proposals(status: PENDING)`:
// they are no links and count in no analytics until an editor of the other side confirms them.
// A mutation sends the session's CSRF token (header X-CSRF-Token, from the `maillage_csrf`
// cookie). When the session has expired the form keeps what was typed (also kept in
// sessionStorage), and says to sign in again in another tab.
//
// It attaches to the map main.js exposes (window.maillage: map, view, state) once it exists.
import { ActorCombo } from "./autocomplete.js";
import { lang, onLanguageChange } from "./i18n.js";
import { el } from "./text.js";

const TEXTS = {
  fr: {
    toggle: "Contribuer",
    "toggle.close": "Fermer « Contribuer »",
    signin: "Se connecter",
    signout: "Se déconnecter",
    "tab.actor": "Acteur",
    "tab.link": "Lien",
    "tab.review": "À valider",
    "tab.history": "Historique",
    "tab.stale": "À reconfirmer",
    "actor.new": "Nouvel acteur",
    "actor.edit": "Modifier l'acteur sélectionné",
    "actor.kind": "Type",
    "actor.name": "Nom",
    "actor.legalForm": "Forme juridique",
    "actor.siren": "SIREN",
    "actor.siret": "SIRET",
    "actor.rna": "RNA",
    "actor.commune": "Commune (code INSEE)",
    "actor.position": "Position (latitude, longitude)",
    "actor.pick": "Choisir sur la carte",
    "actor.picking": "Cliquez sur la carte…",
    "actor.website": "Site web",
    "actor.themes": "Thèmes (identifiants, séparés par des virgules)",
    "actor.description": "Description",
    "source.url": "Source (adresse d'un document ou d'une page)",
    "source.key": "Référence dans cette source",
    "submit.edit": "Enregistrer",
    "submit.propose": "Proposer",
    "link.kind": "Type de lien",
    "link.from": "De",
    "link.to": "Vers",
    "link.since": "Depuis (AAAA-MM-JJ)",
    "link.until": "Jusqu'au (AAAA-MM-JJ)",
    "link.help": "Un lien déclaré par un côté reste proposé jusqu'à ce qu'un éditeur de l'autre côté le confirme ; il est dessiné en pointillé et ne compte nulle part d'ici là.",
    "review.proposals": "Propositions",
    "review.duplicates": "Doublons possibles des imports",
    "review.none": "Rien à valider.",
    "review.confirm": "Confirmer",
    "review.reject": "Refuser",
    "review.note": "Note (envoyée à qui a proposé)",
    "review.same": "C'est le même acteur",
    "review.different": "Ce sont deux acteurs",
    "review.record": "Fiche importée",
    "review.actor": "Acteur existant",
    "review.by": "proposé par {who}",
    "review.otherSide": "En attente d'un éditeur de l'autre côté.",
    "history.none": "Sélectionnez un acteur sur la carte pour voir son historique.",
    "history.empty": "Aucune modification enregistrée.",
    "history.revert": "Annuler cette modification",
    "history.before": "avant",
    "history.after": "après",
    "history.run": "import {run}",
    "stale.none": "Rien à reconfirmer.",
    "stale.confirm": "Toujours d'actualité",
    "stale.end": "Terminé le",
    "stale.since": "inchangé depuis {date}",
    "done.saved": "Enregistré.",
    "done.proposed": "Proposé : un éditeur le confirmera.",
    "done.proposedOther": "Proposé à l'autre côté : un de ses éditeurs le confirmera.",
    "done.confirmed": "Confirmé.",
    "done.rejected": "Refusé.",
    "done.reverted": "Modification annulée.",
    "expired": "Votre session a expiré. Reconnectez-vous dans un autre onglet, puis renvoyez : votre saisie est conservée.",
    "expired.link": "Se reconnecter",
    "error.network": "Le serveur ne répond pas : réessayez dans un instant.",
    "kind.Organisation": "Organisation",
    "kind.Network": "Réseau",
    "kind.Project": "Projet",
    "kind.AdvocacyBody": "Instance de représentation",
    "link.MEMBER_OF": "membre de",
    "link.COOPERATES_WITH": "coopère avec",
    "link.CARRIES": "porte",
    "link.SUPPORTS": "accompagne",
    "link.FUNDS": "finance",
    "link.SITS_ON": "siège dans",
  },
  en: {
    toggle: "Contribute",
    "toggle.close": "Close “Contribute”",
    signin: "Sign in",
    signout: "Sign out",
    "tab.actor": "Actor",
    "tab.link": "Link",
    "tab.review": "To review",
    "tab.history": "History",
    "tab.stale": "To confirm again",
    "actor.new": "New actor",
    "actor.edit": "Edit the selected actor",
    "actor.kind": "Kind",
    "actor.name": "Name",
    "actor.legalForm": "Legal form",
    "actor.siren": "SIREN",
    "actor.siret": "SIRET",
    "actor.rna": "RNA",
    "actor.commune": "Commune (INSEE code)",
    "actor.position": "Position (latitude, longitude)",
    "actor.pick": "Pick on the map",
    "actor.picking": "Click on the map…",
    "actor.website": "Website",
    "actor.themes": "Themes (ids, comma-separated)",
    "actor.description": "Description",
    "source.url": "Source (address of a document or a page)",
    "source.key": "Reference in that source",
    "submit.edit": "Save",
    "submit.propose": "Propose",
    "link.kind": "Kind of link",
    "link.from": "From",
    "link.to": "To",
    "link.since": "Since (YYYY-MM-DD)",
    "link.until": "Until (YYYY-MM-DD)",
    "link.help": "A link declared by one side stays proposed until an editor of the other side confirms it; it is drawn dashed and counts nowhere until then.",
    "review.proposals": "Proposals",
    "review.duplicates": "Possible duplicates from imports",
    "review.none": "Nothing to review.",
    "review.confirm": "Confirm",
    "review.reject": "Reject",
    "review.note": "Note (sent back to the proposer)",
    "review.same": "The same actor",
    "review.different": "Two actors",
    "review.record": "Imported record",
    "review.actor": "Existing actor",
    "review.by": "proposed by {who}",
    "review.otherSide": "Waiting for an editor of the other side.",
    "history.none": "Select an actor on the map to see its history.",
    "history.empty": "No change recorded.",
    "history.revert": "Revert this change",
    "history.before": "before",
    "history.after": "after",
    "history.run": "import {run}",
    "stale.none": "Nothing to confirm again.",
    "stale.confirm": "Still true",
    "stale.end": "Ended on",
    "stale.since": "unchanged since {date}",
    "done.saved": "Saved.",
    "done.proposed": "Proposed: an editor will confirm it.",
    "done.proposedOther": "Proposed to the other side: one of its editors will confirm it.",
    "done.confirmed": "Confirmed.",
    "done.rejected": "Rejected.",
    "done.reverted": "Change reverted.",
    "expired": "Your session has expired. Sign in again in another tab, then send again: what you typed is kept.",
    "expired.link": "Sign in again",
    "error.network": "The server does not answer: try again in a moment.",
    "kind.Organisation": "Organisation",
    "kind.Network": "Network",
    "kind.Project": "Project",
    "kind.AdvocacyBody": "Advocacy body",
    "link.MEMBER_OF": "member of",
    "link.COOPERATES_WITH": "cooperates with",
    "link.CARRIES": "carries",
    "link.SUPPORTS": "supports",
    "link.FUNDS": "funds",
    "link.SITS_ON": "sits on",
  },
};

const KINDS = ["Organisation", "Network", "Project", "AdvocacyBody"];
const KIND_ENUM = { Organisation: "ORGANISATION", Network: "NETWORK", Project: "PROJECT", AdvocacyBody: "ADVOCACY_BODY" };
const LINK_KINDS = ["COOPERATES_WITH", "MEMBER_OF", "CARRIES", "SUPPORTS", "FUNDS", "SITS_ON"];
const DRAFTS = "maillage.contribute.drafts";

function tr(key, params = {}) {
  const texts = TEXTS[lang()] ?? TEXTS.fr;
  const text = texts[key] ?? TEXTS.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

// --- the API, with the session ---------------------------------------------------------------

class SessionExpired extends Error {}

function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("maillage_csrf="));
  return cookie ? decodeURIComponent(cookie.slice("maillage_csrf=".length)) : "";
}

/** A GraphQL request with the session's CSRF token; a problem result is returned as is. */
async function call(query, variables = {}) {
  let response;
  try {
    response = await fetch("graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Accept-Language": lang(),
        "X-CSRF-Token": csrfToken(),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new Error(tr("error.network"));
  }
  const body = await response.json().catch(() => ({}));
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    if (code === "session_expired" || code === "csrf_refused") throw new SessionExpired(error.message);
    const failure = new Error(error.message);
    failure.code = code;
    throw failure;
  }
  return body.data;
}

const ME = `{ me { name role network signedIn mayPropose mayEdit mayAdminister } }`;
const UPSERT = `mutation($input: ActorInput!) { upsertActor(input: $input) { __typename
  ... on ActorSaved { actor { id } } ... on Problem { code message } } }`;
const PROPOSE_ACTOR = `mutation($input: ActorInput!) { proposeActor(input: $input) { __typename
  ... on Proposal { id } ... on Problem { code message } } }`;
const LINK = `mutation($input: LinkInput!) { linkActors(input: $input) { __typename
  ... on LinkSaved { link { id } } ... on Problem { code message } } }`;
const PROPOSE_LINK = `mutation($input: LinkInput!) { proposeLink(input: $input) { __typename
  ... on Proposal { id } ... on Problem { code message } } }`;
const PROPOSALS = `query($network: ID) { proposals(status: PENDING, network: $network, first: 100) {
  items { id kind side actors proposedBy createdAt actor mayDecide
    link { kind from to subkind since until sources } } } }`;
const DECIDE = `mutation($id: ID!, $note: String) { %ROOT%(id: $id, note: $note) { __typename
  ... on Problem { code message } } }`;
const CANDIDATES = `{ duplicateCandidates { id score reasons recordName recordAlias recordCommune
  fileName line actor { id name kind ... on Organisation { siren } } } }`;
const RESOLVE = `mutation($id: ID!, $accept: Boolean!) { resolveDuplicate(candidate: $id, accept: $accept) {
  __typename ... on Problem { code message } } }`;
const HISTORY = `query($of: ID!) { history(of: $of, first: 20) { items { id at by operation kind run
  before after revertible } } }`;
const REVERT = `mutation($id: ID!) { revertChange(change: $id) { __typename
  ... on RevertRefused { message } ... on Problem { code message } } }`;
const STALE = `query($n: ID!) { staleEntries(network: $n) { actors { actor { id name kind } lastChanged }
  links { link { id kind from { id name } to { id name } } lastChanged } } }`;
const CONFIRM_ENTRY = `mutation($id: ID!, $from: ID, $until: Date) { confirmEntry(id: $id, from: $from, until: $until) {
  __typename ... on Problem { code message } } }`;

// --- drafts: nothing typed is lost -------------------------------------------------------------

function saveDraft(form) {
  const drafts = JSON.parse(sessionStorage.getItem(DRAFTS) ?? "{}");
  drafts[form.id] = Object.fromEntries(new FormData(form).entries());
  sessionStorage.setItem(DRAFTS, JSON.stringify(drafts));
}

function restoreDraft(form) {
  const draft = JSON.parse(sessionStorage.getItem(DRAFTS) ?? "{}")[form.id];
  if (!draft) return;
  for (const [name, value] of Object.entries(draft)) {
    const field = form.elements[name];
    if (field && !field.value) field.value = value;
  }
}

function clearDraft(form) {
  const drafts = JSON.parse(sessionStorage.getItem(DRAFTS) ?? "{}");
  delete drafts[form.id];
  sessionStorage.setItem(DRAFTS, JSON.stringify(drafts));
}

// --- building blocks --------------------------------------------------------------------------

function field(id, label, input) {
  input.id = id;
  return el("div", { class: "contribute-field" }, el("label", { for: id }, label), input);
}

function select(name, values, labelOf) {
  return el("select", { name }, ...values.map((v) => el("option", { value: v }, labelOf(v))));
}

function clean(value) {
  const text = String(value ?? "").trim();
  return text === "" ? null : text;
}

function sourceOf(form) {
  const url = clean(form.elements.sourceUrl?.value);
  const key = clean(form.elements.sourceKey?.value) ?? url;
  if (!key) return null;
  return { system: "web", key, url };
}

function changed(before, after) {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...names].map((name) => ({ name, before: before?.[name] ?? null, after: after?.[name] ?? null }));
}

const FIELD_KEYS = {
  name: "actor.name", legal_form: "actor.legalForm", siren: "actor.siren", siret: "actor.siret",
  rna: "actor.rna", commune: "actor.commune", website: "actor.website", themes: "actor.themes",
  description: "actor.description",
};

function fieldLabel(name) {
  return FIELD_KEYS[name] ? tr(FIELD_KEYS[name]) : name;
}

function show(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.map(show).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

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

  // --- an actor ---------------------------------------------------------------------------
  actorPane() {
    const selected = this.maillage.state.selected;
    const form = el("form", { id: "contribute-actor", class: "contribute-form", novalidate: true });
    const editing = this.editing && selected ? selected : null;
    form.append(
      el("div", { class: "row" },
        el("button", { type: "button", onclick: () => { this.editing = false; this.render(); } }, tr("actor.new")),
        selected ? el("button", { type: "button", id: "contribute-edit-selected",
          onclick: () => { this.editing = true; this.render(); } }, tr("actor.edit")) : ""),
      el("input", { type: "hidden", name: "id", value: editing?.id ?? "" }),
      field("ca-kind", tr("actor.kind"), select("kind", KINDS, (k) => tr(`kind.${k}`))),
      field("ca-name", tr("actor.name"), el("input", { name: "name", required: true, maxlength: 300 })),
      field("ca-legal", tr("actor.legalForm"), el("input", { name: "legalForm", maxlength: 120 })),
      field("ca-siren", tr("actor.siren"), el("input", { name: "siren", inputmode: "numeric", maxlength: 11 })),
      field("ca-siret", tr("actor.siret"), el("input", { name: "siret", inputmode: "numeric", maxlength: 17 })),
      field("ca-rna", tr("actor.rna"), el("input", { name: "rna", maxlength: 10 })),
      field("ca-commune", tr("actor.commune"), el("input", { name: "commune", inputmode: "numeric", maxlength: 5 })),
      field("ca-position", tr("actor.position"), el("input", { name: "position", placeholder: "43.60, 1.44" })),
      el("button", { type: "button", id: "contribute-pick", onclick: () => this.startPicking() }, tr("actor.pick")),
      field("ca-website", tr("actor.website"), el("input", { name: "website", type: "url", maxlength: 500 })),
      field("ca-themes", tr("actor.themes"), el("input", { name: "themes" })),
      field("ca-description", tr("actor.description"), el("textarea", { name: "description", rows: 3, maxlength: 5000 })),
      field("ca-source", tr("source.url"), el("input", { name: "sourceUrl", type: "url", maxlength: 500 })),
      el("button", { type: "submit", id: "contribute-actor-submit" }, this.me.mayEdit ? tr("submit.edit") : tr("submit.propose")),
    );
    if (editing) {
      form.elements.kind.value = editing.kind;
      form.elements.kind.disabled = true; // fixed at creation
      form.elements.name.value = editing.name ?? "";
      form.elements.legalForm.value = editing.legalForm ?? "";
      if (editing.lat != null) form.elements.position.value = `${editing.lat}, ${editing.lon}`;
    }
    // a point is sent only when changed: a commune's centre sent back would become "exact"
    form.dataset.position = form.elements.position.value;
    restoreDraft(form);
    form.addEventListener("input", () => saveDraft(form));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendActor(form);
    });
    this.actorForm = form;
    this.body.replaceChildren(form);
  }

  startPicking() {
    this.picking = true;
    this.say(tr("actor.picking"));
  }

  picked(latlng) {
    if (!this.picking || !this.actorForm) return;
    this.picking = false;
    this.actorForm.elements.position.value = `${latlng.lat.toFixed(5)}, ${latlng.lng.toFixed(5)}`;
    saveDraft(this.actorForm);
    this.say("");
  }

  async sendActor(form) {
    const f = form.elements;
    const moved = f.position.value !== form.dataset.position;
    const [lat, lon] = moved ? (clean(f.position.value) ?? "").split(",").map((v) => clean(v)) : [];
    const input = {
      id: clean(f.id.value),
      kind: KIND_ENUM[f.kind.value],
      name: clean(f.name.value) ?? "",
      legalForm: clean(f.legalForm.value),
      siren: clean(f.siren.value),
      siret: clean(f.siret.value),
      rna: clean(f.rna.value),
      commune: clean(f.commune.value),
      latitude: lat ? Number(lat) : null,
      longitude: lon ? Number(lon) : null,
      website: clean(f.website.value),
      themes: clean(f.themes.value)?.split(",").map((s) => s.trim()).filter(Boolean) ?? null,
      description: clean(f.description.value),
      source: sourceOf({ elements: { sourceUrl: f.sourceUrl } }),
    };
    const direct = this.me.mayEdit;
    const ok = await this.act(async () => {
      const data = await call(direct ? UPSERT : PROPOSE_ACTOR, { input });
      const answer = direct ? data.upsertActor : data.proposeActor;
      if (direct && answer.code === "outside_network") throw Object.assign(new Error(answer.message), { code: answer.code });
      return answer;
    }, direct ? tr("done.saved") : tr("done.proposed"));
    if (ok) {
      clearDraft(form);
      if (direct) this.reloadMap();
    }
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

  // --- the review queue ------------------------------------------------------------------
  async reviewPane() {
    const proposals = el("section", { id: "contribute-proposals" }, el("h3", {}, tr("review.proposals")));
    const duplicates = el("section", { id: "contribute-duplicates" }, el("h3", {}, tr("review.duplicates")));
    this.body.replaceChildren(proposals, duplicates);
    try {
      const network = this.me.network ?? null;
      const items = (await call(PROPOSALS, { network })).proposals.items;
      if (!items.length) proposals.append(el("p", { class: "help" }, tr("review.none")));
      for (const item of items) proposals.append(this.proposalCard(item));
      if (!this.me.network) {
        const candidates = (await call(CANDIDATES)).duplicateCandidates;
        if (!candidates.length) duplicates.append(el("p", { class: "help" }, tr("review.none")));
        for (const candidate of candidates) duplicates.append(this.candidateCard(candidate));
      } else {
        duplicates.remove();
      }
    } catch (error) {
      this.fail(error);
    }
  }

  actorName(id) {
    return this.maillage.state.actors.find((a) => a.id === id)?.name ?? id;
  }

  proposalCard(item) {
    const what = item.link
      ? `${this.actorName(item.link.from)} — ${tr(`link.${item.link.kind}`)} → ${this.actorName(item.link.to)}`
      : `${item.actor?.name ?? item.actors[0]} (${item.actor?.new ? tr("actor.new") : tr("actor.edit")})`;
    const note = el("textarea", { rows: 2, maxlength: 2000, "aria-label": tr("review.note"), placeholder: tr("review.note") });
    const decide = (root, done) => async () => {
      const query = DECIDE.replace("%ROOT%", root);
      const ok = await this.act(async () => (await call(query, { id: item.id, note: clean(note.value) }))[root], done);
      if (ok) {
        card.remove();
        this.reloadMap();
      }
    };
    const card = el("article", { class: "contribute-card", dataset: { proposal: item.id } },
      el("p", { class: "contribute-what" }, what),
      item.link?.sources?.length ? el("p", { class: "help" }, item.link.sources.join(", ")) : "",
      el("p", { class: "help" }, tr("review.by", { who: item.proposedBy ?? "?" })),
      ...(item.mayDecide
        ? [note, el("div", { class: "row" },
          el("button", { type: "button", class: "confirm", onclick: decide("confirmProposal", tr("done.confirmed")) }, tr("review.confirm")),
          el("button", { type: "button", class: "reject", onclick: decide("rejectProposal", tr("done.rejected")) }, tr("review.reject")))]
        : [el("p", { class: "help" }, tr("review.otherSide"))]),
    );
    return card;
  }

  candidateCard(candidate) {
    const record = { name: candidate.recordName, commune: candidate.recordCommune, key: candidate.recordAlias };
    const actor = { name: candidate.actor?.name, commune: null, key: candidate.actor?.id };
    const rows = ["name", "commune", "key"].map((name) => {
      const differs = show(record[name]) !== show(actor[name]);
      return el("tr", { class: differs ? "differs" : "" },
        el("th", { scope: "row" }, name), el("td", {}, show(record[name])), el("td", {}, show(actor[name])));
    });
    const resolve = (accept) => async () => {
      const ok = await this.act(async () => (await call(RESOLVE, { id: candidate.id, accept })).resolveDuplicate,
        accept ? tr("done.confirmed") : tr("done.rejected"));
      if (ok) {
        card.remove();
        this.reloadMap();
      }
    };
    const card = el("article", { class: "contribute-card", dataset: { candidate: candidate.id } },
      el("table", { class: "side-by-side" },
        el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", { scope: "col" }, tr("review.record")),
          el("th", { scope: "col" }, tr("review.actor")))),
        el("tbody", {}, ...rows)),
      el("p", { class: "help" }, `${candidate.fileName ?? ""} : ${candidate.line ?? ""} · ${candidate.reasons ?? ""}`),
      el("div", { class: "row" },
        el("button", { type: "button", class: "confirm", onclick: resolve(true) }, tr("review.same")),
        el("button", { type: "button", class: "reject", onclick: resolve(false) }, tr("review.different"))),
    );
    return card;
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

  // --- proposed links, dashed -------------------------------------------------------------
  async drawProposals() {
    let items = [];
    try {
      items = (await call(PROPOSALS, { network: null })).proposals.items;
    } catch {
      return; // drawing them is a help, not a must
    }
    this.proposals = items.filter((p) => p.link);
    this.proposedLayer.clearLayers();
    const where = new Map(this.maillage.state.actors.filter((a) => a.lat != null).map((a) => [a.id, [a.lat, a.lon]]));
    let drawn = 0;
    for (const proposal of this.proposals) {
      const a = where.get(proposal.link.from);
      const b = where.get(proposal.link.to);
      if (!a || !b) continue;
      L.polyline([a, b], { color: "#7a3e9d", weight: 3, opacity: 0.9, dashArray: "6 6", className: "proposed-link" })
        .bindTooltip(`${this.actorName(proposal.link.from)} → ${this.actorName(proposal.link.to)} (${tr("review.proposals").toLowerCase()})`)
        .addTo(this.proposedLayer);
      drawn += 1;
    }
    document.getElementById("map").dataset.proposedLinks = String(drawn);
  }

  async signOut() {
    await fetch("auth/signout", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrfToken() } });
    location.reload();
  }
}

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
    return;
  }
  const contribute = new Contribute(maillage, me);
  maillage.contribute = contribute; // for the browser tests and debugging
  if (location.hash === "#contribuer") contribute.open(true);
}

start().catch((error) => console.warn("contribute:", error));
