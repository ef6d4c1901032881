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

_PLURAL = {
    OperationType.QUERY: "queries",
    OperationType.MUTATION: "mutations",
    OperationType.SUBSCRIPTION: "subscriptions",
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
        return "the document defines no operation: send a query { … } or a mutation { … }"
    names = operation_names(query)
    if not names:
        defines = "the document defines no named operation: drop operationName"
    else:
        quoted = ", ".join(names)
        defines = f"the document defines {quoted}: send one of them as operationName"
    return f"no operation named {operation_name!r} in the document: {defines}"


def describe(exc: Exception, *, query: str, method: str) -> str:
    """The message for a request Strawberry refused with ``exc`` (its own text otherwise)."""
    if isinstance(exc, InvalidOperationTypeError):
        kind = _PLURAL.get(exc.operation_type, "these operations")
        return (
            f"{kind} must be sent with POST: this request came by {method}, which may only "
            "read (send the same body with POST /graphql)"
        )
    if isinstance(exc, CannotGetOperationTypeError):
        return _unknown_operation(query, exc.operation_name)
    return str(exc) or "the request could not be run"


__all__ = ["describe", "operation_names"]
