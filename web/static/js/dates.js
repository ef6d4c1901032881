// Date fields written the page's way, not the browser's: "jj/mm/aaaa" in French, "yyyy-mm-dd"
// in English. A native <input type="date"> follows the browser's locale whatever the page's
// language, so the date fields are text inputs that read either form and answer ISO dates.
import { lang, onLanguageChange, t } from "./i18n.js";

const FRENCH = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/;
const ISO = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/;

function valid(y, m, d) {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const pad = (n, width = 2) => String(n).padStart(width, "0");

/** "03/07/2019" or "2019-07-03" (or "3/7/2019") → "2019-07-03"; empty → ""; else null. */
export function parseDate(text) {
  const value = String(text ?? "").trim();
  if (!value) return "";
  let y;
  let m;
  let d;
  const iso = value.match(ISO);
  const french = value.match(FRENCH);
  if (iso) [y, m, d] = iso.slice(1).map(Number);
  else if (french) [d, m, y] = french.slice(1).map(Number);
  else return null;
  return valid(y, m, d) ? `${pad(y, 4)}-${pad(m)}-${pad(d)}` : null;
}

/** An ISO date as the current language writes it in a field. */
export function showDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-");
  return lang() === "fr" ? `${d}/${m}/${y}` : `${y}-${m}-${d}`;
}

/** The ISO date a date field holds ("" when empty or not a date). */
export function isoDate(input) {
  return input?.dataset.iso ?? "";
}

/** Set a date field from an ISO date. */
export function setDate(input, iso) {
  input.dataset.iso = iso || "";
  input.value = showDate(iso);
  input.removeAttribute("aria-invalid");
}

function check(input) {
  const iso = parseDate(input.value);
  if (iso === null) {
    input.dataset.iso = "";
    input.setAttribute("aria-invalid", "true");
    return;
  }
  input.removeAttribute("aria-invalid");
  input.dataset.iso = iso;
}

function describe(input) {
  input.placeholder = t("date.placeholder");
  input.title = t("date.format");
}

/** Make the text inputs `[data-date]` date fields (read with isoDate, written with setDate). */
export function initDateFields(root = document) {
  const inputs = [...root.querySelectorAll("input[data-date]")];
  for (const input of inputs) {
    input.dataset.iso = "";
    describe(input);
    input.form?.addEventListener("reset", () => setTimeout(() => setDate(input, ""), 0));
    // "input" keeps isoDate current while typing; "change" shows it the page's way
    input.addEventListener("input", () => check(input));
    input.addEventListener(
      "change",
      () => {
        check(input);
        if (input.dataset.iso) input.value = showDate(input.dataset.iso);
      },
      { capture: true },
    );
  }
  onLanguageChange(() => {
    for (const input of inputs) {
      describe(input);
      if (input.dataset.iso) input.value = showDate(input.dataset.iso);
    }
  });
}
