"""The one error hierarchy of Maillage.

Every failure the project expects is an instance of :class:`MaillageError`; driver, file and
parser errors are translated into these where they happen (``raise ... from exc``), so callers
catch one root and every message says what to do next::

    MaillageError
    ├── ConfigurationError          settings missing or contradictory
    ├── ValidationError             a value breaks a rule of the model
    │   ├── InvalidIdentifier       bad SIREN / SIRET / RNA / INSEE code / actor id
    │   ├── InvalidDates            a link ends before it starts, a date that does not parse
    │   └── UnknownTerritory        an INSEE code that names no territory
    ├── NotFound                    an actor, territory or run that does not exist
    │   └── AmbiguousReference      a name that matches several actors (candidates listed)
    ├── StoreError                  the graph server failed
    │   ├── StoreUnavailable        the server cannot be reached (says how to start it)
    │   ├── DuplicateError          a uniqueness constraint refused a write (names the key)
    │   └── QueryError              the server refused a statement
    ├── EmbeddedServerError         the embedded ArcadeDB could not be started / stopped
    │   └── AlreadyRunning          a second ``maillage db start`` while one runs
    └── ImportFailure               a whole input file cannot be read (nothing was written)

A single bad row in an import is not an exception: it is a *reject* with its line and reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph_model.i18n import ngettext


class MaillageError(Exception):
    """Root of every error Maillage raises on purpose."""

    #: a short stable code, for the API and for scripts
    code = "maillage_error"


class ConfigurationError(MaillageError):
    """Settings missing or contradictory (a ``MAILLAGE_`` variable, a mapping file); the
    message names the setting to fix."""

    code = "configuration"


class ValidationError(MaillageError):
    """A value breaks a rule of the model; ``field`` names the input it came from, so the API
    can point at it."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidIdentifier(ValidationError):
    """A SIREN, SIRET, RNA, INSEE code or actor id that is malformed or fails its check."""

    code = "invalid_identifier"


class InvalidDates(ValidationError):
    """A date that does not parse, or a link that ends before it starts."""

    code = "invalid_dates"


class UnknownTerritory(ValidationError):
    """An INSEE code that names no territory of the shipped reference."""

    code = "unknown_territory"


class NotFound(MaillageError):
    """An actor, territory, candidate or run that does not exist."""

    code = "not_found"


class AmbiguousReference(NotFound):
    """A reference (usually a name) matches several actors; nothing is guessed."""

    code = "ambiguous"

    def __init__(self, reference: str, candidates: Sequence[tuple[str, str]]) -> None:
        listed = "; ".join(f"{cid} ({name})" for cid, name in candidates)
        super().__init__(
            ngettext(
                "{reference!r} matches {n} actor: {listed}. Use its id.",
                "{reference!r} matches {n} actors: {listed}. Use one of these ids.",
                len(candidates),
                reference=reference,
                listed=listed,
            )
        )
        self.reference = reference
        self.candidates = list(candidates)


class StoreError(MaillageError):
    """The graph server failed; translated from the driver where the adapter calls it."""

    code = "store_error"


class StoreUnavailable(StoreError):
    """The server cannot be reached: the message says how to start it; the API answers
    503 ``store_unavailable`` at once and recovers by itself."""

    code = "store_unavailable"


class DuplicateError(StoreError):
    """A uniqueness constraint refused a write; ``key`` names the value already taken."""

    code = "duplicate"

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class QueryError(StoreError):
    """The server refused a statement: a bug of ours, or a difference between servers that
    the contract suite should show."""

    code = "query_error"


class EmbeddedServerError(MaillageError):
    """The embedded ArcadeDB could not be started or stopped; when it died starting, the
    message quotes the last lines of its log."""

    code = "embedded_server"


class AlreadyRunning(EmbeddedServerError):
    """A second ``maillage db start`` while a server runs on the same data directory."""

    code = "already_running"


class ImportFailure(MaillageError):
    """A whole input file cannot be read; nothing of it was written."""

    code = "import_failed"
