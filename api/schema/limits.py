"""Limits every GraphQL request obeys, checked before anything runs.

* **tokens**: the parser stops past ``max_tokens`` lexical tokens (a huge document costs
  nothing to refuse);
* **depth**: the nesting of the selected fields, fragments expanded, introspection excepted,
  at most ``max_depth``;
* **page size**: every ``first`` at most ``max_page_size`` (checked here with the variables'
  values, and again by each list field);
* **cost**: an estimate of the work a query asks for, at most ``max_query_cost``. Each object
  field costs 1 for each parent it is resolved for; a list multiplies what is selected below it
  by its size (``first``, or the default page size; ``k`` for cooperation paths); the analytics
  cost more (:data:`BASE_COST`), and more on a larger scope (:func:`_scope_factor`)::

      cooperationPaths     100 × k × maxHops        (k=20, maxHops=8: 16,000)
      territorialClusters  10,000 national, 2,000 a région, 500 a département, 100 below
      brokers              the same
      isolatedActors       a tenth of that
      neighbourhood        100 × 4^depth            (depth 3: 6,400)
      peerProjects 500     figures 200              search 100

  With the default limit of 50,000 a page of 100 actors with 100 links each and their ends
  (about 20,000) passes; so does a national clustering with pages of members; twenty paths
  of eight hops with every actor's links does not.

* **time**: a request runs at most ``request_timeout`` seconds (enforced by the endpoint).

A refusal names the limit, its value, and the variable that sets it: clients and operators know
what to change.

>>> from graphql import parse
>>> from api.settings import ApiSettings
>>> doc = parse("{ actors(first: 100) { edges { node { links(first: 100) { totalCount } } } } }")
>>> estimate(doc, None, {}, ApiSettings()).cost  # actors 1, edges 100, node 100, links 100
301
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ConstValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    value_from_ast_untyped,
)

from api.settings import ApiSettings
from graph_model.errors import MaillageError
from graph_model.i18n import _

#: fields that return a list sized by ``first`` (their children are multiplied by it)
PAGED = frozenset(
    {
        "actors",
        "links",
        "members",
        "networks",
        "carriers",
        "supporters",
        "participants",
        "search",
        "importRuns",
        "duplicateCandidates",
        "changes",
        "brokers",
        "isolatedActors",
        "peerProjects",
    }
)
#: base cost of the analytics fields (before the scope factor)
BASE_COST: Mapping[str, int] = {
    "peerProjects": 500,
    "figures": 200,
    "search": 100,
}
_CLUSTER_LIKE = frozenset({"territorialClusters", "brokers"})
_COST_ARGUMENTS = frozenset({"first", "k", "maxHops", "depth", "scope"})


class LimitExceeded(MaillageError):
    """A request goes past one of the API's limits (the message says which and how far)."""

    code = "limit_exceeded"

    def __init__(self, limit: str, value: float, variable: str, detail: str) -> None:
        super().__init__(
            _(
                "{detail}: over the limit {limit} of {value} (set by {variable})",
                detail=detail,
                limit=limit,
                value=f"{value:g}",
                variable=f"MAILLAGE_{variable}",
            )
        )
        self.limit = limit
        self.value = value


@dataclass(frozen=True)
class Estimate:
    cost: int
    depth: int
    expensive: tuple[str, ...]
    #: a cost-bearing argument (first, k, maxHops, depth, scope) is a variable: the estimate
    #: depends on the request's variables
    variable: bool = False


def _scope_factor(scope: Any) -> int:
    """National 10,000; a région 2,000; a département 500; anything smaller 100."""
    if scope is None:
        return 10_000
    text = str(scope).strip().lower()
    if text in ("", "fr", "france", "country", "national"):
        return 10_000
    if text.startswith(("region:", "région:", "reg:")):
        return 2_000
    if text.startswith(("departement:", "département:", "dep:")) or len(text) in (2, 3):
        return 500
    return 100


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


class _Walker:
    def __init__(
        self,
        document: DocumentNode,
        variables: dict[str, Any],
        settings: ApiSettings,
    ) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables
        self.settings = settings
        self.expensive: list[str] = []
        self.max_depth = 0
        self.variable = False

    def arguments(self, node: FieldNode) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for argument in node.arguments or ():
            value: ValueNode = argument.value
            name = argument.name.value
            if name in _COST_ARGUMENTS:
                if not isinstance(value, ConstValueNode):
                    self.variable = True
                values[name] = value_from_ast_untyped(value, self.variables)
        return values

    def field_cost(self, name: str, args: dict[str, Any]) -> tuple[int, int]:
        """(the field's own cost, the multiplier of its children)."""
        settings = self.settings
        first = args.get("first")
        if first is not None and isinstance(first, int) and first > settings.max_page_size:
            raise LimitExceeded(
                "max_page_size",
                settings.max_page_size,
                "MAX_PAGE_SIZE",
                _(
                    "{field}(first: {first}) asks for a page larger than allowed; page with "
                    "`after`",
                    field=name,
                    first=first,
                ),
            )
        size = first if isinstance(first, int) and first >= 0 else settings.default_page_size
        if name == "cooperationPaths":
            k = _int(args.get("k"), 1)
            hops = _int(args.get("maxHops"), settings.max_path_hops)
            cost = 100 * max(1, k) * max(1, hops)
            self.expensive.append(f"cooperationPaths(k: {k}, maxHops: {hops}) costs {cost:,}")
            return cost, max(1, k)
        if name in _CLUSTER_LIKE:
            cost = _scope_factor(args.get("scope"))
            self.expensive.append(f"{name}(scope: {args.get('scope')!r}) costs {cost:,}")
            return cost, size if name == "brokers" else 50
        if name == "isolatedActors":
            return _scope_factor(args.get("scope")) // 10, size
        if name == "neighbourhood":
            depth = _int(args.get("depth"), 1)
            cost = 100 * 4 ** max(1, min(depth, 6))
            self.expensive.append(f"neighbourhood(depth: {depth}) costs {cost:,}")
            return cost, 50
        base = BASE_COST.get(name, 1)
        return base, (size if name in PAGED else 1)

    def selection(self, selection_set: SelectionSetNode | None, multiplier: int, depth: int) -> int:
        if selection_set is None:
            return 0
        self.max_depth = max(self.max_depth, depth)
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                name = node.name.value
                if name.startswith("__"):
                    continue  # introspection: neither depth nor cost
                if node.selection_set is None:
                    continue  # a scalar: free
                own, factor = self.field_cost(name, self.arguments(node))
                total += own * multiplier
                total += self.selection(node.selection_set, multiplier * factor, depth + 1)
            elif isinstance(node, InlineFragmentNode):
                total += self.selection(node.selection_set, multiplier, depth)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    total += self.selection(fragment.selection_set, multiplier, depth)
        return total


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name and op.name.value == name), None)


def estimate(
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    settings: ApiSettings,
) -> Estimate:
    """The cost and depth of the operation, or :class:`LimitExceeded` for a ``first`` too big."""
    operation = _operation(document, operation_name)
    if operation is None:
        return Estimate(0, 0, ())
    walker = _Walker(document, dict(variables or {}), settings)
    cost = walker.selection(operation.selection_set, 1, 1)
    return Estimate(cost, walker.max_depth, tuple(walker.expensive), walker.variable)


class Limits:
    """The limits of one app, with the estimates of variable-free documents remembered."""

    def __init__(self, settings: ApiSettings, *, cache_size: int = 512) -> None:
        self.settings = settings
        self._cache: OrderedDict[tuple[str, str | None], Estimate] = OrderedDict()
        self._cache_size = cache_size

    def check(
        self,
        query: str,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> Estimate:
        """Refuse a request past the depth, page-size or cost limit (:class:`LimitExceeded`).

        A document whose cost-bearing arguments are literals costs the same whatever its
        variables: its estimate is computed once and remembered (by query text).
        """
        key = (query, operation_name)
        found = self._cache.get(key)
        if found is None:
            found = estimate(document, operation_name, variables, self.settings)
            self._cache[key] = found
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        elif found.variable:
            found = estimate(document, operation_name, variables, self.settings)
        return check(found, self.settings)


def check(found: Estimate, settings: ApiSettings) -> Estimate:
    """``found`` if within the depth and cost limits, else :class:`LimitExceeded`."""
    if found.depth > settings.max_depth:
        raise LimitExceeded(
            "max_depth",
            settings.max_depth,
            "MAX_DEPTH",
            _("the query nests {depth} levels deep", depth=found.depth),
        )
    if found.cost > settings.max_query_cost:
        detail = _("the query's estimated cost is {cost}", cost=f"{found.cost:,}")
        if found.expensive:
            detail += f" ({'; '.join(found.expensive)})"
        raise LimitExceeded("max_query_cost", settings.max_query_cost, "MAX_QUERY_COST", detail)
    return found
