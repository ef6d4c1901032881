"""The GraphQL schema: types, queries, mutations, loaders, limits.

:func:`build_schema` assembles it (once per process, cached); :func:`sdl` prints it, as
``docs/schema.graphql`` holds it (kept in sync by ``tests/api/test_schema.py``).

The modules, each importing only those listed before it (no import loop):

* :mod:`~api.schema.fields`, :mod:`~api.schema.enums`, :mod:`~api.schema.cursors`,
  :mod:`~api.schema.inputs` — typed decorators, enums, keyset cursors, input types;
* :mod:`~api.schema.loaders` — the DataLoaders every relationship field uses;
* :mod:`~api.schema.limits` — depth, page size, cost, checked before a request runs;
* :mod:`~api.schema.context` — the typed context of a request;
* :mod:`~api.schema.pagination` — connections, keyset pages, the page size;
* :mod:`~api.schema.values` — sources, locations, themes, methods, counts;
* :mod:`~api.schema.links`, :mod:`~api.schema.listing` — which links a field shows, which
  actors a list holds;
* :mod:`~api.schema.running` — how an analytic runs for a request;
* :mod:`~api.schema.figures` — the figures of a scope;
* :mod:`~api.schema.actors` — ``Actor`` (interface) and its kinds, ``Link``, ``Territory``
  (they refer to each other);
* one module per analytic's answer: :mod:`~api.schema.paths`, :mod:`~api.schema.clusters`,
  :mod:`~api.schema.peers`, :mod:`~api.schema.brokers`, :mod:`~api.schema.isolated`,
  :mod:`~api.schema.neighbourhood`;
* :mod:`~api.schema.records` — import runs, changes, duplicate candidates;
* :mod:`~api.schema.queries`, :mod:`~api.schema.mutations`,
  :mod:`~api.schema.subscriptions` — the roots; :mod:`~api.schema.proposals`,
  :mod:`~api.schema.history` (history, revert, stale entries), :mod:`~api.schema.merge`
  (duplicates merged field by field), :mod:`~api.schema.places` (communes, SIRENE look-up) and
  :mod:`~api.schema.accounts` (``me``, ``users``) add their fields to the query and mutation
  roots.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache, SchemaExtension, ValidationCache
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api.schema.accounts import AccountQuery
from api.schema.actors import AdvocacyBody, Network, Organisation, Project
from api.schema.context import Context
from api.schema.history import HistoryMutation, HistoryQuery
from api.schema.merge import MergeMutation, MergeQuery
from api.schema.mutations import Mutation
from api.schema.places import PlaceQuery
from api.schema.proposals import ProposalMutation, ProposalQuery
from api.schema.queries import Query
from api.schema.subscriptions import Subscription

#: documents kept parsed and validated (by query text); bounded: a public endpoint must not let
#: unique query texts grow memory
CACHE_SIZE = 1_024
DEFAULT_MAX_TOKENS = 4_000


class LimitsExtension(SchemaExtension):
    """Depth, page-size and cost limits, checked once the document is valid, before it runs."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context) and execution.graphql_document is not None:
            context.services.limits.check(
                execution.query or "",
                execution.graphql_document,
                execution.operation_name,
                execution.variables,
            )
        yield


class TokensLimit(MaxTokensLimiter):
    """The token limit of the request's settings (the default when there is no context)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            self.max_token_count = context.settings.max_tokens
        yield from super().on_operation()


class MaillageSchema(strawberry.Schema):
    """Errors are logged by the endpoint (with the request id), not by Strawberry."""

    def process_errors(
        self,
        errors: list[GraphQLError],  # noqa: ARG002 - Strawberry's signature
        execution_context: ExecutionContext | None = None,  # noqa: ARG002
    ) -> None:
        return None


@cache
def build_schema() -> MaillageSchema:
    extensions: list[Any] = [
        lambda: TokensLimit(max_token_count=DEFAULT_MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        LimitsExtension,
    ]
    return MaillageSchema(
        query=merge_types(
            "Query", (Query, ProposalQuery, HistoryQuery, MergeQuery, PlaceQuery, AccountQuery)
        ),
        mutation=merge_types(
            "Mutation", (Mutation, ProposalMutation, HistoryMutation, MergeMutation)
        ),
        subscription=Subscription,
        types=[Network, Organisation, Project, AdvocacyBody],
        extensions=extensions,
    )


def sdl() -> str:
    """The schema in SDL, as ``docs/schema.graphql`` holds it."""
    return build_schema().as_str() + "\n"


__all__ = ["Context", "build_schema", "sdl"]
