"""The execution extension of the schema: every per-operation check, in one strawberry extension.

Strawberry runs each hook (operation, parse, validate, execute) through every extension
installed, in context managers made per request; six extensions cost about as much as executing
a small query. This one extension runs, in the order the six ran:

- on parse, first: the token limit of the parser (what `MaxTokensLimiter` set) and the extra
  validation rules (what `AddValidationRules` added: no introspection in production), set
  where an `on_operation` hook would, without the cost of one more hook;
- on parse: documents parsed once per text within the byte budget (`document_cache.CachedParse`);
- on validate: the cheap limit pass, then full validation, kept with the document
  (`limits.LimitedValidation`);
- on execute: the input text lengths and the static cost under the per-operation maximum
  (`limits_execution.OperationLimits`), then the caller's per-operation rate and cost budget
  (`rate_limits.CostBudget`); after execution, an answer past the response cap becomes its
  one RESPONSE_TOO_LARGE error;
- per field: the response's byte count (inherited from `OperationLimits.resolve`), the one
  check that must see every value as it resolves, so that an answer is never built far past
  its cap.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from api.graphql.document_cache import CachedParse, DocumentCache, DocumentLane
from api.graphql.limits import LimitedValidation, Validator
from api.graphql.limits_execution import CostCache, OperationLimits
from api.rate_limits import CostBudget, RateLimited
from api.settings import Settings


class RequestChecks(OperationLimits):
    """One instance per execution (strawberry makes one from the factory for each)."""

    def __init__(
        self,
        settings: Settings,
        costs: CostCache,
        documents: DocumentCache,
        lane: DocumentLane,
        validator: Validator,
        rules: tuple[Any, ...],
    ) -> None:
        super().__init__(settings, costs)
        self.rules = rules
        self.parsing = CachedParse(documents, lane, settings.graphql_max_document_chars)
        self.validation = LimitedValidation(validator, documents, lane)
        self.budget = CostBudget(costs, settings.graphql_list_weight)

    async def on_parse(self) -> AsyncIterator[None]:
        # What an `on_operation` hook would do, done here: parsing is the first thing an
        # operation does after entering it, and each hook an extension defines costs strawberry
        # a context manager (and `functools.wraps`) made per request.
        context = self.execution_context
        context.parse_options["max_tokens"] = self.settings.graphql_max_tokens
        if self.rules:
            context.validation_rules = context.validation_rules + self.rules
        self.budget.execution_context = context
        await self.parsing.parse(context)
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        await self.validation.validate(self.execution_context)
        yield

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        refusal = self._refusal()
        if refusal is not None:
            # Raised, not set as the result: strawberry answers an error raised here with
            # that error alone, for subscriptions too (which ignore a preset result).
            raise refusal
        over_budget = await self.budget._refusal()
        if over_budget is not None:
            raise RateLimited(over_budget)
        yield
        self.finish(context)
