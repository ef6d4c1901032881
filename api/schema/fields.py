"""Typed forms of ``strawberry.field`` and ``strawberry.mutation`` used as decorators.

With keyword arguments (a description, a name) Strawberry's decorators are typed as returning
``Any``, which mypy's strict mode refuses on a typed method; these wrappers keep the method's
type for the checker and hand the same arguments to Strawberry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def field(**options: Any) -> Callable[[F], F]:
    """``@strawberry.field(**options)`` on a resolver method."""
    return cast(Callable[[F], F], strawberry.field(**options))


def mutation(**options: Any) -> Callable[[F], F]:
    """``@strawberry.mutation(**options)`` on a resolver method."""
    return cast(Callable[[F], F], strawberry.mutation(**options))
