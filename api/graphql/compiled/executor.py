"""Running a plan for one request: the checks the normal executor makes, the reads, the bytes.

Everything that can refuse a request is decided before the first read, with the normal
executor's own functions: the variables (graphql-core's coercion), every field's arguments
(graphql-core's, defaults included), the page size and cursors (the pagination module's
checks), the length of texts and the static cost (`limits_execution.py`). When any of them
would refuse, the request runs on the normal executor instead, which answers the error exactly
as it always does. So the compiled path only ever answers a request that succeeds, plus the
rate limiter's refusal, built as `CostBudget` builds it (charged only when the compiled answer
is ready, so a request that falls back is charged once, by the normal executor).

Two things fall back after the reads: a database error (the normal executor then answers it,
UNAVAILABLE and all), and an answer over a quarter of `graphql_max_response_bytes` (the normal
executor counts the size its own way; under a quarter no count of it can reach the limit).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    parse,
    validate,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.types import ExecutionResult

from api.graphql.compiled import subset
from api.graphql.compiled.planner import ChildPlan, Got, NotCompiled, ObjectPlan, Plan
from api.graphql.compiled.planner import plan_operation as plan_operation
from api.graphql.limits import limit_rules
from api.graphql.limits_cost import operation_cost
from api.graphql.limits_execution import long_text
from api.rate_limits import RateLimited
from domain.kernel.errors import DomainError
from domain.kernel.pagination import check_first, decode_cursor
from domain.kernel.reader import Reader

if TYPE_CHECKING:
    from api.graphql.context import Context
    from api.settings import Settings

log = logging.getLogger("signalbox.graphql.compiled")

Answer = bytes | ExecutionResult | None
"""The response body of a compiled answer; the rate limiter's refusal; or None: run the
request on the normal executor."""

_SIZE_MARGIN = 4
_COSTS_KEPT = 64
_PLANS_KEPT = 1024


@dataclass(eq=False)
class Compiled:
    """A registered document's operation and its plan (or why it has none)."""

    document: DocumentNode
    plan: Plan | None
    reason: str | None
    costs: OrderedDict[tuple[tuple[str, int], ...], int]


class CompiledDocuments:
    """Plans of registered documents, compiled on first use and kept, and their execution."""

    def __init__(self, schema: GraphQLSchema, settings: Settings) -> None:
        self.schema = schema
        self.settings = settings
        self._rules = limit_rules(settings)
        self._compiled: dict[tuple[str, str | None], Compiled | None] = {}

    # -- compile time ------------------------------------------------------------------------

    def compiled(self, text: str, operation_name: str | None) -> Compiled | None:
        """The compiled operation; None when the document does not parse, validate, or name
        that operation (the normal executor answers those)."""
        key = (text, operation_name)
        if key not in self._compiled:
            if len(self._compiled) >= _PLANS_KEPT:
                self._compiled.clear()  # revoked documents' plans go too; the rest recompile
            self._compiled[key] = self._compile(text, operation_name)
        return self._compiled[key]

    def reason(self, text: str, operation_name: str | None = None) -> str | None:
        """Why the operation runs on the normal executor; None when it is compiled."""
        found = self.compiled(text, operation_name)
        if found is None:
            return "the document does not parse or validate, or has no such operation"
        return found.reason

    def _compile(self, text: str, operation_name: str | None) -> Compiled | None:
        settings = self.settings
        if len(text) > settings.graphql_max_document_chars:
            return None
        try:
            document = parse(text, max_tokens=settings.graphql_max_tokens)
        except GraphQLError:
            return None
        rules = [NoSchemaIntrospectionCustomRule] if settings.production else []
        if validate(self.schema, document, self._rules) or validate(self.schema, document):
            return None
        if rules and validate(self.schema, document, rules):
            return None
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return None
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        try:
            plan: Plan | None = plan_operation(self.schema, operation, fragments)
            reason = None
        except NotCompiled as exc:
            plan, reason = None, str(exc)
            log.debug("not compiled (%s): %s", reason, operation_name)
        return Compiled(document, plan, reason, OrderedDict())

    # -- request time ------------------------------------------------------------------------

    async def run(self, context: Context, parsed: dict[str, Any]) -> Answer:
        found = self.compiled(parsed["query"], parsed.get("operationName"))
        if found is None or found.plan is None:
            return None
        plan = found.plan
        raw = parsed.get("variables") or {}
        arguments = self._arguments(plan, raw)
        if arguments is None or self._cost(found, raw) > self.settings.graphql_max_cost:
            return None
        try:
            async with context.reader() as reader:
                reads = _Reads(reader, await _asyncpg(reader), arguments)
                got: Got = {}
                await reads.fetch(plan.root, [subset.ROOT], got)
        except Exception:  # the normal executor answers it, in its own words
            log.debug("compiled reads failed; the normal executor answers", exc_info=True)
            return None
        body = orjson.dumps({"data": plan.root.render(subset.ROOT, got)})
        if len(body) * _SIZE_MARGIN > self.settings.graphql_max_response_bytes:
            return None
        refusal = await _rate_limited(context, plan, self._cost(found, raw))
        return body if refusal is None else refusal

    def _arguments(self, plan: Plan, raw: dict[str, Any]) -> dict[ChildPlan, dict[str, Any]] | None:
        """Every read's arguments, or None when the normal executor would refuse any."""
        most = self.settings.graphql_max_text_chars
        if any(long_text(value, name, most) for name, value in raw.items()):
            return None
        variables = get_variable_values(self.schema, plan.operation.variable_definitions or (), raw)
        if isinstance(variables, list):
            return None
        arguments: dict[ChildPlan, dict[str, Any]] = {}
        for child in plan.children():
            try:
                values = get_argument_values(child.definition, child.node, variables)
            except GraphQLError:
                return None
            if not _page_arguments_valid(values):
                return None
            arguments[child] = {name: values.get(name) for name in child.spec.arguments}
            if "first" in child.spec.arguments and "first" not in values:
                return None  # every page field declares a default: absent means not ours
        return arguments

    def _cost(self, found: Compiled, raw: dict[str, Any]) -> int:
        """The operation's static cost (`limits_cost.py`), kept per integer variables."""
        key = tuple(sorted((k, v) for k, v in raw.items() if isinstance(v, int)))
        if key not in found.costs:
            assert found.plan is not None
            weight = self.settings.graphql_list_weight
            operation = found.plan.operation
            found.costs[key] = operation_cost(self.schema, found.document, operation, raw, weight)
            if len(found.costs) > _COSTS_KEPT:
                found.costs.popitem(last=False)
        return found.costs[key]


def _page_arguments_valid(values: dict[str, Any]) -> bool:
    """`first` and `after` as the pagination module accepts them; the sort key is a text."""
    try:
        if "first" in values:
            check_first(values["first"])
        after = values.get("after")
        if after is not None:
            sort_value, _ = decode_cursor(after)
            if not isinstance(sort_value, str):
                return False
    except DomainError:
        return False
    return True


async def _asyncpg(reader: Reader) -> Any:
    """The asyncpg connection under the reader's session on PostgreSQL; None elsewhere."""
    session = reader.session
    if session.get_bind().dialect.name != "postgresql":
        return None
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


@dataclass(eq=False)
class _Reads:
    reader: Reader
    connection: Any
    """asyncpg's, for the reads with a PostgreSQL twin (`postgres.py`); None on SQLite."""
    arguments: dict[ChildPlan, dict[str, Any]]

    async def fetch(self, plan: ObjectPlan, rows: list[Any], got: Got) -> None:
        """The reads under `plan` for all of `rows`: one batch per field, then its children."""
        for same in plan.same:
            await self.fetch(same, rows, got)
        for child in plan.children:
            if not rows:
                got[child] = {}
                continue
            spec, arguments = child.spec, self.arguments[child]
            if self.connection is not None and spec.postgres is not None:
                found = await spec.postgres(self.reader, self.connection, rows, **arguments)
            else:
                found = await spec.read(self.reader, rows, **arguments)
            got[child] = found
            children = _rows_of(spec.shape, found.values())
            for item in child.objects:
                await self.fetch(item, children, got)


def _rows_of(shape: str, values: Any) -> list[Any]:
    """The distinct rows (by id) a read found, in the order found."""
    seen: dict[Any, Any] = {}
    for value in values:
        if shape == "connection":
            items = value.items
        elif shape == "list":
            items = value
        else:
            items = () if value is None else (value,)
        for row in items:
            seen.setdefault(row["id"], row)
    return list(seen.values())


async def _rate_limited(context: Context, plan: Plan, cost: int) -> ExecutionResult | None:
    """`CostBudget`'s check (api/rate_limits.py): the operation's rate, then its cost."""
    limits = context.runtime.rate_limits
    if not limits.enabled:
        return None
    caller = context.actor.subject
    operation = plan.operation
    name = f"{operation.operation.value} {operation.name.value if operation.name else ''}"
    refusal = await limits.operation(caller, name.strip())
    if refusal is None:
        refusal = await limits.charge(caller, cost)
    if refusal is None:
        return None
    return ExecutionResult(data=None, errors=[RateLimited(refusal)])
