// An accessible autocomplete (WAI-ARIA combobox with a listbox popup) over the API's search.
//
// Typing asks `search(text)`: the API folds accents ("economie" finds "Économie"), tolerates a
// typo and ranks the answers; they are shown in its order.
// Keys: ↓/↑ move, Enter picks, Escape closes. The chosen actor is `combo.value`.
import { searchActors } from "./graphql.js";
import { t } from "./i18n.js";
import { debounce, el } from "./text.js";

export class ActorCombo {
  constructor(input, listbox, { onPick } = {}) {
    this.input = input;
    this.listbox = listbox;
    this.onPick = onPick;
    this.options = [];
    this.active = -1;
    this.value = null;
    this.controller = null;
    this.search = debounce((text) => this.run(text), 180);
    input.addEventListener("input", () => {
      this.value = null;
      const text = input.value.trim();
      if (text.length < 2) this.close();
      else this.search(text);
    });
    input.addEventListener("keydown", (event) => this.key(event));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
  }

  async run(text) {
    this.controller?.abort();
    this.controller = new AbortController();
    let found = [];
    try {
      found = await searchActors(text, 8, { signal: this.controller.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      this.render([], t("search.error"));
      return;
    }
    if (this.input.value.trim() !== text) return; // typed on meanwhile
    this.render(found, found.length ? null : t("search.none"));
  }

  render(actors, message) {
    this.options = actors;
    this.active = -1;
    this.listbox.replaceChildren();
    actors.forEach((actor, index) => {
      const option = el(
        "li",
        {
          id: `${this.listbox.id}-${index}`,
          role: "option",
          "aria-selected": "false",
          class: "option",
          dataset: { actorId: actor.id },
          onmousedown: (event) => {
            event.preventDefault(); // keep focus in the input
            this.pick(index);
          },
        },
        el("span", { class: `dot kind-${actor.kind}`, "aria-hidden": "true" }),
        el("span", { class: "option-name" }, actor.name),
        el("span", { class: "option-kind" }, t(`kind.${actor.kind}`)),
      );
      this.listbox.append(option);
    });
    if (message) {
      this.listbox.append(el("li", { class: "option-empty", role: "option", "aria-disabled": "true" }, message));
    }
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.input.removeAttribute("aria-activedescendant");
  }

  move(step) {
    if (!this.options.length) return;
    this.active = (this.active + step + this.options.length) % this.options.length;
    for (const [index, node] of [...this.listbox.querySelectorAll("[role=option]")].entries()) {
      node.setAttribute("aria-selected", String(index === this.active));
    }
    const id = `${this.listbox.id}-${this.active}`;
    this.input.setAttribute("aria-activedescendant", id);
    document.getElementById(id)?.scrollIntoView({ block: "nearest" });
  }

  key(event) {
    const open = !this.listbox.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open && this.input.value.trim().length >= 2) this.run(this.input.value.trim());
      else this.move(1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      this.move(-1);
    } else if (event.key === "Enter" && open) {
      event.preventDefault();
      this.pick(this.active >= 0 ? this.active : 0);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      this.close();
    }
  }

  pick(index) {
    const actor = this.options[index];
    if (!actor) return;
    this.set(actor);
    this.close();
    this.onPick?.(actor);
  }

  set(actor) {
    this.value = actor;
    this.input.value = actor ? actor.name : "";
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}
