"""Step 2 of an import, normalise and place: an actor record as read becomes an :class:`ActorRow`.

Its values are cleaned (:mod:`importers.normalise`: text, SIREN/SIRET/RNA, web address, mail),
its place resolved to INSEE territories (:mod:`importers.places`), and the keys and the probe
identity (step 3) will look it up by are computed once. A row that breaks a rule raises
:class:`~graph_model.errors.ValidationError` (the pipeline *rejects* it with the reason, the rest
of the file goes on); what is only doubtful is *flagged* on the record and loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from graph_model.errors import InvalidIdentifier, ValidationError
from graph_model.i18n import gettext
from graph_model.identifiers import (
    check_actor_id,
    mint_actor_id,
    normalise_rna,
    normalise_siren,
    normalise_siret,
)
from graph_model.limits import MAX_NAME, check_actor_value, check_actor_values
from graph_model.phones import normalise_phone
from importers.names import Probe
from importers.normalise import (
    clean_text,
    distinctive_domain,
    email_domain,
    normalise_email,
    normalise_url,
    repair_mojibake,
    website_domain,
)
from importers.places import Place, PlaceInput, TerritoryResolver
from importers.problems import RowProblems, with_column
from importers.records import ActorRecord, ActorRow

#: places resolved once are found again without resolving (member lists repeat communes)
_PLACES_KEPT = 50_000


class Preparation:
    """Step 2 for one run: normalises records and resolves their places (cached)."""

    def __init__(self, resolver: TerritoryResolver) -> None:
        self.resolver = resolver
        self._places: dict[PlaceInput, Place] = {}

    def place(self, place: PlaceInput) -> Place:
        """The resolved place (a copy: the steps after add flags and territories to it)."""
        cached = self._places.get(place)
        if cached is None:
            cached = self.resolver.resolve(place)
            if len(self._places) > _PLACES_KEPT:
                self._places.clear()
            self._places[place] = cached
        return Place(
            cached.commune,
            cached.departement,
            cached.region,
            list(cached.active_in),
            list(cached.flags),
        )

    def row(self, record: ActorRecord) -> ActorRow:
        """The row of one actor record; :class:`ValidationError` when it cannot be loaded,
        naming every problem of the row (:class:`~importers.problems.RowProblems`)."""
        errors: list[ValidationError] = []
        values = _values(record, errors)
        try:
            _check_bounds(record, values)
        except ValidationError as exc:
            errors.append(exc)
        place = self.place(record.place)
        if errors:
            raise RowProblems(record, errors, [*record.flags, *place.flags])
        siren, siret, rna = values["siren"], values["siret"], values["rna"]
        if record.actor_id:
            minted = check_actor_id(record.actor_id)
        else:
            minted = mint_actor_id(siren=siren, rna=rna, source_key=record.source.alias)
        keys = [f"id:{minted}", record.source.alias]
        keys += [f"siren:{siren}"] if siren else []
        keys += [f"siret:{siret}"] if siret else []
        keys += [f"rna:{rna}"] if rna else []
        keys += record.aliases
        probe = Probe(
            name=values["name"],
            commune=place.commune,
            departement=place.departement,
            siren=siren,
            rna=rna,
            web=distinctive_domain(website_domain(values["website"])),
            mail=distinctive_domain(email_domain(values["email"])),
            phone=values["phone"],
            kind=record.kind.value if record.kind_explicit else None,
            siret=siret,
            latitude=record.place.latitude,
            longitude=record.place.longitude,
        )
        return ActorRow(record, values, place, list(dict.fromkeys(keys)), minted, probe)


def _check_bounds(record: ActorRecord, values: dict[str, Any]) -> None:
    """The model's bounds (:mod:`graph_model.limits`) on what the merge will store: the
    importers build actors without validating them, so a row breaking one is rejected here."""
    check_actor_values(values)
    check_actor_value("themes", [theme.id for theme in record.themes])
    check_actor_value("methods", record.methods)
    check_actor_value("aliases", record.aliases)


def _checked(
    errors: list[ValidationError], check: Callable[[str], str], value: str | None
) -> str | None:
    """``check(value)``, or ``None`` with its error kept (the row's other values are still
    checked: every problem is reported at once)."""
    if not value:
        return None
    try:
        return check(value)
    except ValidationError as exc:
        errors.append(exc)
        return None


def _values(record: ActorRecord, errors: list[ValidationError]) -> dict[str, Any]:
    """The record's scalar values, clean; flags what was dropped or repaired, and adds to
    ``errors`` what makes the row a reject."""
    name = clean_text(record.name)
    if not name:
        errors.append(
            ValidationError("no name: every actor needs one (check the name column)", field="name")
        )
    elif len(name) > MAX_NAME:
        errors.append(
            ValidationError(
                f"name of {len(name)} characters: at most {MAX_NAME} ({name[:40]}…)", field="name"
            )
        )
    lat, lon = record.place.latitude, record.place.longitude
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        record.flags.append(f"coordinates ({lat}, {lon}) are not on Earth: ignored")
        record.place = replace(record.place, latitude=None, longitude=None)
    siren = _checked(errors, normalise_siren, record.siren)
    siret = _checked(errors, normalise_siret, record.siret)
    if siret and siren and siret[:9] != siren:
        errors.append(
            InvalidIdentifier(
                f"SIRET {siret} does not belong to SIREN {siren}: a SIRET starts with its SIREN",
                field="siret",
            )
        )
    siren = siren or (siret[:9] if siret else None)
    rna = _checked(errors, normalise_rna, record.rna)
    website = normalise_url(record.website)
    email = normalise_email(record.email)
    for original in record.raw.values():
        if isinstance(original, str) and (repaired := repair_mojibake(original)) != original:
            record.flags.append(f"text repaired (wrong encoding once): {original!r} → {repaired!r}")
    if record.website and not website:
        record.flags.append(f"website {record.website!r} is not a web address: ignored")
    if record.email and not email:
        record.flags.append(f"email {record.email!r} is not an address: ignored")
    phone = normalise_phone(record.phone)
    if record.phone and not phone:
        text = gettext(
            "phone {value!r} is not a telephone number: left out (and out of the comparison)",
            value=record.phone,
        )
        record.flags.append(with_column(record, text, "phone"))
    return {
        "name": name or "",
        "legal_form": clean_text(record.legal_form),
        "level": record.level,
        "siren": siren,
        "siret": siret,
        "rna": rna,
        "website": website,
        "email": email,
        "phone": phone,
        "description": clean_text(record.description),
    }
