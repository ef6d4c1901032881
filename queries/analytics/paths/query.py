"""A path question as one typed value, :class:`PathQuery`, built from plain options and checked
once, by :meth:`PathQuery.build`, against one set of limits, :class:`PathLimits`.

Every door builds the same value: the CLI (``maillage path``), GraphQL (``cooperationPaths``),
the HTTP export (``/export/paths.*``) and direct calls of
:func:`~queries.analytics.paths.cooperation_paths`. The searches trust a built query and check
nothing again.

* :data:`PATH_LIMITS`: the product's limits, those of the documented GraphQL API (at most 8
  hops, also the default when none is given; at most 20 alternatives). The API may build its
  own from its settings (``MAILLAGE_MAX_PATH_HOPS``, ``MAILLAGE_MAX_PATHS``), within
* :data:`SEARCH_LIMITS`: the most the searches are designed and measured for (12 hops, 20
  alternatives, no default hop limit). What a direct call of the analytic accepts; no
  :class:`PathLimits` may exceed it.

Actors (``source``, ``target``, ``avoid``) are references as given (ids or exact names): they
are resolved against the projection when the question is answered, since only it knows them.

>>> PathQuery.build("org-collectif", "org-marseille", max_hops=9)
Traceback (most recent call last):
...
graph_model.errors.ValidationError: max_hops: 9 is out of range (an integer from 1 to 8)
>>> query = PathQuery.build("a", "b", kinds=["member_of"], avoid_kinds="AdvocacyBody:National")
>>> query.max_hops, query.kinds, query.avoid_kinds
(8, ('MEMBER_OF',), ('AdvocacyBody:national',))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict, Unpack

from graph_model.errors import ValidationError
from queries.analytics.checks import (
    check_actor_kind,
    check_int,
    check_level,
    check_link_kinds,
    parse_day,
)

#: the most hops and alternatives any limits may allow (what the searches are measured for)
MAX_HOPS = 12
MAX_K = 20


@dataclass(frozen=True, slots=True)
class PathLimits:
    """The limits a :class:`PathQuery` is checked against.

    ``hints`` (by option: ``"max_hops"``, ``"k"``) say in a refusal where a limit comes from
    (``"limit max_path_hops, MAILLAGE_MAX_PATH_HOPS"``); ``names`` are how the caller spells an
    option in messages and in the error's ``field`` (``{"max_hops": "maxHops"}`` in GraphQL).
    """

    max_hops: int = 8
    max_k: int = 20
    #: hops a search stays within when the question gives none (``None``: no limit)
    default_max_hops: int | None = 8
    hints: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= self.max_hops <= MAX_HOPS or not 1 <= self.max_k <= MAX_K:
            raise ValueError(
                f"path limits: max_hops must be 1 to {MAX_HOPS} and max_k 1 to {MAX_K}, "
                f"not {self.max_hops} and {self.max_k}"
            )
        if self.default_max_hops is not None and not 1 <= self.default_max_hops <= self.max_hops:
            raise ValueError(f"path limits: default_max_hops must be 1 to {self.max_hops}")

    def check(self, option: str, value: int, high: int) -> int:
        """``value`` when it is an integer from 1 to ``high``, else a :class:`ValidationError`
        naming the option as the caller spells it (and the limit's origin, when known)."""
        name = self.names.get(option, option)
        return check_int(value, field=name, low=1, high=high, hint=self.hints.get(option))


#: the product's limits: what the CLI, GraphQL and the HTTP export accept by default
PATH_LIMITS = PathLimits()
#: the searches' own bounds: what a direct call of the analytic accepts
SEARCH_LIMITS = PathLimits(max_hops=MAX_HOPS, max_k=MAX_K, default_max_hops=None)


class PathOptions(TypedDict, total=False):
    """The options of a path question, as every door gives them (declared here once)."""

    #: cheapest paths by the documented weight instead of fewest hops (default False)
    weighted: bool
    #: at most this many hops (default: the limits' ``default_max_hops``)
    max_hops: int | None
    #: link kinds a path may use, case-insensitive (default: every cooperation link)
    kinds: Iterable[str] | None
    #: only links valid on that day (a date or ``YYYY-MM-DD``)
    as_of: date | str | None
    #: actors (ids or names) a path may not go through
    avoid: Iterable[str]
    #: actor kinds a path may not go through: ``"AdvocacyBody"``, ``"AdvocacyBody:national"``
    avoid_kinds: Iterable[str]
    #: how many alternatives, the k shortest simple paths (default 1)
    k: int
    #: what the options are checked against (default :data:`PATH_LIMITS`)
    limits: PathLimits | None


@dataclass(frozen=True, slots=True)
class PathQuery:
    """A checked path question: build it with :meth:`build`, answer it with
    :func:`~queries.analytics.paths.find_paths`."""

    source: str
    target: str
    weighted: bool = False
    max_hops: int | None = None
    #: allowed link kinds, sorted (``None``: every cooperation link)
    kinds: tuple[str, ...] | None = None
    as_of: date | None = None
    #: actors to avoid, as given (ids or names)
    avoid: tuple[str, ...] = ()
    #: ``"Kind"`` or ``"AdvocacyBody:level"``, normalised and sorted
    avoid_kinds: tuple[str, ...] = ()
    k: int = 1

    @classmethod
    def build(cls, source: str, target: str, **options: Unpack[PathOptions]) -> PathQuery:
        """The query for these options (:class:`PathOptions`), checked against ``limits``
        (:data:`PATH_LIMITS` unless given); a bad option raises :class:`ValidationError` (or
        :class:`~graph_model.errors.InvalidDates` for ``as_of``) naming it."""
        limits = options.get("limits") or PATH_LIMITS
        max_hops = options.get("max_hops")
        if max_hops is None:
            max_hops = limits.default_max_hops
        else:
            limits.check("max_hops", max_hops, limits.max_hops)
        k = limits.check("k", options.get("k", 1), limits.max_k)
        allowed = check_link_kinds(options.get("kinds"))
        avoid = options.get("avoid", ())
        return cls(
            source=source,
            target=target,
            weighted=bool(options.get("weighted", False)),
            max_hops=max_hops,
            kinds=tuple(sorted(allowed)) if allowed is not None else None,
            as_of=parse_day(options.get("as_of"), field="as_of"),
            avoid=tuple([avoid] if isinstance(avoid, str) else avoid),
            avoid_kinds=check_avoid_kinds(options.get("avoid_kinds", ())),
            k=k,
        )


def check_avoid_kinds(values: Iterable[str]) -> tuple[str, ...]:
    """Actor kinds to avoid, ``"Kind"`` or ``"AdvocacyBody:level"``, normalised and sorted."""
    result = []
    for value in [values] if isinstance(values, str) else values:
        kind_text, _, level_text = str(value).partition(":")
        kind = check_actor_kind(kind_text, field="avoid_kinds")
        if level_text:
            if kind != "AdvocacyBody":
                raise ValidationError(
                    f"avoid_kinds: only AdvocacyBody has a level, not {kind}", field="avoid_kinds"
                )
            kind = f"{kind}:{check_level(level_text, field='avoid_kinds')}"
        result.append(kind)
    return tuple(sorted(set(result)))
