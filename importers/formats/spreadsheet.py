"""Member, partner and project lists: CSV or XLSX as regional networks keep them.

``maillage import spreadsheet FILE [--mapping M.yaml] [--source NAME]``

Columns are recognised by their header (accents, case and punctuation do not matter); the
first matching column wins; a mapping file names the others. Fields:

========== =====================================================================================
field       headers recognised (examples)
========== =====================================================================================
name        Nom, Raison sociale, Structure, Nom de la structure, Dénomination, Organisation
id          Identifiant, Réf, N° adhérent — the row's stable key in this source
kind        Type, Type de structure, Catégorie — réseau/fédération → Network, projet → Project,
            instance → AdvocacyBody, anything else → Organisation
legal_form  Forme juridique, Statut
siren       SIREN, N° SIREN (spaces and dots allowed) — also siret, rna (RNA, N° W)
address     Adresse — postcode (Code postal, CP; ``1440`` is read ``01440``), commune (Ville,
            Commune), insee (Code INSEE), latitude, longitude, country (Pays)
website     Site, Site web, URL — email (Email, Courriel) — phone (Téléphone, Tél, Portable)
networks    Réseau(x), Membre de, Adhérent à — one or several names (``;``, ``,``, ``|``): each
            becomes a ``MEMBER_OF`` link; a network the graph does not know yet is created with
            that name (the list is its source)
since       Adhésion depuis, Date d'adhésion, Membre depuis — until (Fin d'adhésion, Date de fin):
            the dates of those memberships (``dd/mm/yyyy``, ISO, Excel dates, or a year)
themes      Thématique(s), Domaine(s), Secteur — Theme nodes (``maillage:<slug>``), ``WORKS_ON``
area        Territoire d'action, Zone d'intervention — ``ACTIVE_IN`` (widest certain territory)
level       Niveau, Échelle — for advocacy bodies (local, régional, national, international)
========== =====================================================================================

The source system is ``--source`` (or ``source:`` in the mapping), by default ``sheet-`` and the
file name; give the same one to every export of the same list so that a re-import is recognised
as the same source. A row's key in it is its id column, else its SIRET, SIREN or RNA, else its
folded name and postcode.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from graph_model.errors import InvalidDates
from graph_model.identifiers import fold
from graph_model.model import ActorKind, AdvocacyLevel, SourceRef, Theme
from importers.normalise import clean_text, parse_date, parse_float, slug, split_list
from importers.places import PlaceInput
from importers.reader import TableReader
from importers.records import ActorRecord, Membership
from importers.tabular import Table, TableMapping, variants

FIELDS: dict[str, tuple[str, ...]] = {
    "id": variants(
        "id", "identifiant", "ref", "référence", "n° adhérent", "numéro d'adhérent",
        "code adhérent", "id adhérent",
    ),
    "name": variants(
        "nom", "raison sociale", "structure", "nom de la structure", "nom structure",
        "dénomination", "organisation", "organisme", "name", "nom de l'organisation",
        "nom du projet", "projet", "adhérent", "membre", "nom de l'adhérent", "acteur",
        "nom de l'acteur", "structure adhérente",
    ),
    "kind": variants("type", "type de structure", "type d'acteur", "catégorie", "nature"),
    "legal_form": variants("forme juridique", "statut", "statut juridique", "forme"),
    "siren": variants("siren", "n° siren", "numéro siren", "siren de la structure"),
    "siret": variants("siret", "n° siret", "numéro siret", "siret du siège"),
    "rna": variants("rna", "n° rna", "numéro rna", "identifiant rna", "n° w", "numéro w"),
    "address": variants("adresse", "adresse postale", "rue", "adresse 1", "address"),
    "postcode": variants("code postal", "cp", "code_postal", "postcode", "code postal siège"),
    "commune": variants("commune", "ville", "localité", "city", "commune du siège"),
    "insee": variants("code insee", "insee", "code commune", "code commune insee", "depcom"),
    "latitude": variants("latitude", "lat"),
    "longitude": variants("longitude", "lon", "lng", "long"),
    "country": variants("pays", "country"),
    "website": variants("site", "site web", "site internet", "url", "website", "web"),
    "email": variants("email", "e-mail", "mail", "courriel", "adresse mail", "adresse e-mail"),
    "phone": variants(
        "téléphone", "tél", "tél.", "tel", "telephone", "phone", "n° de téléphone", "portable",
        "téléphone fixe", "standard",
    ),
    "description": variants("description", "activité", "objet", "présentation"),
    "networks": variants(
        "réseau", "réseaux", "réseau(x)", "membre de", "adhérent à", "appartenance",
        "réseaux d'appartenance", "fédération", "réseau d'appartenance",
    ),
    "since": variants(
        "adhésion depuis", "date d'adhésion", "date adhésion", "membre depuis", "depuis",
        "date d'entrée", "adhérent depuis",
    ),
    "until": variants(
        "fin d'adhésion", "date de fin", "jusqu'au", "date de sortie", "fin", "date de fin "
        "d'adhésion",
    ),
    "themes": variants(
        "thématique", "thématiques", "thème", "thèmes", "domaine", "domaines", "secteur",
        "secteur d'activité", "domaines d'activité",
    ),
    "area": variants(
        "territoire", "territoire d'action", "zone d'intervention", "périmètre",
        "territoire d'intervention", "zone géographique", "rayonnement",
    ),
    "level": variants("niveau", "échelle"),
}  # fmt: skip

_KINDS = {
    ActorKind.NETWORK: ("reseau", "federation", "mouvement", "network", "tete de reseau",
                        "union", "coordination"),
    ActorKind.PROJECT: ("projet", "project", "experimentation", "dispositif", "programme"),
    ActorKind.ADVOCACY_BODY: ("instance", "instance de representation", "advocacy",
                              "instance de concertation", "conseil"),
    ActorKind.ORGANISATION: ("structure", "organisation", "association", "entreprise", "scop",
                             "scic", "cooperative", "mutuelle", "fondation", "collectivite",
                             "adherent", "membre", "organisme"),
}  # fmt: skip
_LEVELS = {
    "local": AdvocacyLevel.LOCAL,
    "regional": AdvocacyLevel.REGIONAL,
    "regionale": AdvocacyLevel.REGIONAL,
    "national": AdvocacyLevel.NATIONAL,
    "nationale": AdvocacyLevel.NATIONAL,
    "international": AdvocacyLevel.INTERNATIONAL,
    "internationale": AdvocacyLevel.INTERNATIONAL,
    "europeen": AdvocacyLevel.INTERNATIONAL,
    "europeenne": AdvocacyLevel.INTERNATIONAL,
}


def kind_of(value: str, overrides: dict[str, str]) -> ActorKind | None:
    """The kind a cell names (``Réseau`` → Network), or ``None`` when it names none."""
    key = fold(value)
    for text, kind in overrides.items():
        if fold(text) == key:
            return ActorKind(kind)
    for kind, words in _KINDS.items():
        if key in words or any(key.startswith(w + " ") for w in words):
            return kind
    return None


@lru_cache(maxsize=65_536)
def free_theme(label: str) -> Theme:
    """A theme named in free text; the same label from any source is the same theme."""
    return Theme(id=f"maillage:{slug(label)}", label_fr=label, scheme="maillage")


def default_system(path: Path, prefix: str) -> str:
    stem = slug(path.stem) or "file"
    return f"{prefix}-{stem}"[:40].rstrip("-")


class SpreadsheetReader(TableReader):
    """A list of actors (members, partners, projects) in CSV or XLSX."""

    format = "spreadsheet"
    required = ("name",)

    def __init__(
        self, path: Path, *, mapping: TableMapping | None = None, system: str | None = None
    ) -> None:
        self.mapping = mapping or TableMapping()
        super().__init__(
            path, system=system or self.mapping.source or default_system(Path(path), "sheet")
        )
        self.table = Table(self.path, FIELDS, self.mapping)

    def _cell(self, values: dict[str, Any], name: str) -> str | None:
        value = values.get(name)
        if value is None:
            value = self.mapping.defaults.get(name)
        return clean_text(value)  # an Excel number 14000.0 reads "14000"

    def record(self, line: int, values: dict[str, Any], raw: dict[str, Any]) -> ActorRecord:
        flags: list[str] = []
        name = self._cell(values, "name")
        siren, siret, rna = (self._cell(values, k) for k in ("siren", "siret", "rna"))
        postcode = self._cell(values, "postcode")
        row_id = self._cell(values, "id")
        key = row_id or siret or siren or rna
        if key:
            key = key.replace(" ", "")
        else:
            key = f"{fold(name or '')}|{postcode or fold(self._cell(values, 'commune') or '')}"
        source = SourceRef.model_construct(system=self.system, key=key[:500], url=None)
        kind, explicit = ActorKind.ORGANISATION, False
        kind_text = self._cell(values, "kind")
        if kind_text:
            found = kind_of(kind_text, self.mapping.kinds)
            if found is None:
                flags.append(f"kind {kind_text!r} not recognised: Organisation assumed")
            else:
                kind, explicit = found, True
        level = None
        level_text = self._cell(values, "level")
        if level_text and kind is ActorKind.ADVOCACY_BODY:
            level = _LEVELS.get(fold(level_text))
            if level is None:
                flags.append(f"level {level_text!r} not recognised: ignored")
        memberships = self._memberships(values, flags)
        themes = [
            free_theme(t) for t in split_list(values.get("themes"), self.mapping.list_separator)
        ]
        record = ActorRecord(
            line=line,
            raw=raw,
            source=source,
            name=name,
            kind=kind,
            kind_explicit=explicit,
            legal_form=self._cell(values, "legal_form"),
            level=level,
            siren=siren,
            siret=siret,
            rna=rna,
            website=self._cell(values, "website"),
            email=self._cell(values, "email"),
            phone=self._cell(values, "phone"),
            description=self._cell(values, "description"),
            place=PlaceInput(
                insee=self._cell(values, "insee"),
                postcode=postcode,
                commune=self._cell(values, "commune"),
                latitude=parse_float(values.get("latitude")),
                longitude=parse_float(values.get("longitude")),
                country=self._cell(values, "country"),
                area=self._cell(values, "area"),
            ),
            themes=themes,
            memberships=memberships,
            flags=flags,
        )
        if (record.place.latitude is None) != (record.place.longitude is None):
            flags.append("latitude without longitude (or the reverse): coordinates ignored")
            record.place = PlaceInput(
                insee=record.place.insee,
                postcode=record.place.postcode,
                commune=record.place.commune,
                country=record.place.country,
                area=record.place.area,
            )
        return record

    def _date(self, values: dict[str, Any], name: str, flags: list[str]) -> Any:
        value = values.get(name)
        try:
            return parse_date(value, end=(name == "until"))
        except InvalidDates as exc:
            flags.append(f"{name}: {exc}; the membership is kept without this date")
            return None

    def _memberships(self, values: dict[str, Any], flags: list[str]) -> list[Membership]:
        names = split_list(values.get("networks"), self.mapping.list_separator)
        default = self.mapping.defaults.get("network")
        if default:
            names.append(default)
        if not names:
            return []
        since = self._date(values, "since", flags)
        until = self._date(values, "until", flags)
        if since and until and until < since:
            flags.append(f"membership ends ({until}) before it starts ({since}): dates ignored")
            since = until = None
        unique = list(dict.fromkeys(names))
        return [Membership(network=n, since=since, until=until) for n in unique]
