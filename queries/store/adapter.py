"""The store adapter: the one place that talks to the graph server through the ``neo4j`` driver.

Synchronous driver, by choice: imports, the CLI and the projection build are batch work that a
sync session serves best, and the API reads mostly from the in-memory projection; the few API
reads that reach the store run in a worker thread (``anyio.to_thread``) behind DataLoaders, so
one adapter and one code path serve every caller.

Invariants:

* statements come from the catalogue (``LiteralString``), values only as parameters;
* every write transaction bumps the graph version (``Meta {id: 'graph'}``): the new version
  is its sequence number, and the port's writes record their change log entries with it in
  the same transaction (:meth:`Store.commit`), which the projection follows;
* driver errors become project errors here: unreachable server → :class:`StoreUnavailable`
  (saying how to start it), constraint violation → :class:`DuplicateError` (naming the key),
  a transient conflict (ArcadeDB's concurrent modification, Neo4j's ``TransientError``) →
  :class:`~graph_model.retry.StoreConflict`, anything else the server refuses →
  :class:`QueryError`;
* a write refused by a transient conflict runs again (:func:`graph_model.retry.retrying`:
  bounded, jittered); an edit transaction (:meth:`Store.transaction`) is a block the caller
  owns, so the caller runs it again (``api.editing``).
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, LiteralString, NoReturn

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction, Query, RoutingControl
from neo4j import exceptions as neo4j_errors

from graph_model.errors import (
    ConfigurationError,
    DuplicateError,
    MaillageError,
    QueryError,
    StoreUnavailable,
)
from graph_model.i18n import _
from graph_model.retry import StoreConflict, retrying
from graph_model.schema import Dialect, schema_statements
from queries.store.catalog import cypher
from queries.store.embedded import DATABASE, USER, EmbeddedServer
from queries.store.settings import Backend, StoreSettings

logger = logging.getLogger(__name__)

Row = dict[str, Any]
#: one statement of a write: catalogue text and parameters
Statement = tuple[LiteralString, Mapping[str, Any]]
#: the change log's entries of a write, given its statements' rows and its sequence number
Log = Callable[[list[list[Row]], int], list[dict[str, Any]]]
_DUPLICATE_KEY = re.compile(r"Duplicated key \[([^\]]*)\]|property `\w+` = '([^']*)'")
#: ArcadeDB's words for a concurrent modification of the same records (MVCC)
_CONFLICT = re.compile(
    r"Please retry the operation|ConcurrentModification|Slot rebase not possible", re.IGNORECASE
)


#: the id of a transaction's first change log entry (graph_model.changes.change_props)
_FIRST_ENTRY = re.compile(r"chg-\d+-0")


def _sequence_taken(key: str | None, exc: Exception) -> None:
    """Two writes that committed at once took the same sequence number (ArcadeDB's optimistic
    transactions can both move the version from N to N+1): the unique id of the first change
    log entry (``chg-<seq>-0``) refuses the second one, which must simply run again."""
    if key is not None and _FIRST_ENTRY.fullmatch(key):
        raise StoreConflict(
            "another write took the same sequence number at the same time: try again"
        ) from exc


def now() -> datetime:
    return datetime.now(UTC)


def _rows(keys: Sequence[str], records: Iterable[Sequence[Any]]) -> Iterator[Row]:
    """Records as dicts of their values: the catalogue's statements return values
    (properties, lists, maps), never nodes or relationships, so the driver's
    ``Record.data()`` pass over every value (a third of the time of large reads) is not
    needed."""
    for record in records:
        yield dict(zip(keys, record, strict=True))


def _run(tx: ManagedTransaction, query: LiteralString, params: Mapping[str, Any]) -> list[Row]:
    """Run one statement of a transaction and read its rows."""
    with _lent(params) as sent:
        result = tx.run(query, sent)
        return list(_rows(result.keys(), result))


def _bump(tx: ManagedTransaction | neo4j.Transaction) -> int:
    """Move the graph version on; the new version is the transaction's sequence number."""
    record = tx.run(cypher("bump_version"), now=now()).single()
    return int(record["version"]) if record is not None else 0


def _record(tx: ManagedTransaction | neo4j.Transaction, changes: list[dict[str, Any]]) -> None:
    """Create the change log's ``Change`` nodes of one transaction."""
    if changes:
        tx.run(cypher("changes_record"), rows=changes).consume()


@contextlib.contextmanager
def _lent(params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Parameters for the driver, emptied once the statement has run.

    The driver's result objects reference each other in cycles and keep the parameters they
    were given until the garbage collector's next pass; an import's batches (thousands of
    rows each) would pile up there. The driver gets copies of the top-level lists, cleared
    afterwards, so that the rows themselves go as soon as their batch is done.
    """
    sent = {k: list(v) if isinstance(v, list) else v for k, v in params.items()}
    try:
        yield sent
    finally:
        for value in sent.values():
            if isinstance(value, list):
                value.clear()


class Store:
    """One driver, one database, one dialect. Thread-safe; open once per process."""

    def __init__(
        self,
        *,
        uri: str,
        auth: tuple[str, str],
        database: str,
        dialect: Dialect,
        settings: StoreSettings,
        embedded: EmbeddedServer | None = None,
    ) -> None:
        self.uri = uri
        self.database = database
        self.dialect = dialect
        self.settings = settings
        self.embedded = embedded
        self._auth = auth
        self._lock = threading.Lock()
        self._driver: Driver = self._new_driver(uri)
        #: Bolt round trips made (each query or transaction), for tests and benchmarks
        self.round_trips = 0

    def _new_driver(self, uri: str) -> Driver:
        return GraphDatabase.driver(
            uri,
            auth=self._auth,
            connection_timeout=self.settings.connect_timeout,
            connection_acquisition_timeout=self.settings.connect_timeout,
            max_transaction_retry_time=min(self.settings.connect_timeout, 2.0),
            liveness_check_timeout=0,
            notifications_min_severity="OFF",
        )

    # -- error translation ----------------------------------------------------------------
    def _unavailable(self, exc: BaseException) -> NoReturn:
        if self.embedded is not None:
            hint = _("start it with `maillage db start` (or check `maillage db status`)")
        else:
            hint = _("check that Neo4j runs (`docker compose up -d neo4j`) and MAILLAGE_NEO4J_URI")
        raise StoreUnavailable(
            _("the graph store at {uri} is unavailable: {hint}", uri=self.uri, hint=hint)
        ) from exc

    def _translate(self, exc: Exception) -> NoReturn:
        if isinstance(exc, MaillageError):
            raise exc
        if isinstance(
            exc,
            neo4j_errors.ServiceUnavailable
            | neo4j_errors.SessionExpired
            | neo4j_errors.IncompleteCommit
            | OSError,
        ):
            self._maybe_follow_embedded()
            self._unavailable(exc)
        if isinstance(exc, neo4j_errors.AuthError):
            raise ConfigurationError(
                f"the graph store at {self.uri} refused the credentials: check "
                "MAILLAGE_NEO4J_USER / MAILLAGE_NEO4J_PASSWORD (embedded: the password file "
                "under the data directory)"
            ) from exc
        if isinstance(exc, neo4j_errors.TransientError) or _CONFLICT.search(str(exc)):
            raise StoreConflict(
                "the graph store refused a write because another one changed the same records "
                "at the same time: try again"
            ) from exc
        if isinstance(exc, neo4j_errors.ConstraintError):
            match = _DUPLICATE_KEY.search(str(exc))
            key = next((g for g in match.groups() if g), None) if match else None
            _sequence_taken(key, exc)
            raise DuplicateError(
                f"{key!r} already exists: ids and keys are unique" if key else str(exc), key=key
            ) from exc
        if isinstance(exc, neo4j_errors.DriverError | neo4j_errors.Neo4jError):
            message = getattr(exc, "message", None) or str(exc)
            if "Duplicated key" in message:
                match = _DUPLICATE_KEY.search(message)
                key = match.group(1) if match else None
                _sequence_taken(key, exc)
                raise DuplicateError(f"{key!r} already exists", key=key) from exc
            raise QueryError(f"the graph store refused a statement: {message}") from exc
        raise exc

    def _maybe_follow_embedded(self) -> None:
        """After an outage, the embedded server may have come back on other ports."""
        if self.embedded is None:
            return
        state = self.embedded.running_state()
        if state is not None and state.uri != self.uri:
            with self._lock:
                old, self._driver, self.uri = self._driver, self._new_driver(state.uri), state.uri
            old.close()
            logger.info("embedded server moved: now at %s", state.uri)

    # -- reads ----------------------------------------------------------------------------
    def read(self, query: LiteralString, /, **params: Any) -> list[Row]:
        """Run one read statement; return its rows as dicts (see :func:`_rows`)."""
        self.round_trips += 1
        try:
            with _lent(params) as sent:
                records, _, keys = self._driver.execute_query(
                    Query(query, timeout=self.settings.query_timeout),
                    sent,
                    database_=self.database,
                    routing_=RoutingControl.READ,
                )
        except Exception as exc:
            self._translate(exc)
        return list(_rows(keys, records))

    def read_stream(
        self, query: LiteralString, /, *, fetch_size: int = 10_000, **params: Any
    ) -> Iterator[Row]:
        """Stream the rows of one read statement (large pulls: projection, exports), as
        :meth:`read` gives them."""
        self.round_trips += 1
        try:
            with self._driver.session(
                database=self.database,
                default_access_mode=neo4j.READ_ACCESS,
                fetch_size=fetch_size,
            ) as session:
                result = session.run(Query(query, timeout=self.settings.query_timeout), params)
                yield from _rows(result.keys(), result)
        except Exception as exc:
            self._translate(exc)

    def version(self) -> int:
        rows = self.read(cypher("graph_version"))
        return int(rows[0]["version"]) if rows else 0

    def ping(self) -> None:
        """Raise :class:`StoreUnavailable` unless the server answers."""
        self.read(cypher("ping"))

    # -- writes ---------------------------------------------------------------------------
    def write(
        self,
        statements: Sequence[Statement],
        then: Callable[[list[list[Row]]], Sequence[Statement]] | None = None,
    ) -> list[list[Row]]:
        """:meth:`commit` without a change log entry (tests, benchmarks' bare loads: a reader
        of the log then sees a hole in the sequence and rebuilds)."""
        return self.commit(statements, then)[0]

    def commit(
        self,
        statements: Sequence[Statement],
        then: Callable[[list[list[Row]]], Sequence[Statement]] | None = None,
        log: Log | None = None,
    ) -> tuple[list[list[Row]], int]:
        """Run statements in one transaction (all or nothing), bump the graph version and
        record the change log's entries; returns the rows and the transaction's sequence
        number (the version it bumped to).

        ``then``, when given, receives the statements' rows and returns more statements for
        the same transaction (a write that depends on what the first ones found). ``log``
        receives every statement's rows and the sequence number and returns the ``Change``
        nodes' properties to create (:func:`graph_model.changes.change_props`). The driver may
        run the transaction again after a transient error, and ``then`` and ``log`` with it:
        what they record must be replaced on each call, not added to.
        """

        def work(tx: ManagedTransaction) -> tuple[list[list[Row]], int]:
            results = [_run(tx, q, p) for q, p in statements]
            if then is not None:
                results += [_run(tx, q, p) for q, p in then(results)]
            seq = _bump(tx)
            if log is not None:
                _record(tx, log(results, seq))
            return results, seq

        def attempt() -> tuple[list[list[Row]], int]:
            self.round_trips += 1
            try:
                with self._driver.session(database=self.database) as session:
                    return session.execute_write(work)
            except Exception as exc:
                self._translate(exc)

        return retrying(attempt)

    def write_batches(
        self,
        query: LiteralString,
        rows: Iterable[Mapping[str, Any]],
        *,
        batch_size: int = 5_000,
        **params: Any,
    ) -> int:
        """``UNWIND $rows`` in batches, each batch its own transaction; returns rows sent."""
        sent = 0
        batch: list[Mapping[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                self.write([(query, {"rows": batch, **params})])
                sent += len(batch)
                batch = []
        if batch:
            self.write([(query, {"rows": batch, **params})])
            sent += len(batch)
        return sent

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """An explicit transaction: committed (and the version bumped) when the block ends
        normally, rolled back when it raises."""
        self.round_trips += 1
        try:
            with self._driver.session(database=self.database) as session:
                tx = session.begin_transaction(timeout=self.settings.query_timeout)
                try:
                    handle = Transaction(tx, self)
                    yield handle
                    handle.seq = _bump(tx)
                    if handle.log is not None:
                        _record(tx, handle.log(handle.seq))
                    tx.commit()
                except BaseException:
                    if not tx.closed():
                        tx.rollback()
                    raise
        except MaillageError:
            raise
        except Exception as exc:
            self._translate(exc)

    # -- schema and lifecycle ---------------------------------------------------------------
    def setup_schema(self) -> int:
        """Create constraints and indexes (idempotent); returns how many statements ran."""
        statements = schema_statements(self.dialect)
        for statement in statements:
            self.round_trips += 1
            try:
                self._driver.execute_query(statement, database_=self.database)
            except Exception as exc:
                self._translate(exc)
        return len(statements)

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Transaction:
    """A running explicit transaction; statements only from the catalogue."""

    def __init__(self, tx: neo4j.Transaction, store: Store) -> None:
        self._tx = tx
        self._store = store
        #: set by the owner of the block: the change log's entries, given the sequence number
        self.log: Callable[[int], list[dict[str, Any]]] | None = None
        #: the sequence number, once committed
        self.seq: int | None = None

    def run(self, query: LiteralString, /, **params: Any) -> list[Row]:
        try:
            result = self._tx.run(query, params)
            return list(_rows(result.keys(), result))
        except Exception as exc:
            self._store._translate(exc)


def open_store(settings: StoreSettings | None = None, *, start: bool = True) -> Store:
    """Open the store the settings name; for the embedded backend, start the server if asked."""
    settings = settings or StoreSettings()
    if settings.backend is Backend.NEO4J:
        if settings.neo4j_password is None:
            raise ConfigurationError(
                "MAILLAGE_BACKEND=neo4j needs MAILLAGE_NEO4J_PASSWORD (and MAILLAGE_NEO4J_URI, "
                "default bolt://127.0.0.1:7687)"
            )
        return Store(
            uri=settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
            database=settings.neo4j_database,
            dialect="neo4j",
            settings=settings,
        )
    server = EmbeddedServer(
        settings.data_dir, heap=settings.embedded_heap, host=settings.embedded_host
    )
    state = server.ensure_started() if start else server.running_state()
    uri = state.uri if state else f"bolt://{settings.embedded_host}:1"
    return Store(
        uri=uri,
        auth=(USER, server.password()),
        database=DATABASE,
        dialect="arcadedb",
        settings=settings,
        embedded=server,
    )
