"""The movement's graph model: node kinds, link kinds, identity and provenance.

What the graph is, as typed and validated values. Every actor carries the label ``Actor`` plus
one kind label (:class:`ActorKind`); the kind is fixed at creation (ArcadeDB keeps one type per
vertex, see ``docs/data-model.md``). Links between actors form the *cooperation graph*
(:data:`COOPERATION_LINKS`); the other links tie actors to territories, themes, methods and
events. Every actor and link records its sources (:class:`SourceRef`) and every link may carry
``since``/``until`` dates so the graph can be read "as of" a date.

>>> link = Link(kind=LinkKind.MEMBER_OF, source_id="mes-national", target_id="ess-france",
...             since=date(2019, 1, 1), sources=[SourceRef(system="movement", key="l1")])
>>> link.valid_on(date(2020, 6, 1)), link.valid_on(date(2018, 6, 1))
(True, False)
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from graph_model.errors import InvalidDates, InvalidIdentifier, ValidationError
from graph_model.identifiers import (
    check_actor_id,
    normalise_rna,
    normalise_siren,
    normalise_siret,
)
from graph_model.limits import (
    MAX_DESCRIPTION,
    MAX_KEY,
    MAX_NAME,
    MAX_SHORT,
    check_actor_value,
    check_count,
    check_phone,
    check_text,
    check_url,
)

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: object) -> M:
    """Validate ``data`` as ``model``; pydantic's errors become :class:`ValidationError`.

    >>> parse(SourceRef, {"system": "Bad System", "key": "1"})
    Traceback (most recent call last):
    ...
    graph_model.errors.ValidationError: system: String should match pattern '^[a-z][a-z0-9_-]*$'
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or model.__name__}: {err['msg']}"
            for err in exc.errors()
        )
        raise ValidationError(message, field=where or None) from exc


def _line(value: str | None, info: ValidationInfo) -> str | None:
    """A single-line text within :data:`~graph_model.limits.MAX_NAME` (names, ids, labels)."""
    return check_text(value, field=str(info.field_name), limit=MAX_NAME) if value else value


class ActorKind(StrEnum):
    """The kind label of an actor (the value is the label in the graph)."""

    NETWORK = "Network"
    ORGANISATION = "Organisation"
    PROJECT = "Project"
    ADVOCACY_BODY = "AdvocacyBody"


class AdvocacyLevel(StrEnum):
    LOCAL = "local"
    REGIONAL = "regional"
    NATIONAL = "national"
    INTERNATIONAL = "international"


class LocationPrecision(StrEnum):
    """How an actor's point was obtained: the map draws approximate points differently."""

    EXACT = "exact"  # coordinates given by the source
    COMMUNE = "commune"  # centre of its commune
    DEPARTEMENT = "departement"  # centre of its département
    REGION = "region"


class LinkKind(StrEnum):
    """Relationship types; the value is the type in the graph."""

    MEMBER_OF = "MEMBER_OF"
    COOPERATES_WITH = "COOPERATES_WITH"
    CARRIES = "CARRIES"
    SUPPORTS = "SUPPORTS"
    FUNDS = "FUNDS"
    SITS_ON = "SITS_ON"
    LOCATED_IN = "LOCATED_IN"
    ACTIVE_IN = "ACTIVE_IN"
    WORKS_ON = "WORKS_ON"
    USES = "USES"
    DEVELOPED = "DEVELOPED"
    TOOK_PART = "TOOK_PART"
    PART_OF = "PART_OF"


#: the only links a cooperation path may use (actor → actor)
COOPERATION_LINKS: frozenset[LinkKind] = frozenset(
    {
        LinkKind.MEMBER_OF,
        LinkKind.COOPERATES_WITH,
        LinkKind.CARRIES,
        LinkKind.SUPPORTS,
        LinkKind.FUNDS,
        LinkKind.SITS_ON,
    }
)


class TerritoryLevel(StrEnum):
    COUNTRY = "country"
    REGION = "region"
    DEPARTEMENT = "departement"
    EPCI = "epci"
    COMMUNE = "commune"


class SourceRef(BaseModel):
    """Where a fact came from: the source system, the key in it, a URL, the import run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    system: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_-]*$")]
    #: bounded only: a key is the source's own text, compared as stored on re-import
    key: Annotated[str, Field(min_length=1, max_length=MAX_KEY)]
    url: str | None = None
    run: str | None = None
    seen_at: datetime | None = None

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        return check_url(value, field="url") if value else None

    @property
    def alias(self) -> str:
        """The key under which this source knows the actor, as an alias (``system:key``)."""
        return f"{self.system}:{self.key}"


class Actor(BaseModel):
    """An actor of the movement: a network, an organisation, a project or an advocacy body."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str
    kind: ActorKind
    name: Annotated[str, Field(min_length=1, max_length=300)]
    legal_form: str | None = None
    level: AdvocacyLevel | None = None
    siren: str | None = None
    siret: str | None = None
    rna: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = Field(default=None, description="E.164 (+33123456789)")
    description: str | None = None
    commune: str | None = Field(default=None, description="INSEE code of the seat's commune")
    departement: str | None = Field(
        default=None, description="when only the département is certain (or derived)"
    )
    region: str | None = Field(default=None, description="when only the région is certain")
    latitude: Annotated[float | None, Field(ge=-90, le=90)] = None
    longitude: Annotated[float | None, Field(ge=-180, le=180)] = None
    location_precision: LocationPrecision | None = None
    active_in: list[str] = Field(
        default_factory=list, description="territory ids (ACTIVE_IN), e.g. region:76"
    )
    themes: list[str] = Field(default_factory=list)
    methods: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        return check_actor_id(value)

    @field_validator(
        "name", "legal_form", "website", "email", "phone", "description", "commune",
        "departement", "region", "active_in", "themes", "methods", "aliases", "sources",
    )  # fmt: skip
    @classmethod
    def _bounded(cls, value: object, info: ValidationInfo) -> object:
        """The bounds of :mod:`graph_model.limits` (lengths, characters, web address…)."""
        return check_actor_value(str(info.field_name), value)

    @field_validator("phone")
    @classmethod
    def _check_phone(cls, value: str | None) -> str | None:
        return check_phone(value) if value else None

    @field_validator("siren", "siret", "rna", mode="before")
    @classmethod
    def _bounded_number(cls, value: object, info: ValidationInfo) -> object:
        return check_actor_value(str(info.field_name), value)

    @field_validator("siren")
    @classmethod
    def _check_siren(cls, value: str | None) -> str | None:
        return normalise_siren(value) if value else None

    @field_validator("siret")
    @classmethod
    def _check_siret(cls, value: str | None) -> str | None:
        return normalise_siret(value) if value else None

    @field_validator("rna")
    @classmethod
    def _check_rna(cls, value: str | None) -> str | None:
        return normalise_rna(value) if value else None

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.siret and self.siren and self.siret[:9] != self.siren:
            raise InvalidIdentifier(
                f"SIRET {self.siret} does not belong to SIREN {self.siren}: "
                "a SIRET starts with its SIREN",
                field="siret",
            )
        if self.siret and not self.siren:
            self.siren = self.siret[:9]
        if self.level is not None and self.kind is not ActorKind.ADVOCACY_BODY:
            raise ValidationError(
                f"only an AdvocacyBody has a level, not a {self.kind}", field="level"
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("latitude and longitude go together", field="latitude")
        return self

    def identity_keys(self) -> list[str]:
        """Every key under which this actor can be found: ids, legal numbers, source keys."""
        keys = [f"id:{self.id}"]
        if self.siren:
            keys.append(f"siren:{self.siren}")
        if self.siret:
            keys.append(f"siret:{self.siret}")
        if self.rna:
            keys.append(f"rna:{self.rna}")
        keys.extend(self.aliases)
        keys.extend(s.alias for s in self.sources)
        return list(dict.fromkeys(keys))


class Link(BaseModel):
    """A dated, sourced link. Between actors it belongs to the cooperation graph."""

    model_config = ConfigDict(extra="forbid")

    kind: LinkKind
    source_id: str
    target_id: str
    subkind: str | None = Field(
        default=None, description="for COOPERATES_WITH: partenariat, co-portage, mutualisation…"
    )
    since: date | None = None
    until: date | None = None
    sources: list[SourceRef] = Field(default_factory=list)

    @field_validator("source_id", "target_id", "subkind")
    @classmethod
    def _check_line(cls, value: str | None, info: ValidationInfo) -> str | None:
        field = str(info.field_name)
        limit = MAX_SHORT if field == "subkind" else MAX_KEY
        return check_text(value, field=field, limit=limit) if value is not None else None

    @field_validator("sources")
    @classmethod
    def _check_sources(cls, values: list[SourceRef]) -> list[SourceRef]:
        check_count(values, field="sources")
        return values

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.since and self.until and self.until < self.since:
            raise InvalidDates(
                f"link {self.source_id} -{self.kind}-> {self.target_id} ends on {self.until} "
                f"before it starts on {self.since}: swap the dates or fix the wrong one",
                field="until",
            )
        if self.source_id == self.target_id:
            raise ValidationError(
                f"a link cannot join {self.source_id} to itself", field="target_id"
            )
        return self

    @property
    def id(self) -> str:
        """Stable id: the same ends, kind, sub-kind and start date give the same link."""
        parts = [self.source_id, self.kind.value, self.target_id, self.subkind or ""]
        parts.append(self.since.isoformat() if self.since else "")
        return "lnk-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    def valid_on(self, day: date) -> bool:
        """True when the link holds on ``day`` (unknown bounds are open)."""
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until
        )


class Territory(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    level: TerritoryLevel
    parent: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    postcodes: tuple[str, ...] = ()
    population: int | None = None


class Theme(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    label_fr: str
    label_en: str | None = None
    scheme: str = Field(default="maillage", description="maillage, mes-axis, essglobal…")

    @field_validator("id", "label_fr", "label_en", "scheme")
    @classmethod
    def _check_line(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _line(value, info)


class Method(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    description: str | None = None

    @field_validator("id", "name")
    @classmethod
    def _check_line(cls, value: str, info: ValidationInfo) -> str:
        return check_text(value, field=str(info.field_name), limit=MAX_NAME)

    @field_validator("description")
    @classmethod
    def _check_description(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return check_text(value, field="description", limit=MAX_DESCRIPTION, multiline=True)


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    start: date | None = None
    end: date | None = None
    commune: str | None = None

    @field_validator("id", "name", "commune")
    @classmethod
    def _check_line(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _line(value, info)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.start and self.end and self.end < self.start:
            raise InvalidDates(f"event {self.id} ends before it starts", field="end")
        return self
