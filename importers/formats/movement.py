"""The movement reference dataset: the MES, its axes, networks, projects, methods, events and the
advocacy bodies it works in, with the known links between them — every fact with its source.

``maillage import movement [FILE]`` (default: the shipped ``importers/data/movement.yaml``)

The file's schema is :class:`MovementDataset` (JSON Schema: ``importers/data/movement.schema.json``,
documented in ``docs/importers.md``). Curated ids follow one scheme, checked here:

========== ============== ===========================================================
prefix      what           examples
========== ============== ===========================================================
``net-``    Network        ``net-mes``, ``net-relais-locaux-occitanie``
``adv-``    AdvocacyBody   ``adv-ess-france``, ``adv-csess``, ``adv-ripess``
``prj-``    Project        ``prj-generateur-bfc``, ``prj-tzcld-colombelles``
``org-``    Organisation   (none yet)
``met-``    Method         ``met-evalumip``, ``met-vises``, ``met-essperluette``
``evt-``    Event          ``evt-ag-mes-2019``
``mes-axis:`` Theme        ``mes-axis:1`` … ``mes-axis:4`` (scheme ``mes-axis``)
========== ============== ===========================================================

Actors and links are the file's rows (counted, reported); themes, methods and events are nodes
written before them, and the ``USES``/``DEVELOPED``/``TOOK_PART`` links after them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_model.errors import ImportFailure
from graph_model.identifiers import fold
from graph_model.model import ActorKind, AdvocacyLevel, LinkKind, SourceRef, Theme, parse
from importers.places import PlaceInput
from importers.reader import Reader, Statement, file_sha256
from importers.records import ActorRecord, LinkRecord, Record
from queries.repository import source_json
from queries.store import cypher

SYSTEM = "movement"
PREFIXES: dict[ActorKind, str] = {
    ActorKind.NETWORK: "net",
    ActorKind.ADVOCACY_BODY: "adv",
    ActorKind.PROJECT: "prj",
    ActorKind.ORGANISATION: "org",
}
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
CitationId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    commune: str | None = Field(default=None, description="INSEE code of the seat's commune")
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


class MovementReader(Reader):
    format = "movement"

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path or shipped_dataset(), system=SYSTEM)
        self.dataset: MovementDataset | None = None

    def prepare(self) -> None:
        if not self.path.is_file():
            raise ImportFailure(f"{self.path}: no such file")
        self.sha256 = file_sha256(self.path)
        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (UnicodeError, yaml.YAMLError) as exc:
            raise ImportFailure(f"{self.path.name}: not readable YAML ({exc})") from exc
        try:
            self.dataset = parse(MovementDataset, data)
        except Exception as exc:
            raise ImportFailure(f"{self.path.name}: {exc}") from exc
        self.total = len(self.dataset.actors) + len(self.dataset.links)

    @property
    def data(self) -> MovementDataset:
        assert self.dataset is not None, "prepare() first"
        return self.dataset

    def _sources(self, ids: list[str]) -> list[SourceRef]:
        return [SourceRef(system=SYSTEM, key=c, url=self.data.sources[c].url) for c in ids]

    def _source_texts(self, ids: list[str]) -> list[str]:
        return sorted({source_json(s) for s in self._sources(ids)})

    def themes(self) -> list[Theme]:
        return [
            Theme(id=t.id, label_fr=t.label_fr, label_en=t.label_en, scheme=t.scheme)
            for t in self.data.themes
        ]

    def territories(self) -> list[str]:
        return [f"commune:{e.commune}" for e in self.data.events if e.commune]

    def records(self) -> Iterator[Record]:
        themes = {t.id: t for t in self.themes()}
        line = 0
        for actor in self.data.actors:
            line += 1
            url = next((self.data.sources[c].url for c in actor.sources), None)
            names = [actor.name, *actor.also_known_as]
            aliases = (
                [f"name:{fold(n)}" for n in names]
                if actor.kind
                in (
                    ActorKind.NETWORK,
                    ActorKind.ADVOCACY_BODY,
                )
                else []
            )
            yield ActorRecord(
                line=line,
                raw=actor.model_dump(mode="json", exclude_none=True),
                source=SourceRef(system=SYSTEM, key=actor.id, url=url),
                name=actor.name,
                kind=actor.kind,
                kind_explicit=True,
                level=actor.level,
                website=actor.website,
                description=actor.description,
                place=PlaceInput(insee=actor.commune, area=";".join(actor.active_in) or None),
                themes=[themes[t] for t in actor.themes],
                aliases=list(dict.fromkeys(aliases)),
                actor_id=actor.id,
            )
        for link in self.data.links:
            line += 1
            yield LinkRecord(
                line=line,
                raw=link.model_dump(mode="json", by_alias=True, exclude_none=True),
                source_ref=f"id:{link.source}",
                target_ref=f"id:{link.target}",
                kind=link.kind,
                subkind=link.subkind,
                since=link.since,
                until=link.until,
                sources=self._sources(link.sources),
            )

    def before(self, existing: Callable[[list[str]], dict[str, dict[str, Any]]]) -> list[Statement]:
        methods: list[dict[str, Any]] = [
            {
                "id": m.id,
                "props": {
                    "name": m.name,
                    "name_key": fold(m.name),
                    "description": m.description,
                    "themes": list(m.themes),
                    "sources": self._source_texts(m.sources),
                },
            }
            for m in self.data.methods
        ]
        events: list[dict[str, Any]] = [
            {
                "id": e.id,
                "props": {
                    "name": e.name,
                    "start": e.start,
                    "end": e.end,
                    "place_name": e.place_name,
                    "commune": e.commune,
                    "sources": self._source_texts(e.sources + e.place_sources),
                },
            }
            for e in self.data.events
        ]
        for row in (*methods, *events):
            row["props"] = {k: v for k, v in row["props"].items() if v is not None}
        stored = existing([row["id"] for row in (*methods, *events)])
        methods = [r for r in methods if not _same(stored.get(r["id"]), r["props"])]
        events = [r for r in events if not _same(stored.get(r["id"]), r["props"])]
        statements: list[Statement] = []
        if methods:
            statements.append((cypher("movement_upsert_methods"), {"rows": methods}))
        if events:
            statements.append((cypher("movement_upsert_events"), {"rows": events}))
        return statements

    def after(self, resolve: Callable[[str], str | None]) -> tuple[list[Statement], dict[str, int]]:
        statements: list[Statement] = []
        uses: dict[LinkKind, list[dict[str, Any]]] = {}
        for use in self.data.method_links:
            actor = resolve(f"id:{use.actor}")
            if actor:
                uses.setdefault(LinkKind(use.kind), []).append(
                    {
                        "actor": actor,
                        "method": use.method,
                        "props": {"sources": self._source_texts(use.sources)},
                    }
                )
        for kind, rows in uses.items():
            statements.append((cypher("movement_link_methods", link=kind), {"rows": rows}))
        parts = []
        for part in self.data.participations:
            actor = resolve(f"id:{part.actor}")
            if actor:
                props: dict[str, Any] = {"sources": self._source_texts(part.sources)}
                if part.role:
                    props["role"] = part.role
                parts.append({"actor": actor, "event": part.event, "props": props})
        if parts:
            statements.append((cypher("movement_link_events"), {"rows": parts}))
        located = [
            {"event": e.id, "territory": f"commune:{e.commune}"}
            for e in self.data.events
            if e.commune
        ]
        if located:
            statements.append((cypher("movement_locate_events"), {"rows": located}))
        counts = {
            "methods": len(self.data.methods),
            "events": len(self.data.events),
            "method links": sum(len(r) for r in uses.values()),
            "event participations": len(parts),
        }
        return statements, counts


def _same(stored: dict[str, Any] | None, props: dict[str, Any]) -> bool:
    if stored is None:
        return False
    for key, value in props.items():
        current = stored.get(key)
        to_native = getattr(current, "to_native", None)
        if callable(to_native):
            current = to_native()
        if isinstance(value, list):
            current = list(current or [])
        if current != value:
            return False
    return True
