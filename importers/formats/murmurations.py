"""Murmurations organisation profiles (``organizations_schema-v1.0.0``), one or many.

``maillage import murmurations FILE [--source NAME]``

The file holds one profile (a JSON object), a list of profiles, or an index answer
(``{"data": [profile, …]}``). Fields read (the schema's names): ``name``, ``nickname``,
``primary_url`` (the profile's identity: the alias ``murmurations:<host/path>``, and the
website), ``description`` (else ``mission``), ``tags`` (themes), ``status`` (``cancelled``
profiles are skipped), ``full_address`` (a French postcode and commune are read from it),
``country_iso_3166``, ``geolocation {lat, lon}``, ``contact_details {email}``, ``telephone``
(or ``contact_details {telephone}``/``{phone}``, which some profiles carry),
``geographic_scope`` (``national`` in France → active in France), and ``relationships
[{predicate_url, object_url}]``.

Relationships become links once every profile of the file is loaded; the object is found by its
primary URL (``object_url`` should be one, says the schema). Predicates understood (schema.org):
``memberOf`` (subject member of object), ``member`` (object member of subject),
``parentOrganization``/``subOrganization`` (membership of an umbrella), ``funder`` (object funds
subject), ``sponsor`` (object supports subject). Another predicate is flagged and left out; an
object no actor has as primary URL rejects that link (reported), not the profile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph_model.errors import ImportFailure
from graph_model.i18n import N_, _
from graph_model.model import LinkKind, SourceRef
from importers.formats.gogocarto import load_json
from importers.formats.spreadsheet import free_theme
from importers.normalise import clean_text, normalise_profile_url, parse_float, slug
from importers.places import PlaceInput
from importers.reader import Reader
from importers.records import ActorRecord, Record, Relation

#: predicate → (link kind, reversed: the object is the link's source)
PREDICATES: dict[str, tuple[LinkKind, bool]] = {
    "memberof": (LinkKind.MEMBER_OF, False),
    "member": (LinkKind.MEMBER_OF, True),
    "parentorganization": (LinkKind.MEMBER_OF, False),
    "suborganization": (LinkKind.MEMBER_OF, True),
    "funder": (LinkKind.FUNDS, True),
    "sponsor": (LinkKind.SUPPORTS, True),
}
_POSTCODE_COMMUNE = re.compile(r"\b(\d{5})\s+([^,\d][^,]*)")


def predicate_of(url: str) -> tuple[LinkKind, bool] | None:
    """The link a schema.org predicate URL means (``https://schema.org/memberOf``)."""
    text = url.strip().rstrip("/")
    if not re.match(r"^(https?://(www\.)?schema\.org/|schema:)", text, re.IGNORECASE):
        return None
    return PREDICATES.get(re.split(r"[/:]", text)[-1].lower())


def profile_alias_key(profile: dict[str, Any]) -> str | None:
    for field in ("primary_url", "profile_url", "unique_id"):
        value = clean_text(profile.get(field))
        if value:
            return normalise_profile_url(value) if field != "unique_id" else value
    return None


class MurmurationsReader(Reader):
    format = "murmurations"

    def __init__(self, path: Path, *, system: str | None = None) -> None:
        super().__init__(path, system=f"murmurations-{slug(system)}" if system else "murmurations")
        self.profiles: list[Any] = []

    def prepare(self) -> None:
        super().prepare()
        data = load_json(self.path)
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            profiles: list[Any] = data["data"]
        elif isinstance(data, dict) and ("name" in data or "linked_schemas" in data):
            profiles = [data]
        elif isinstance(data, list):
            profiles = data
        else:
            raise ImportFailure(
                _(
                    "{file}: not Murmurations profiles (expected a profile object, a list of "
                    "profiles, or the index's answer with its data)",
                    file=self.path.name,
                )
            )
        self.profiles = profiles
        self.total = len(profiles)

    def records(self) -> Iterator[Record]:
        for position, profile in enumerate(self.profiles, start=1):
            yield self.record(position, profile)

    def record(self, position: int, profile: Any) -> ActorRecord:
        if not isinstance(profile, dict):
            return ActorRecord(
                line=position,
                raw={"profile": profile},
                source=SourceRef(system=self.system, key=f"position-{position}"),
                error=_("not a Murmurations profile (expected an object)"),
            )
        key = profile_alias_key(profile)
        record = ActorRecord(
            line=position,
            raw=profile,
            source=SourceRef(
                system=self.system,
                key=key or f"position-{position}",
                url=clean_text(profile.get("profile_url")),
            ),
            name=clean_text(profile.get("name")),
            website=clean_text(profile.get("primary_url")),
            description=clean_text(profile.get("description") or profile.get("mission")),
        )
        if key is None:
            record.error = _("no primary_url (nor profile_url): a profile needs one to be found")
            return record
        if clean_text(profile.get("status")) == "cancelled":
            record.skip = N_("status cancelled: not a live actor")
            return record
        if self.system != "murmurations":  # relationships find profiles by this alias
            record.aliases.append(f"murmurations:{key}")
        contact = profile.get("contact_details")
        if isinstance(contact, dict):
            record.email = clean_text(contact.get("email"))
        phone = profile.get("telephone") or profile.get("phone")
        if not phone and isinstance(contact, dict):
            phone = contact.get("telephone") or contact.get("phone")
        record.phone = clean_text(phone)
        geo = profile.get("geolocation")
        latitude = parse_float(geo.get("lat")) if isinstance(geo, dict) else None
        longitude = parse_float(geo.get("lon")) if isinstance(geo, dict) else None
        address = clean_text(profile.get("full_address")) or ""
        match = _POSTCODE_COMMUNE.search(address)
        scope = clean_text(profile.get("geographic_scope"))
        record.place = PlaceInput(
            postcode=match.group(1) if match else None,
            commune=clean_text(match.group(2)) if match else None,
            latitude=latitude if longitude is not None else None,
            longitude=longitude if latitude is not None else None,
            country=clean_text(profile.get("country_iso_3166")),
            area="national" if scope == "national" else None,
        )
        tags = profile.get("tags") or []
        if isinstance(tags, list):
            record.themes = [free_theme(t) for tag in tags if (t := clean_text(tag))]
        for relation in profile.get("relationships") or []:
            if not isinstance(relation, dict):
                record.flags.append(
                    _("relationship {relation!r} is not an object: ignored", relation=relation)
                )
                continue
            predicate = clean_text(relation.get("predicate_url")) or ""
            target = clean_text(relation.get("object_url")) or ""
            meaning = predicate_of(predicate)
            if meaning is None or not target:
                record.flags.append(
                    _(
                        "relationship {predicate} → {target} not understood: ignored",
                        predicate=predicate or "?",
                        target=target or "?",
                    )
                )
                continue
            kind, reverse = meaning
            record.relations.append(Relation(kind=kind, target=target, reverse=reverse))
        return record
