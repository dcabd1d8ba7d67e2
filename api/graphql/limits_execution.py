"""Limits that depend on the variables and the results: input texts, cost, response size.

Before execution: every text in the variables is at most `graphql_max_text_chars` long
(BAD_USER_INPUT naming the field), and the operation's static cost (`limits_cost.py`) is at
most `graphql_max_cost` (QUERY_TOO_COSTLY with the cost and the limit); the cost is computed
once per document, operation and integer variables (what can change a `first`). While
executing: the bytes of the response (UTF-8, as JSON writes them) are counted as fields
resolve, and past `graphql_max_response_bytes` every further field fails at once and the whole
answer becomes one RESPONSE_TOO_LARGE error, so the response is never built far past its cap.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLError, GraphQLResolveInfo
from graphql.utilities import get_operation_ast
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.extensions import SchemaExtension

from api.graphql.limits import too_long
from api.graphql.limits_cost import operation_cost
from api.settings import Settings

CostKey = tuple[str, str | None, tuple[tuple[str, int], ...]]


class CostCache:
    """Costs by (document digest, operation name, integer variables), least recent dropped."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.costs: OrderedDict[CostKey, int] = OrderedDict()

    def get(self, key: CostKey, compute: Callable[[], int]) -> int:
        if key in self.costs:
            self.costs.move_to_end(key)
            return self.costs[key]
        cost = self.costs[key] = compute()
        if len(self.costs) > self.size:
            self.costs.popitem(last=False)
        return cost


def cost_key(query: str, operation_name: str | None, variables: dict[str, Any]) -> CostKey:
    """What an operation's cost depends on: the document, the operation, integer variables."""
    integers = tuple(sorted((k, v) for k, v in variables.items() if isinstance(v, int)))
    return (hashlib.sha256(query.encode()).hexdigest(), operation_name, integers)


def long_text(value: Any, path: str, most: int) -> tuple[str, int] | None:
    """The first text in `value` (nested lists and objects too) over `most` characters."""
    if isinstance(value, str):
        return (path, len(value)) if len(value) > most else None
    if isinstance(value, dict):
        items: Iterator[tuple[Any, Any]] = iter(value.items())
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, inner in items:
        found = long_text(inner, f"{path}.{key}", most)
        if found is not None:
            return found
    return None


def _plain(text: str) -> bool:
    """ASCII that JSON writes as it is: one byte per character (the common, fast case)."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


class ResponseTooLarge(GraphQLError):
    def __init__(self, most: int) -> None:
        super().__init__(
            f"The response would exceed {most} bytes; ask for fewer items or fields.",
            extensions={"code": "RESPONSE_TOO_LARGE", "limit": most},
        )


class OperationLimits(SchemaExtension):
    """One instance per execution: the checks above, and the response's byte count."""

    def __init__(self, settings: Settings, costs: CostCache) -> None:
        self.settings = settings
        self.costs = costs
        self.size = 0
        self.overflowed = False

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        refusal = self._refusal()
        if refusal is not None:
            # Raised, not set as the result: strawberry answers an error raised here with
            # that error alone, for subscriptions too (which ignore a preset result).
            raise refusal
        yield
        self.finish(context)

    def finish(self, context: Any) -> None:
        """After execution: an answer that overflowed becomes the one RESPONSE_TOO_LARGE."""
        result = context.result
        if self.overflowed and isinstance(result, ExecutionResult):
            result.data = None
            result.errors = [ResponseTooLarge(self.settings.graphql_max_response_bytes)]

    def _refusal(self) -> GraphQLError | None:
        context = self.execution_context
        variables = context.variables or {}
        most = self.settings.graphql_max_text_chars
        for name, value in variables.items():
            found = long_text(value, name, most)
            if found is not None:
                return too_long(found[0], most, found[1])
        document = context.graphql_document
        operation = document and get_operation_ast(document, context.operation_name)
        if document is None or operation is None or context.query is None:
            return None
        key = cost_key(context.query, context.operation_name, variables)
        schema = context.schema._schema
        weight = self.settings.graphql_list_weight
        cost = self.costs.get(
            key, lambda: operation_cost(schema, document, operation, variables, weight)
        )
        limit = self.settings.graphql_max_cost
        if cost <= limit:
            return None
        return GraphQLError(
            f"This operation may cost {cost}, over the limit of {limit}: ask for smaller "
            "pages (`first`) or fewer nested lists.",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": limit},
        )

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kw: Any
    ) -> Any:
        if self.overflowed:
            raise ResponseTooLarge(self.settings.graphql_max_response_bytes)
        value = _next(root, info, *args, **kw)
        if optimized_is_awaitable(value):
            return self._counted(value, info)
        self._count(value, info)
        return value

    async def _counted(self, value: Any, info: GraphQLResolveInfo) -> Any:
        resolved = await value
        self._count(resolved, info)
        return resolved

    def _count(self, value: Any, info: GraphQLResolveInfo) -> None:
        # The key, quotes, colon and comma; a text as the bytes the JSON answer holds (UTF-8,
        # escapes and quotes included: a character may take up to 6), not its characters.
        size = len(info.field_name) + 4
        if isinstance(value, str):
            size += len(value) + 2 if _plain(value) else len(orjson.dumps(value))
        elif isinstance(value, list | tuple):
            size += 2 + len(value)
        else:
            size += 8
        self.size += size
        if self.size > self.settings.graphql_max_response_bytes:
            self.overflowed = True
            raise ResponseTooLarge(self.settings.graphql_max_response_bytes)
