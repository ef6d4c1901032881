"""ESSGlobal "standard" CSV: the RIPESS / Solidarity Economy data standard.

``maillage import essglobal FILE [--mapping M.yaml] [--source NAME]``

Columns (the standard's own headers, schema ``sse_initiatives`` v4): ``Identifier``, ``Name``,
``Description``, ``Organisational Structure``, ``Primary Activity``, ``Activities``
(``;``-separated),
``Street Address``, ``Locality``, ``Region``, ``Postcode``, ``Country ID`` (ISO 3166, or
``Country Name`` in older files), ``Territory ID``, ``Website``, ``Phone``, ``Email``,
``Twitter``, ``Facebook``, ``Companies House Number``, ``Qualifiers``, ``Membership Type``,
``Latitude``, ``Longitude``, ``Geo Container``, ``Geo Container Latitude``/``Longitude``.

Vocabulary terms (full URIs, ``os:OS115``-style prefixed terms, bare codes or English labels)
are resolved with the shipped subset ``importers/data/essglobal_vocabulary.yaml`` (source and
licence in the file) to French and English labels:

* ``Organisational Structure`` → the legal form (French label; federations, unions and apex
  bodies are networks), with ``Membership Type`` added in brackets (``Coopérative (sociétariat :
  producteurs)``);
* ``Primary Activity`` and ``Activities`` → Theme nodes ``essglobal:AM60`` with both labels;
* ``Latitude``/``Longitude`` are the actor's point; the ``Geo Container`` point is only the
  postcode's, it is not used as the actor's own.

An unknown term is flagged and left out, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from graph_model.i18n import N_, _
from graph_model.identifiers import fold
from graph_model.model import ActorKind, SourceRef, Theme
from importers.normalise import clean_text, parse_float, slug, split_list
from importers.places import PlaceInput
from importers.reader import TableReader
from importers.records import ActorRecord
from importers.tabular import Table, TableMapping, variants

FIELDS: dict[str, tuple[str, ...]] = {
    "id": variants("Identifier"),
    "name": variants("Name"),
    "description": variants("Description"),
    "structure": variants("Organisational Structure"),
    "primary": variants("Primary Activity"),
    "activities": variants("Activities"),
    "street": variants("Street Address"),
    "locality": variants("Locality"),
    "region": variants("Region"),
    "postcode": variants("Postcode"),
    "country": variants("Country ID", "Country Name", "Country"),
    "territory": variants("Territory ID"),
    "website": variants("Website", "Homepage"),
    "email": variants("Email"),
    "phone": variants("Phone", "Telephone"),
    "membership": variants("Membership Type"),
    "latitude": variants("Latitude"),
    "longitude": variants("Longitude"),
}


@dataclass(frozen=True)
class Term:
    scheme: str
    code: str
    en: str
    fr: str
    kind: ActorKind | None = None


class Vocabulary:
    """The shipped ESSGlobal subset, indexed by code and by label."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._terms: dict[tuple[str, str], Term] = {}
        self._labels: dict[tuple[str, str], Term] = {}
        for scheme, body in data["schemes"].items():
            for code, labels in body["terms"].items():
                kind = labels.get("kind")
                term = Term(
                    scheme, code, labels["en"], labels["fr"], ActorKind(kind) if kind else None
                )
                self._terms[(scheme, code.upper())] = term
                self._labels[(scheme, fold(labels["en"]))] = term
                self._labels[(scheme, fold(labels["fr"]))] = term

    def term(self, scheme: str, value: str) -> Term | None:
        """The term a cell names: URI, ``prefix:CODE``, ``CODE`` or label."""
        text = value.strip().rstrip(".")
        code = re.split(r"[/:#]", text)[-1].upper()
        found = self._terms.get((scheme, code))
        if found is None and scheme == "activities-modified":
            found = self._terms.get(("activities-modified", code))
        return found or self._labels.get((scheme, fold(text)))


@cache
def vocabulary() -> Vocabulary:
    text = (resources.files("importers") / "data" / "essglobal_vocabulary.yaml").read_text(
        encoding="utf-8"
    )
    return Vocabulary(yaml.safe_load(text))


def activity_theme(term: Term) -> Theme:
    return Theme(
        id=f"essglobal:{term.code}", label_fr=term.fr, label_en=term.en, scheme="essglobal"
    )


class EssGlobalReader(TableReader):
    format = "essglobal"
    required = ("id", "name")

    def __init__(
        self, path: Path, *, mapping: TableMapping | None = None, system: str | None = None
    ) -> None:
        self.mapping = mapping or TableMapping()
        name = system or self.mapping.source
        super().__init__(path, system=f"essglobal-{slug(name)}" if name else "essglobal")
        self.table = Table(self.path, FIELDS, self.mapping)

    def record(self, line: int, values: dict[str, Any], raw: dict[str, Any]) -> ActorRecord:
        vocab = vocabulary()
        identifier = clean_text(values.get("id"))
        record = ActorRecord(
            line=line,
            raw=raw,
            source=SourceRef(system=self.system, key=identifier or f"line-{line}"),
            name=clean_text(values.get("name")),
            description=clean_text(values.get("description")),
            website=clean_text(values.get("website")),
            email=clean_text(values.get("email")),
            phone=clean_text(values.get("phone")),
        )
        if not identifier:
            record.error = _("no Identifier (the standard requires one per initiative)")
            return record
        structure_text = clean_text(values.get("structure"))
        membership_text = clean_text(values.get("membership"))
        structure = vocab.term("organisational-structure", structure_text or "")
        membership = vocab.term("base-membership-type", membership_text or "")
        for text, term, unknown in (
            (
                structure_text,
                structure,
                N_("unknown ESSGlobal organisational structure {text!r}: ignored"),
            ),
            (
                membership_text,
                membership,
                N_("unknown ESSGlobal membership type {text!r}: ignored"),
            ),
        ):
            if text and term is None:
                record.flags.append(_(unknown, text=text))
        if structure is not None:
            record.legal_form = structure.fr
            if structure.kind is not None:
                record.kind = structure.kind
        if membership is not None:
            suffix = f"sociétariat : {membership.fr.lower()}"
            record.legal_form = f"{record.legal_form} ({suffix})" if record.legal_form else suffix
        for cell in (values.get("primary"), values.get("activities")):
            for text in split_list(cell, ";"):
                term = vocab.term("activities-modified", text)
                if term is None:
                    record.flags.append(
                        _("unknown ESSGlobal activity {text!r}: ignored", text=text)
                    )
                elif all(t.id != f"essglobal:{term.code}" for t in record.themes):
                    record.themes.append(activity_theme(term))
        latitude = parse_float(values.get("latitude"))
        longitude = parse_float(values.get("longitude"))
        record.place = PlaceInput(
            postcode=clean_text(values.get("postcode")),
            commune=clean_text(values.get("locality")),
            latitude=latitude if longitude is not None else None,
            longitude=longitude if latitude is not None else None,
            country=clean_text(values.get("country")),
        )
        return record
