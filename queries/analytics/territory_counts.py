"""What the figures of a territory count, as plain counters over the projection's graph: the
composition of the present actors (kinds, legal families and forms, themes) and their ties on a
day (links inside and crossing the border by kind, pairs joined inside, networks they belong
to, isolated actors). :mod:`queries.analytics.territories` turns them into ``TerritoryFigures``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from queries.analytics.legal import FAMILIES, legal_family
from queries.analytics.links import valid_on


@dataclass(slots=True)
class Composition:
    """What the present actors are: kinds, legal families and forms, themes."""

    kinds: Counter[str]
    families: Counter[str]
    forms: Counter[str]
    themes: Counter[str]

    @classmethod
    def of(cls, nodes: Mapping[str, Mapping[str, Any]], members: list[str]) -> Composition:
        made = cls(Counter(), Counter(dict.fromkeys(FAMILIES[:5], 0)), Counter(), Counter())
        for actor in members:
            attrs = nodes[actor]
            made.kinds[attrs["kind"]] += 1
            made.families[legal_family(attrs["legal_form"])] += 1
            made.forms[attrs["legal_form"] or "unknown"] += 1
            for theme in attrs["themes"] or ():
                made.themes[theme] += 1
        return made


@dataclass(slots=True)
class Ties:
    """The links of the present actors valid that day: inside and crossing by kind, the pairs
    joined inside, the networks they are members of, how many have no link."""

    inside: Counter[str]
    crossing: Counter[str]
    networks: Counter[str]
    pairs: set[tuple[str, str]]
    isolated: int

    @classmethod
    def of(cls, graph: Any, members: list[str], *, everyone: bool, day: date | None) -> Ties:
        tied = cls(Counter(), Counter(), Counter(), set(), 0)
        inside = frozenset(members)

        def valid(links: Mapping[Any, Mapping[str, Any]]) -> list[str]:
            return [d["kind"] for d in links.values() if day is None or valid_on(d, day)]

        for actor in members:
            linked = False
            for other, links in graph._succ[actor].items():
                kinds = valid(links)
                if not kinds:
                    continue
                linked = True
                if everyone or other in inside:
                    tied.inside.update(kinds)
                    if other != actor:
                        tied.pairs.add((actor, other) if actor < other else (other, actor))
                else:
                    tied.crossing.update(kinds)
                if "MEMBER_OF" in kinds:
                    tied.networks[other] += 1
            for other, links in graph._pred[actor].items():
                kinds = valid(links)
                if not kinds:
                    continue
                linked = True
                if not everyone and other not in inside:
                    tied.crossing.update(kinds)
            tied.isolated += not linked
        return tied
