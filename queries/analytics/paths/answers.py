"""The answer of a path question: :class:`PathAnswer`, its paths (:class:`CooperationPath`), their
hops (:class:`Hop`), the links a hop uses (:class:`LinkStep`), and the constraints the search
ran within (:class:`PathConstraints`, as the answer echoes them: avoided actors resolved to
ids)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from graph_model.i18n import _, format_date, ngettext
from queries.analytics.actors import ActorRef
from queries.analytics.links import SourceInfo


@dataclass(frozen=True, slots=True)
class LinkStep:
    """One link used by a hop: its kind, its direction along the path, dates and sources.

    ``direction`` is ``"forward"`` when the link points from the hop's first actor to its
    second (A MEMBER_OF B, walking A → B), ``"backward"`` otherwise.
    """

    id: str
    kind: str
    subkind: str | None
    direction: Literal["forward", "backward"]
    since: date | None
    until: date | None
    sources: tuple[SourceInfo, ...]


@dataclass(frozen=True, slots=True)
class Hop:
    """Two consecutive actors of a path and every valid link joining them."""

    source: ActorRef
    target: ActorRef
    links: tuple[LinkStep, ...]
    cost: float


@dataclass(frozen=True, slots=True)
class CooperationPath:
    """A path: its actors in order, its hops, its hop count and its cost."""

    actors: tuple[ActorRef, ...]
    hops: tuple[Hop, ...]
    cost: float

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)


@dataclass(frozen=True, slots=True)
class PathConstraints:
    """The constraints a search ran within, as given (normalised)."""

    weighted: bool
    max_hops: int | None
    kinds: tuple[str, ...] | None
    as_of: date | None
    avoid: tuple[str, ...]
    avoid_kinds: tuple[str, ...]
    k: int

    def describe(self) -> str:
        """The constraints in words, in the user's language (empty when there are none)."""
        parts = []
        if self.max_hops is not None:
            parts.append(_("within {hops}", hops=ngettext("{n} hop", "{n} hops", self.max_hops)))
        if self.kinds is not None:
            parts.append(_("using only {kinds} links", kinds=", ".join(self.kinds)))
        if self.as_of is not None:
            parts.append(_("with links valid on {day}", day=format_date(self.as_of)))
        if self.avoid:
            parts.append(_("avoiding {actors}", actors=", ".join(self.avoid)))
        if self.avoid_kinds:
            described = [
                _("{kind} (level {level})", kind=k.split(":")[0], level=k.split(":")[1])
                if ":" in k
                else k
                for k in self.avoid_kinds
            ]
            parts.append(_("avoiding actors of kind {kinds}", kinds=", ".join(described)))
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class PathAnswer:
    """The answer to a path question: the paths found (best first, at most ``k``), or none and
    why (:attr:`explanation`, :attr:`blocking`)."""

    source: ActorRef
    target: ActorRef
    constraints: PathConstraints
    paths: tuple[CooperationPath, ...]
    explanation: str
    #: constraints that, lifted alone, would let a path through (when none was found)
    blocking: tuple[str, ...]

    @property
    def found(self) -> bool:
        return bool(self.paths)
