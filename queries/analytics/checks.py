"""The checks of the analytics' plain parameters: integers in a range, dates, link kinds, actor
kinds and advocacy levels.

Every check raises the project's errors and names the parameter at fault (``field``), so the API
can point at it: a bad value is :class:`~graph_model.errors.ValidationError`, a date that does
not parse is :class:`~graph_model.errors.InvalidDates`.

Messages are in the user's language (:mod:`graph_model.i18n`), the field's name first:

>>> from graph_model.i18n import use_language
>>> with use_language("fr"):
...     parse_day("2019-13-01", field="as_of")
Traceback (most recent call last):
...
graph_model.errors.InvalidDates: as_of: '2019-13-01' n'est pas une date (attendu : AAAA-MM-JJ)
"""

from __future__ import annotations

from datetime import date, datetime

from graph_model.errors import InvalidDates, ValidationError
from graph_model.i18n import _
from graph_model.model import COOPERATION_LINKS, ActorKind, AdvocacyLevel

#: link kinds a cooperation path, a cluster or a figure may count, in a stable order
LINK_KINDS: tuple[str, ...] = tuple(sorted(k.value for k in COOPERATION_LINKS))
ACTOR_KINDS: tuple[str, ...] = tuple(k.value for k in ActorKind)


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
        _("{field}: {value!r} is not a date (expected YYYY-MM-DD)", field=field, value=value),
        field=field,
    )


def check_int(value: int, *, field: str, low: int, high: int, hint: str | None = None) -> int:
    """``value`` when it is an integer in ``[low, high]``, else a :class:`ValidationError`;
    ``hint`` says where a configured limit comes from (``"limit max_paths, MAILLAGE_MAX_PATHS"``).

    >>> from graph_model.i18n import use_language
    >>> with use_language("en"):
    ...     check_int(9, field="maxHops", low=1, high=8, hint="limit max_path_hops")
    Traceback (most recent call last):
    ...
    graph_model.errors.ValidationError: maxHops: 9 is outside 1..8 (limit max_path_hops)
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        if hint is not None:
            message = _(
                "{field}: {value} is outside {low}..{high} ({hint})",
                field=field,
                value=value,
                low=low,
                high=high,
                hint=hint,
            )
        else:
            message = _(
                "{field}: {value!r} is out of range (an integer from {low} to {high})",
                field=field,
                value=value,
                low=low,
                high=high,
            )
        raise ValidationError(message, field=field)
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
                _(
                    "{field}: {kind!r} is not a cooperation link kind (one of {kinds})",
                    field=field,
                    kind=kind,
                    kinds=", ".join(LINK_KINDS),
                ),
                field=field,
            )
        result.add(upper)
    if not result:
        raise ValidationError(
            _("{field}: give at least one link kind, or none at all", field=field), field=field
        )
    return frozenset(result)


def check_actor_kind(value: str, *, field: str) -> str:
    for kind in ACTOR_KINDS:
        if kind.lower() == value.strip().lower():
            return kind
    raise ValidationError(
        _(
            "{field}: {value!r} is not an actor kind (one of {kinds})",
            field=field,
            value=value,
            kinds=", ".join(ACTOR_KINDS),
        ),
        field=field,
    )


def check_level(value: str, *, field: str) -> str:
    levels = [level.value for level in AdvocacyLevel]
    if value.strip().lower() in levels:
        return value.strip().lower()
    raise ValidationError(
        _(
            "{field}: {value!r} is not an advocacy level (one of {levels})",
            field=field,
            value=value,
            levels=", ".join(levels),
        ),
        field=field,
    )
