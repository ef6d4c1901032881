// A commune by name or postcode: a WAI-ARIA combobox over communes(search:) (↓/↑ move, Enter
// picks, Escape closes), as the actor search's (autocomplete.js).
import { COMMUNES, call } from "./contribute-api.js";
import { tr } from "./contribute-texts.js";
import { debounce, el } from "./text.js";

export function communeText(commune) {
  return `${commune.name} (${commune.postcodes?.[0] ?? commune.code})`;
}

export class CommuneCombo {
  constructor(input, listbox, onPick) {
    this.input = input;
    this.listbox = listbox;
    this.onPick = onPick;
    this.options = [];
    this.active = -1;
    this.search = debounce((text) => this.run(text), 150);
    input.addEventListener("input", () => {
      const hidden = input.form?.elements.commune;
      if (hidden) hidden.value = ""; // typed again: no commune chosen until one is picked
      const text = input.value.trim();
      if (text.length < 2) this.close();
      else this.search(text);
    });
    input.addEventListener("keydown", (event) => this.key(event));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
  }

  async run(text) {
    let found = [];
    try {
      found = (await call(COMMUNES, { s: text })).communes;
    } catch {
      found = [];
    }
    if (this.input.value.trim() !== text) return; // typed on meanwhile
    this.render(found);
  }

  render(communes) {
    this.options = communes;
    this.active = -1;
    this.listbox.replaceChildren(...communes.map((commune, index) => el("li", {
      id: `${this.listbox.id}-${index}`, role: "option", "aria-selected": "false", class: "option",
      dataset: { commune: commune.code },
      onmousedown: (event) => {
        event.preventDefault(); // keep focus in the input
        this.pick(index);
      },
    }, el("span", { class: "option-name" }, communeText(commune)), el("span", { class: "option-kind" }, commune.departement))));
    if (!communes.length) {
      this.listbox.append(el("li", { class: "option-empty", role: "option", "aria-disabled": "true" }, tr("actor.communeNone")));
    }
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.input.removeAttribute("aria-activedescendant");
  }

  move(step) {
    if (!this.options.length) return;
    this.active = (this.active + step + this.options.length) % this.options.length;
    for (const [index, node] of [...this.listbox.querySelectorAll("[data-commune]")].entries()) {
      node.setAttribute("aria-selected", String(index === this.active));
    }
    this.input.setAttribute("aria-activedescendant", `${this.listbox.id}-${this.active}`);
  }

  key(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (this.listbox.hidden && this.input.value.trim().length >= 2) this.run(this.input.value.trim());
      else this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && !this.listbox.hidden && this.active >= 0) {
      event.preventDefault(); // pick, do not send the form
      this.pick(this.active);
    } else if (event.key === "Escape") {
      this.close();
    }
  }

  pick(index) {
    const commune = this.options[index];
    this.close();
    if (commune) this.onPick(commune);
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}
