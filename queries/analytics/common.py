"""What the analytics share: actor references, parameter checks, link validity, the tiny graph
the docstring examples run on.

Every check raises the project's errors and names the parameter at fault (``field``), so the API
can point at it: an unknown actor is :class:`~graph_model.errors.NotFound` (or
:class:`~graph_model.errors.AmbiguousReference` when a name matches several actors), a bad value
is :class:`~graph_model.errors.ValidationError`, a date that does not parse is
:class:`~graph_model.errors.InvalidDates`.

>>> p = example_projection()
>>> resolve_actor(p, "Collectif Lyonnais", field="source")
'org-collectif'
>>> resolve_actor(p, "org-nobody", field="target")
Traceback (most recent call last):
...
graph_model.errors.NotFound: target: no actor 'org-nobody' (give an actor id or its exact name)
>>> parse_day("2019-13-01", field="as_of")
Traceback (most recent call last):
...
graph_model.errors.InvalidDates: as_of: '2019-13-01' is not a date (expected YYYY-MM-DD)
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from graph_model.errors import AmbiguousReference, InvalidDates, NotFound, ValidationError
from graph_model.identifiers import fold
from graph_model.model import COOPERATION_LINKS, ActorKind, AdvocacyLevel
from queries.projection import Projection

T = TypeVar("T")

#: answers kept per projection by :func:`remembered`
ANSWERS_KEPT = 64

#: link kinds a cooperation path, a cluster or a figure may count, in a stable order
LINK_KINDS: tuple[str, ...] = tuple(sorted(k.value for k in COOPERATION_LINKS))
ACTOR_KINDS: tuple[str, ...] = tuple(k.value for k in ActorKind)


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor as answers show it: id, name, kind and where it sits."""

    id: str
    name: str
    kind: str
    level: str | None
    commune: str | None
    departement: str | None
    region: str | None


@dataclass(frozen=True, slots=True)
class Share:
    """A count and its share of a whole (a territory in a footprint, a theme in a cluster)."""

    key: str
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class Count:
    """A count under a key (kind, legal form…)."""

    key: str
    count: int


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a link came from (parsed from the link's ``sources`` JSON strings)."""

    system: str
    key: str
    url: str | None


def _ref_memo(_: Projection) -> dict[str, ActorRef]:
    return {}


def actor_ref(projection: Projection, actor_id: str) -> ActorRef:
    """The :class:`ActorRef` of an actor (made once per projection: answers share them)."""
    memo = projection.derived("actor_refs", _ref_memo)
    ref = memo.get(actor_id)
    if ref is None:
        attrs = projection.graph._node[actor_id]
        ref = ActorRef(
            id=actor_id,
            name=attrs["name"],
            kind=attrs["kind"],
            level=attrs["level"],
            commune=attrs["commune"],
            departement=attrs["departement"],
            region=attrs["region"],
        )
        memo[actor_id] = ref
    return ref


def _names(projection: Projection) -> dict[str, list[str]]:
    index: defaultdict[str, list[str]] = defaultdict(list)
    for actor_id, name in projection.graph.nodes(data="name"):
        index[fold(name)].append(actor_id)
    return dict(index)


def resolve_actor(projection: Projection, reference: str, *, field: str) -> str:
    """The id of the actor ``reference`` names: an id, or an exact name (accents and case
    ignored). Raises :class:`NotFound` or :class:`AmbiguousReference`, naming ``field``."""
    if not isinstance(reference, str) or not reference.strip():
        raise ValidationError(f"{field}: give an actor id or name", field=field)
    if reference in projection.graph:
        return reference
    matches = projection.derived("names", _names).get(fold(reference), [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        candidates = [(m, projection.graph.nodes[m]["name"]) for m in sorted(matches)]
        raise AmbiguousReference(reference, candidates)
    raise NotFound(f"{field}: no actor {reference!r} (give an actor id or its exact name)")


def parse_day(value: date | str | None, *, field: str) -> date | None:
    """A date given as ``datetime.date`` or ISO ``YYYY-MM-DD``; ``None`` stays ``None``."""
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidDates(
        f"{field}: {value!r} is not a date (expected YYYY-MM-DD)",
        field=field,
    )


def check_int(value: int, *, field: str, low: int, high: int) -> int:
    """``value`` when it is an integer in ``[low, high]``, else a :class:`ValidationError`."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            f"{field}: {value!r} is out of range (an integer from {low} to {high})", field=field
        )
    return value


def check_link_kinds(kinds: object, *, field: str = "kinds") -> frozenset[str] | None:
    """Allowed cooperation link kinds (``None``: all of them)."""
    if kinds is None:
        return None
    if isinstance(kinds, str):
        kinds = [kinds]
    result: set[str] = set()
    for kind in kinds:  # type: ignore[attr-defined]
        upper = str(kind).strip().upper()
        if upper not in LINK_KINDS:
            raise ValidationError(
                f"{field}: {kind!r} is not a cooperation link kind "
                f"(one of {', '.join(LINK_KINDS)})",
                field=field,
            )
        result.add(upper)
    if not result:
        raise ValidationError(f"{field}: give at least one link kind, or none at all", field=field)
    return frozenset(result)


def check_actor_kind(value: str, *, field: str) -> str:
    for kind in ACTOR_KINDS:
        if kind.lower() == value.strip().lower():
            return kind
    raise ValidationError(
        f"{field}: {value!r} is not an actor kind (one of {', '.join(ACTOR_KINDS)})", field=field
    )


def check_level(value: str, *, field: str) -> str:
    levels = [level.value for level in AdvocacyLevel]
    if value.strip().lower() in levels:
        return value.strip().lower()
    raise ValidationError(
        f"{field}: {value!r} is not an advocacy level (one of {', '.join(levels)})", field=field
    )


def valid_on(attrs: Mapping[str, Any], day: date) -> bool:
    """True when a link (its edge attributes) holds on ``day``; unknown bounds are open."""
    since, until = attrs["since"], attrs["until"]
    return (since is None or since <= day) and (until is None or day <= until)


@lru_cache(maxsize=65_536)
def parse_source(raw: str) -> SourceInfo:
    """One entry of a link's ``sources`` (a JSON object), leniently.

    >>> parse_source('{"system": "movement", "key": "l1", "url": null}')
    SourceInfo(system='movement', key='l1', url=None)
    >>> parse_source("not json")
    SourceInfo(system='unknown', key='not json', url=None)
    """
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return SourceInfo(system="unknown", key=str(raw), url=None)
    if not isinstance(data, dict):
        return SourceInfo(system="unknown", key=str(raw), url=None)
    url = data.get("url")
    return SourceInfo(
        system=str(data.get("system") or "unknown"),
        key=str(data.get("key") or ""),
        url=str(url) if url else None,
    )


def shares(counts: Mapping[str, int], total: int, *, limit: int | None = None) -> tuple[Share, ...]:
    """Counts as shares of ``total``, largest first, ties by key."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if limit is not None:
        ordered = ordered[:limit]
    return tuple(Share(key, n, round(n / total, 6) if total else 0.0) for key, n in ordered)


def example_projection() -> Projection:
    """The small movement the docstring examples run on.

    Lyon (69) and Villeurbanne (69) organisations cooperate; a regional network and a national
    umbrella body (``ab-ess-france``, AdvocacyBody, level national) tie them to Marseille (13)::

        org-collectif ─COOPERATES_WITH─ org-atelier ─MEMBER_OF→ net-aura
              │                              │
          MEMBER_OF (2015–2018)          SITS_ON
              ↓                              ↓
           net-aura ─SITS_ON→ ab-ess-france ←SITS_ON─ org-marseille ←CARRIES─ prj-graines
    """
    src = '{"system": "movement", "key": "%s", "url": null}'
    actors: list[dict[str, Any]] = [
        {"id": "org-collectif", "kind": "Organisation", "name": "Collectif Lyonnais",
         "legal_form": "association loi 1901", "commune": "69123", "departement": "69",
         "region": "84", "latitude": 45.76, "longitude": 4.83, "location_precision": "exact",
         "themes": ["alimentation", "reemploi"], "methods": ["vises"]},
        {"id": "org-atelier", "kind": "Organisation", "name": "L'Atelier de Villeurbanne",
         "legal_form": "SCOP", "commune": "69266", "departement": "69", "region": "84",
         "latitude": 45.77, "longitude": 4.88, "location_precision": "commune",
         "themes": ["reemploi"]},
        {"id": "net-aura", "kind": "Network", "name": "Réseau ESS AURA",
         "legal_form": "association loi 1901", "commune": "69123", "departement": "69",
         "region": "84", "latitude": 45.75, "longitude": 4.85, "location_precision": "commune"},
        {"id": "ab-ess-france", "kind": "AdvocacyBody", "level": "national",
         "name": "ESS France", "commune": "75056", "departement": "75", "region": "11",
         "latitude": 48.86, "longitude": 2.35, "location_precision": "commune"},
        {"id": "org-marseille", "kind": "Organisation", "name": "La Recyclerie de Marseille",
         "legal_form": "association loi 1901", "commune": "13055", "departement": "13",
         "region": "93", "latitude": 43.30, "longitude": 5.37, "location_precision": "commune",
         "themes": ["reemploi", "alimentation"], "methods": ["vises"]},
        {"id": "prj-graines", "kind": "Project", "name": "Graines d'actions", "commune": "13055",
         "departement": "13", "region": "93", "themes": ["alimentation"]},
        {"id": "org-seule", "kind": "Organisation", "name": "Seule à Lyon", "commune": "69123",
         "departement": "69", "region": "84", "themes": ["culture"]},
    ]  # fmt: skip
    links = [
        ("l1", "COOPERATES_WITH", "org-collectif", "org-atelier", "2016-05-01", None),
        ("l2", "MEMBER_OF", "org-atelier", "net-aura", "2012-01-01", None),
        ("l3", "MEMBER_OF", "org-collectif", "net-aura", "2015-01-01", "2018-12-31"),
        ("l4", "SITS_ON", "net-aura", "ab-ess-france", "2014-06-01", None),
        ("l5", "SITS_ON", "org-atelier", "ab-ess-france", "2020-01-01", None),
        ("l6", "SITS_ON", "org-marseille", "ab-ess-france", "2017-03-01", None),
        ("l7", "CARRIES", "org-marseille", "prj-graines", "2019-09-01", None),
    ]
    return Projection.from_records(
        actors,
        [
            {
                "id": i,
                "kind": k,
                "source": s,
                "target": t,
                "since": since,
                "until": until,
                "subkind": "partenariat" if k == "COOPERATES_WITH" else None,
                "sources": [src % i],
            }
            for i, k, s, t, since, until in links
        ],
        version=1,
    )


class RecentlyUsed:
    """The last ``size`` values made on one projection, by key (least recently used out).

    ``exclusive``: a value is made under the lock, so two threads never make the same one
    twice (for large values: the filtered adjacencies of paths); otherwise it is made outside
    it, and other keys are not kept waiting (for slow answers: national brokers).
    """

    def __init__(self, size: int, *, exclusive: bool) -> None:
        self.size = size
        self._exclusive = exclusive
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
            if self._exclusive:
                return self._keep(key, make())
        value = make()
        with self._lock:
            return self._keep(key, value)

    def _keep(self, key: Hashable, value: T) -> T:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value


def remembered(projection: Projection, key: Hashable, compute: Callable[[], T]) -> T:
    """The answer to ``key`` on this projection, computed once (the last :data:`ANSWERS_KEPT`
    questions are kept). A projection is one graph version: a write gives a new projection,
    and so fresh answers. For analytics whose answers are immutable and costly (national
    brokers: seconds at 100,000 actors).

    >>> p = example_projection()
    >>> remembered(p, ("twice",), lambda: object()) is remembered(p, ("twice",), object)
    True
    """
    answers = projection.derived("answers", lambda _: RecentlyUsed(ANSWERS_KEPT, exclusive=False))
    return answers.get(key, compute)
