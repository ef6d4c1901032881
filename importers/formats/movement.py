"""The movement reference dataset: the MES, its axes, networks, projects, methods, events and the
advocacy bodies it works in, with the known links between them — every fact with its source.

``maillage import movement [FILE]`` (default: the shipped ``importers/data/movement.yaml``)

The file's schema is :class:`~importers.formats.movement_dataset.MovementDataset` (JSON Schema:
``importers/data/movement.schema.json``, documented in ``docs/importers.md``). Curated ids follow
one scheme, checked by the schema:

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

An actor's ``legal_form`` is an INSEE catégorie juridique code (``9220``); the actor gets its
INSEE label (``Association déclarée``), as the SIRENE importer writes it, so the legal families
of the territory figures read it alike.

Actors and links are the file's rows (counted, reported); themes, methods and events are nodes
written before them, and the ``USES``/``DEVELOPED``/``TOOK_PART`` links after them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pydantic
import yaml

from graph_model.batch import GraphBatch
from graph_model.errors import ImportFailure
from graph_model.i18n import _
from graph_model.identifiers import fold
from graph_model.model import ActorKind, LinkKind, LocationPrecision, SourceRef, Theme, parse
from graph_model.stored import source_json
from importers.formats.movement_dataset import (
    PREFIXES,
    SYSTEM,
    ActorEntry,
    MovementDataset,
    json_schema,
    shipped_dataset,
)
from importers.formats.sirene import legal_form_label
from importers.places import PlaceInput
from importers.reader import Reader, file_sha256
from importers.records import ActorRecord, LinkRecord, Record

#: the dataset's schema lives in movement_dataset; named here for the modules importing it here
__all__ = [
    "PREFIXES",
    "SYSTEM",
    "MovementDataset",
    "MovementReader",
    "json_schema",
    "shipped_dataset",
]


class MovementReader(Reader):
    format = "movement"

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path or shipped_dataset(), system=SYSTEM)
        self.dataset: MovementDataset | None = None

    def prepare(self) -> None:
        if not self.path.is_file():
            raise ImportFailure(_("{path}: no such file", path=self.path))
        self.sha256 = file_sha256(self.path)
        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (UnicodeError, yaml.YAMLError) as exc:
            raise ImportFailure(
                _("{file}: not readable YAML ({reason})", file=self.path.name, reason=exc)
            ) from exc
        try:
            self.dataset = parse(MovementDataset, data)
        except Exception as exc:
            line = _line_of(self.path, exc.__cause__)
            if line is None:
                raise ImportFailure(f"{self.path.name}: {exc}") from exc
            raise ImportFailure(
                _("{file}: line {line}: {problem}", file=self.path.name, line=line, problem=exc)
            ) from exc
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
                legal_form=legal_form_label(actor.legal_form),
                website=actor.website,
                description=actor.description,
                place=_place(actor),
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

    def before(
        self, existing: Callable[[list[str]], dict[str, dict[str, Any]]], batch: GraphBatch
    ) -> None:
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
        batch.methods.extend(r for r in methods if not _same(stored.get(r["id"]), r["props"]))
        batch.events.extend(r for r in events if not _same(stored.get(r["id"]), r["props"]))

    def after(self, resolve: Callable[[str], str | None], batch: GraphBatch) -> dict[str, int]:
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
            batch.method_links[kind].extend(rows)
        parts = []
        for part in self.data.participations:
            actor = resolve(f"id:{part.actor}")
            if actor:
                props: dict[str, Any] = {"sources": self._source_texts(part.sources)}
                if part.role:
                    props["role"] = part.role
                parts.append({"actor": actor, "event": part.event, "props": props})
        batch.event_parts.extend(parts)
        batch.event_places.extend(
            {"event": e.id, "territory": f"commune:{e.commune}"}
            for e in self.data.events
            if e.commune
        )
        return {
            "methods": len(self.data.methods),
            "events": len(self.data.events),
            "method links": sum(len(r) for r in uses.values()),
            "event participations": len(parts),
        }


def _place(actor: ActorEntry) -> PlaceInput:
    """A French seat (commune, areas) or a seat abroad: a point whose country is not France,
    which the territory resolver attaches to no French territory (not even the nearest
    commune)."""
    seat = actor.seat_abroad
    if seat is None:
        return PlaceInput(insee=actor.commune, area=";".join(actor.active_in) or None)
    return PlaceInput(
        commune=seat.city,
        country=seat.country,
        latitude=seat.latitude,
        longitude=seat.longitude,
        precision=LocationPrecision.COMMUNE,  # the city's centre, not the address
    )


def _line_of(path: Path, error: BaseException | None) -> int | None:
    """The line of the file where the first problem of a pydantic ``error`` lies (the deepest
    key or item its location reaches), or None."""
    if not isinstance(error, pydantic.ValidationError) or not error.errors():
        return None
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (UnicodeError, yaml.YAMLError):
        return None
    mark = node.start_mark if node is not None else None
    for step in error.errors()[0]["loc"]:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            pairs = [(key, value) for key, value in node.value if key.value == step]
            if not pairs:
                break
            mark, node = pairs[0][0].start_mark, pairs[0][1]  # the key's line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                break
            node = node.value[step]
            mark = node.start_mark
        else:
            break
    return None if mark is None else mark.line + 1


def _same(stored: dict[str, Any] | None, props: dict[str, Any]) -> bool:
    if stored is None:
        return False
    for key, value in props.items():
        current = stored.get(key)  # Python values: the port converts the driver's
        if isinstance(value, list):
            current = list(current or [])
        if current != value:
            return False
    return True
