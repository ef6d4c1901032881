"""Step 3 of an import, identity: is this row an actor the graph already knows?

In two stages, for a whole batch of :class:`~importers.records.ActorRow`:

1. **keys** — SIREN, SIRET, RNA, the record's source key (``gogocarto:42``) and its other aliases
   are looked up for the whole batch in one read (:meth:`~importers.lookups.Lookups.aliases`),
   and in what this run wrote that the graph may not show yet. Keys that point to one actor
   settle the question; keys that point to two different actors make the row a reject (never
   guessed).
2. **score** — otherwise the row's name is compared with the actors of the name index
   (:mod:`importers.blocking`, scored by :mod:`importers.scoring`; built once per run from the
   graph and kept up to date as the run creates and changes actors); review decisions kept on
   the graph are replayed first (:meth:`~importers.lookups.Lookups.judgements`: a record judged
   the same joins its actor again, one judged different is never compared with that actor, one
   still awaiting review is held again against the same actor).
   ``score >= MERGE_THRESHOLD`` (and no second actor as likely): that actor. Between the two
   thresholds: the row is *held* as a duplicate candidate for ``maillage review``
   (:mod:`importers.review`), written with its batch. Below: a new actor.

A review decision replays a held record with the answer forced (``ImportOptions.forced``: the
actor to join, or :data:`NEW`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from graph_model.batch import GraphBatch
from graph_model.model import Actor
from importers.blocking import NameIndex
from importers.lookups import Judgements, Lookups
from importers.names import Entry
from importers.normalise import distinctive_domain, email_domain, website_domain
from importers.records import ActorRow
from importers.report import Tally
from importers.scoring import CANDIDATE_THRESHOLD, MERGE_THRESHOLD, MERGE_WEIGHT
from importers.writer import Writes

__all__ = ["CANDIDATE_THRESHOLD", "MERGE_THRESHOLD", "NEW", "Identity", "Resolved"]

logger = logging.getLogger(__name__)

#: a review decision (``ImportOptions.forced``): create the held record as a new actor
NEW = "__new__"

#: what a batch's identity found: the rows decided, the stored aliases of their keys (key →
#: actor id) and the stored properties of the actors they join (by id)
Resolved = tuple[list[ActorRow], dict[str, str], dict[str, dict[str, Any]]]


class Identity:
    """Step 3 for one run: decides which actor each row is, or holds it for review."""

    def __init__(
        self,
        lookups: Lookups,
        writes: Writes,
        tally: Tally,
        *,
        forced: Mapping[str, str],
        file_name: str,
    ) -> None:
        self.lookups = lookups
        self.writes = writes
        self.tally = tally
        self.forced = forced
        self.file_name = file_name
        #: the name index; None when the format is matched by key only (or without a graph)
        self.index: NameIndex | None = None
        #: review decisions kept: a record's source alias → the actors judged the same (or
        #: not) — replayed, never proposed again
        self.judgements = Judgements({}, {})
        self._held: list[tuple[str, dict[str, Any]]] = []

    # -- the name index ---------------------------------------------------------------------------
    def build_index(self) -> None:
        index = NameIndex()
        for row in self.lookups.name_index():
            if not row.get("name"):
                continue
            exact = row.get("location_precision") == "exact"
            index.add(
                Entry(
                    actor_id=row["id"],
                    kind=row.get("kind") or "",
                    name=row["name"],
                    commune=row.get("commune"),
                    departement=row.get("departement"),
                    siren=row.get("siren"),
                    rna=row.get("rna"),
                    web=distinctive_domain(website_domain(row.get("website"))),
                    mail=distinctive_domain(email_domain(row.get("email"))),
                    phone=row.get("phone"),
                    siret=row.get("siret"),
                    latitude=row.get("latitude") if exact else None,
                    longitude=row.get("longitude") if exact else None,
                )
            )
        logger.info("name index: %d actors", len(index))
        self.index = index
        self.judgements = self.lookups.judgements()

    def index_actor(self, actor: Actor, props: Mapping[str, Any]) -> None:
        """Keep the index up to date with an actor as the run writes it."""
        if self.index is None:
            return
        exact = props.get("location_precision") == "exact"
        self.index.add(
            Entry(
                actor_id=actor.id,
                kind=actor.kind.value,
                name=actor.name,
                commune=actor.commune,
                departement=props.get("departement"),
                siren=actor.siren,
                rna=actor.rna,
                web=distinctive_domain(website_domain(actor.website)),
                mail=distinctive_domain(email_domain(actor.email)),
                phone=actor.phone,
                siret=actor.siret,
                latitude=actor.latitude if exact else None,
                longitude=actor.longitude if exact else None,
            )
        )

    # -- deciding -------------------------------------------------------------------------------
    def resolve(self, rows: list[ActorRow]) -> Resolved:
        """Decide every row of a batch (rows rejected or held are left out)."""
        stored_keys = self.lookups.aliases(k for row in rows for k in row.keys)
        decided: list[ActorRow] = []
        batch_keys: dict[str, str] = {}
        for row in rows:
            if self._decide(row, stored_keys, batch_keys):
                decided.append(row)
        # one read for every actor the batch joins (and for minted ids, in case they exist)
        stored_props = self.lookups.actor_state(row.target for row in decided if row.target)
        return decided, stored_keys, stored_props

    def _decide(
        self, row: ActorRow, stored_keys: dict[str, str], batch_keys: dict[str, str]
    ) -> bool:
        """Find which actor the row is (sets ``row.target`` and ``row.how``); False when the
        row was rejected or held as a candidate."""
        record = row.record
        alias = record.source.alias
        forced = self.forced.get(alias)
        if forced is not None:
            row.target, row.how = (row.minted, "new") if forced == NEW else (forced, "review")
        else:
            named = self._named(row, stored_keys, batch_keys)
            actors = set(named.values())
            if len(actors) > 1:
                self._conflict(row, named)
                return False
            if actors:
                row.target, row.how = actors.pop(), "key"
            elif alias in self.judgements.same:  # "same" decided in review: replayed
                row.target, row.how = self.judgements.same[alias], "review"
            elif alias in self.judgements.pending:  # a question still open: asked as it was
                row.match = self.judgements.pending[alias]
                self._hold(row)
                return False
            elif record.fuzzy and self.index is not None and not self._scored(row, self.index):
                return False
            if row.target is None:
                row.target, row.how = row.minted, "new"
        for key in row.keys:
            batch_keys.setdefault(key, row.target)
            self.writes.batch.keys.setdefault(key, row.target)
        if row.how == "new" and self.index is not None:
            probe = row.probe
            self.index.add(
                Entry(
                    actor_id=row.target,
                    kind=record.kind.value,
                    name=row.values["name"],
                    commune=probe.commune,
                    departement=probe.departement,
                    siren=probe.siren,
                    rna=probe.rna,
                    web=probe.web,
                    mail=probe.mail,
                    phone=probe.phone,
                    tokens=probe.tokens,
                    siret=probe.siret,
                    latitude=probe.latitude,
                    longitude=probe.longitude,
                )
            )
        return True

    def _scored(self, row: ActorRow, index: NameIndex) -> bool:
        """Compare the row with the name index: the actor it is (``row.target``) when the
        score says so, held for review (False) when it only resembles one, else nothing."""
        alias = row.record.source.alias
        found = index.matches(row.probe, exclude=self.judgements.different.get(alias, ()))
        if row.record.actor_id:  # two ids a curator gave are two actors, by their word
            found = [m for m in found if not _curated(m.actor_id)]
        match = found[0] if found else None
        # two actors both as likely: a person chooses
        tied = len(found) > 1 and found[1].weight >= MERGE_WEIGHT
        if match is not None and match.score >= MERGE_THRESHOLD and not tied:
            row.target, row.how, row.match = match.actor_id, "score", match
        elif match is not None:
            row.match = match
            self._hold(row)
            return False
        return True

    def _named(
        self, row: ActorRow, stored_keys: dict[str, str], batch_keys: dict[str, str]
    ) -> dict[str, str]:
        """The row's keys that name an actor: in this batch, in this run, or in the graph."""
        named: dict[str, str] = {}
        for key in row.keys:
            actor = batch_keys.get(key) or self.writes.known_key(key) or stored_keys.get(key)
            if actor:
                named[key] = actor
        return named

    def _conflict(self, row: ActorRow, named: dict[str, str]) -> None:
        found = self.lookups.actor_state(named.values())
        listed = "; ".join(
            f"{key} → {actor} ({_name_of(actor, found)})" for key, actor in sorted(named.items())
        )
        self.tally.reject(
            row.record,
            f"its identifiers name different actors: {listed}. Fix the identifiers, "
            "or merge those actors first",
        )

    # -- review holds -----------------------------------------------------------------------------
    def _hold(self, row: ActorRow) -> None:
        """Keep a row that resembles an existing actor for review (``maillage review``)."""
        assert row.match is not None
        record, match = row.record, row.match
        self.tally.hold(
            record,
            f"resembles {match.actor_id} ({match.name}), score {match.score:.2f} "
            f"({match.reasons}): held for `maillage review`",
        )
        payload = record.to_json()
        # one question per record: a record held once stays held against the same actor until
        # someone decides (a resumed or repeated run does not ask it again differently)
        candidate_id = "dup-" + hashlib.sha256(record.source.alias.encode()).hexdigest()[:16]
        props = {
            "actor": match.actor_id,
            "score": match.score,
            "reasons": match.reasons,
            "record_name": row.values["name"],
            "record_alias": record.source.alias,
            "record_commune": row.place.commune,
            "format": self.tally.summary.format,
            "file_name": self.file_name,
            "line": record.line,
            "payload": payload,
            "payload_hash": hashlib.sha256(payload.encode()).hexdigest()[:20],
        }
        self._held.append((candidate_id, props))

    def add_held(self, write: GraphBatch) -> None:
        """Add the rows held since the last batch to its write, unless the graph holds them
        already as they are (or decided)."""
        held, self._held = self._held, []
        if not held or not self.lookups.connected:
            return
        known = self.lookups.candidates([cid for cid, _ in held])
        for candidate_id, props in held:
            seen = known.get(candidate_id)
            if seen is None or (
                seen.status == "pending"
                and seen.actor == props["actor"]
                and seen.payload_hash != props["payload_hash"]
            ):
                write.add_candidate(candidate_id, props)


def _curated(actor_id: str) -> bool:
    """An id a curator gave (the movement dataset's ``net-mes``), not one an import minted."""
    return not actor_id.startswith(("mai-", "siren-", "rna-"))


def _name_of(actor_id: str, stored_props: Mapping[str, Mapping[str, Any]]) -> str:
    return str((stored_props.get(actor_id) or {}).get("name") or "?")
