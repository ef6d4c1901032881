"""The GraphQL schema: types, queries, mutations, loaders, limits.

:func:`build_schema` assembles it (once per process, cached); :func:`sdl` prints it, as
``docs/schema.graphql`` holds it (kept in sync by ``tests/api/test_schema.py``).

* :mod:`api.schema.types` — ``Actor`` (interface) and its kinds, ``Link``, ``Territory``…
* :mod:`api.schema.queries`, :mod:`api.schema.mutations` — the roots;
* :mod:`api.schema.analytics` — paths, clusters, peers, brokers, figures;
* :mod:`api.schema.listing` — keyset pages of actors;
* :mod:`api.schema.loaders` — the DataLoaders every relationship field uses;
* :mod:`api.schema.limits` — depth, page size, cost;
* :mod:`api.schema.context` — the typed context of a request.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache, SchemaExtension, ValidationCache
from strawberry.types import ExecutionContext

from api.schema.context import Context
from api.schema.mutations import Mutation
from api.schema.queries import Query
from api.schema.types import AdvocacyBody, Network, Organisation, Project

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
        query=Query,
        mutation=Mutation,
        types=[Network, Organisation, Project, AdvocacyBody],
        extensions=extensions,
    )


def sdl() -> str:
    """The schema in SDL, as ``docs/schema.graphql`` holds it."""
    return build_schema().as_str() + "\n"


__all__ = ["Context", "build_schema", "sdl"]
