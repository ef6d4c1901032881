"""The weight of a path (see :mod:`queries.analytics.paths`): a link's cost from its kind and how
long it has lasted, and the cost of crossing between two actors from all the links joining
them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

#: the links between two neighbours, either direction: (kind, since, until) each
PairLinks = tuple[tuple[str, date | None, date | None], ...]
PairCost = Callable[[PairLinks], "float | None"]

#: base cost of one link of each kind (see the module docstring)
KIND_COST: Mapping[str, float] = {
    "COOPERATES_WITH": 1.0,
    "CARRIES": 1.0,
    "MEMBER_OF": 1.5,
    "SUPPORTS": 1.5,
    "FUNDS": 2.0,
    "SITS_ON": 2.0,
}
#: days in a year, for how long a link has lasted
YEAR = 365.25


def link_cost(attrs: Mapping[str, Any], reference: date) -> float:
    """The cost of one link (see the module docstring).

    >>> link_cost({"kind": "COOPERATES_WITH", "since": date(2010, 1, 1), "until": None},
    ...           date(2025, 1, 1))
    0.3333333333333333
    >>> link_cost({"kind": "FUNDS", "since": None, "until": None}, date(2025, 1, 1))
    2.0
    """
    return _cost(attrs["kind"], attrs["since"], attrs["until"], reference)


def _cost(kind: str, since: date | None, until: date | None, reference: date) -> float:
    years = 0.0
    if since is not None:
        end = until if until is not None and until < reference else reference
        years = max((end - since).days, 0) / YEAR
    return KIND_COST.get(kind, 2.0) / (1.0 + min(years, 10.0) / 5.0)


def pair_cost_function(
    reference: date, kinds: frozenset[str] | None = None, day: date | None = None
) -> PairCost:
    """The cost of crossing between two neighbours from the links joining them (``None``
    when no link is allowed and valid): ``1 / sum(1 / link cost)``."""

    def cost(links: PairLinks) -> float | None:
        conductance = 0.0
        for kind, since, until in links:
            if (
                (kinds is None or kind in kinds)
                and (day is None or since is None or since <= day)
                and (day is None or until is None or day <= until)
            ):
                conductance += 1.0 / _cost(kind, since, until, reference)
        return 1.0 / conductance if conductance else None

    return cost
