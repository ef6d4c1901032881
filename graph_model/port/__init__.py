"""The one door to the store: what the rest of the code may ask of the graph.

:class:`GraphStore` is a :class:`typing.Protocol`: the Bolt adapter (``queries.store.bolt``,
ArcadeDB embedded or Neo4j) and the in-memory adapter implement it and pass one contract suite.
Importers, the API and the CLI are handed a port; none reaches the driver. What comes back is
records of Python values (``date``/``datetime``, lists, str): driver values become Python once,
in the adapter.

Every write takes a :class:`WriteContext` (who: an import run, a token, a user; when) and returns
a :class:`Written` (what it changed, and the sequence number its transaction got); every
committed write transaction records its changes in the change log, in the same transaction
(:mod:`graph_model.changes`): :meth:`GraphStore.changes_since` reads them back in order. An actor is
written by one path (:class:`~graph_model.batch.GraphBatch` rows, through :meth:`write_batch`,
:meth:`write_actors` or :meth:`GraphEdit.write`) and an actor-to-actor link by one path too.

The package: :mod:`.records` (who, what, the records), :mod:`.reads`, :mod:`.writes`,
:mod:`.edit` (one transaction of edits), :mod:`.log` (the change log), :mod:`.accounts` (people,
sessions, proposals) and :mod:`.store`, which joins them into :class:`GraphStore`. Imports nothing
else of the project but the model.
"""

from graph_model.port.accounts import AccountStore, ProposalRecord, SessionRecord, UserRecord
from graph_model.port.edit import GraphEdit
from graph_model.port.log import ChangeLog
from graph_model.port.reads import GraphReads
from graph_model.port.records import (
    ActorLink,
    ActorPlace,
    CandidateRecord,
    CandidateState,
    Decision,
    ImportRunRecord,
    Row,
    StoredActor,
    StoredLink,
    TerritoryRef,
    TokenRecord,
    WriteContext,
    Written,
)
from graph_model.port.store import GraphStore
from graph_model.port.writes import GraphWrites

__all__ = [
    "AccountStore",
    "ActorLink",
    "ActorPlace",
    "CandidateRecord",
    "CandidateState",
    "ChangeLog",
    "Decision",
    "GraphEdit",
    "GraphReads",
    "GraphStore",
    "GraphWrites",
    "ImportRunRecord",
    "ProposalRecord",
    "Row",
    "SessionRecord",
    "StoredActor",
    "StoredLink",
    "TerritoryRef",
    "TokenRecord",
    "UserRecord",
    "WriteContext",
    "Written",
]
