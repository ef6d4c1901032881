"""Scopes: the part of the movement an analytic looks at (all of France, a territory, communes).

Accepted forms (codes are INSEE codes; an EPCI is named by its SIREN)::

    None, "", "FR", "france"          the whole graph
    "region:84"                       a région
    "departement:69", "69", "2A", "974"   a département (a bare 2-3 character code is one)
    "epci:200046977", "200046977"     an EPCI (a bare 9-digit code is one)
    "commune:69123", "69123"          a commune (a bare 5-character code is one)
    ["69123", "69266"]                a list of communes

An actor is in a scope when its seat is: its ``region``/``departement``/``epci``/``commune``
attribute equals the code (a commune scope on Paris, Lyon or Marseille also takes the actors
of its arrondissements). A code that does not exist is an error naming ``scope``; a code that
exists but where no actor sits is an empty scope, not an error. Existence is checked against
the territories reference (``graph_model.territories``) or, when given, ``known_codes``;
without either, a code is known when some actor of the projection sits there.

>>> from queries.analytics.example import example_projection
>>> p = example_projection()
>>> parse_scope("69")
Scope(level='departement', codes=('69',))
>>> sorted(select(p, "departement:69", known_codes={"departement": {"69"}}).actors)
['net-aura', 'org-atelier', 'org-collectif', 'org-seule']
>>> select(p, None).actors is None
True
>>> select(p, "region:99", known_codes={"region": {"84"}})
Traceback (most recent call last):
...
graph_model.errors.ValidationError: scope: région '99' does not exist
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import weakref
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from graph_model.errors import ValidationError
from graph_model.i18n import N_, _
from queries.analytics.layered import GONE, layered
from queries.projection import Projection

if TYPE_CHECKING:
    from queries.deltas import Applied

logger = logging.getLogger(__name__)

Level = Literal["country", "region", "departement", "epci", "commune"]
KnownCodes = Mapping[str, Collection[str]]

_FORMS = {
    "region": re.compile(r"^(\d{2}|9[78]\d)$"),
    "departement": re.compile(r"^(\d{2}|2[AB]|9[78]\d)$"),
    "epci": re.compile(r"^\d{9}$"),
    "commune": re.compile(r"^(\d{5}|2[AB]\d{3})$"),
}
_PREFIXES = {
    "region": "region",
    "région": "region",
    "reg": "region",
    "departement": "departement",
    "département": "departement",
    "dep": "departement",
    "epci": "epci",
    "commune": "commune",
    "communes": "commune",
}
_LEVEL_NAMES = {
    "region": "région",
    "departement": "département",
    "epci": "EPCI",
    "commune": "commune",
}
_HINT = N_(
    "use 'FR', 'region:84', 'departement:69' (or '69'), 'epci:200046977', "
    "'commune:69123' (or '69123'), or a list of commune codes"
)
#: cities whose arrondissements carry their own INSEE codes
_ARRONDISSEMENTS = {"75056": ("751", 20), "69123": ("6938", 9), "13055": ("132", 16)}


@dataclass(frozen=True, slots=True)
class Scope:
    """A parsed scope: a level and its codes (several only for a list of communes)."""

    level: Level
    codes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """A canonical text form, usable as a cache key: ``FR``, ``region:84``…"""
        if self.level == "country":
            return "FR"
        return f"{self.level}:{','.join(self.codes)}"


@dataclass(frozen=True, slots=True)
class ScopeSelection:
    """A scope and the actors in it (``None``: the whole graph, no filtering needed)."""

    scope: Scope
    actors: frozenset[str] | None

    def __contains__(self, actor_id: object) -> bool:
        return self.actors is None or actor_id in self.actors


WHOLE = Scope("country")


def parse_scope(value: str | Sequence[str] | Scope | None) -> Scope:
    """Parse a scope's text form (see the module docstring); a malformed value is a
    :class:`ValidationError` naming ``scope``."""
    if isinstance(value, Scope):
        return value
    if value is None:
        return WHOLE
    if not isinstance(value, str):
        codes = tuple(dict.fromkeys(str(code).strip().upper() for code in value))
        if not codes:
            raise ValidationError(
                _("scope: the list of communes is empty; {hint}", hint=_(_HINT)), field="scope"
            )
        for code in codes:
            _check_form("commune", code)
        return Scope("commune", tuple(sorted(codes)))
    text = value.strip()
    if text.lower() in ("", "fr", "france", "country", "national"):
        return WHOLE
    if ":" in text:
        return _parse_prefixed(value, text)
    return _parse_bare(value, text.upper())


def _parse_prefixed(value: str, text: str) -> Scope:
    prefix, _colon, rest = text.partition(":")
    level = _PREFIXES.get(prefix.strip().lower())
    if level is None:
        raise ValidationError(
            _("scope: unknown level {level!r}; {hint}", level=prefix, hint=_(_HINT)),
            field="scope",
        )
    codes = tuple(c.strip().upper() for c in rest.split(",") if c.strip())
    if not codes or (len(codes) > 1 and level != "commune"):
        raise ValidationError(
            _("scope: {value!r} names no single territory; {hint}", value=value, hint=_(_HINT)),
            field="scope",
        )
    for code in codes:
        _check_form(level, code)
    return Scope(level, tuple(sorted(set(codes))))  # type: ignore[arg-type]


def _parse_bare(value: str, code: str) -> Scope:
    if len(code) == 9 and code.isdigit():
        return Scope("epci", (code,))
    if len(code) == 5:
        _check_form("commune", code)
        return Scope("commune", (code,))
    if len(code) in (2, 3):
        _check_form("departement", code)
        return Scope("departement", (code,))
    raise ValidationError(
        _("scope: {value!r} is not a scope; {hint}", value=value, hint=_(_HINT)), field="scope"
    )


def _check_form(level: str, code: str) -> None:
    if not _FORMS[level].match(code):
        raise ValidationError(
            _(
                "scope: {code!r} is not a {level} code; {hint}",
                code=code,
                level=_LEVEL_NAMES[level],
                hint=_(_HINT),
            ),
            field="scope",
        )


@cache
def _reference_codes() -> dict[str, frozenset[str]] | None:
    """Codes of the territories reference, or ``None`` when it cannot be loaded."""
    try:
        from graph_model.territories import load_reference

        reference = load_reference()
    except Exception as exc:  # the analytics still work without it: codes are then checked
        logger.warning("territories reference unavailable, scope codes checked loosely: %s", exc)
        return None
    communes = set(reference.communes) | set(reference.old_codes)
    return {
        "region": frozenset(reference.regions),
        "departement": frozenset(reference.departements),
        "epci": frozenset(reference.epcis),
        "commune": frozenset(communes),
    }


def _old_codes() -> Mapping[str, str]:
    try:
        from graph_model.territories import load_reference

        return load_reference().old_codes
    except Exception:  # same fallback as _reference_codes, which has logged it
        return {}


#: the levels of the territory index, widest first (the projection's node attributes)
LEVELS: tuple[str, ...] = ("region", "departement", "epci", "commune")
#: the levels a link's reach is told by (:mod:`queries.analytics.figures`)
_REACH = ("region", "departement", "commune")

TerritoryIndex = dict[str, Mapping[str, tuple[str, ...]]]


def _territory_index(projection: Projection) -> TerritoryIndex:
    index: dict[str, defaultdict[str, list[str]]] = {level: defaultdict(list) for level in LEVELS}
    for actor_id, attrs in projection.graph.nodes(data=True):
        for level, codes in index.items():
            code = attrs[level]
            if code:
                codes[code].append(actor_id)
    return {level: {c: tuple(ids) for c, ids in codes.items()} for level, codes in index.items()}


def _carry_territory_index(index: TerritoryIndex, applied: Applied) -> TerritoryIndex:
    """The index after a change: only the territories an actor left or joined are made again
    (each a tuple in id order, as a build gives); every other tuple is shared."""
    changes: dict[str, dict[str, Any]] = {}

    def members(level: str, code: str) -> list[str]:
        found = changes.get(level, {}).get(code)
        if found is None:
            return list(index[level].get(code, ()))
        return [] if found is GONE else list(found)

    for actor, (before, after) in applied.actors.items():
        for level in LEVELS:
            old = before[level] if before is not None else None
            new = after[level] if after is not None else None
            if old == new:
                continue
            if old:
                left = tuple(a for a in members(level, old) if a != actor)
                changes.setdefault(level, {})[old] = left or GONE
            if new:
                joined = members(level, new)
                bisect.insort(joined, actor)
                changes.setdefault(level, {})[new] = tuple(joined)
    if not changes:
        return index
    carried = dict(index)
    for level, codes in changes.items():
        carried[level] = layered(index[level]).changed(codes)
    return carried


def territory_index(projection: Projection) -> TerritoryIndex:
    """Level -> territory code -> the actors seated there (id order), once per projection and
    carried along the live graph's changes."""
    return projection.derived("territory_index", _territory_index, _carry_territory_index)


#: a territory as the change marks name it: (level, code)
Place = tuple[str, str]


def _places(attrs: Mapping[str, Any] | None, levels: Iterable[str] = LEVELS) -> Iterator[Place]:
    if attrs is not None:
        for level in levels:
            code = attrs[level]
            if code:
                yield (level, code)


def scope_places(scope: Scope) -> frozenset[Place] | None:
    """The territories whose actors :func:`select` reads for ``scope`` (``None``: the whole
    graph): what a change must touch for an answer about the scope to change."""
    if scope.level == "country":
        return None
    places: set[Place] = set()
    for code in scope.codes:
        current = _old_codes().get(code, code) if scope.level == "commune" else code
        places.add((scope.level, current))
        if scope.level == "commune" and current in _ARRONDISSEMENTS:
            prefix, count = _ARRONDISSEMENTS[current]
            places.update(
                ("commune", f"{prefix}{n:0{5 - len(prefix)}d}") for n in range(1, count + 1)
            )
    return frozenset(places)


#: the last change asked about and its territories (a weak reference: it holds projections)
_LAST_TOUCHED: list[tuple[weakref.ref[Applied], frozenset[Place]]] = []
_LAST_LOCK = threading.Lock()


def touched_places(applied: Applied) -> frozenset[Place]:
    """The territories a change touches: those of every actor it changed and of every end of
    a link it changed, before and after; and, for an actor that moved (its région,
    département or commune changed), those of its neighbours, whose links now reach
    elsewhere. Work in proportion to the change (kept for the last change: every carry asks)."""
    with _LAST_LOCK:
        if _LAST_TOUCHED and _LAST_TOUCHED[0][0]() is applied:
            return _LAST_TOUCHED[0][1]
    old, new = applied.old.graph, applied.new.graph
    places: set[Place] = set()
    for actor in applied.touched:
        places.update(_places(old._node.get(actor)))
        places.update(_places(new._node.get(actor)))
    for actor, (before, after) in applied.actors.items():
        if before is None or after is None or all(before[lv] == after[lv] for lv in _REACH):
            continue  # an actor made or removed: its links are changes of their own
        for graph in (old, new):
            for adjacency in (graph._succ, graph._pred):
                for neighbour in adjacency.get(actor, ()):
                    places.update(_places(graph._node.get(neighbour)))
    touched = frozenset(places)
    with _LAST_LOCK:
        _LAST_TOUCHED[:] = [(weakref.ref(applied), touched)]
    return touched


@dataclass(frozen=True)
class TerritoryChanges:
    """When the territories last changed, along the live graph: answers kept per scope (the
    clusters, the movement figures) are still right at a later version when none of the
    scope's territories changed since they were computed.

    Known only since ``since`` (the version this lineage of projections was built at: a
    rebuild forgets); ``last`` is the version of the latest change that touched anything.
    """

    since: int
    last: int
    #: territory -> the version of the latest change that touched it
    changed: Mapping[Place, int]

    def unchanged(self, places: frozenset[Place] | None, computed_at: int) -> bool:
        """Did nothing touch ``places`` (``None``: anything) after version ``computed_at``?"""
        if computed_at < self.since:
            return False
        if places is None:
            return self.last <= computed_at
        changed = self.changed
        return all(changed.get(place, -1) <= computed_at for place in places)


def _fresh_changes(projection: Projection) -> TerritoryChanges:
    return TerritoryChanges(projection.version, projection.version, {})


def _carry_changes(changes: TerritoryChanges, applied: Applied) -> TerritoryChanges:
    if not applied.actors and not applied.links:
        return changes
    version = applied.new.version
    changed = layered(changes.changed).changed(dict.fromkeys(touched_places(applied), version))
    return TerritoryChanges(changes.since, version, changed)


def territory_changes(projection: Projection) -> TerritoryChanges:
    """The :class:`TerritoryChanges` of a projection (from it on, when first asked)."""
    return projection.derived("territory_changes", _fresh_changes, _carry_changes)


def select(
    projection: Projection,
    value: str | Sequence[str] | Scope | None,
    *,
    known_codes: KnownCodes | None = None,
) -> ScopeSelection:
    """Parse ``value`` and select the actors of the projection in it.

    Raises :class:`ValidationError` (``field="scope"``) for a malformed scope or a code that
    names no territory (see the module docstring for how existence is checked).
    """
    scope = parse_scope(value)
    if scope.level == "country":
        return ScopeSelection(scope, None)
    index = territory_index(projection)[scope.level]
    known = known_codes if known_codes is not None else _reference_codes()
    members: set[str] = set()
    for code in scope.codes:
        current = _old_codes().get(code, code) if scope.level == "commune" else code
        exists = current in index if known is None else current in known.get(scope.level, ())
        if not exists:
            raise ValidationError(
                _(
                    "scope: {level} {code!r} does not exist",
                    level=_LEVEL_NAMES[scope.level],
                    code=code,
                ),
                field="scope",
            )
        members.update(index.get(current, ()))
        if scope.level == "commune" and current in _ARRONDISSEMENTS:
            prefix, count = _ARRONDISSEMENTS[current]
            for n in range(1, count + 1):
                members.update(index.get(f"{prefix}{n:0{5 - len(prefix)}d}", ()))
    return ScopeSelection(scope, frozenset(members))
