"""Step 1 of an import, read: what a source format is to the pipeline.

A format is a :class:`Reader`: it checks that the whole file can be read (:meth:`Reader.prepare`,
which raises :class:`~graph_model.errors.ImportFailure` and writes nothing when it cannot) and
yields one record per input row (:mod:`importers.records`), in file order. Formats read as tables
(CSV/XLSX, :mod:`importers.tabular`) are a :class:`TableReader`. This module knows nothing of the
steps after it: the formats depend on it, not on the pipeline.

>>> list(batched(range(5), 2))
[[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

import abc
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from graph_model.batch import GraphBatch
from graph_model.errors import ImportFailure
from graph_model.i18n import N_, _
from graph_model.model import SourceRef, Theme
from importers.records import ActorRecord, Record
from importers.tabular import Table

_T = TypeVar("_T")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def check_system(system: str) -> str:
    """A source system name as :class:`SourceRef` wants it, or an :class:`ImportFailure`."""
    if not re.match(r"^[a-z][a-z0-9_-]*$", system) or len(system) > 40:
        raise ImportFailure(
            _(
                "source name {system!r}: use lower-case letters, digits, '-' and '_' (at most 40 "
                "characters), starting with a letter — e.g. reseau-occitanie",
                system=system,
            )
        )
    return system


class Reader(abc.ABC):
    """A source format: checks the file, then yields one record per input row."""

    format: ClassVar[str]
    #: may records be matched to existing actors by name (SIRENE: no, identity by SIREN only)
    fuzzy: ClassVar[bool] = True
    #: rows per batch (one transaction each) unless the options say otherwise
    batch_size: ClassVar[int] = 2_000
    #: may its rows state links (a streamed register does not: nothing is kept per actor)
    links: ClassVar[bool] = True

    def __init__(self, path: Path, *, system: str | None = None) -> None:
        self.path = Path(path)
        self.system = system or self.format
        self.sha256 = ""
        self.total: int | None = None

    @property
    def file_name(self) -> str:
        return self.path.name

    def prepare(self) -> None:
        """Check that the whole file can be read; set :attr:`sha256` and :attr:`total`.
        Raise :class:`ImportFailure` (nothing is written) when it cannot."""
        if not self.path.is_file():
            raise ImportFailure(_("{path}: no such file", path=self.path))
        self.sha256 = file_sha256(self.path)

    @abc.abstractmethod
    def records(self) -> Iterator[Record]:
        """One record per input row, in file order."""

    def themes(self) -> list[Theme]:
        """Theme nodes the format ships whatever the rows (the MES axes)."""
        return []

    def territories(self) -> list[str]:
        """Territory ids the format's other nodes link to (where events took place)."""
        return []

    # the two hooks below are an interface's defaults: most formats write no such nodes
    def before(
        self,
        existing: Callable[[list[str]], dict[str, dict[str, Any]]],  # noqa: ARG002
        batch: GraphBatch,  # noqa: ARG002
    ) -> None:
        """Add to ``batch`` the nodes other than actors and themes (``methods``, ``events``),
        written before the rows (``existing`` reads the stored properties of such nodes by
        id)."""
        return

    def after(
        self,
        resolve: Callable[[str], str | None],  # noqa: ARG002
        batch: GraphBatch,  # noqa: ARG002
    ) -> dict[str, int]:
        """Add to ``batch`` the links to those nodes (``method_links``, ``event_parts``,
        ``event_places``), written after the rows (``resolve`` maps an actor reference to its
        id); returns counts for the summary."""
        return {}


class TableReader(Reader):
    """A format read as a table (CSV/XLSX through :class:`~importers.tabular.Table`): the file
    is checked whole before anything is written, and empty rows are counted as skipped."""

    #: the fields a file must have (after its mapping) to be read at all
    required: ClassVar[tuple[str, ...]]
    table: Table

    def prepare(self) -> None:
        self.table.prepare(required=list(self.required))
        self.sha256 = self.table.sha256
        self.total = self.table.total

    def records(self) -> Iterator[Record]:
        for line, values, raw in self.table.rows():
            if not values and not raw:
                yield self.empty_row(line)
                continue
            yield self.record(line, values, raw)

    def empty_row(self, line: int) -> Record:
        """The record of an empty row: counted, skipped, never loaded."""
        return ActorRecord(
            line=line, raw={}, source=SourceRef(system=self.system, key="-"), skip=N_("empty row")
        )

    @abc.abstractmethod
    def record(self, line: int, values: dict[str, Any], raw: dict[str, Any]) -> Record:
        """The record of one non-empty row."""
