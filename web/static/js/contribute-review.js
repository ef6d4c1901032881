// The "Contribuer" drawer's review queue: proposals to confirm or reject, and the imports'
// duplicate candidates side by side — the same actor, two actors, or merged field by field
// (duplicateComparison, mergeCandidate: one change of the actor, in its history).
import { COMPARE, DECIDE, CANDIDATES, MERGE, PROPOSALS, RESOLVE, call } from "./contribute-api.js";
import { clean, fieldLabel, show } from "./contribute-forms.js";
import { tr } from "./contribute-texts.js";
import { el } from "./text.js";

export class ReviewPanes {
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
        el("button", { type: "button", class: "reject", onclick: resolve(false) }, tr("review.different")),
        el("button", { type: "button", class: "merge", onclick: () => this.mergeForm(candidate, card) }, tr("review.merge"))),
    );
    return card;
  }

  // --- merging field by field -------------------------------------------------------------
  /** The record and the actor field by field; each differing field a radio group (keyboard:
   *  Tab to the group, arrows to choose), the actor's side chosen by default. */
  async mergeForm(candidate, card) {
    if (card.querySelector("form.merge")) return;
    let comparison;
    try {
      comparison = (await call(COMPARE, { id: candidate.id })).duplicateComparison;
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!comparison) return;
    const form = el("form", { class: "merge", dataset: { merge: candidate.id } },
      el("p", { class: "help" }, tr("review.mergeHelp")));
    const sideLabel = { RECORD: tr("review.sideRecord"), ACTOR: tr("review.sideActor"), BOTH: tr("review.sideBoth") };
    for (const item of comparison.fields) {
      if (!item.differs || !item.sides.length) continue;
      const group = `merge-${candidate.id}-${item.field}`;
      const valueOf = { RECORD: item.record, ACTOR: item.actor, BOTH: null };
      form.append(el("fieldset", { class: "merge-field differs", dataset: { field: item.field } },
        el("legend", {}, fieldLabel(item.field)),
        ...item.sides.map((side) => el("label", { class: `side side-${side.toLowerCase()}` },
          el("input", { type: "radio", name: group, value: side, checked: side === "ACTOR" }),
          ` ${sideLabel[side]}`, side === "BOTH" ? "" : el("span", { class: "value" }, ` : ${show(valueOf[side])}`)))));
    }
    form.append(el("button", { type: "submit", class: "confirm", id: `merge-send-${candidate.id}` }, tr("review.mergeSend")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const choices = [...form.querySelectorAll("fieldset[data-field]")].map((set) => ({
        field: set.dataset.field, side: set.querySelector("input:checked")?.value ?? "ACTOR",
      }));
      const ok = await this.act(async () => (await call(MERGE, { id: candidate.id, choices })).mergeCandidate, tr("done.merged"));
      if (ok) {
        card.remove();
        this.reloadMap();
      }
    });
    card.append(form);
    form.querySelector("input")?.focus();
  }

}
