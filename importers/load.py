"""Step 4 of an import, merge and load: the decided rows of a batch become its write.

Rows that join the same actor are merged into one :class:`ActorDraft` in file order (the policy
is :mod:`importers.merge`), starting from the actor as the graph holds it — or as an earlier
batch of this run left it, when that batch is not committed yet (:mod:`importers.writer`). The
result is compared with what the graph holds (``content_hash``) and only what changed is added
to the batch's one transaction (a :class:`~graph_model.batch.GraphBatch`), with the territories,
themes and duplicate candidates it needs; the transaction is queued behind the run. A killed
import leaves no half-written actor and the next run finishes the job: ids are deterministic
(``mint_actor_id``) and every write is a ``MERGE``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from graph_model.batch import GraphBatch
from graph_model.errors import ValidationError
from graph_model.model import Actor, ActorKind, Theme
from graph_model.stored import actor_properties, theme_properties
from importers.field_changes import FieldChanges
from importers.identity import Identity
from importers.lookups import Lookups
from importers.merge import actor_from_props, merge_record, name_variant
from importers.places import TerritoryResolver
from importers.records import ActorRow, Outcome
from importers.report import Tally
from importers.spool import LinkSpool
from importers.writer import Writes

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ActorDraft:
    """One actor of a batch as the rows joining it leave it (``actor`` None while none did)."""

    actor: Actor | None
    stored_hash: str | None
    kind: ActorKind
    is_new: bool
    props: dict[str, Any] | None = None
    needs_aliases: set[str] = field(default_factory=set)
    stored: dict[str, Any] | None = None
    active_in: set[str] = field(default_factory=set)
    #: the source aliases of the rows that joined it in this batch
    sources: list[str] = field(default_factory=list)


class ActorLoad:
    """Step 4 for one run's actor rows."""

    def __init__(
        self,
        lookups: Lookups,
        writes: Writes,
        tally: Tally,
        identity: Identity,
        spool: LinkSpool,
        *,
        resolver: TerritoryResolver,
        keep_created: bool,
    ) -> None:
        self.lookups = lookups
        self.writes = writes
        self.tally = tally
        self.identity = identity
        self.spool = spool
        self.resolver = resolver
        # a format without links keeps no set of the actors it created: flat memory
        self._keep_created = keep_created
        #: actors this run created: no link of theirs can exist in the graph before the run
        self.created: set[str] = set()
        self._territories_known: set[str] = set()
        self._themes_known: set[str] = set()
        #: what the run changes on the actors it matched, recorded once each batch commits
        self.field_changes = FieldChanges(lookups.graph)

    def load(
        self,
        rows: list[ActorRow],
        stored_keys: dict[str, str],
        stored_props: dict[str, dict[str, Any]],
    ) -> None:
        """Merge the decided rows into their actors and queue the batch's write."""
        write = self.writes.new_batch()
        drafts: dict[str, ActorDraft] = {}
        for row in rows:
            assert row.target is not None
            draft = drafts.get(row.target)
            if draft is None:
                draft = drafts[row.target] = self._draft(row, stored_props)
            if self._merge(row, draft, stored_keys):
                for theme in row.record.themes:
                    if theme.id not in self._themes_known:
                        write.add_theme(theme)
        territories: set[str] = set()
        for actor_id, draft in drafts.items():
            territories |= self._add(write, actor_id, draft, stored_keys)
        self.add_territories(write, territories)
        self.identity.add_held(write)
        self._themes_known.update(write.themes)
        self._territories_known.update(territories)
        self.writes.end_batch(write, done=self.field_changes.flush(self.writes.context))

    def _draft(self, row: ActorRow, stored_props: dict[str, dict[str, Any]]) -> ActorDraft:
        """The actor a row joins as it stands before this batch."""
        assert row.target is not None
        pending = self.writes.known_actor(row.target)
        props = stored_props.get(row.target)
        if pending is not None:  # written by an earlier batch, maybe not committed yet
            actor, pending_props = pending
            draft = ActorDraft(actor, pending_props["content_hash"], actor.kind, False)
            draft.stored = pending_props
        elif props is not None:
            actor = actor_from_props(row.target, props)
            draft = ActorDraft(actor, props.get("content_hash"), actor.kind, False)
            draft.stored = props
        else:
            draft = ActorDraft(None, None, row.record.kind, True)
        return draft

    def _merge(self, row: ActorRow, draft: ActorDraft, stored_keys: dict[str, str]) -> bool:
        """Merge one row into its actor's draft and count it; False when rejected."""
        assert row.target is not None
        record = row.record
        if draft.actor is not None and record.kind_explicit and record.kind != draft.kind:
            self.tally.reject(
                record,
                f"it is a {record.kind.value} but matches {row.target} ({draft.actor.name}), a "
                f"{draft.kind.value}: an actor's kind is fixed at creation; fix the row's kind "
                "or the identifiers",
            )
            return False
        aliases = list(record.aliases)
        if record.actor_id and record.actor_id != row.target:
            aliases.append(f"id:{record.actor_id}")  # a curated id keeps resolving
        before = draft.props["content_hash"] if draft.props else draft.stored_hash
        try:
            actor = merge_record(
                draft.actor,
                actor_id=row.target,
                kind=draft.kind,
                values=row.values,
                place=row.place,
                latitude=record.place.latitude,
                longitude=record.place.longitude,
                precision=record.place.precision,
                source=record.source,
                themes=[t.id for t in record.themes],
                methods=record.methods,
                aliases=aliases,
                authoritative=record.authoritative,
                by_name=row.how == "score",
            )
            variant = name_variant(record.source, row.values["name"], actor.name)
            if variant and variant not in actor.aliases:
                # the form this source writes is kept, with the source, not shown
                actor.aliases.append(variant)
                aliases.append(variant)
        except ValidationError as exc:
            self.tally.reject(record, str(exc))
            return False
        props = actor_properties(actor, self.resolver.lookup)
        created = draft.actor is None
        draft.actor, draft.props = actor, props
        # every key the row was looked up by names this actor now — except the id the row
        # would have had as a new actor: a lookup key, not an identity
        lookup_only = f"id:{row.minted}" if row.minted != actor.id else None
        draft.needs_aliases.update(
            k for k in (*row.keys, *aliases) if k != lookup_only and stored_keys.get(k) != actor.id
        )
        draft.active_in.update(row.place.active_in)
        draft.sources.append(record.source.alias)
        if created:
            outcome = Outcome.CREATED
        elif props["content_hash"] != before:
            outcome = Outcome.UPDATED
        else:
            outcome = Outcome.UNCHANGED
        self.tally.count(record, outcome)
        if row.how == "score" and row.match is not None:
            self.tally.summary.merged += 1
            record.flags.append(
                f"joined {row.target} ({row.match.name}) by name, score {row.match.score:.2f} "
                f"({row.match.reasons})"
            )
        self.tally.flag(record, [*record.flags, *row.place.flags])
        self.spool.add(record, actor.id)
        return True

    def _add(
        self, write: GraphBatch, actor_id: str, draft: ActorDraft, stored_keys: dict[str, str]
    ) -> set[str]:
        """Add what changed of one actor to the batch; the territories it links to."""
        if draft.actor is None or draft.props is None:
            return set()  # its only row was rejected
        changed = draft.props["content_hash"] != draft.stored_hash
        if not (draft.is_new or changed or draft.needs_aliases):
            return set()
        # an existing actor's other keys were written with it: only what this run adds
        keys = draft.actor.identity_keys() if draft.is_new else sorted(draft.needs_aliases)
        taken = {k for k in keys if stored_keys.get(k) not in (None, actor_id)}
        stored = draft.stored or {}
        known_themes = set(stored.get("themes") or ())
        write.add_actor(
            draft.actor,
            draft.props,
            [k for k in keys if k not in taken],
            new=draft.is_new,
            located=draft.is_new or stored.get("commune") != draft.actor.commune,
            active_in=None if draft.is_new else sorted(draft.active_in),
            themes=None
            if draft.is_new
            else [t for t in draft.actor.themes if t not in known_themes],
        )
        if not draft.is_new:  # new actors went into the index when they were decided
            self.identity.index_actor(draft.actor, draft.props)
            if changed and draft.stored is not None:
                self.field_changes.add(actor_id, draft.stored, draft.props, draft.sources)
        elif self._keep_created:
            self.created.add(actor_id)
        self.writes.remember(draft.actor, draft.props)
        territories = set(draft.actor.active_in)
        if draft.actor.commune:
            territories.add(f"commune:{draft.actor.commune}")
        return territories

    def add_territories(self, write: GraphBatch, ids: set[str]) -> None:
        """Add to the batch the territories it links to that the graph lacks (with parents)."""
        wanted = sorted(ids - self._territories_known)
        if not wanted or not self.lookups.connected:
            return
        rows = self.resolver.territory_rows(wanted)
        missing = self.lookups.missing_territories([row["id"] for row in rows])
        known = {row["id"] for row in rows}
        unknown = [tid for tid in wanted if tid not in known]
        if unknown:
            logger.warning("territories not in the reference, links skipped: %s", unknown)
        write.add_territories([row for row in rows if row["id"] in missing])

    def write_themes(self, themes: list[Theme]) -> None:
        """The themes a format ships, written once before its rows where they changed."""
        if not themes:
            return
        existing = self.lookups.themes([t.id for t in themes])
        write = self.writes.new_batch()
        for theme in themes:
            if existing.get(theme.id) != theme_properties(theme):
                write.add_theme(theme)
        self.tally.summary.nodes["themes"] += len(themes)
        self._themes_known.update(t.id for t in themes)
        self.writes.write(write)
