"""A SIREN or SIRET typed in the actor form, looked up in the graph (``sirene(number:)``).

A SIRENE import (:mod:`importers.formats.sirene`) stores every unit it keeps as an actor, known
by the keys ``siren:<SIREN>`` and ``siret:<seat SIRET>``; other sources add their SIREN/SIRET
to the actors they describe. So a number the graph knows is always an actor already: the form
is told which (to open it instead of creating a duplicate — an ``upsertActor`` with that SIREN
would update it anyway) and prefilled with what is known of it: the name, the legal form, the
commune and the point. A SIRET of another establishment of a known SIREN finds its legal unit.

``from_sirene`` says whether the register is among the actor's sources (the name, legal form and
identifiers then come from INSEE: SIRENE is authoritative for them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from graph_model.errors import InvalidIdentifier
from graph_model.i18n import _
from graph_model.identifiers import normalise_siren, normalise_siret
from graph_model.port import GraphStore

_NON_DIGITS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class IdentifierMatch:
    siren: str
    siret: str | None
    actor: str | None
    from_sirene: bool
    props: dict[str, Any]


def _systems(props: dict[str, Any]) -> list[str]:
    systems = []
    for raw in props.get("sources") or ():
        try:
            systems.append(str(json.loads(raw)["system"]))
        except (ValueError, KeyError, TypeError):
            continue
    return systems


def lookup(graph: GraphStore, number: str) -> IdentifierMatch:
    """The actor a SIREN (9 digits) or SIRET (14) names, if any; :class:`InvalidIdentifier`
    for anything else or a number failing the Luhn check."""
    digits = _NON_DIGITS.sub("", number.strip())[:40]
    if len(digits) == 14:
        siret: str | None = normalise_siret(digits)
        siren = digits[:9]
    elif len(digits) == 9:
        siret, siren = None, normalise_siren(digits)
    else:
        raise InvalidIdentifier(
            _("number {value!r}: a SIREN has 9 digits, a SIRET 14", value=number[:40]),
            field="number",
        )
    keys = ([f"siret:{siret}"] if siret else []) + [f"siren:{siren}"]
    known = graph.resolve_keys(keys)
    actor = next((known[k] for k in keys if k in known), None)
    if actor is None:
        return IdentifierMatch(siren, siret, None, False, {})
    found = graph.actors_by_id([actor]).get(actor)
    props = dict(found.props) if found is not None else {}
    sirene = any(s == "sirene" or s.startswith("sirene-") for s in _systems(props))
    return IdentifierMatch(siren, siret, actor if found else None, sirene, props)


__all__ = ["IdentifierMatch", "lookup"]
