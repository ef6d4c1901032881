"""Cooperation links: CSV or XLSX, one link per row.

``maillage import links FILE [--mapping M.yaml] [--source NAME]``

========== =====================================================================================
field       headers recognised (examples)
========== =====================================================================================
from        from, de, acteur 1, structure 1, origine
to          to, vers, à, acteur 2, structure 2, cible
kind        kind, type, type de lien, relation — ``MEMBER_OF`` … or in French: membre,
            partenariat / co-portage / mutualisation / échange de pratiques (``COOPERATES_WITH``
            with that sub-kind), porte (``CARRIES``), accompagne (``SUPPORTS``), finance
            (``FUNDS``), siège (``SITS_ON``); ``link_kinds:`` in the mapping adds words
subkind     sous-type, précision
since       since, depuis, date de début — until (until, jusqu'à, date de fin)
source      source, provenance, référence — where the link is stated (a URL is kept as such)
========== =====================================================================================

An end is an actor id (``net-mes``, ``siren-732829320``), a SIREN, SIRET or RNA number, an alias
``system:key`` (``gogocarto:4521``), a Murmurations profile URL, or a name. An end that matches
no actor, or several, rejects the row and the report names the candidates: nothing is guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph_model.errors import InvalidDates
from graph_model.i18n import N_, _
from graph_model.identifiers import fold
from graph_model.model import LinkKind, SourceRef
from importers.formats.spreadsheet import default_system
from importers.normalise import clean_text, normalise_url, parse_date
from importers.reader import TableReader
from importers.records import LinkRecord
from importers.tabular import Table, TableMapping, variants

FIELDS: dict[str, tuple[str, ...]] = {
    "from": variants(
        "from", "de", "acteur 1", "structure 1", "origine", "acteur source", "source_id"
    ),
    "to": variants("to", "vers", "à", "a", "acteur 2", "structure 2", "cible", "target_id"),
    "kind": variants("kind", "type", "type de lien", "relation", "nature du lien", "lien"),
    "subkind": variants("subkind", "sous-type", "sous type", "précision"),
    "since": variants("since", "depuis", "date de début", "début", "à partir de"),
    "until": variants("until", "jusqu'à", "jusqu'au", "date de fin", "fin"),
    "source": variants("source", "sources", "provenance", "référence"),
}  # fmt: skip

COOPERATION_SUBKINDS = ("partenariat", "co-portage", "mutualisation", "échange de pratiques")
_WORDS: dict[str, LinkKind] = {
    **{fold(k.value): k for k in LinkKind},
    **{fold(k.value.replace("_", " ")): k for k in LinkKind},
    "membre": LinkKind.MEMBER_OF,
    "membre de": LinkKind.MEMBER_OF,
    "est membre de": LinkKind.MEMBER_OF,
    "adherent": LinkKind.MEMBER_OF,
    "adhesion": LinkKind.MEMBER_OF,
    "adhere a": LinkKind.MEMBER_OF,
    "coopere avec": LinkKind.COOPERATES_WITH,
    "cooperation": LinkKind.COOPERATES_WITH,
    "partenaire": LinkKind.COOPERATES_WITH,
    "porte": LinkKind.CARRIES,
    "porteur": LinkKind.CARRIES,
    "portage": LinkKind.CARRIES,
    "porte le projet": LinkKind.CARRIES,
    "accompagne": LinkKind.SUPPORTS,
    "accompagnement": LinkKind.SUPPORTS,
    "soutien": LinkKind.SUPPORTS,
    "soutient": LinkKind.SUPPORTS,
    "finance": LinkKind.FUNDS,
    "financement": LinkKind.FUNDS,
    "financeur": LinkKind.FUNDS,
    "siege": LinkKind.SITS_ON,
    "siege dans": LinkKind.SITS_ON,
    "siege au": LinkKind.SITS_ON,
    "siege a": LinkKind.SITS_ON,
    "representation": LinkKind.SITS_ON,
}
ACTOR_LINKS = (
    LinkKind.MEMBER_OF,
    LinkKind.COOPERATES_WITH,
    LinkKind.CARRIES,
    LinkKind.SUPPORTS,
    LinkKind.FUNDS,
    LinkKind.SITS_ON,
)


_SUBKINDS = {fold(subkind): subkind for subkind in COOPERATION_SUBKINDS}


def link_kind(value: str, overrides: dict[str, str]) -> tuple[LinkKind | None, str | None]:
    """The link kind (and cooperation sub-kind) a cell names."""
    key = fold(value)
    for text, kind in overrides.items():
        if fold(text) == key:
            return LinkKind(kind), None
    if key in _SUBKINDS:
        return LinkKind.COOPERATES_WITH, _SUBKINDS[key]
    found = _WORDS.get(key)
    return (found, None) if found in ACTOR_LINKS else (None, None)


class LinksReader(TableReader):
    format = "links"
    required = ("from", "to", "kind")
    fuzzy = False
    batch_size = 5_000

    def __init__(
        self, path: Path, *, mapping: TableMapping | None = None, system: str | None = None
    ) -> None:
        self.mapping = mapping or TableMapping()
        super().__init__(
            path, system=system or self.mapping.source or default_system(Path(path), "links")
        )
        self.table = Table(self.path, FIELDS, self.mapping)
        self._kinds: dict[str, tuple[LinkKind | None, str | None]] = {}

    def empty_row(self, line: int) -> LinkRecord:
        return LinkRecord(line=line, raw={}, source_ref="", target_ref="", skip=N_("empty row"))

    def record(self, line: int, values: dict[str, Any], raw: dict[str, Any]) -> LinkRecord:
        source_ref = clean_text(values.get("from")) or ""
        target_ref = clean_text(values.get("to")) or ""
        record = LinkRecord(line=line, raw=raw, source_ref=source_ref, target_ref=target_ref)
        errors: list[str] = []
        if not source_ref:
            errors.append(_("no 'from' actor"))
        if not target_ref:
            errors.append(_("no 'to' actor"))
        kind_text = clean_text(values.get("kind"))
        if kind_text:
            known = self._kinds.get(kind_text)
            if known is None:
                known = self._kinds[kind_text] = link_kind(kind_text, self.mapping.link_kinds)
            record.kind, record.subkind = known
            if record.kind is None:
                listed = ", ".join(k.value for k in ACTOR_LINKS)
                errors.append(
                    _(
                        "link kind {kind!r} not recognised (use {kinds})",
                        kind=kind_text,
                        kinds=listed,
                    )
                )
        else:
            errors.append(_("no link kind"))
        subkind = clean_text(values.get("subkind"))
        if subkind:
            record.subkind = subkind
        for name in ("since", "until"):
            try:
                setattr(record, name, parse_date(values.get(name), end=(name == "until")))
            except InvalidDates as exc:
                errors.append(f"{name}: {exc}")
        source_text = clean_text(values.get("source"))
        url = normalise_url(source_text) if source_text and "://" in source_text else None
        key = source_text or f"{fold(source_ref)}>{record.kind or kind_text}>{fold(target_ref)}"
        # the system was checked once for the file (the pipeline's check_system)
        record.sources = [SourceRef.model_construct(system=self.system, key=key[:500], url=url)]
        if errors:
            record.error = "; ".join(errors)
        return record
