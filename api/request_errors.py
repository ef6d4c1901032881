"""What to tell a client whose request Strawberry refused before running it.

Strawberry raises two errors for a request it cannot run whose text is no message at all: a
mutation sent by GET (``str()`` is "OperationType.MUTATION") and an ``operationName`` the
document does not define (``str()`` is the name alone). :func:`describe` says what happened and
what to do instead; the GraphQL endpoint puts it in its ``bad_request`` answer.
"""

from __future__ import annotations

from graphql import GraphQLError, OperationDefinitionNode, parse
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from graph_model.i18n import N_, _

_BY_POST = {
    OperationType.QUERY: N_(
        "queries must be sent with POST: this request came by {method}, which may only read "
        "(send the same body with POST /graphql)"
    ),
    OperationType.MUTATION: N_(
        "mutations must be sent with POST: this request came by {method}, which may only read "
        "(send the same body with POST /graphql)"
    ),
    OperationType.SUBSCRIPTION: N_(
        "subscriptions must be sent with POST: this request came by {method}, which may only "
        "read (send the same body with POST /graphql)"
    ),
}


def operation_names(query: str) -> list[str]:
    """The names of the operations the document defines (empty if it does not parse)."""
    try:
        document = parse(query)
    except GraphQLError:
        return []
    return [
        d.name.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    ]


def _unknown_operation(query: str, operation_name: str | None) -> str:
    if operation_name is None:
        return _("the document defines no operation: send a query { … } or a mutation { … }")
    names = operation_names(query)
    if not names:
        return _(
            "no operation named {name!r} in the document: the document defines no named "
            "operation: drop operationName",
            name=operation_name,
        )
    return _(
        "no operation named {name!r} in the document: the document defines {names}: send one "
        "of them as operationName",
        name=operation_name,
        names=", ".join(names),
    )


def describe(exc: Exception, *, query: str, method: str) -> str:
    """The message for a request Strawberry refused with ``exc`` (its own text otherwise)."""
    if isinstance(exc, InvalidOperationTypeError):
        message = _BY_POST.get(exc.operation_type, _BY_POST[OperationType.MUTATION])
        return _(message, method=method)
    if isinstance(exc, CannotGetOperationTypeError):
        return _unknown_operation(query, exc.operation_name)
    return str(exc) or _("the request could not be run: check it in GraphiQL (/graphql)")


__all__ = ["describe", "operation_names"]
