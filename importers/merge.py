"""How a record's values join an actor the graph already knows, and a link statement the link
it is about (the merge policy of step 4, merge and load, and of step 5, links).

Nothing is lost and nothing is invented: a value is only ever replaced by another value a source
states, never by an empty one, and lists (themes, methods, territories of action, aliases,
sources) only grow. Which source's value wins when two sources disagree:

* the **leading source** of an actor is the highest-priority source among those that know it —
  ``movement`` (curated) > member spreadsheets and link files > ``murmurations`` (self-published)
  > ``essglobal`` > ``gogocarto`` maps > ``sirene`` — ties broken by the alias, alphabetically;
  a record from the leading source sets every value it states; any other record only fills
  fields that are empty;
* a source is *authoritative* for some fields whatever its rank: SIRENE for the legal form and
  the legal identifiers (SIREN, seat SIRET, RNA).

The rule is deterministic and idempotent: re-importing a file never flips a value back and forth.

A link statement joins the link it is about (:func:`same_link`) by adding its sources and filling
the link's gaps (an end date), never by changing a value the link has (:func:`merge_statement`).

>>> source_priority("sirene"), source_priority("sheet-adherents"), source_priority("movement")
(5, 1, 0)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from graph_model.errors import ValidationError
from graph_model.limits import MAX_ALIAS
from graph_model.model import (
    Actor,
    ActorKind,
    AdvocacyLevel,
    Link,
    LocationPrecision,
    SourceRef,
    parse,
)
from graph_model.spells import Period, merged, restated, spell_for, statement, statements_of
from graph_model.stored import source_json
from importers.names import name_tokens
from importers.places import Place
from importers.records import Outcome

_PRIORITY_PREFIXES = (
    ("movement", 0),
    ("murmurations", 2),
    ("essglobal", 3),
    ("gogocarto", 4),
    ("sirene", 5),
)
_SCALARS = ("name", "legal_form", "level", "website", "email", "phone", "description")
_IDENTIFIERS = ("siren", "siret", "rna")
_FIELDS = tuple(
    name
    for name in Actor.model_fields
    if name not in ("themes", "methods", "active_in", "aliases", "sources")
)


def source_priority(system: str) -> int:
    """Rank of a source system (0 is the strongest); unknown systems rank as spreadsheets."""
    for prefix, rank in _PRIORITY_PREFIXES:
        if system == prefix or system.startswith(prefix + "-"):
            return rank
    return 1


def _rank(source: SourceRef) -> tuple[int, str]:
    return source_priority(source.system), source.alias


def leads(record_source: SourceRef, actor_sources: Iterable[SourceRef]) -> bool:
    """True when ``record_source`` outranks every other source of the actor."""
    others = [s for s in actor_sources if s.alias != record_source.alias]
    return not others or _rank(record_source) < min(_rank(s) for s in others)


def actor_from_props(actor_id: str, props: Mapping[str, Any]) -> Actor:
    """Rebuild an :class:`Actor` from the properties the graph stores (``actor_properties``).

    Derived values are dropped so that they are derived again: the département and région of a
    commune, and a point that is only the centre of a territory.
    """
    exact = props.get("location_precision") == LocationPrecision.EXACT.value
    commune = props.get("commune")
    departement = None if commune else props.get("departement")
    level = props.get("level")
    data: dict[str, Any] = {
        "id": actor_id,
        "kind": ActorKind(props.get("kind") or ActorKind.ORGANISATION.value),
        "level": AdvocacyLevel(level) if level else None,
        "name": props.get("name") or actor_id,
        "commune": commune,
        "departement": departement,
        "region": None if (commune or departement) else props.get("region"),
        "latitude": props.get("latitude") if exact else None,
        "longitude": props.get("longitude") if exact else None,
        "location_precision": LocationPrecision.EXACT if exact else None,
        "themes": list(props.get("themes") or []),
        "methods": list(props.get("methods") or []),
        "sources": [SourceRef.model_construct(**json.loads(s)) for s in props.get("sources") or []],
        "active_in": [],
        "aliases": [],
    }
    for key in (*_SCALARS, *_IDENTIFIERS):
        if key != "level" and props.get(key) is not None:
            data[key] = props[key]
    # values the graph holds were validated when they were written: not again, for speed
    return _construct(data)


def _name_tier(systems: Iterable[str]) -> int:
    """0: curated (the movement dataset), 1: the register (SIRENE), 2: any other source."""
    tiers = [0 if s == "movement" else 1 if s == "sirene" else 2 for s in systems]
    return min(tiers, default=2)


def written_form(name: str) -> tuple[int, int, int, int]:
    """How complete a written form of a name is, to compare forms of the same name: mixed
    case, accents, apostrophes and hyphens kept, whole words, length.

    >>> written_form("Épicerie Solidaire d'Hérouville") > written_form("EPICERIE SOLIDAIRE")
    True
    >>> written_form("AMAP du Pays d'Auge") > written_form("AMAP Pays d Auge")
    True
    """
    letters = [c for c in name if c.isalpha()]
    mixed = int(any(c.isupper() for c in letters) and any(c.islower() for c in letters))
    accents = sum(1 for c in letters if not c.isascii())
    marks = sum(1 for c in name if c in "'’-")
    words = name.split()
    stray = sum(1 for w in words if len(w) == 1 and w.isalpha() and w.lower() not in "aày")
    return mixed, accents, marks - stray, len(words) - stray


def display_name(
    current: str | None,
    current_sources: Iterable[SourceRef],
    new: str,
    source: SourceRef,
    *,
    by_name: bool,
) -> str:
    """The name an actor shows once a record naming it ``new`` joined it.

    A curated value wins (the movement dataset), then the register (SIRENE) — but a register
    form in capitals only (SIRENE's stock writes every name so) is its words, not a written
    form: it does not replace a name in mixed case — then the most complete written form
    (:func:`written_form`), then the latest. A record found by its name
    (a probable match) never renames; a weaker source may only restore the typography of the
    very same words (``EPICERIE SOLIDAIRE`` → ``Épicerie solidaire``). Every other form stays as
    an alias of the actor with its source (``importers.load``).

    >>> sheet, sirene = SourceRef(system="sheet-a", key="1"), SourceRef(system="sirene", key="1")
    >>> display_name("Épicerie Solidaire d'Hérouville", [sheet], "EPICERIE SOLIDAIRE D HEROUVILLE",
    ...              SourceRef(system="sheet-b", key="2"), by_name=False)
    "Épicerie Solidaire d'Hérouville"
    >>> display_name("AMAP du Pays d'Auge", [sheet], "AMAP Pays d Auge", sheet, by_name=True)
    "AMAP du Pays d'Auge"
    >>> display_name("Les Jardins", [sheet], "Association Les Jardins", sirene, by_name=False)
    'Association Les Jardins'
    >>> display_name("Les Jardins", [sheet], "ASSOCIATION LES JARDINS", sirene, by_name=False)
    'Les Jardins'
    >>> display_name("LES JARDINS", [sirene], "Les Jardins", sheet, by_name=False)
    'Les Jardins'
    """
    if not current:
        return new
    if by_name or new == current:
        return current
    others = [s.system for s in current_sources if s.alias != source.alias]
    held, coming = _name_tier(others), _name_tier([source.system])
    if coming == 1 and new.isupper() and not current.isupper():
        coming = 2  # the register writes in capitals only: its words, not a written form
    if coming < held:
        return new
    if coming > held == 0:
        return current  # curated
    if sorted(name_tokens(new)) == sorted(name_tokens(current)):
        # the same words: the more complete form (a tie keeps the name shown)
        return new if written_form(new) > written_form(current) else current
    return current


def name_variant(source: SourceRef, written: str | None, shown: str) -> str | None:
    """The alias keeping a form of the name a source writes that the actor does not show
    (``name@<system>:<the name as written>``), or ``None`` when it shows that very form.

    >>> sheet = SourceRef(system="sheet-b", key="2")
    >>> name_variant(sheet, "AMAP Pays d Auge", "AMAP du Pays d'Auge")
    'name@sheet-b:AMAP Pays d Auge'
    """
    if not written or written == shown:
        return None
    return f"name@{source.system}:{written}"[:MAX_ALIAS]


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def merge_record(  # noqa: PLR0912 — one rule per kind of field, as the docstring lists
    actor: Actor | None,
    *,
    actor_id: str,
    kind: ActorKind,
    values: Mapping[str, Any],
    place: Place,
    latitude: float | None,
    longitude: float | None,
    source: SourceRef,
    themes: Iterable[str],
    precision: LocationPrecision | None = None,
    methods: Iterable[str],
    aliases: Iterable[str],
    authoritative: frozenset[str],
    by_name: bool = False,
) -> Actor:
    """The actor after one record joined it (a new actor when ``actor`` is ``None``).

    ``values`` holds the record's scalar fields (name, legal form, identifiers, …), ``None`` where
    the record says nothing. ``by_name``: the record was found to be this actor by its name
    (a probable match, not a key): it only fills empty fields — never renames, never replaces.
    """
    if actor is None:
        data: dict[str, Any] = {"id": actor_id, "kind": kind, "sources": []}
        leading = True
    else:
        data = dict(actor.__dict__)  # a shallow copy: lists are rebuilt below
        leading = leads(source, actor.sources) and not by_name
    for key in (*_SCALARS, *_IDENTIFIERS):
        value = values.get(key)
        if value is None:
            continue
        if key == "name":
            current = actor.sources if actor is not None else ()
            data[key] = display_name(data.get(key), current, value, source, by_name=by_name)
        elif data.get(key) is None or ((leading or key in authoritative) and not by_name):
            data[key] = value
    if data.get("siret") and data.get("siren") and data["siret"][:9] != data["siren"]:
        data["siret"] = None  # a seat SIRET from a weaker source that contradicts the SIREN
    if place.commune and (leading or not data.get("commune")):
        data["commune"], data["departement"], data["region"] = place.commune, None, None
    elif place.departement and not data.get("commune") and (leading or not data.get("departement")):
        data["departement"], data["region"] = place.departement, None
    elif place.region and not (
        data.get("commune") or data.get("departement") or data.get("region")
    ):
        data["region"] = place.region
    has_point = latitude is not None and longitude is not None
    if has_point and (leading or data.get("latitude") is None):
        data["latitude"], data["longitude"] = latitude, longitude
        data["location_precision"] = precision or LocationPrecision.EXACT
    data["themes"] = _union(data.get("themes") or [], themes)
    data["methods"] = _union(data.get("methods") or [], methods)
    data["active_in"] = _union(data.get("active_in") or [], place.active_in)
    data["aliases"] = _union(data.get("aliases") or [], aliases)
    known = {s.alias for s in actor.sources} if actor is not None else set()
    sources = list(actor.sources) if actor is not None else []
    if source.alias not in known:
        sources.append(source)
    else:  # keep one entry per alias; the newest URL wins
        sources = [source if s.alias == source.alias else s for s in sources]
    data["sources"] = sources
    if not data.get("name"):
        data["name"] = values.get("name") or actor_id
    if data.get("level") is not None and data["kind"] is not ActorKind.ADVOCACY_BODY:
        raise ValidationError(
            f"only an AdvocacyBody has a level, not a {data['kind'].value}", field="level"
        )
    # every value was validated on its way in (the record by the pipeline, the actor by the
    # graph's own write): the model is built without validating again, which costs
    return _construct(data)


def rebuilt(actor: Actor, values: Mapping[str, Any]) -> Actor:
    """The actor with some fields set to other values (a revert), not validated again."""
    data = dict(actor.__dict__)
    data.update(values)
    return _construct(data)


def _construct(data: Mapping[str, Any]) -> Actor:
    values: dict[str, Any] = {k: data.get(k) for k in _FIELDS}
    for key in ("themes", "methods", "active_in", "aliases", "sources"):
        values[key] = list(data.get(key) or [])
    return Actor.model_construct(**values)


# -- link statements ---------------------------------------------------------------------------
def merge_statement(current: Mapping[str, Any], link: Link) -> tuple[Outcome, Link, dict[str, Any]]:
    """A statement merged into the spell it is about (as stored, or as the batch left it):
    *updated* or *unchanged*, and the link to write with its row (:func:`link_row`). The spell
    keeps its id (the first statement's) while its period follows its statements
    (:func:`graph_model.spells.merged`)."""
    final = _merge_link(current, link)
    held = statements_of(
        current.get("statements"),
        current.get("sources") or (),
        _native(current.get("since")),
        _native(current.get("until")),
    )
    final_row = {
        **link_row(final),
        "id": current["id"],
        "statements": restated(held, link_row(link)["statements"]),
    }
    same = _row_state(final_row) == _row_state(current)
    return (Outcome.UNCHANGED if same else Outcome.UPDATED), final, final_row


def same_link(
    candidates: Iterable[Mapping[str, Any]], link_id: str, link: Link
) -> Mapping[str, Any] | None:
    """Among the stored spells joining the same ends with the same type, the one a statement is
    about: the same id; else, among those of the same sub-kind, the one the spell rules choose
    (:func:`graph_model.spells.spell_for`: an undated statement joins the open or latest spell,
    a dated one the earliest spell it overlaps or touches, or an undated one); ``None``: a new
    spell."""
    candidates = list(candidates)
    for candidate in candidates:
        if candidate["id"] == link_id:
            return candidate
    alike = [c for c in candidates if (c.get("subkind") or None) == link.subkind]
    spells = [(c, Period(_native(c.get("since")), _native(c.get("until")))) for c in alike]
    chosen = spell_for(
        [(str(c["id"]), period) for c, period in spells], Period(link.since, link.until)
    )
    return next((c for c in alike if str(c["id"]) == chosen), None)


def link_row(link: Link) -> dict[str, Any]:
    """A link's id and properties as they are compared and written; its statements are its
    sources', each with the link's dates (:func:`graph_model.spells.statement`)."""
    sources = {source_json(s): s.run for s in link.sources}
    return {
        "id": link.id,
        "subkind": link.subkind,
        "since": link.since,
        "until": link.until,
        "sources": sorted(sources),
        "statements": sorted(
            statement(text, link.since, link.until, run) for text, run in sources.items()
        ),
    }


def _native(value: Any) -> Any:
    to_native = getattr(value, "to_native", None)
    return to_native() if callable(to_native) else value


def _row_state(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        row.get("id"),
        row.get("subkind") or None,
        _native(row.get("since")),
        _native(row.get("until")),
        tuple(sorted(row.get("sources") or ())),
        tuple(sorted(row.get("statements") or ())),
    )


def _merge_link(current: Mapping[str, Any], link: Link) -> Link:
    """The stored spell with the new statement's sources added and its period extended to
    the statement's."""
    sources = {
        source_json(s): s
        for s in (
            SourceRef.model_validate(json.loads(text)) for text in current.get("sources") or ()
        )
    }
    for source in link.sources:
        sources[source_json(source)] = source
    period = merged(
        Period(_native(current.get("since")), _native(current.get("until"))),
        Period(link.since, link.until),
    )
    since, until = period.since, period.until
    return parse(
        Link,
        {
            "kind": link.kind,
            "source_id": link.source_id,
            "target_id": link.target_id,
            "subkind": current.get("subkind") or link.subkind,
            "since": since,
            "until": until,
            "sources": [sources[k] for k in sorted(sources)],
        },
    )
