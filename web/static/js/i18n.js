// Translations: every text of the page lives in i18n/<lang>.json, none in the markup.
//
// Markup declares what to translate:
//   data-i18n="key"                       -> textContent
//   data-i18n-attr="aria-label:key;title:key2" -> attributes
// Code calls t("key", {count: 3}); a key whose value is an object {one, other} is plural
// (Intl.PluralRules of the current language). Missing keys show as the key itself, so a gap is
// visible rather than silent. The language is: the one chosen before (localStorage), else the
// browser's first supported language, else French.

export const LANGUAGES = ["fr", "en"];
const STORAGE_KEY = "maillage.lang";

let current = "fr";
let messages = {};
const listeners = new Set();

function pickLanguage() {
  const url = new URLSearchParams(window.location.search).get("lang");
  if (LANGUAGES.includes(url)) return url;
  let stored = null;
  try {
    stored = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // private mode: no storage, fall through to the browser's languages
  }
  if (LANGUAGES.includes(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = String(tag || "").slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(base)) return base;
  }
  return "fr";
}

async function load(lang) {
  const response = await fetch(`i18n/${lang}.json`, { cache: "no-cache" });
  if (!response.ok) throw new Error(`i18n/${lang}.json: HTTP ${response.status}`);
  return response.json();
}

export function lang() {
  return current;
}

export function t(key, params = {}) {
  let value = messages[key];
  if (value && typeof value === "object") {
    const count = Number(params.count ?? 0);
    const rule = count === 0 && "zero" in value ? "zero" : new Intl.PluralRules(current).select(count);
    value = value[rule] ?? value.other;
  }
  if (typeof value !== "string") return key;
  return value.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? formatParam(params[name]) : whole,
  );
}

function formatParam(value) {
  return typeof value === "number" ? value.toLocaleString(current) : String(value);
}

/** Does a translation exist for this key (for optional labels such as link sub-kinds)? */
export function has(key) {
  return key in messages;
}

/** Format an ISO date (YYYY-MM-DD) for the current language. */
export function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
  if (!y) return String(iso);
  const date = new Date(Date.UTC(y, (m || 1) - 1, d || 1));
  return date.toLocaleDateString(current, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

export function applyTranslations(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
  for (const node of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of node.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":").map((s) => s.trim());
      if (attr && key) node.setAttribute(attr, t(key));
    }
  }
  document.documentElement.lang = current;
  document.title = t("app.title");
}

export async function setLanguage(next) {
  if (!LANGUAGES.includes(next)) return;
  messages = await load(next);
  current = next;
  try {
    window.localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not fatal: the choice holds for this page only
  }
  applyTranslations();
  for (const listener of listeners) listener(next);
}

/** Called after every language change (to re-render texts built by code). */
export function onLanguageChange(listener) {
  listeners.add(listener);
}

export async function initI18n() {
  const first = pickLanguage();
  messages = await load(first);
  current = first;
  applyTranslations();
}
