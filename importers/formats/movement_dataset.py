"""The schema of the movement reference dataset (``importers/data/movement.yaml``): its entries,
the curated id scheme and the cross-references, checked whole when the file is read.

The id scheme and what each entry becomes in the graph are in :mod:`importers.formats.movement`
(the reader); the JSON Schema exported from :class:`MovementDataset` is shipped as
``importers/data/movement.schema.json`` (a test keeps it current).
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from graph_model.i18n import gettext
from graph_model.model import ActorKind, AdvocacyLevel, LinkKind
from importers.formats.sirene import legal_forms

SYSTEM = "movement"
PREFIXES: dict[ActorKind, str] = {
    ActorKind.NETWORK: "net",
    ActorKind.ADVOCACY_BODY: "adv",
    ActorKind.PROJECT: "prj",
    ActorKind.ORGANISATION: "org",
}
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
CitationId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]


#: the officially assigned ISO 3166-1 alpha-2 country codes (the iso-codes list, 249 codes)
_COUNTRY_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW"""
COUNTRIES = frozenset(_COUNTRY_CODES.split())
#: France and the overseas codes ISO gives apart: a seat there is a commune (its INSEE code)
FRENCH = frozenset({"FR", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF"})


def _problem(text: str) -> PydanticCustomError:
    """A refusal whose message is the (translated) text as is, without pydantic's prefix."""
    return PydanticCustomError("movement_dataset", "{problem}", {"problem": text})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeatAbroad(_Strict):
    """A seat outside France: the city, its country, and the city centre's coordinates (the
    actor's point; no French territory)."""

    city: str = Field(min_length=1)
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country (ES, LU, KR…)")
    latitude: float = Field(description="the city centre's latitude, decimal degrees")
    longitude: float = Field(description="the city centre's longitude, decimal degrees")

    @model_validator(mode="after")
    def _checked(self) -> Self:
        if self.country not in COUNTRIES:
            raise _problem(
                gettext(
                    "seat abroad: {country!r} is not an ISO 3166-1 country code (two capital "
                    "letters, e.g. ES, LU, KR)",
                    country=self.country,
                )
            )
        if self.country in FRENCH:
            raise _problem(
                gettext(
                    "seat abroad: {country} is France; a seat in France is a commune (its "
                    "INSEE code in commune)",
                    country=self.country,
                )
            )
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise _problem(
                gettext(
                    "seat abroad: ({latitude}, {longitude}) is not a point on Earth (latitude "
                    "from -90 to 90, longitude from -180 to 180)",
                    latitude=self.latitude,
                    longitude=self.longitude,
                )
            )
        return self


class Citation(_Strict):
    """A source the dataset cites: the MES document, or a public page."""

    title: str
    url: str | None = Field(default=None, pattern=r"^https?://")
    note: str | None = None


class ThemeEntry(_Strict):
    id: str = Field(pattern=r"^mes-axis:[1-9]$|^maillage:" + _SLUG + "$")
    label_fr: str
    label_en: str | None = None
    scheme: Literal["mes-axis", "maillage"] = "mes-axis"
    sources: list[CitationId] = Field(min_length=1)


class MethodEntry(_Strict):
    id: str = Field(pattern=r"^met-" + _SLUG + "$")
    name: str
    description: str | None = None
    themes: list[str] = Field(default_factory=list)
    sources: list[CitationId] = Field(min_length=1)


class EventEntry(_Strict):
    id: str = Field(pattern=r"^evt-" + _SLUG + "$")
    name: str
    start: date | None = None
    end: date | None = None
    place_name: str | None = None
    commune: str | None = Field(default=None, description="INSEE code of the commune")
    sources: list[CitationId] = Field(min_length=1)
    place_sources: list[CitationId] = Field(
        default_factory=list, description="where the commune comes from, when not the sources"
    )

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"event {self.id} ends before it starts")
        return self


class ActorEntry(_Strict):
    id: str
    kind: ActorKind
    name: str
    also_known_as: list[str] = Field(default_factory=list)
    level: AdvocacyLevel | None = None
    website: str | None = Field(default=None, pattern=r"^https?://")
    legal_form: str | None = Field(
        default=None,
        pattern=r"^[0-9]{4}$",
        description="catégorie juridique INSEE (niveau III, four digits: 9220 association "
        "déclarée, 9300 fondation, 8210 mutuelle, 5458 SARL SCOP…), where a source states it",
    )
    commune: str | None = Field(default=None, description="INSEE code of the seat's commune")
    seat_abroad: SeatAbroad | None = Field(
        default=None, description="a seat outside France, where a source states it"
    )
    active_in: list[str] = Field(
        default_factory=list, description="territory ids: FR, region:76, commune:14167"
    )
    themes: list[str] = Field(default_factory=list)
    description: str | None = None
    sources: list[CitationId] = Field(min_length=1)

    @model_validator(mode="after")
    def _id_scheme(self) -> Self:
        prefix = PREFIXES[self.kind]
        if not re.match(rf"^{prefix}-{_SLUG}$", self.id):
            raise ValueError(
                f"actor id {self.id!r}: a {self.kind.value} id is '{prefix}-' and a slug"
            )
        if self.level is not None and self.kind is not ActorKind.ADVOCACY_BODY:
            raise ValueError(f"{self.id}: only an AdvocacyBody has a level")
        if self.legal_form is not None and self.legal_form not in legal_forms():
            raise ValueError(
                f"{self.id}: {self.legal_form} is not a catégorie juridique of "
                "importers/data/categories_juridiques.csv"
            )
        if self.seat_abroad is not None and (self.commune or self.active_in):
            raise _problem(
                gettext(
                    "{id}: an actor seated abroad has no commune and no active_in (French "
                    "territories would place it in France)",
                    id=self.id,
                )
            )
        return self


class LinkEntry(_Strict):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    kind: LinkKind
    subkind: str | None = None
    since: date | None = None
    until: date | None = None
    sources: list[CitationId] = Field(min_length=1)
    evidence: str | None = Field(default=None, description="the sentence of the source")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class MethodLinkEntry(_Strict):
    actor: str
    method: str
    kind: Literal["USES", "DEVELOPED"]
    sources: list[CitationId] = Field(min_length=1)
    evidence: str | None = None


class ParticipationEntry(_Strict):
    actor: str
    event: str
    role: str | None = None
    sources: list[CitationId] = Field(min_length=1)
    evidence: str | None = None


class MovementDataset(_Strict):
    """The movement reference dataset (``movement.yaml``)."""

    schema_: Literal["maillage-movement/1"] = Field(alias="schema")
    sources: dict[CitationId, Citation]
    themes: list[ThemeEntry] = Field(default_factory=list)
    methods: list[MethodEntry] = Field(default_factory=list)
    events: list[EventEntry] = Field(default_factory=list)
    actors: list[ActorEntry] = Field(default_factory=list)
    links: list[LinkEntry] = Field(default_factory=list)
    method_links: list[MethodLinkEntry] = Field(default_factory=list)
    participations: list[ParticipationEntry] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _references(self) -> Self:
        """Every id used is defined, every citation exists, ids are unique."""
        problems: list[str] = []
        cited: list[str] = []
        ids: dict[str, list[str]] = {
            "theme": [t.id for t in self.themes],
            "method": [m.id for m in self.methods],
            "event": [e.id for e in self.events],
            "actor": [a.id for a in self.actors],
        }
        for what, values in ids.items():
            duplicates = sorted({v for v in values if values.count(v) > 1})
            if duplicates:
                problems.append(f"{what} ids defined twice: {', '.join(duplicates)}")
        themes, methods = set(ids["theme"]), set(ids["method"])
        events, actors = set(ids["event"]), set(ids["actor"])
        for entry in self.themes:
            cited += entry.sources
        for method in self.methods:
            cited += method.sources
            problems += [
                f"{method.id}: unknown theme {t}" for t in method.themes if t not in themes
            ]
        for event in self.events:
            cited += event.sources + event.place_sources
        for actor in self.actors:
            cited += actor.sources
            problems += [f"{actor.id}: unknown theme {t}" for t in actor.themes if t not in themes]
        for link in self.links:
            cited += link.sources
            problems += [
                f"link {link.source} → {link.target}: unknown actor {end}"
                for end in (link.source, link.target)
                if end not in actors
            ]
        for use in self.method_links:
            cited += use.sources
            if use.actor not in actors or use.method not in methods:
                problems.append(f"method link {use.actor} → {use.method}: unknown id")
        for part in self.participations:
            cited += part.sources
            if part.actor not in actors or part.event not in events:
                problems.append(f"participation {part.actor} → {part.event}: unknown id")
        problems += [f"unknown source {c!r}" for c in sorted(set(cited)) if c not in self.sources]
        if problems:
            raise ValueError("; ".join(problems))
        return self


def shipped_dataset() -> Path:
    return Path(str(resources.files("importers") / "data" / "movement.yaml"))


@cache
def json_schema() -> str:
    """The JSON Schema of ``movement.yaml`` (shipped as ``importers/data/movement.schema.json``)."""
    schema = MovementDataset.model_json_schema(by_alias=True)
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
