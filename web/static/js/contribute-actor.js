// The "Contribuer" drawer's actor form: add an actor or edit the selected one; the commune by
// name or postcode (communes(search:), a keyboard-accessible list; its centre proposed as the
// point when none is set), a SIREN/SIRET already known said at once (sirene(number:): the form
// is prefilled, and the known actor offered to open instead of a duplicate).
import { PROPOSE_ACTOR, SIRENE, UPSERT, call } from "./contribute-api.js";
import { CommuneCombo, communeText } from "./contribute-commune.js";
import { KIND_ENUM, KINDS, clean, clearDraft, field, restoreDraft, saveDraft, select, sourceOf } from "./contribute-forms.js";
import { tr } from "./contribute-texts.js";
import { el } from "./text.js";

/** sessionStorage: open the drawer on the actor form, editing, after the page reloads. */
export const REOPEN = "maillage.contribute.reopen";

export class ActorPanes {
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
      el("div", { class: "contribute-known", id: "contribute-known", role: "status", "aria-live": "polite" }),
      field("ca-rna", tr("actor.rna"), el("input", { name: "rna", maxlength: 10 })),
      this.communeField(),
      el("input", { type: "hidden", name: "commune" }),
      el("input", { type: "hidden", name: "positionProposed" }),
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
    for (const name of ["siren", "siret"]) {
      form.elements[name].addEventListener("change", () => this.lookUpNumber(form, form.elements[name].value));
    }
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
    // the commune's centre proposed is no address: the server places the actor there itself
    const moved = f.position.value !== form.dataset.position && f.position.value !== f.positionProposed.value;
    const [lat, lon] = moved ? (clean(f.position.value) ?? "").split(",").map((v) => clean(v)) : [];
    const input = {
      id: clean(f.id.value),
      kind: KIND_ENUM[f.kind.value],
      name: clean(f.name.value) ?? "",
      legalForm: clean(f.legalForm.value),
      siren: clean(f.siren.value),
      siret: clean(f.siret.value),
      rna: clean(f.rna.value),
      commune: clean(f.commune.value) ?? (/^\d[\dAB]\d{3}$/.test(f.communeSearch.value.trim()) ? f.communeSearch.value.trim() : null),
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

  // --- the commune, by name or postcode -----------------------------------------------------
  communeField() {
    const input = el("input", { name: "communeSearch", id: "ca-commune", role: "combobox", autocomplete: "off",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "ca-commune-list", maxlength: 100 });
    const list = el("ul", { id: "ca-commune-list", role: "listbox", class: "listbox", hidden: true });
    this.communeCombo = new CommuneCombo(input, list, (commune) => this.communePicked(commune));
    return el("div", { class: "contribute-field combo" }, el("label", { for: "ca-commune" }, tr("actor.communeSearch")), input, list);
  }

  communePicked(commune) {
    const f = this.actorForm.elements;
    f.commune.value = commune.code;
    f.communeSearch.value = communeText(commune);
    if (!clean(f.position.value) && commune.latitude != null) {
      f.position.value = `${commune.latitude}, ${commune.longitude}`;
      f.positionProposed.value = f.position.value;
      this.say(`${commune.name} : ${tr("actor.centre")}`);
    }
    saveDraft(this.actorForm);
  }

  // --- a SIREN or SIRET already known -----------------------------------------------------
  async lookUpNumber(form, value) {
    const digits = value.replace(/[\s.]/g, "");
    const box = form.querySelector("#contribute-known");
    box.replaceChildren();
    if (!/^(\d{9}|\d{14})$/.test(digits)) return;
    let found;
    try {
      found = (await call(SIRENE, { n: digits })).sirene;
    } catch (error) {
      box.append(el("p", { class: "help" }, error.message));
      return;
    }
    if (!found.known) {
      box.append(el("p", { class: "help" }, tr("sirene.unknown")));
      return;
    }
    const f = form.elements;
    const fill = (name, value) => { if (value != null && !clean(f[name].value)) f[name].value = value; };
    fill("name", found.name);
    fill("legalForm", found.legalForm);
    if (found.commune && !clean(f.commune.value)) {
      this.communePicked({ ...found.commune, latitude: found.latitude, longitude: found.longitude });
    }
    box.append(
      el("p", {}, tr("sirene.known", { name: found.actor.name })),
      found.fromSirene ? el("p", { class: "help" }, tr("sirene.fromSirene")) : "",
      el("button", { type: "button", id: "contribute-open-known", onclick: () => this.openActor(found.actor.id) }, tr("sirene.open")),
    );
    saveDraft(form);
  }

  /** Open an actor's entry to edit it (the page loads it from its address, as a shared link). */
  openActor(id) {
    clearDraft(this.actorForm);
    sessionStorage.setItem(REOPEN, id);
    location.hash = `#actor=${encodeURIComponent(id)}`;
    location.reload();
  }
}
