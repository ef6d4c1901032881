"""Step 5 of an import, links: link records become links between actors.

The rows of a links file come here batch by batch; the links actor rows state (memberships,
Murmurations relationships) come after every actor of the file is loaded (:mod:`importers.spool`).
Each end is resolved (:mod:`importers.references`) — a member list may name a network the graph
does not know yet, which is then created from the list — the link is built with the model's own
rules (:func:`make_link`), and compared with the links already joining the same ends with the
same type: the same statement joins its link (:func:`~importers.merge.merge_statement`),
otherwise it is a new link. In a real run the graph's side of that comparison happens as the
batch is written (links added ``unless_known``: the graph creates the link unless it holds it,
and hands those it held to :meth:`_Settlement.settle`, which merges the statements into them in
the same transaction); a dry run reads the links first (:meth:`~importers.lookups.Lookups.links`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graph_model import batch as graph_batch
from graph_model.batch import GraphBatch, KnownLinks
from graph_model.errors import InvalidDates, ValidationError
from graph_model.identifiers import fold, mint_actor_id
from graph_model.model import Actor, ActorKind, Link, LinkKind, SourceRef, parse
from graph_model.stored import actor_properties
from importers.identity import Identity
from importers.lookups import Lookups
from importers.merge import link_row, merge_statement, same_link
from importers.normalise import clean_text
from importers.places import TerritoryResolver
from importers.records import LinkRecord, Outcome
from importers.references import EXPLICIT_PREFIXES, References
from importers.report import Tally
from importers.writer import Writes

_NOT_ACTOR_LINKS = frozenset(
    {
        LinkKind.LOCATED_IN,
        LinkKind.ACTIVE_IN,
        LinkKind.WORKS_ON,
        LinkKind.USES,
        LinkKind.DEVELOPED,
        LinkKind.TOOK_PART,
        LinkKind.PART_OF,
    }
)
_Ends = tuple[str, str, LinkKind]


class LinkLoad:
    """Step 5 for one run."""

    def __init__(
        self,
        lookups: Lookups,
        writes: Writes,
        tally: Tally,
        identity: Identity,
        resolver: TerritoryResolver,
        *,
        created: set[str],
    ) -> None:
        self.lookups = lookups
        self.writes = writes
        self.tally = tally
        self.identity = identity
        self.resolver = resolver
        self.references = References(lookups, writes)
        #: actors this run created (shared with step 4): no link of theirs is in the graph yet
        self.created = created

    def load(self, records: list[LinkRecord]) -> None:
        """Resolve, check and compare one batch of link records, and queue its write."""
        resolved = self.references.resolve(
            ref
            for rec in records
            for ref, known in ((rec.source_ref, rec.source_id), (rec.target_ref, rec.target_id))
            if known is None
        )
        write = self.writes.new_batch()
        created_networks: dict[str, str] = {}
        pending: list[tuple[LinkRecord, Link]] = []
        for record in records:
            if record.kind is None:
                self.tally.reject(
                    record,
                    "no link kind: give one of "
                    + ", ".join(k.value for k in LinkKind if k not in _NOT_ACTOR_LINKS),
                )
                continue
            known = (record.source_id, ""), (record.target_id, "")
            source, why_source = known[0] if record.source_id else resolved[record.source_ref]
            target, why_target = known[1] if record.target_id else resolved[record.target_ref]
            if target is None and record.create_target and source is not None:
                target = self._derived_network(record, write, created_networks)
                why_target = "" if target else why_target
            problems = []
            if source is None:
                problems.append(f"from: {why_source}")
            if target is None:
                problems.append(f"to: {why_target}")
            if problems:
                self.tally.reject(record, "; ".join(problems))
                continue
            assert source is not None
            assert target is not None
            try:
                link = make_link(record, source, target)
            except ValidationError as exc:
                self.tally.reject(record, str(exc))
                continue
            pending.append((record, link))
        settlement = self._compare(pending, write)
        if settlement is None:
            self.writes.end_batch(write)
        else:
            self.writes.end_batch(write, settlement.settle, settlement.count)

    def _derived_network(
        self, record: LinkRecord, write: GraphBatch, created: dict[str, str]
    ) -> str | None:
        """A network named by a member list and unknown to the graph: the list is the source
        of its existence (its name, nothing more)."""
        name = clean_text(record.target_ref)
        if not name or record.target_ref.startswith(EXPLICIT_PREFIXES):
            return None
        key = fold(name)
        if key in created:
            return created[key]
        system = record.sources[0].system if record.sources else "import"
        source = SourceRef(system=system, key=f"network:{key}")
        actor_id = mint_actor_id(source_key=source.alias)
        actor = parse(
            Actor,
            {
                "id": actor_id,
                "kind": ActorKind.NETWORK,
                "name": name,
                "aliases": [f"name:{key}"],
                "sources": [source],
            },
        )
        props = actor_properties(actor, self.resolver.lookup)
        write.add_actor(actor, props, actor.identity_keys(), new=True)
        created[key] = actor_id
        self.created.add(actor_id)
        self.tally.summary.nodes["networks created from member lists"] += 1
        for alias in actor.identity_keys():
            self.writes.batch.keys[alias] = actor_id
        self.writes.remember(actor, props)
        self.identity.index_actor(actor, props)
        return actor_id

    def _existing(self, links: Iterable[Link]) -> dict[_Ends, list[dict[str, Any]]]:
        """The links already joining the same ends with the same type: in the graph, or
        written by a batch of this run not committed yet (newest wins). Dry runs only."""
        existing: dict[_Ends, list[dict[str, Any]]] = defaultdict(list)
        by_kind: dict[LinkKind, set[tuple[str, str]]] = defaultdict(set)
        for link in links:
            by_kind[link.kind].add((link.source_id, link.target_id))
        if self.lookups.connected:
            for kind, ends in by_kind.items():
                # links of actors this run created cannot be in the graph: not asked
                asked = [e for e in sorted(ends) if not self.created.intersection(e)]
                if not asked:
                    continue
                for row in self.lookups.links(kind, asked):
                    existing[(row["source"], row["target"], kind)].append(row)
        wanted = {(s, t, kind) for kind, ends in by_kind.items() for s, t in ends}
        seen: set[str] = set()
        for pending in self.writes.visible():
            for key in wanted & pending.links.keys():
                for row in pending.links[key]:
                    if row["id"] not in seen:
                        seen.add(row["id"])
                        rows = [c for c in existing[key] if c["id"] != row["id"]]
                        existing[key] = [*rows, row]
        return existing

    def _compare(
        self, pending: list[tuple[LinkRecord, Link]], write: GraphBatch
    ) -> _Settlement | None:
        """Decide what each link statement does to the graph, and add the writes to the batch.

        A statement is compared with the links already joining the same ends with the same
        type: the same id, or for an undated statement the same sub-kind, is the same link
        (sources added, gaps filled: *updated*, or *unchanged*); otherwise a new link. In a
        real run the graph's side is settled as the batch is written (:class:`_Settlement`);
        a dry run reads the links first. Statements of one link within a batch are merged here
        first: the batch holds one row a link (:meth:`GraphBatch.add_link` refuses a second).
        """
        if not pending:
            return None
        settlement = None if self.writes.dry_run else _Settlement(self.tally)
        if settlement is not None:
            existing: dict[_Ends, list[dict[str, Any]]] = defaultdict(list)
        else:
            existing = self._existing(link for _, link in pending)
        written: dict[str, tuple[Link, dict[str, Any]]] = {}
        for record, link in pending:
            ends = (link.source_id, link.target_id, link.kind)
            row = link_row(link)  # the link's id and properties, computed once
            # existing holds each link as this batch last left it (see below)
            current = same_link(existing[ends], row["id"], link)
            if current is None:
                outcome, final, final_row = Outcome.CREATED, link, row
            else:
                outcome, final, final_row = merge_statement(current, link)
            if settlement is None:
                self.tally.count(record, outcome)
            else:  # counted once the graph has told what it held
                settlement.groups[final_row["id"]].append((record, link, outcome))
            self.tally.flag(record, record.flags)
            if outcome is not Outcome.UNCHANGED:
                written[final_row["id"]] = (final, final_row)
                others = [c for c in existing[ends] if c["id"] != final_row["id"]]
                existing[ends] = [*others, final_row]
        for link, row in written.values():
            if settlement is not None:
                settlement.links[row["id"]] = link
                write.add_link(link, row, unless_known=True)
            else:
                write.add_link(link, row)
                self.writes.batch.links[(link.source_id, link.target_id, link.kind)].append(row)
        return settlement


class _Settlement:
    """The links of one batch whose fate the graph tells as the batch is written: created, or
    merged into the link the graph already held (each statement then *updated* or
    *unchanged*, in file order, as if the stored link had been read beforehand)."""

    def __init__(self, tally: Tally) -> None:
        self._tally = tally
        #: link id → its statements in this batch, with their outcomes within the batch
        self.groups: dict[str, list[tuple[LinkRecord, Link, Outcome]]] = defaultdict(list)
        #: link id → the link as the batch writes it (its statements merged)
        self.links: dict[str, Link] = {}
        self._settled: dict[str, list[Outcome]] = {}

    def settle(self, known: KnownLinks) -> dict[LinkKind, list[dict[str, Any]]]:
        """In the write's transaction: merge the statements of each link the graph held into
        it; the rows of the links to rewrite, by type (the batch's
        :data:`~graph_model.batch.Settle` step; runs again if the transaction is retried)."""
        settled: dict[str, list[Outcome]] = {}
        rewrites: dict[LinkKind, list[dict[str, Any]]] = {}
        for kind, rows in known.items():
            updates: list[dict[str, Any]] = []
            for row in rows:
                written = self.links[row["id"]]
                stored = same_link(row["same"], row["id"], written)
                assert stored is not None
                state, outcomes = stored, []
                for _, link, _ in self.groups[row["id"]]:
                    outcome, _, final_row = merge_statement(state, link)
                    outcomes.append(outcome)
                    if outcome is Outcome.UPDATED:
                        state = final_row
                settled[row["id"]] = outcomes
                if state is not stored:
                    updates.append(graph_batch.link_row(written, state))
            if updates:
                rewrites[kind] = updates
        self._settled = settled
        return rewrites

    def count(self) -> None:
        """Once committed: count each statement (as settled against the graph, or as decided
        within the batch for links the graph did not hold)."""
        for link_id, group in self.groups.items():
            settled = self._settled.get(link_id)
            for i, (record, _, outcome) in enumerate(group):
                self._tally.count(record, settled[i] if settled else outcome)


def make_link(record: LinkRecord, source: str, target: str) -> Link:
    """The link a record states between two resolved actors. The model's own rules (dates in
    order, no link to itself) are checked here and the model built without validating again:
    every value is already checked (kind from the enum, dates parsed, sources built)."""
    assert record.kind is not None
    if record.since and record.until and record.until < record.since:
        raise InvalidDates(
            f"link {source} -{record.kind}-> {target} ends on {record.until} before it starts "
            f"on {record.since}: swap the dates or fix the wrong one",
            field="until",
        )
    if source == target:
        raise ValidationError(f"a link cannot join {source} to itself", field="target_id")
    return Link.model_construct(
        kind=record.kind,
        source_id=source,
        target_id=target,
        subkind=record.subkind,
        since=record.since,
        until=record.until,
        sources=list(record.sources),
    )
