"""The import pipeline: read → normalise → resolve territory → resolve identity → load.

One pipeline serves every format. A format is a :class:`Reader`: it checks that the whole file
can be read (:meth:`Reader.prepare`, which raises :class:`~graph_model.errors.ImportFailure` and
writes nothing when it cannot) and yields one record per input row
(:mod:`importers.records`). The pipeline then, batch by batch:

1. normalises the record (clean text, valid SIREN/SIRET/RNA, web address, mail) — a row that
   breaks a rule is *rejected* with its line and the reason, the rest of the file goes on;
2. resolves its place (:mod:`importers.places`);
3. resolves its identity (:mod:`importers.identity`): keys for the whole batch in one query,
   then the scored match on names in memory;
4. merges it into the actor it is (:mod:`importers.merge`) or creates one, compares the result with
   what the graph holds (``content_hash``) and writes what changed — the batch in one transaction
   (:mod:`importers.load`), so that a killed import leaves no half-written actor and the next run
   finishes the job: ids are deterministic (``mint_actor_id``) and every write is a ``MERGE``.
   Transactions run in order on one worker thread while the next batch is prepared; what a batch
   wrote stays visible to the run (:class:`_Local`) until it is committed.

Links stated by actor rows (memberships, Murmurations relationships) are spooled to a temporary
file and loaded after all actors, so that a member listed before its network still finds it.

Every run is an ``ImportRun`` node (id, format, file name and SHA-256, times, status, counts); the
nodes and links it writes carry its id in ``created_run``/``updated_run``. ``dry_run`` reads the
graph but writes nothing, not even the run.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import tempfile
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from graph_model.errors import InvalidDates, InvalidIdentifier, ValidationError
from graph_model.identifiers import (
    check_actor_id,
    fold,
    is_valid_siren,
    is_valid_siret,
    mint_actor_id,
    normalise_rna,
    normalise_siren,
    normalise_siret,
)
from graph_model.model import Actor, ActorKind, Link, LinkKind, SourceRef, Theme, parse
from importers.identity import (
    CANDIDATE_THRESHOLD,
    MERGE_THRESHOLD,
    Entry,
    Match,
    NameIndex,
    Probe,
)
from importers.load import BatchWrite, theme_properties
from importers.merge import actor_from_props, merge_record
from importers.normalise import (
    clean_text,
    distinctive_domain,
    email_domain,
    normalise_email,
    normalise_profile_url,
    normalise_url,
    repair_mojibake,
    website_domain,
)
from importers.places import Place, PlaceInput, TerritoryResolver, shared_resolver
from importers.reader import Reader, Statement, batched, check_system, file_sha256
from importers.records import ActorRecord, LinkRecord, Membership, Outcome, Record, Relation
from importers.report import RejectReport, Summary
from queries.repository import WriteContext, actor_properties, source_json
from queries.store import Store, cypher

#: ``Reader`` and ``file_sha256`` live in :mod:`importers.reader`; named here too for the
#: modules that import them from the pipeline
__all__ = ["NEW", "ImportOptions", "Pipeline", "Reader", "environment_user", "file_sha256"]

logger = logging.getLogger(__name__)

#: a review decision (``ImportOptions.forced``): create the held record as a new actor
NEW = "__new__"
_EXPLICIT_PREFIXES = ("id:", "siren:", "siret:", "rna:", "name:")


@contextlib.contextmanager
def _young_collections_rarer() -> Iterator[None]:
    """Run the cyclic garbage collector less often during an import.

    A run keeps a large live state (the name index, the batches in flight) while it allocates
    millions of short-lived objects (rows, records, statement parameters); with the default
    thresholds (a collection every 700 net allocations) the collector's passes over that state
    took a quarter of the run's CPU (``bench/RESULTS.md``). Memory is still reclaimed by
    reference counting at once; only reference cycles wait a little longer.
    """
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass
class ImportOptions:
    dry_run: bool = False
    rejects: Path | str | None = None
    batch_size: int | None = None  # default: the reader's
    progress: Callable[[int], None] | None = None
    #: review decisions: source alias of a held record → actor id to join, or NEW
    forced: Mapping[str, str] = field(default_factory=dict)
    run_format: str | None = None


@dataclass(slots=True)
class _Prepared:
    record: ActorRecord
    values: dict[str, Any]
    place: Place
    keys: list[str]
    minted: str
    probe: Probe
    target: str | None = None
    how: str = ""
    match: Match | None = None


@dataclass(slots=True)
class _State:
    actor: Actor | None
    stored_hash: str | None
    kind: ActorKind
    is_new: bool
    props: dict[str, Any] | None = None
    needs_aliases: set[str] = field(default_factory=set)
    stored: dict[str, Any] | None = None
    active_in: set[str] = field(default_factory=set)


@dataclass
class _Local:
    """What a batch wrote (or would write, in a dry run), visible to the next batches until its
    transaction is committed — the graph does not show it before."""

    keys: dict[str, str] = field(default_factory=dict)
    actors: dict[str, tuple[Actor, dict[str, Any]]] = field(default_factory=dict)
    names: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    links: dict[tuple[str, str, LinkKind], list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )


class _WriteBehind:
    """Runs the batches' transactions in order on one worker thread, so that the server writes
    a batch while the next one is read and resolved; at most ``depth`` batches in flight. A
    failed write surfaces at the next submit (or at :meth:`drain`), and stops the run."""

    def __init__(self, store: Store, depth: int = 1) -> None:
        self._store = store
        self._depth = depth
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="maillage-import")
        self.inflight: deque[tuple[Future[Any], _Local, Callable[[], None] | None]] = deque()

    def submit(
        self,
        statements: list[Statement],
        local: _Local,
        then: Callable[[list[list[dict[str, Any]]]], list[Statement]] | None = None,
        done: Callable[[], None] | None = None,
    ) -> None:
        """Queue one transaction; ``then`` as :meth:`Store.write` takes it, ``done`` called
        (on the caller's thread) once the transaction is committed."""
        future = self._pool.submit(self._store.write, statements, then)
        self.inflight.append((future, local, done))
        self.drain(keep=self._depth)

    def drain(self, keep: int = 0) -> None:
        while len(self.inflight) > keep:
            future, _, done = self.inflight[0]
            future.result()  # raises the write's error, if any
            self.inflight.popleft()
            if done is not None:
                done()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            for future, _, _ in self.inflight:
                future.cancel()
            self.inflight.clear()
            self._pool.shutdown(wait=True)


class Pipeline:
    """Run one reader through the pipeline against one store (or none: dry run without graph)."""

    def __init__(
        self,
        store: Store | None,
        reader: Reader,
        options: ImportOptions | None = None,
        *,
        resolver: TerritoryResolver | None = None,
    ) -> None:
        self.store = store
        self.reader = reader
        self.options = options or ImportOptions()
        self.dry_run = self.options.dry_run or store is None
        self.resolver = resolver or shared_resolver()
        self.summary = Summary(format=self.options.run_format or reader.format, file_name="")
        self.report = RejectReport(None)
        self.index: NameIndex | None = None
        self.context = WriteContext()
        # what the batch being prepared writes; in a dry run, what the whole run would write
        self._local = _Local()
        self._writer: _WriteBehind | None = None
        self._place_cache: dict[PlaceInput, Place] = {}
        self._territories_known: set[str] = set()
        self._themes_known: set[str] = set()
        self._spool: Any = None
        self._spooled = 0
        self._candidates: list[tuple[str, dict[str, Any]]] = []
        # link ends found once are found again without a query (actors are not removed during
        # a run, and links are resolved after the actors are loaded); bounded
        self._refs: OrderedDict[str, str] = OrderedDict()
        # actors this run created: no link of theirs can exist in the graph before the run
        self._created: set[str] = set()

    @property
    def _batch_size(self) -> int:
        return self.options.batch_size or self.reader.batch_size

    # -- the run ------------------------------------------------------------------------------
    def run(self) -> Summary:
        """Import the reader's file; the summary's counts add up to the rows read."""
        check_system(self.reader.system)
        self.reader.prepare()  # ImportFailure here: nothing written
        self._start()
        try:
            with _young_collections_rarer():
                self._load()
            if self._writer is not None:
                self._writer.close()
            self.summary.finished_at = datetime.now(UTC)
            if not self.dry_run:
                self._save_run("finished")
        except BaseException:
            self._fail()
            raise
        finally:
            self.report.close()
            if self._spool is not None:
                self._spool.close()
        return self.summary

    def _start(self) -> None:
        summary = self.summary
        summary.file_name = self.reader.file_name
        summary.sha256 = self.reader.sha256
        summary.dry_run = self.dry_run
        summary.started_at = datetime.now(UTC)
        self.report = RejectReport(self.options.rejects)
        if self.dry_run:
            return
        assert self.store is not None
        stamp = summary.started_at.strftime("%Y%m%dT%H%M%S%f")
        summary.run_id = f"run-{stamp}-{self.reader.sha256[:8]}"
        self.context = WriteContext(run=summary.run_id)
        try:
            self._save_run("running")
        except BaseException:
            self.report.close()
            raise
        self._writer = _WriteBehind(self.store)

    def _load(self) -> None:
        if self.reader.fuzzy and self.store is not None:
            self.index = self._build_index()
        self._write_themes(self.reader.themes())
        ensure = BatchWrite(self.context)
        self._add_territories(ensure, set(self.reader.territories()))
        self._write(ensure.statements())
        self._write(self.reader.before(self._existing_nodes))
        for batch in batched(self.reader.records(), self._batch_size):
            self._batch(batch)
            if self.options.progress:
                self.options.progress(len(batch))
        self._deferred()
        if self._writer is not None:
            self._writer.drain()
        statements, counts = self.reader.after(self._resolve_one)
        self._write(statements)
        for name, n in counts.items():
            self.summary.nodes[name] += n

    def _fail(self) -> None:
        self.summary.finished_at = datetime.now(UTC)
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # already failing: the first error is the one to raise
                logger.warning("a batch write failed while the run was stopping")
        if not self.dry_run:
            try:
                self._save_run("failed")
            except Exception:  # the store may be what failed: the first error matters
                logger.warning("could not record the failed run %s", self.summary.run_id)

    def _save_run(self, status: str) -> None:
        assert self.store is not None
        summary = self.summary
        props: dict[str, Any] = {
            "format": summary.format,
            "file_name": summary.file_name,
            "sha256": summary.sha256,
            "system": self.reader.system,
            "started_at": summary.started_at,
            "status": status,
        }
        if status != "running":
            props["finished_at"] = summary.finished_at
            props.update(summary.run_properties())
        self.store.write([(cypher("import_run_save"), {"id": summary.run_id, "props": props})])

    def _write(self, statements: list[Statement], local: _Local | None = None) -> None:
        """Queue one transaction (in order with the batches); nothing in a dry run."""
        if statements and self._writer is not None:
            self._writer.submit(statements, local or _Local())

    def _visible(self) -> Iterator[_Local]:
        """What this run wrote that the graph may not show yet: the batch being prepared,
        then the batches in flight, newest first."""
        yield self._local
        if self._writer is not None:
            for _, local, _ in reversed(self._writer.inflight):
                yield local

    def _known_key(self, key: str) -> str | None:
        for local in self._visible():
            found = local.keys.get(key)
            if found is not None:
                return found
        return None

    def _known_actor(self, actor_id: str) -> tuple[Actor, dict[str, Any]] | None:
        for local in self._visible():
            found = local.actors.get(actor_id)
            if found is not None:
                return found
        return None

    def _end_batch(self, write: BatchWrite, settle: _LinkSettlement | None = None) -> None:
        """Queue the batch's transaction; what it carries stays visible until committed.
        ``settle``: the links the graph decides on as the transaction runs (real runs)."""
        if self.dry_run:
            return  # the dry run's local view accumulates: nothing is ever committed
        if write and self._writer is not None:
            then, done = (settle.merge_known, settle.count) if settle else (None, None)
            self._writer.submit(write.statements(), self._local, then, done)
        self._local = _Local()

    def _reject(self, record: Record, reason: str) -> None:
        self._count(record, Outcome.REJECTED)
        self.report.add(record.line, Outcome.REJECTED.value, reason, record.raw)

    def _count(self, record: Record, outcome: Outcome) -> None:
        if isinstance(record, LinkRecord) and not record.counted:
            self.summary.links[outcome] += 1
        else:
            self.summary.count(outcome)

    def _flag(self, record: Record, flags: list[str]) -> None:
        if flags:
            self.summary.flagged += 1
            self.report.add(record.line, "flagged", "; ".join(dict.fromkeys(flags)), record.raw)

    def _batch(self, batch: list[Record]) -> None:
        actors: list[ActorRecord] = []
        links: list[LinkRecord] = []
        for record in batch:
            if not (isinstance(record, LinkRecord) and not record.counted):
                self.summary.rows += 1
            if record.skip:
                self._count(record, Outcome.SKIPPED)
                self.summary.skipped_by[record.skip] += 1
                if not record.quiet:
                    self.report.add(record.line, Outcome.SKIPPED.value, record.skip, record.raw)
            elif record.error:
                self._reject(record, record.error)
            elif isinstance(record, ActorRecord):
                actors.append(record)
            else:
                links.append(record)
        if actors:
            self._actors(actors)
        if links:
            self._links(links)

    # -- identity index -----------------------------------------------------------------------
    def _build_index(self) -> NameIndex:
        assert self.store is not None
        index = NameIndex()
        for row in self.store.read_stream(cypher("import_name_index")):
            if not row.get("name"):
                continue
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
                )
            )
        logger.info("name index: %d actors", len(index))
        return index

    def _index_actor(self, actor: Actor, props: Mapping[str, Any]) -> None:
        if self.index is None:
            return
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
            )
        )

    # -- actors -------------------------------------------------------------------------------
    def _place(self, place: PlaceInput) -> Place:
        cached = self._place_cache.get(place)
        if cached is None:
            cached = self.resolver.resolve(place)
            if len(self._place_cache) > 50_000:
                self._place_cache.clear()
            self._place_cache[place] = cached
        return Place(
            cached.commune,
            cached.departement,
            cached.region,
            list(cached.active_in),
            list(cached.flags),
        )

    def _prepare(self, record: ActorRecord) -> _Prepared:
        name = clean_text(record.name)
        if not name:
            raise ValidationError("no name: every actor needs one (check the name column)")
        if len(name) > 300:
            raise ValidationError(f"name of {len(name)} characters: at most 300 ({name[:40]}…)")
        lat, lon = record.place.latitude, record.place.longitude
        if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            record.flags.append(f"coordinates ({lat}, {lon}) are not on Earth: ignored")
            record.place = replace(record.place, latitude=None, longitude=None)
        siren = normalise_siren(record.siren) if record.siren else None
        siret = normalise_siret(record.siret) if record.siret else None
        if siret and siren and siret[:9] != siren:
            raise InvalidIdentifier(
                f"SIRET {siret} does not belong to SIREN {siren}: a SIRET starts with its SIREN",
                field="siret",
            )
        siren = siren or (siret[:9] if siret else None)
        rna = normalise_rna(record.rna) if record.rna else None
        website = normalise_url(record.website)
        email = normalise_email(record.email)
        for original in record.raw.values():
            if isinstance(original, str) and (repaired := repair_mojibake(original)) != original:
                record.flags.append(
                    f"text repaired (wrong encoding once): {original!r} → {repaired!r}"
                )
        if record.website and not website:
            record.flags.append(f"website {record.website!r} is not a web address: ignored")
        if record.email and not email:
            record.flags.append(f"email {record.email!r} is not an address: ignored")
        values = {
            "name": name,
            "legal_form": clean_text(record.legal_form),
            "level": record.level,
            "siren": siren,
            "siret": siret,
            "rna": rna,
            "website": website,
            "email": email,
            "description": clean_text(record.description),
        }
        place = self._place(record.place)
        if record.actor_id:
            minted = check_actor_id(record.actor_id)
        else:
            minted = mint_actor_id(siren=siren, rna=rna, source_key=record.source.alias)
        keys = [f"id:{minted}", record.source.alias]
        keys += [f"siren:{siren}"] if siren else []
        keys += [f"siret:{siret}"] if siret else []
        keys += [f"rna:{rna}"] if rna else []
        keys += record.aliases
        probe = Probe(
            name=name,
            commune=place.commune,
            departement=place.departement,
            siren=siren,
            rna=rna,
            web=distinctive_domain(website_domain(website)),
            mail=distinctive_domain(email_domain(email)),
            kind=record.kind.value if record.kind_explicit else None,
        )
        return _Prepared(record, values, place, list(dict.fromkeys(keys)), minted, probe)

    def _lookup_keys(self, keys: Iterable[str]) -> dict[str, str]:
        """Stored aliases: key → actor id."""
        wanted = sorted(set(keys))
        if not wanted or self.store is None:
            return {}
        rows = self.store.read(cypher("import_resolve_aliases"), keys=wanted)
        return dict(rows[0]["pairs"]) if rows else {}

    def _actor_state(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored properties of actors (the fields the merge needs), by id."""
        wanted = sorted(set(ids))
        if not wanted or self.store is None:
            return {}
        rows = self.store.read(cypher("import_actor_state"), ids=wanted)
        return {row["id"]: {k: v for k, v in row.items() if v is not None} for row in rows}

    def _actors(self, records: list[ActorRecord]) -> None:
        prepared: list[_Prepared] = []
        for record in records:
            try:
                prepared.append(self._prepare(record))
            except ValidationError as exc:
                self._reject(record, str(exc))
        stored_keys = self._lookup_keys(k for p in prepared for k in p.keys)
        decided: list[_Prepared] = []
        batch_keys: dict[str, str] = {}
        for p in prepared:
            if self._decide(p, stored_keys, batch_keys):
                decided.append(p)
        # one read for every actor the batch joins (and for minted ids, in case they exist)
        stored_props = self._actor_state(p.target for p in decided if p.target)
        self._merge_and_load(decided, stored_keys, stored_props)

    def _decide(
        self,
        p: _Prepared,
        stored_keys: dict[str, str],
        batch_keys: dict[str, str],
    ) -> bool:
        """Find which actor the record is (sets ``p.target`` and ``p.how``); False when the
        record was rejected or held as a candidate."""
        record = p.record
        forced = self.options.forced.get(record.source.alias)
        if forced is not None:
            p.target, p.how = (p.minted, "new") if forced == NEW else (forced, "review")
        else:
            named: dict[str, str] = {}
            for key in p.keys:
                actor = batch_keys.get(key) or self._known_key(key) or stored_keys.get(key)
                if actor:
                    named[key] = actor
            actors = set(named.values())
            if len(actors) > 1:
                found = self._actor_state(actors)
                listed = "; ".join(
                    f"{key} → {actor} ({self._name_of(actor, found)})"
                    for key, actor in sorted(named.items())
                )
                self._reject(
                    record,
                    f"its identifiers name different actors: {listed}. Fix the identifiers, "
                    "or merge those actors first",
                )
                return False
            if actors:
                p.target, p.how = actors.pop(), "key"
            elif record.fuzzy and self.index is not None:
                match = self.index.best(p.probe)
                if match is not None and match.score >= MERGE_THRESHOLD:
                    p.target, p.how, p.match = match.actor_id, "score", match
                elif match is not None and match.score >= CANDIDATE_THRESHOLD:
                    p.match = match
                    self._hold(p)
                    return False
            if p.target is None:
                p.target, p.how = p.minted, "new"
        for key in p.keys:
            batch_keys.setdefault(key, p.target)
            self._local.keys.setdefault(key, p.target)
        if p.how == "new" and self.index is not None:
            self.index.add(
                Entry(
                    actor_id=p.target,
                    kind=record.kind.value,
                    name=p.values["name"],
                    commune=p.place.commune,
                    departement=p.place.departement,
                    siren=p.values["siren"],
                    rna=p.values["rna"],
                    web=p.probe.web,
                    mail=p.probe.mail,
                    tokens=p.probe.tokens,
                )
            )
        return True

    @staticmethod
    def _name_of(actor_id: str, stored_props: Mapping[str, Mapping[str, Any]]) -> str:
        return str((stored_props.get(actor_id) or {}).get("name") or "?")

    def _hold(self, p: _Prepared) -> None:
        """Keep a record that resembles an existing actor for review (``maillage review``)."""
        assert p.match is not None
        record, match = p.record, p.match
        self._count(record, Outcome.CANDIDATE)
        self.report.add(
            record.line,
            Outcome.CANDIDATE.value,
            f"resembles {match.actor_id} ({match.name}), score {match.score:.2f} "
            f"({match.reasons}): held for `maillage review`",
            record.raw,
        )
        payload = record.to_json()
        # one question per record: a record held once stays held against the same actor until
        # someone decides (a resumed or repeated run does not ask it again differently)
        candidate_id = "dup-" + hashlib.sha256(record.source.alias.encode()).hexdigest()[:16]
        props = {
            "actor": match.actor_id,
            "score": match.score,
            "reasons": match.reasons,
            "record_name": p.values["name"],
            "record_alias": record.source.alias,
            "record_commune": p.place.commune,
            "format": self.summary.format,
            "file_name": self.reader.file_name,
            "line": record.line,
            "payload": payload,
            "payload_hash": hashlib.sha256(payload.encode()).hexdigest()[:20],
        }
        self._candidates.append((candidate_id, props))

    def _merge_and_load(
        self,
        decided: list[_Prepared],
        stored_keys: dict[str, str],
        stored_props: dict[str, dict[str, Any]],
    ) -> None:
        write = BatchWrite(self.context)
        states: dict[str, _State] = {}
        for p in decided:
            assert p.target is not None
            state = states.get(p.target)
            if state is None:
                state = states[p.target] = self._state_of(p, stored_props)
            if self._merge_one(p, state, stored_keys):
                for theme in p.record.themes:
                    if theme.id not in self._themes_known:
                        write.add_theme(theme)
        territories: set[str] = set()
        for actor_id, state in states.items():
            territories |= self._load_state(write, actor_id, state, stored_keys)
        self._add_territories(write, territories)
        self._add_candidates(write)
        self._themes_known.update(write.themes)
        self._territories_known.update(territories)
        self._end_batch(write)

    def _state_of(self, p: _Prepared, stored_props: dict[str, dict[str, Any]]) -> _State:
        """The actor a record joins as it stands before this batch."""
        assert p.target is not None
        local = self._known_actor(p.target)
        props = stored_props.get(p.target)
        if local is not None:  # written by an earlier batch, maybe not committed yet
            actor, local_props = local
            state = _State(actor, local_props["content_hash"], actor.kind, False)
            state.stored = local_props
        elif props is not None:
            actor = actor_from_props(p.target, props)
            state = _State(actor, props.get("content_hash"), actor.kind, False)
            state.stored = props
        else:
            state = _State(None, None, p.record.kind, True)
        return state

    def _merge_one(self, p: _Prepared, state: _State, stored_keys: dict[str, str]) -> bool:
        """Merge one record into its actor's state and count it; False when rejected."""
        assert p.target is not None
        record = p.record
        if state.actor is not None and record.kind_explicit and record.kind != state.kind:
            self._reject(
                record,
                f"it is a {record.kind.value} but matches {p.target} ({state.actor.name}), a "
                f"{state.kind.value}: an actor's kind is fixed at creation; fix the row's kind "
                "or the identifiers",
            )
            return False
        aliases = list(record.aliases)
        if record.actor_id and record.actor_id != p.target:
            aliases.append(f"id:{record.actor_id}")  # a curated id keeps resolving
        before = state.props["content_hash"] if state.props else state.stored_hash
        try:
            actor = merge_record(
                state.actor,
                actor_id=p.target,
                kind=state.kind,
                values=p.values,
                place=p.place,
                latitude=record.place.latitude,
                longitude=record.place.longitude,
                source=record.source,
                themes=[t.id for t in record.themes],
                methods=record.methods,
                aliases=aliases,
                authoritative=record.authoritative,
            )
        except ValidationError as exc:
            self._reject(record, str(exc))
            return False
        props = actor_properties(actor, self.resolver.lookup)
        created = state.actor is None
        state.actor, state.props = actor, props
        # every key the record was looked up by names this actor now — except the id the
        # record would have had as a new actor: a lookup key, not an identity
        lookup_only = f"id:{p.minted}" if p.minted != actor.id else None
        state.needs_aliases.update(
            k for k in (*p.keys, *aliases) if k != lookup_only and stored_keys.get(k) != actor.id
        )
        state.active_in.update(p.place.active_in)
        if created:
            outcome = Outcome.CREATED
        elif props["content_hash"] != before:
            outcome = Outcome.UPDATED
        else:
            outcome = Outcome.UNCHANGED
        self._count(record, outcome)
        if p.how == "score" and p.match is not None:
            self.summary.merged += 1
            record.flags.append(
                f"joined {p.target} ({p.match.name}) by name, score {p.match.score:.2f} "
                f"({p.match.reasons})"
            )
        self._flag(record, [*record.flags, *p.place.flags])
        self._spool_links(record, actor.id)
        return True

    def _load_state(
        self, write: BatchWrite, actor_id: str, state: _State, stored_keys: dict[str, str]
    ) -> set[str]:
        """Add what changed of one actor to the batch; the territories it links to."""
        if state.actor is None or state.props is None:
            return set()  # its only record was rejected
        changed = state.props["content_hash"] != state.stored_hash
        if not (state.is_new or changed or state.needs_aliases):
            return set()
        # an existing actor's other keys were written with it: only what this run adds
        keys = state.actor.identity_keys() if state.is_new else sorted(state.needs_aliases)
        taken = {k for k in keys if stored_keys.get(k) not in (None, actor_id)}
        stored = state.stored or {}
        known_themes = set(stored.get("themes") or ())
        write.add_actor(
            state.actor,
            state.props,
            [k for k in keys if k not in taken],
            new=state.is_new,
            located=state.is_new or stored.get("commune") != state.actor.commune,
            active_in=None if state.is_new else sorted(state.active_in),
            themes=None
            if state.is_new
            else [t for t in state.actor.themes if t not in known_themes],
        )
        if not state.is_new:  # new actors went into the index when they were decided
            self._index_actor(state.actor, state.props)
        elif self.reader.links:  # a format without links keeps no such set: flat memory
            self._created.add(actor_id)
        self._remember(state.actor, state.props)
        territories = set(state.actor.active_in)
        if state.actor.commune:
            territories.add(f"commune:{state.actor.commune}")
        return territories

    def _remember(self, actor: Actor, props: dict[str, Any]) -> None:
        self._local.actors[actor.id] = (actor, props)
        name_key = props.get("name_key") or fold(actor.name)
        self._local.names[name_key].append((actor.id, actor.name, actor.kind.value))

    def _add_territories(self, write: BatchWrite, ids: set[str]) -> None:
        wanted = sorted(ids - self._territories_known)
        if not wanted or self.store is None:
            return
        rows = self.resolver.territory_rows(wanted)
        closure = [row["id"] for row in rows]
        missing = {
            row["id"] for row in self.store.read(cypher("import_missing_territories"), ids=closure)
        }
        known = {row["id"] for row in rows}
        unknown = [tid for tid in wanted if tid not in known]
        if unknown:
            logger.warning("territories not in the reference, links skipped: %s", unknown)
        write.add_territories([row for row in rows if row["id"] in missing])

    def _add_candidates(self, write: BatchWrite) -> None:
        held, self._candidates = self._candidates, []
        if not held or self.store is None:
            return
        known = {
            row["id"]: row
            for row in self.store.read(
                cypher("review_candidates_by_id"), ids=[cid for cid, _ in held]
            )
        }
        for candidate_id, props in held:
            seen = known.get(candidate_id)
            if seen is None or (
                seen.get("status") == "pending"
                and seen.get("actor") == props["actor"]
                and seen.get("payload_hash") != props["payload_hash"]
            ):
                write.add_candidate(candidate_id, props)

    def _write_themes(self, themes: list[Theme]) -> None:
        if not themes:
            return
        existing: dict[str, dict[str, Any]] = {}
        if self.store is not None:
            ids = [t.id for t in themes]
            existing = {
                row["id"]: row["props"]
                for row in self.store.read(cypher("import_existing_themes"), ids=ids)
            }
        rows = [
            {"id": t.id, "props": theme_properties(t)}
            for t in themes
            if existing.get(t.id) != theme_properties(t)
        ]
        self.summary.nodes["themes"] += len(themes)
        self._themes_known.update(t.id for t in themes)
        if rows:
            self._write([(cypher("import_upsert_themes"), {"rows": rows})])

    def _existing_nodes(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if self.store is None or not ids:
            return {}
        rows = self.store.read(cypher("movement_existing_nodes"), ids=ids)
        return {row["id"]: row["props"] for row in rows}

    # -- links --------------------------------------------------------------------------------
    def _spool_links(self, record: ActorRecord, actor_id: str) -> None:
        intents: list[dict[str, Any]] = []
        for membership in record.memberships:
            intents.append(self._membership_intent(record, actor_id, membership))
        for relation in record.relations:
            intents.append(self._relation_intent(record, actor_id, relation))
        if not intents:
            return
        if self._spool is None:
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        for intent in intents:
            self._spool.write(json.dumps(intent, ensure_ascii=False, default=str) + "\n")
            self._spooled += 1

    @staticmethod
    def _membership_intent(
        record: ActorRecord, actor_id: str, membership: Membership
    ) -> dict[str, Any]:
        key = f"{record.source.key}>member_of>{fold(membership.network)}"
        return {
            "line": record.line,
            "source": f"id:{actor_id}",
            "source_id": actor_id,
            "target": membership.network,
            "kind": LinkKind.MEMBER_OF.value,
            "since": membership.since,
            "until": membership.until,
            "create": membership.create_if_missing,
            "system": record.source.system,
            "key": key,
            "url": record.source.url,
        }

    @staticmethod
    def _relation_intent(record: ActorRecord, actor_id: str, relation: Relation) -> dict[str, Any]:
        own = f"id:{actor_id}"
        ends = (relation.target, own) if relation.reverse else (own, relation.target)
        return {
            "line": record.line,
            "source": ends[0],
            "target": ends[1],
            "source_id": None if relation.reverse else actor_id,
            "target_id": actor_id if relation.reverse else None,
            "kind": relation.kind.value,
            "subkind": relation.subkind,
            "create": False,
            "system": record.source.system,
            "key": f"{record.source.key}>{relation.kind.value.lower()}>{relation.target}",
            "url": record.source.url,
        }

    def _deferred(self) -> None:
        if self._spool is None:
            return
        self._spool.seek(0)

        def intents() -> Iterator[Record]:
            for text in self._spool:
                data = json.loads(text)
                yield LinkRecord(
                    line=data["line"],
                    raw={"from": data["source"], "to": data["target"], "kind": data["kind"]},
                    source_ref=data["source"],
                    target_ref=data["target"],
                    kind=LinkKind(data["kind"]),
                    subkind=data.get("subkind"),
                    since=date.fromisoformat(data["since"]) if data.get("since") else None,
                    until=date.fromisoformat(data["until"]) if data.get("until") else None,
                    # written by this run from a validated record: no need to validate again
                    sources=[
                        SourceRef.model_construct(
                            system=data["system"], key=data["key"], url=data["url"]
                        )
                    ],
                    create_target=data["create"],
                    counted=False,
                    source_id=data.get("source_id"),
                    target_id=data.get("target_id"),
                )

        for batch in batched(intents(), max(self._batch_size, 5_000)):
            self._links([r for r in batch if isinstance(r, LinkRecord)])

    def _resolve_refs(self, refs: Iterable[str]) -> dict[str, tuple[str | None, str]]:
        """Reference → (actor id or None, why not / the candidates)."""
        result: dict[str, tuple[str | None, str]] = {}
        wanted = set(refs)
        for ref in wanted & self._refs.keys():
            self._refs.move_to_end(ref)
            result[ref] = (self._refs[ref], "")
        parsed = {ref: parse_reference(ref) for ref in wanted - result.keys()}
        keys = {k for ks, _, _ in parsed.values() for k in ks}
        names = {n for _, n, _ in parsed.values() if n}
        found, by_name = self._lookup_refs(keys, names)
        for ref, (ref_keys, name, error) in parsed.items():
            hit = next((found[k] for k in ref_keys if k in found), None)
            if error:
                result[ref] = (None, error)
            elif hit is not None:
                result[ref] = (hit, "")
            elif name is None:
                result[ref] = (None, f"no actor is known as {ref!r} (tried {', '.join(ref_keys)})")
            else:
                result[ref] = _by_name(ref, list({e[0]: e for e in by_name.get(name, [])}.values()))
            actor = result[ref][0]
            if actor is not None:
                self._refs[ref] = actor
                if len(self._refs) > 200_000:
                    self._refs.popitem(last=False)
        return result

    def _lookup_refs(
        self, keys: set[str], names: set[str]
    ) -> tuple[dict[str, str], dict[str, list[tuple[str, str, str]]]]:
        """Alias keys → actor id, and folded names → (id, name, kind) of the actors so named,
        from the graph and from what this run wrote that it may not show yet."""
        found: dict[str, str] = {}
        by_name: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        if self.store is not None and keys:
            rows = self.store.read(cypher("import_resolve_aliases"), keys=sorted(keys))
            found.update(rows[0]["pairs"] if rows else ())
        if self.store is not None and names:
            for row in self.store.read(cypher("import_actors_by_name"), keys=sorted(names)):
                by_name[row["key"]].append((row["id"], row["name"], row["kind"]))
        for local in self._visible():
            for key in keys & local.keys.keys():
                found.setdefault(key, local.keys[key])
            for name in names & local.names.keys():
                known = {e[0] for e in by_name[name]}
                by_name[name].extend(e for e in local.names[name] if e[0] not in known)
        return found, by_name

    def _resolve_one(self, ref: str) -> str | None:
        return self._resolve_refs([ref])[ref][0]

    def _links(self, records: list[LinkRecord]) -> None:
        resolved = self._resolve_refs(
            ref
            for rec in records
            for ref, known in ((rec.source_ref, rec.source_id), (rec.target_ref, rec.target_id))
            if known is None
        )
        write = BatchWrite(self.context)
        created_networks: dict[str, str] = {}
        pending: list[tuple[LinkRecord, Link]] = []
        for record in records:
            if record.kind is None:
                self._reject(
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
                self._reject(record, "; ".join(problems))
                continue
            assert source is not None
            assert target is not None
            try:
                link = make_link(record, source, target)
            except ValidationError as exc:
                self._reject(record, str(exc))
                continue
            pending.append((record, link))
        self._end_batch(write, self._load_links(pending, write))

    def _derived_network(
        self, record: LinkRecord, write: BatchWrite, created: dict[str, str]
    ) -> str | None:
        """A network named by a member list and unknown to the graph: the list is the source
        of its existence (its name, nothing more)."""
        name = clean_text(record.target_ref)
        if not name or record.target_ref.startswith(_EXPLICIT_PREFIXES):
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
        self._created.add(actor_id)
        self.summary.nodes["networks created from member lists"] += 1
        for alias in actor.identity_keys():
            self._local.keys[alias] = actor_id
        self._remember(actor, props)
        self._index_actor(actor, props)
        return actor_id

    def _existing_links(
        self, links: Iterable[Link]
    ) -> dict[tuple[str, str, LinkKind], list[dict[str, Any]]]:
        """The links already joining the same ends with the same type: in the graph, or
        written by a batch of this run not committed yet (newest wins)."""
        existing: dict[tuple[str, str, LinkKind], list[dict[str, Any]]] = defaultdict(list)
        by_kind: dict[LinkKind, set[tuple[str, str]]] = defaultdict(set)
        for link in links:
            by_kind[link.kind].add((link.source_id, link.target_id))
        if self.store is not None:
            for kind, ends in by_kind.items():
                rows = [
                    {"source": s, "target": t}
                    for s, t in sorted(ends)
                    if s not in self._created and t not in self._created
                ]
                if not rows:
                    continue
                for row in self.store.read(cypher("import_existing_links", link=kind), rows=rows):
                    existing[(row["source"], row["target"], kind)].append(row)
        wanted = {(s, t, kind) for kind, ends in by_kind.items() for s, t in ends}
        seen: set[str] = set()
        for local in self._visible():
            for key in wanted & local.links.keys():
                for row in local.links[key]:
                    if row["id"] not in seen:
                        seen.add(row["id"])
                        rows = [c for c in existing[key] if c["id"] != row["id"]]
                        existing[key] = [*rows, row]
        return existing

    def _load_links(
        self, pending: list[tuple[LinkRecord, Link]], write: BatchWrite
    ) -> _LinkSettlement | None:
        """Decide what each link statement does to the graph, and add the writes to the batch.

        A statement is compared with the links already joining the same ends with the same
        type: the same id, or for an undated statement the same sub-kind, is the same link
        (sources added, gaps filled: *updated*, or *unchanged*); otherwise a new link. In a
        real run the graph's side of that comparison happens as the batch is written
        (``import_create_links``: no read beforehand, the server checks while it writes) and
        the returned :class:`_LinkSettlement` merges and counts what the graph held; a dry run
        reads the links first. Statements of one link within a batch are merged here first.
        """
        if not pending:
            return None
        settlement = None if self.dry_run else _LinkSettlement(self, write)
        if settlement is not None:
            existing: dict[tuple[str, str, LinkKind], list[dict[str, Any]]] = defaultdict(list)
        else:
            existing = self._existing_links(link for _, link in pending)
        written: dict[str, tuple[Link, dict[str, Any]]] = {}
        for record, link in pending:
            ends = (link.source_id, link.target_id, link.kind)
            row = _as_row(link)  # the link's id and properties, computed once
            # existing holds each link as this batch last left it (see below)
            current = _same_link(existing[ends], row["id"], link)
            if current is None:
                outcome, final, final_row = Outcome.CREATED, link, row
            else:
                outcome, final, final_row = _merged(current, link)
            if settlement is None:
                self._count(record, outcome)
            else:  # counted once the graph has told what it held
                settlement.groups[final_row["id"]].append((record, link, outcome))
            self._flag(record, record.flags)
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
                self._local.links[(link.source_id, link.target_id, link.kind)].append(row)
        return settlement


class _LinkSettlement:
    """The links of one batch whose fate the graph tells as the batch is written: created, or
    merged into the link the graph already held (each statement then *updated* or
    *unchanged*, in file order, as if the stored link had been read beforehand)."""

    def __init__(self, pipeline: Pipeline, write: BatchWrite) -> None:
        self._pipeline = pipeline
        self._write = write
        #: link id → its statements in this batch, with their outcomes within the batch
        self.groups: dict[str, list[tuple[LinkRecord, Link, Outcome]]] = defaultdict(list)
        #: link id → the link as the batch writes it (its statements merged)
        self.links: dict[str, Link] = {}
        self._settled: dict[str, list[Outcome]] = {}

    def merge_known(self, results: list[list[dict[str, Any]]]) -> list[Statement]:
        """In the write's transaction: merge the statements of each link the graph held into
        it (``Store.write``'s ``then``; runs again if the transaction is retried)."""
        settled: dict[str, list[Outcome]] = {}
        statements: list[Statement] = []
        for kind, rows in self._write.known_links(results).items():
            updates: list[tuple[Link, Mapping[str, Any]]] = []
            for row in rows:
                written = self.links[row["id"]]
                stored = _same_link(row["same"], row["id"], written)
                assert stored is not None
                state, outcomes = stored, []
                for _, link, _ in self.groups[row["id"]]:
                    outcome, _, final_row = _merged(state, link)
                    outcomes.append(outcome)
                    if outcome is Outcome.UPDATED:
                        state = final_row
                settled[row["id"]] = outcomes
                if state is not stored:
                    updates.append((written, state))
            if updates:
                statements.append(self._write.update_links(kind, updates))
        self._settled = settled
        return statements

    def count(self) -> None:
        """Once committed: count each statement (as settled against the graph, or as decided
        within the batch for links the graph did not hold)."""
        for link_id, group in self.groups.items():
            settled = self._settled.get(link_id)
            for i, (record, _, outcome) in enumerate(group):
                self._pipeline._count(record, settled[i] if settled else outcome)


def _merged(current: Mapping[str, Any], link: Link) -> tuple[Outcome, Link, dict[str, Any]]:
    """A statement merged into the link it is about (as stored, or as the batch left it):
    *updated* or *unchanged*, and the link to write with its row (:func:`_as_row`)."""
    final = _merge_link(current, link)
    final_row = _as_row(final)
    same = _row_state(final_row) == _row_state(current)
    return (Outcome.UNCHANGED if same else Outcome.UPDATED), final, final_row


def _same_link(
    candidates: Iterable[Mapping[str, Any]], link_id: str, link: Link
) -> Mapping[str, Any] | None:
    """Among the stored links joining the same ends with the same type, the one a statement
    is about: the same id; else, for an undated statement, the first with the same sub-kind
    (by id, so that the choice does not depend on the order links are read in)."""
    candidates = list(candidates)
    for candidate in candidates:
        if candidate["id"] == link_id:
            return candidate
    if link.since is None:
        alike = [c for c in candidates if (c.get("subkind") or None) == link.subkind]
        if alike:
            return min(alike, key=lambda c: str(c["id"]))
    return None


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


def _by_name(ref: str, entries: list[tuple[str, str, str]]) -> tuple[str | None, str]:
    """The actor a name designates: one actor so named; or, among several, the only network
    (a membership names a network); else none, with the candidates listed."""
    if len(entries) == 1:
        return entries[0][0], ""
    if not entries:
        return None, f"no actor is named {ref!r}"
    networks = [e for e in entries if e[2] == ActorKind.NETWORK.value]
    if len(networks) == 1:
        return networks[0][0], ""
    listed = "; ".join(f"{e[0]} ({e[1]}, {e[2]})" for e in sorted(entries))
    return None, f"{ref!r} names {len(entries)} actors: {listed}. Use one of these ids"


def _native(value: Any) -> Any:
    to_native = getattr(value, "to_native", None)
    return to_native() if callable(to_native) else value


def _row_state(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        row.get("id"),
        row.get("subkind") or None,
        _native(row.get("since")),
        _native(row.get("until")),
        tuple(sorted(row.get("sources") or ())),
    )


def _as_row(link: Link) -> dict[str, Any]:
    return {
        "id": link.id,
        "subkind": link.subkind,
        "since": link.since,
        "until": link.until,
        "sources": sorted({source_json(s) for s in link.sources}),
    }


def _merge_link(current: Mapping[str, Any], link: Link) -> Link:
    """The stored link with the new statement's sources added and its gaps filled."""
    sources = {
        source_json(s): s
        for s in (
            SourceRef.model_validate(json.loads(text)) for text in current.get("sources") or ()
        )
    }
    for source in link.sources:
        sources[source_json(source)] = source
    since = _native(current.get("since"))
    until = _native(current.get("until")) or link.until
    return parse(
        Link,
        {
            "kind": link.kind,
            "source_id": link.source_id,
            "target_id": link.target_id,
            "subkind": current.get("subkind") or link.subkind,
            "since": since,
            "until": until,
            "sources": [sources[k] for k in sorted(sources)],
        },
    )


def parse_reference(ref: str) -> tuple[list[str], str | None, str | None]:  # noqa: PLR0911
    """How a link end given as text is looked up: (alias keys to try in order, folded name to
    look up, error). Ids, SIREN (spaces allowed), SIRET, RNA and ``system:key`` aliases are
    keys; anything else is a name.

    >>> parse_reference("732 829 320")
    (['siren:732829320'], None, None)
    >>> parse_reference("net-mes")
    (['id:net-mes'], 'net mes', None)
    >>> parse_reference("Réseau des Ressourceries")
    (['name:reseau des ressourceries'], 'reseau des ressourceries', None)
    """
    text = clean_text(ref) or ""
    if not text:
        return [], None, "empty reference"
    if text.startswith(_EXPLICIT_PREFIXES) or (
        ":" in text and " " not in text and not text.startswith(("http:", "https:"))
    ):
        return [text], None, None
    if text.startswith(("http://", "https://")):
        return [f"murmurations:{normalise_profile_url(text)}"], None, None
    digits = text.replace(" ", "").replace(".", "")
    if digits.isdigit():
        if len(digits) == 9:
            if is_valid_siren(digits):
                return [f"siren:{digits}"], None, None
            return [], None, f"{text!r} is not a valid SIREN (Luhn check)"
        if len(digits) == 14:
            if is_valid_siret(digits):
                return [f"siret:{digits}", f"siren:{digits[:9]}"], None, None
            return [], None, f"{text!r} is not a valid SIRET (Luhn check)"
    upper = text.replace(" ", "").upper()
    if upper.startswith("W") and upper[1:].isdigit():
        try:
            return [f"rna:{normalise_rna(upper)}"], None, None
        except InvalidIdentifier as exc:
            return [], None, str(exc)
    key = fold(text)
    try:
        return [f"id:{check_actor_id(text)}"], key, None
    except InvalidIdentifier:
        return [f"name:{key}"], key, None


def environment_user() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
