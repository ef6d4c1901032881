"""GoGoCarto maps (Transiscope and the other maps of alternatives): ``/api/elements.json``.

``maillage import gogocarto FILE [--taxonomy taxonomy.json] [--mapping M.yaml] [--source NAME]``

Both shapes of the GoGoCarto API are read (``ontology`` says which; a bare list of elements is
read as ``gogofull``):

* ``gogofull`` — ``{"licence", "ontology": "gogofull", "data": [element, …]}`` with, per element,
  ``id``, ``name``, ``geo {latitude, longitude}``, ``address {streetAddress, addressLocality,
  postalCode, addressCountry}`` (or one string), ``categories`` (names), ``sourceKey``,
  ``createdAt``/``updatedAt``, ``status``, and the map's own fields (``email``, ``website``,
  ``description``, ``telephone`` …);
* ``gogocompact`` — ``{"ontology": "gogocompact", "mapping": ["id", [fields…], "latitude",
  "longitude", "status", "moderationState"], "data": [[id, [values…], lat, lng, [category ids],
  status?, moderationState?], …]}``; the category ids are named through ``taxonomy.json``
  (``--taxonomy``), the tree of categories and options the map publishes.

``status`` (GoGoCarto's ``ElementStatus``): −6 duplicate, −5 pending version of a modification,
−4 deleted, −3 refused by the community, −2 refused by an admin, −1 pending modification, 0
pending addition, 1…6 validated. Elements below −1 are not live actors: they are *skipped*
(counted and reported), not imported. An element absent a status in the compact shape is
validated (GoGoCarto leaves it out then).

Categories: a category that names a network (listed under ``networks:`` in the mapping file, or
whose name begins with Réseau, Fédération, Mouvement, Union régionale/nationale, or is ``CRID``)
becomes a ``MEMBER_OF`` link toward that network; the others become themes (``WORKS_ON``).
``createdAt``/``updatedAt`` (``dd/mm/YYYY`` or ISO) and ``sourceKey`` stay in the raw record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph_model.errors import ImportFailure
from graph_model.i18n import N_, _
from graph_model.identifiers import fold
from graph_model.model import SourceRef
from importers.formats.spreadsheet import free_theme
from importers.normalise import clean_text, parse_float, slug
from importers.places import PlaceInput
from importers.reader import Reader
from importers.records import ActorRecord, Membership, Record
from importers.tabular import TableMapping

#: statuses of elements that are not live actors (deleted, refused, duplicate, pending copy)
NOT_LIVE = {
    -6: N_("duplicate"),
    -5: N_("pending version of a modification"),
    -4: N_("deleted"),
    -3: N_("refused by the community"),
    -2: N_("refused by an admin"),
}
_NETWORK_PREFIXES = (
    "reseau ", "federation ", "mouvement ", "union regionale ", "union nationale ",
    "coordination ", "tete de reseau",
)  # fmt: skip
_KNOWN_NETWORKS = frozenset({"crid"})


def load_json(path: Path) -> Any:
    """A whole JSON file; unreadable or truncated JSON is an :class:`ImportFailure`."""
    try:
        with path.open("rb") as stream:
            return json.load(stream)
    except json.JSONDecodeError as exc:
        raise ImportFailure(
            _(
                "{file}: not valid JSON (line {line}, column {column}: {reason}); the file may "
                "be truncated: download it again",
                file=path.name,
                line=exc.lineno,
                column=exc.colno,
                reason=exc.msg,
            )
        ) from exc
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            _("{file}: not UTF-8 JSON ({reason})", file=path.name, reason=exc)
        ) from exc
    except OSError as exc:
        raise ImportFailure(
            _("{file}: cannot be read ({reason})", file=path.name, reason=exc)
        ) from exc


def taxonomy_names(data: Any) -> dict[str, str]:
    """Option id → name, from a GoGoCarto ``taxonomy.json`` (categories → options → sub-
    categories, any depth)."""
    names: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "id" in node and "name" in node and "options" not in node:
                names[str(node["id"])] = str(node["name"])
            for key in ("options", "subcategories", "data", "children"):
                if key in node:
                    walk(node[key])

    walk(data)
    return names


class GoGoCartoReader(Reader):
    format = "gogocarto"

    def __init__(
        self,
        path: Path,
        *,
        taxonomy: Path | None = None,
        mapping: TableMapping | None = None,
        system: str | None = None,
    ) -> None:
        self.mapping = mapping or TableMapping()
        name = system or self.mapping.source
        super().__init__(path, system=f"gogocarto-{slug(name)}" if name else "gogocarto")
        self.taxonomy_path = taxonomy
        self.elements: list[Any] = []
        self.shape = "gogofull"
        self.compact_fields: list[str] = []
        self.options: dict[str, str] = {}
        self._networks = {fold(n) for n in self.mapping.networks} | _KNOWN_NETWORKS
        self._ignored = {fold(n) for n in self.mapping.ignore_categories}

    def prepare(self) -> None:
        super().prepare()
        data = load_json(self.path)
        if isinstance(data, list):
            elements: Any = data
        elif isinstance(data, dict) and isinstance(data.get("data"), list):
            elements = data["data"]
            self.shape = str(data.get("ontology") or "gogofull").lower()
            mapping = data.get("mapping")
            if self.shape == "gogocompact":
                if not (isinstance(mapping, list) and len(mapping) > 1):
                    raise ImportFailure(
                        _(
                            "{file}: a gogocompact export without its 'mapping'; export it "
                            "again with its mapping",
                            file=self.path.name,
                        )
                    )
                fields = mapping[1]
                self.compact_fields = [str(f) for f in fields] if isinstance(fields, list) else []
        else:
            raise ImportFailure(
                _(
                    "{file}: not a GoGoCarto export (expected a list of elements, or the "
                    "answer of /api/elements.json with its data)",
                    file=self.path.name,
                )
            )
        if self.shape not in ("gogofull", "gogocompact"):
            raise ImportFailure(
                _(
                    "{file}: unknown GoGoCarto ontology {shape!r} (gogofull or gogocompact)",
                    file=self.path.name,
                    shape=self.shape,
                )
            )
        if self.taxonomy_path is not None:
            self.options = taxonomy_names(load_json(self.taxonomy_path))
        self.elements = elements
        self.total = len(elements)

    def records(self) -> Iterator[Record]:
        for position, element in enumerate(self.elements, start=1):
            if self.shape == "gogocompact":
                yield self._compact(position, element)
            else:
                yield self._full(position, element)

    def _record(self, position: int, element_id: Any, raw: dict[str, Any]) -> ActorRecord:
        key = clean_text(element_id) or f"position-{position}"
        return ActorRecord(line=position, raw=raw, source=SourceRef(system=self.system, key=key))

    def _status(self, record: ActorRecord, status: Any) -> None:
        try:
            value = int(status) if status is not None and status != "" else None
        except (TypeError, ValueError):
            record.flags.append(
                _("status {status!r} is not a GoGoCarto status: read as live", status=status)
            )
            return
        if value is not None and value in NOT_LIVE:
            record.skip = _(
                "GoGoCarto status {value} ({meaning}): not a live actor",
                value=value,
                meaning=_(NOT_LIVE[value]),
            )
        elif value is not None and value < -6:
            record.skip = _("GoGoCarto status {value}: not a live actor", value=value)

    def _categories(self, record: ActorRecord, names: list[str]) -> None:
        for name in names:
            label = clean_text(name)
            if not label:
                continue
            key = fold(label)
            if key in self._ignored:
                continue
            if key in self._networks or key.startswith(_NETWORK_PREFIXES):
                record.memberships.append(Membership(network=label))
            else:
                record.themes.append(free_theme(label))

    def _full(self, position: int, element: Any) -> ActorRecord:
        if not isinstance(element, dict):
            record = self._record(position, None, {"element": element})
            record.error = _("not a GoGoCarto element (expected an object)")
            return record
        record = self._record(position, element.get("id"), element)
        self._status(record, element.get("status"))
        if record.skip:
            return record
        record.name = clean_text(element.get("name") or element.get("title"))
        geo = element.get("geo") or {}
        latitude = parse_float(geo.get("latitude") if isinstance(geo, dict) else None)
        longitude = parse_float(geo.get("longitude") if isinstance(geo, dict) else None)
        latitude = latitude if latitude is not None else parse_float(element.get("latitude"))
        longitude = longitude if longitude is not None else parse_float(element.get("longitude"))
        address = element.get("address")
        postcode = locality = country = None
        if isinstance(address, dict):
            postcode = clean_text(address.get("postalCode"))
            locality = clean_text(address.get("addressLocality"))
            country = clean_text(address.get("addressCountry"))
        elif isinstance(address, str):
            record.flags.append(_("address given as one string: only the coordinates are used"))
        record.place = PlaceInput(
            postcode=postcode,
            commune=locality,
            latitude=latitude if longitude is not None else None,
            longitude=longitude if latitude is not None else None,
            country=country,
        )
        record.website = clean_text(element.get("website") or element.get("site"))
        record.email = clean_text(element.get("email"))
        if record.email == "private":  # GoGoCarto hides private mails behind this word
            record.email = None
        record.phone = clean_text(element.get("telephone") or element.get("phone"))
        if record.phone == "private":
            record.phone = None
        record.description = clean_text(element.get("description"))
        categories = element.get("categories") or []
        if not isinstance(categories, list):
            categories = [categories]
        self._categories(record, [str(c) for c in categories])
        return record

    def _compact(self, position: int, element: Any) -> ActorRecord:
        if not isinstance(element, list) or len(element) < 4:
            record = self._record(position, None, {"element": element})
            record.error = _("not a gogocompact element ([id, [fields], lat, lng, …])")
            return record
        values = element[1] if isinstance(element[1], list) else []
        fields = dict(zip(self.compact_fields, values, strict=False))
        raw = {"id": element[0], **fields, "latitude": element[2], "longitude": element[3]}
        categories = element[4] if len(element) > 4 and isinstance(element[4], list) else []
        if categories:
            raw["categories"] = categories
        if len(element) > 5:
            raw["status"] = element[5]
        record = self._record(position, element[0], raw)
        self._status(record, element[5] if len(element) > 5 else None)
        if record.skip:
            return record
        record.name = clean_text(fields.get("name") or fields.get("title"))
        latitude, longitude = parse_float(element[2]), parse_float(element[3])
        record.place = PlaceInput(
            postcode=clean_text(fields.get("postalCode")),
            commune=clean_text(fields.get("addressLocality")),
            latitude=latitude if longitude is not None else None,
            longitude=longitude if latitude is not None else None,
        )
        record.phone = clean_text(fields.get("telephone"))
        names = []
        for option in categories:
            name = self.options.get(str(option))
            if name is None:
                record.flags.append(
                    _(
                        "category {option} has no name (give the map's taxonomy.json with "
                        "--taxonomy): ignored",
                        option=option,
                    )
                )
            else:
                names.append(name)
        self._categories(record, names)
        return record
