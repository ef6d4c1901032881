// The "Contribuer" drawer's building blocks: drafts kept in sessionStorage (nothing typed is lost
// when a session ends), labelled fields, values as the API takes them, the mixins of the panes.
import { el } from "./text.js";
import { tr } from "./contribute-texts.js";

export const KINDS = ["Organisation", "Network", "Project", "AdvocacyBody"];
export const KIND_ENUM = { Organisation: "ORGANISATION", Network: "NETWORK", Project: "PROJECT", AdvocacyBody: "ADVOCACY_BODY" };
export const LINK_KINDS = ["COOPERATES_WITH", "MEMBER_OF", "CARRIES", "SUPPORTS", "FUNDS", "SITS_ON"];
export const DRAFTS = "maillage.contribute.drafts";
// --- drafts: nothing typed is lost -------------------------------------------------------------

export function saveDraft(form) {
  const drafts = JSON.parse(sessionStorage.getItem(DRAFTS) ?? "{}");
  drafts[form.id] = Object.fromEntries(new FormData(form).entries());
  sessionStorage.setItem(DRAFTS, JSON.stringify(drafts));
}

export function restoreDraft(form) {
  const draft = JSON.parse(sessionStorage.getItem(DRAFTS) ?? "{}")[form.id];
  if (!draft) return;
  for (const [name, value] of Object.entries(draft)) {
    const field = form.elements[name];
    if (field && !field.value) field.value = value;
  }
}

export function clearDraft(form) {
  const drafts = JSON.parse(sessionStorage.getItem(DRAFTS) ?? "{}");
  delete drafts[form.id];
  sessionStorage.setItem(DRAFTS, JSON.stringify(drafts));
}

// --- building blocks --------------------------------------------------------------------------

export function field(id, label, input) {
  input.id = id;
  return el("div", { class: "contribute-field" }, el("label", { for: id }, label), input);
}

export function select(name, values, labelOf) {
  return el("select", { name }, ...values.map((v) => el("option", { value: v }, labelOf(v))));
}

export function clean(value) {
  const text = String(value ?? "").trim();
  return text === "" ? null : text;
}

export function sourceOf(form) {
  const url = clean(form.elements.sourceUrl?.value);
  const key = clean(form.elements.sourceKey?.value) ?? url;
  if (!key) return null;
  return { system: "web", key, url };
}

export function changed(before, after) {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...names].map((name) => ({ name, before: before?.[name] ?? null, after: after?.[name] ?? null }));
}

const FIELD_KEYS = {
  name: "actor.name", legal_form: "actor.legalForm", siren: "actor.siren", siret: "actor.siret",
  rna: "actor.rna", commune: "actor.commune", website: "actor.website", themes: "actor.themes",
  description: "actor.description",
  legalForm: "actor.legalForm", position: "actor.position", email: "actor.email", kind: "actor.kind",
  aliases: "actor.aliases",
};

export function fieldLabel(name) {
  return FIELD_KEYS[name] ? tr(FIELD_KEYS[name]) : name;
}

export function show(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.map(show).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Add the methods of the pane classes to the drawer's class (each pane is one module). */
export function mixin(target, ...panes) {
  for (const pane of panes) {
    for (const name of Object.getOwnPropertyNames(pane.prototype)) {
      if (name !== "constructor") target.prototype[name] = pane.prototype[name];
    }
  }
}
