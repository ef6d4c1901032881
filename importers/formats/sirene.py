"""INSEE SIRENE *unités légales*: the register of every legal unit, ESS ones flagged.

``maillage import sirene FILE [--ess-only]``

The stock file (``StockUniteLegale_utf8.csv``, about 28 million rows) is read as a stream: memory
does not grow with the file. Columns used (INSEE's names; others are ignored):

* ``siren`` — identity (``siren:`` alias; a new actor is ``siren-<SIREN>``);
* ``denominationUniteLegale`` — the name (``sigleUniteLegale`` added in brackets);
* ``categorieJuridiqueUniteLegale`` — the legal form, as INSEE's label
  (``importers/data/categories_juridiques.csv``);
* ``activitePrincipaleUniteLegale`` — the NAF code, kept in the description;
* ``economieSocialeSolidaireUniteLegale`` — ``O`` is ESS; ``--ess-only`` skips the others;
* ``identifiantAssociationUniteLegale`` — the RNA number;
* ``etatAdministratifUniteLegale`` — ``C`` (ceased): skipped, not a live actor;
* ``statutDiffusionUniteLegale`` — ``P`` (partial diffusion): skipped, INSEE does not publish it;
* ``nicSiegeUniteLegale`` — with the SIREN, the SIRET of the seat.

Matching is by SIREN and RNA only (never by name: the register is the authority on legal
identity), and SIRENE is authoritative for the legal form and the identifiers. The unités
légales file has no address: a new actor gets no commune — none is invented. Natural persons
(catégorie 1000, entrepreneurs individuels) are skipped: they are people, not organisations.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from graph_model.i18n import N_, _
from graph_model.identifiers import is_valid_siret
from graph_model.model import ActorKind, SourceRef
from importers.normalise import clean_text
from importers.reader import TableReader
from importers.records import ActorRecord, Record
from importers.tabular import Table, TableMapping

FIELDS: dict[str, tuple[str, ...]] = {
    name.lower(): (name.lower(),)
    for name in (
        "siren",
        "statutDiffusionUniteLegale",
        "denominationUniteLegale",
        "sigleUniteLegale",
        "categorieJuridiqueUniteLegale",
        "activitePrincipaleUniteLegale",
        "economieSocialeSolidaireUniteLegale",
        "identifiantAssociationUniteLegale",
        "etatAdministratifUniteLegale",
        "nicSiegeUniteLegale",
        "denominationUsuelle1UniteLegale",
    )
}
RNA = re.compile(r"^W\d{9}$")
_AUTHORITATIVE = frozenset({"legal_form", "siren", "siret", "rna"})


@cache
def legal_forms() -> dict[str, str]:
    """INSEE catégorie juridique (niveau III) code → French label (the shipped subset)."""
    text = (resources.files("importers") / "data" / "categories_juridiques.csv").read_text(
        encoding="utf-8"
    )
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: row["label"] for row in rows}


def legal_form_label(code: str | None) -> str | None:
    """The label of a catégorie juridique code; an unknown code is kept as the code itself.

    >>> legal_form_label("9220"), legal_form_label("5458")
    ('Association déclarée', 'SARL coopérative ouvrière de production (SCOP)')
    """
    if not code:
        return None
    return legal_forms().get(code, f"catégorie juridique {code}")


class SireneReader(TableReader):
    format = "sirene"
    required = ("siren", "denominationunitelegale")
    fuzzy = False
    links = False
    batch_size = 5_000

    def __init__(self, path: Path, *, ess_only: bool = False, system: str | None = None) -> None:
        super().__init__(path, system=system or "sirene")
        self.ess_only = ess_only
        self.table = Table(self.path, FIELDS, TableMapping())

    def records(self) -> Iterator[Record]:
        for line, values, raw in self.table.rows():
            yield self.record(line, values, raw)

    def _skip(self, get: Callable[[str], str | None]) -> str | None:
        """Why a legal unit is not imported as a live actor, if it is not."""
        if get("statutDiffusionUniteLegale") == "P":
            return N_("not public in SIRENE (statut de diffusion partielle)")
        if get("etatAdministratifUniteLegale") == "C":
            return N_("ceased legal unit (état administratif C)")
        if get("categorieJuridiqueUniteLegale") == "1000":
            return N_("natural person (entrepreneur individuel): not imported")
        if self.ess_only and get("economieSocialeSolidaireUniteLegale") != "O":
            return N_("not in the ESS (--ess-only)")
        return None

    def record(self, line: int, values: dict[str, Any], raw: dict[str, Any]) -> ActorRecord:
        def get(name: str) -> str | None:
            return clean_text(values.get(name.lower()))

        siren = (get("siren") or "").replace(" ", "")
        record = ActorRecord(
            line=line,
            raw=raw,
            source=SourceRef(system=self.system, key=siren or f"line-{line}"),
            kind=ActorKind.ORGANISATION,
            fuzzy=False,
            authoritative=_AUTHORITATIVE,
        )
        if not raw:
            record.skip = N_("empty row")
            return record
        category = get("categorieJuridiqueUniteLegale")
        record.skip = self._skip(get)
        if record.skip:
            # most of a stock file (~28M units): counted by reason, not listed in the report
            record.quiet = True
            return record
        name = get("denominationUniteLegale") or get("denominationUsuelle1UniteLegale")
        acronym = get("sigleUniteLegale")
        if name and acronym and acronym.casefold() not in name.casefold():
            name = f"{name} ({acronym})"
        record.name = name
        record.siren = siren or None
        nic = (get("nicSiegeUniteLegale") or "").replace(" ", "")
        if siren and nic.isdigit() and len(nic) == 5:
            if is_valid_siret(siren + nic):
                record.siret = siren + nic
            else:
                record.flags.append(
                    _("seat SIRET {siret} fails the Luhn check: not kept", siret=siren + nic)
                )
        rna = (get("identifiantAssociationUniteLegale") or "").replace(" ", "").upper()
        if rna and RNA.match(rna):
            record.rna = rna
        elif rna:
            record.flags.append(f"association number {rna!r} is not an RNA number: not kept")
        record.legal_form = legal_form_label(category)
        naf = get("activitePrincipaleUniteLegale")
        if naf:
            record.description = f"Activité principale (NAF) : {naf}"
        if not siren:
            record.error = "no SIREN"
        return record
