"""One write of the graph: everything a batch changes, as rows grouped by what they write.

A batch of an import holds more than actors (territories, themes, links, duplicate candidates),
and all of it must land together: an import killed mid-batch must not leave an actor without
its aliases, which the next run could not find by key. So the rows of one batch are collected
here and :meth:`graph_model.port.GraphStore.write_batch` writes them in one transaction (all or
nothing). The API's edits and :meth:`~graph_model.port.GraphStore.write_actors` write through the
same batch: an actor is written by one path, and a link by one path, whoever writes.

Order inside the transaction (the adapters keep it): territories (and their ``PART_OF``),
themes, actors, aliases, ``LOCATED_IN``/``ACTIVE_IN`` (areas cleared first where asked),
``WORKS_ON``, actor-to-actor links, duplicate candidates, then the links created unless the graph
already holds them (:attr:`GraphBatch.new_links`), whose stored twins go to the batch's
settlement callback, in the same transaction.

Imports nothing else of the project but the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from graph_model.errors import ValidationError
from graph_model.model import Actor, ActorKind, Link, LinkKind, Theme
from graph_model.spells import Period, statement, touch_bounds, with_run
from graph_model.stored import (
    TerritoryLookup,
    actor_properties,
    link_properties,
    source_json,
    theme_properties,
)

#: what the graph held for each link added ``unless_known``, by type: ``{id, same: [stored]}``
KnownLinks = Mapping[LinkKind, list[dict[str, Any]]]
#: the settlement step: given the known links, the link rows to rewrite, by type (called inside
#: the write's transaction; called again if the transaction is retried, so it must replace what
#: it records, not add to it)
Settle = Callable[[KnownLinks], Mapping[LinkKind, list[dict[str, Any]]]]


class GraphBatch:
    """Rows of one write, grouped by what they write. Row shapes are the statements' own, so an
    adapter sends them as they are (``UNWIND $rows``): no copy in the hot path."""

    def __init__(self, stamp: Mapping[str, Any] | None = None) -> None:
        #: ``now``/``run`` of the write, set by :class:`~graph_model.port.WriteContext`
        self.stamp: dict[str, Any] = dict(stamp or {})
        self.territories: list[dict[str, Any]] = []
        self.parents: list[dict[str, Any]] = []
        self.themes: dict[str, dict[str, Any]] = {}
        self.actors: dict[ActorKind, list[dict[str, Any]]] = defaultdict(list)
        self.aliases: dict[str, str] = {}
        self.located: list[dict[str, Any]] = []
        self.unlocated: list[dict[str, Any]] = []
        #: actor ids whose ``ACTIVE_IN`` links are removed before :attr:`active` is written
        self.cleared_areas: list[str] = []
        self.active: list[dict[str, Any]] = []
        self.works_on: list[dict[str, Any]] = []
        self.links: dict[LinkKind, list[dict[str, Any]]] = defaultdict(list)
        self.new_links: dict[LinkKind, list[dict[str, Any]]] = defaultdict(list)
        #: the row of each link in :attr:`new_links`, by type and id (one row per link)
        self._new_link_rows: dict[tuple[LinkKind, str], dict[str, Any]] = {}
        self.candidates: list[dict[str, Any]] = []
        #: ids of the actors and links this batch creates (the change log says "created")
        self.created: set[str] = set()
        #: the movement's methods and events (``{id, props}``), their links
        #: (``USES``/``TEACHES``…: ``{actor, method, props}``; ``TOOK_PART``: ``{actor, event,
        #: props}``) and places (``{event, territory}``)
        self.methods: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.method_links: dict[LinkKind, list[dict[str, Any]]] = defaultdict(list)
        self.event_parts: list[dict[str, Any]] = []
        self.event_places: list[dict[str, Any]] = []

    def __bool__(self) -> bool:
        return bool(
            self.territories
            or self.themes
            or self.actors
            or self.aliases
            or self.links
            or self.new_links
            or self.candidates
            or self.methods
            or self.events
            or self.method_links
            or self.event_parts
            or self.event_places
        )

    def add_territories(self, rows: list[dict[str, Any]]) -> None:
        """Territories as :func:`graph_model.stored.territory_rows` makes them."""
        for row in rows:
            self.territories.append({"id": row["id"], "props": row["props"]})
            self.parents.extend({"id": row["id"], "parent": p} for p in row["parents"])

    def add_theme(self, theme: Theme) -> None:
        self.themes[theme.id] = {"id": theme.id, "props": theme_properties(theme)}

    def add_actor(
        self,
        actor: Actor,
        props: dict[str, Any],
        aliases: Iterable[str],
        *,
        new: bool = False,
        located: bool = True,
        active_in: Iterable[str] | None = None,
        themes: Iterable[str] | None = None,
        replace_areas: bool = False,
    ) -> None:
        """An actor with its properties (from ``actor_properties``), the alias keys to write
        (identity keys that name another actor are left out by the caller), and which of its
        territory and theme links to (re)write: by default all of them. A new actor's empty
        properties are not sent (on an existing one, ``null`` clears a value).
        ``replace_areas``: its stored areas of action go first (the API's edits)."""
        if new:
            props = {k: v for k, v in props.items() if v is not None}
            self.created.add(actor.id)
        self.actors[actor.kind].append({"id": actor.id, "props": props})
        for key in aliases:
            self.aliases[key] = actor.id
        if actor.commune and located:
            territory = f"commune:{actor.commune}"
            self.located.append({"actor": actor.id, "territory": territory, "props": {}})
            if not new:
                self.unlocated.append({"actor": actor.id, "territory": territory})
        if replace_areas:
            self.cleared_areas.append(actor.id)
        self.active.extend(
            {"actor": actor.id, "territory": territory, "props": {}}
            for territory in (actor.active_in if active_in is None else active_in)
        )
        self.works_on.extend(
            {"actor": actor.id, "theme": theme}
            for theme in (actor.themes if themes is None else themes)
        )

    def add_link(
        self, link: Link, row: Mapping[str, Any] | None = None, *, unless_known: bool = False
    ) -> None:
        """A link; ``row`` (its id and properties, as the caller compared them) saves computing
        them again. ``unless_known``: created only if the graph holds no spell this statement
        joins (the same id, or of the same sub-kind: any for an undated statement or an undated
        spell, else one whose period overlaps or touches the statement's —
        :mod:`graph_model.spells`); the ones it holds go to the write's settlement callback.

        A link is added ``unless_known`` once a batch: the statement checks every row against
        the graph as it was before the batch, so two rows with one id would each create a
        relationship. The same row again is ignored; another row for the same id raises
        :class:`ValueError` (merge a batch's own restatements before adding them)."""
        new_row = link_row(link, row)
        if self.stamp.get("run") and new_row["props"].get("statements"):
            # the statements this write makes carry its run (graph_model.spells)
            new_row["props"]["statements"] = with_run(
                new_row["props"]["statements"], self.stamp["run"]
            )
        if not unless_known:
            self.links[link.kind].append(new_row)
            return
        # the store finds the spells this statement joins with these (graph_model.spells)
        new_row["reach_from"], new_row["reach_to"] = touch_bounds(Period(link.since, link.until))
        key = (link.kind, new_row["id"])
        earlier = self._new_link_rows.get(key)
        if earlier is None:
            self._new_link_rows[key] = new_row
            self.new_links[link.kind].append(new_row)
        elif earlier != new_row:
            raise ValueError(
                f"link {new_row['id']} ({link.kind}) is stated twice in one batch with "
                "different values: merge the batch's own restatements before adding them"
            )

    def add_candidate(self, candidate_id: str, props: dict[str, Any]) -> None:
        self.candidates.append({"id": candidate_id, "props": props, **self.stamp})


def link_row(link: Link, row: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A link as the link rows hold it; ``row``: its id and properties, when known."""
    if row is None:
        props, link_id = link_properties(link), link.id
    else:
        props = {k: row[k] for k in ("subkind", "since", "until", "sources")}
        link_id = row["id"]
    if row is not None and "statements" in row:
        props["statements"] = row["statements"]
    else:  # each source states the link with its dates (graph_model.spells)
        props["statements"] = sorted(
            statement(source_json(s), link.since, link.until, s.run) for s in link.sources
        )
    return {"source": link.source_id, "target": link.target_id, "id": link_id, "props": props}


_NOT_ACTOR_LINKS = {LinkKind.LOCATED_IN, LinkKind.ACTIVE_IN, LinkKind.PART_OF}


def actor_batches(
    actors: Sequence[Actor],
    stamp: Mapping[str, Any],
    kinds: Callable[[list[str]], Mapping[str, str]],
    *,
    territories: TerritoryLookup | None = None,
    batch_size: int = 2_000,
) -> Iterator[GraphBatch]:
    """The batches of :meth:`~graph_model.port.GraphStore.write_actors` (one transaction each):
    actors with their aliases and seats, no ``WORKS_ON``. ``kinds`` reads the stored kinds of
    ids: an actor's kind is fixed at creation, so another kind raises
    :class:`ValidationError` before that batch is written."""
    for start in range(0, len(actors), batch_size):
        chunk = actors[start : start + batch_size]
        existing = kinds([a.id for a in chunk])
        batch = GraphBatch(stamp)
        for actor in chunk:
            known = existing.get(actor.id)
            if known is not None and known != actor.kind.value:
                raise ValidationError(
                    f"actor {actor.id} is a {known}; its kind cannot become "
                    f"{actor.kind.value} (a kind is fixed at creation)",
                    field="kind",
                )
            props = actor_properties(actor, territories)
            batch.add_actor(actor, props, actor.identity_keys(), new=known is None, themes=())
        yield batch


def link_batches(
    links: Iterable[Link], stamp: Mapping[str, Any], *, batch_size: int = 5_000
) -> Iterator[GraphBatch]:
    """The batches of :meth:`~graph_model.port.GraphStore.write_links`: actor-to-actor links
    only (a territory link raises :class:`ValueError`), by type, ``batch_size`` a batch."""
    by_kind: dict[LinkKind, list[Link]] = defaultdict(list)
    for link in links:
        if link.kind in _NOT_ACTOR_LINKS:
            raise ValueError(f"{link.kind} is not an actor-to-actor link")
        by_kind[link.kind].append(link)
    for kind_links in by_kind.values():
        for start in range(0, len(kind_links), batch_size):
            batch = GraphBatch(stamp)
            for link in kind_links[start : start + batch_size]:
                batch.add_link(link)
            yield batch
