"""What one batch writes, as the statements of one transaction (step 4, merge and load).

A batch of an import holds more than actors (territories, themes, links, duplicate candidates),
and all of it must land together: an import killed mid-batch must not leave an actor without
its aliases, which the next run could not find by key. So the steps collect the rows of a
batch here and runs them all in one :meth:`~queries.store.Store.write` (all or nothing), with
the catalogue's statements and the repository's row shapes
(:func:`~queries.repository.actor_properties`, :func:`~queries.repository.link_properties`) —
the graph is the same as the repository writes it.

Order inside the transaction: territories (and their ``PART_OF``), themes, actors, aliases,
``LOCATED_IN``/``ACTIVE_IN``, ``WORKS_ON``, actor-to-actor links, duplicate candidates, then the
links created unless the graph already holds them (and, in a second step of the same
transaction, the merge of those it held).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from graph_model.model import Actor, ActorKind, Link, LinkKind, Theme
from importers.reader import Statement
from queries.repository import WriteContext, link_properties
from queries.store import cypher

__all__ = ["BatchWrite", "Statement", "theme_properties"]


def theme_properties(theme: Theme) -> dict[str, Any]:
    props: dict[str, Any] = {"label_fr": theme.label_fr, "scheme": theme.scheme}
    if theme.label_en:
        props["label_en"] = theme.label_en
    return props


class BatchWrite:
    """Rows of one batch, grouped by statement."""

    def __init__(self, context: WriteContext) -> None:
        self._stamp = context.stamp()
        self.territories: list[dict[str, Any]] = []
        self.parents: list[dict[str, Any]] = []
        self.themes: dict[str, dict[str, Any]] = {}
        self.actors: dict[ActorKind, list[dict[str, Any]]] = defaultdict(list)
        self.aliases: dict[str, str] = {}
        self.located: list[dict[str, Any]] = []
        self.unlocated: list[dict[str, Any]] = []
        self.active: list[dict[str, Any]] = []
        self.works_on: list[dict[str, Any]] = []
        self.links: dict[LinkKind, list[dict[str, Any]]] = defaultdict(list)
        self.new_links: dict[LinkKind, list[dict[str, Any]]] = defaultdict(list)
        self.candidates: list[dict[str, Any]] = []

    def __bool__(self) -> bool:
        return bool(
            self.territories
            or self.themes
            or self.actors
            or self.aliases
            or self.links
            or self.new_links
            or self.candidates
        )

    def add_territories(self, rows: list[dict[str, Any]]) -> None:
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
    ) -> None:
        """An actor with its properties (from ``actor_properties``), the alias keys to write
        (identity keys that name another actor are left out by the caller), and which of its
        territory and theme links to (re)write: by default all of them. A new actor's empty
        properties are not sent (on an existing one, ``null`` clears a value)."""
        if new:
            props = {k: v for k, v in props.items() if v is not None}
        self.actors[actor.kind].append({"id": actor.id, "props": props})
        for key in aliases:
            self.aliases[key] = actor.id
        if actor.commune and located:
            territory = f"commune:{actor.commune}"
            self.located.append({"actor": actor.id, "territory": territory, "props": {}})
            if not new:
                self.unlocated.append({"actor": actor.id, "territory": territory})
        self.active.extend(
            {"actor": actor.id, "territory": territory, "props": {}}
            for territory in (actor.active_in if active_in is None else active_in)
        )
        self.works_on.extend(
            {"actor": actor.id, "theme": theme}
            for theme in (actor.themes if themes is None else themes)
        )

    def add_link(
        self, link: Link, row: dict[str, Any] | None = None, *, unless_known: bool = False
    ) -> None:
        """A link; ``row`` (its id and properties, as the pipeline compared them) saves
        computing them again. ``unless_known``: created only if the graph holds no link that
        is the same statement (``import_create_links``); the ones it holds come back in
        :meth:`known_links` for the pipeline to merge into."""
        rows = self.new_links if unless_known else self.links
        rows[link.kind].append(_link_row(link, row))

    def add_candidate(self, candidate_id: str, props: dict[str, Any]) -> None:
        self.candidates.append({"id": candidate_id, "props": props, **self._stamp})

    def statements(self) -> list[Statement]:
        out: list[Statement] = []
        if self.territories:
            out.append((cypher("upsert_territories"), {"rows": self.territories}))
        if self.parents:
            out.append((cypher("link_territory_parents"), {"rows": self.parents}))
        if self.themes:
            out.append((cypher("import_upsert_themes"), {"rows": list(self.themes.values())}))
        for kind, rows in self.actors.items():
            out.append((cypher("upsert_actors", kind=kind), {"rows": rows, **self._stamp}))
        if self.aliases:
            rows = [{"key": key, "actor": actor} for key, actor in self.aliases.items()]
            out.append((cypher("upsert_aliases"), {"rows": rows}))
        if self.unlocated:
            out.append((cypher("import_unlocate_actors"), {"rows": self.unlocated}))
        for where, rows in ((LinkKind.LOCATED_IN, self.located), (LinkKind.ACTIVE_IN, self.active)):
            if rows:
                out.append((cypher("upsert_actor_territories", link=where), {"rows": rows}))
        if self.works_on:
            out.append((cypher("import_link_themes"), {"rows": self.works_on}))
        for link_kind, rows in self.links.items():
            statement = cypher("import_upsert_links", link=link_kind)
            out.append((statement, {"rows": rows, **self._stamp}))
        if self.candidates:
            out.append((cypher("review_upsert_candidates"), {"rows": self.candidates}))
        for link_kind, rows in self.new_links.items():  # last: see known_links
            statement = cypher("import_create_links", link=link_kind)
            out.append((statement, {"rows": rows, **self._stamp}))
        return out

    def known_links(self, results: list[list[dict[str, Any]]]) -> dict[LinkKind, list[Any]]:
        """From the rows of :meth:`statements`: by link type, the links added ``unless_known``
        that the graph already held, each as ``{id, same: [stored links]}``."""
        kinds = list(self.new_links)
        found = results[-len(kinds) :] if kinds else []
        return {kind: rows for kind, rows in zip(kinds, found, strict=True) if rows}

    def update_links(
        self, kind: LinkKind, links: list[tuple[Link, Mapping[str, Any]]]
    ) -> Statement:
        """The statement that rewrites links already in the graph (``import_upsert_links``),
        each given as :meth:`add_link` takes it."""
        rows = [_link_row(link, row) for link, row in links]
        return (cypher("import_upsert_links", link=kind), {"rows": rows, **self._stamp})


def _link_row(link: Link, row: Mapping[str, Any] | None) -> dict[str, Any]:
    """A link as the link statements take it; ``row``: its id and properties, when known."""
    if row is None:
        props, link_id = link_properties(link), link.id
    else:
        props = {k: row[k] for k in ("subkind", "since", "until", "sources")}
        link_id = row["id"]
    return {"source": link.source_id, "target": link.target_id, "id": link_id, "props": props}
