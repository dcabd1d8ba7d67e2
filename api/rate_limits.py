"""Fairness: no single caller can take the server from the others.

Per subject (the person, or the API token they act through) and per client address for the
anonymous public paths: a request rate, at most a few requests in flight at once, a rate per
GraphQL operation, and a GraphQL cost budget per minute (the static cost of `limits_cost.py`).
A caller over any of them gets `429` with `Retry-After` and a `RATE_LIMITED` error; the others
are not slowed. The counting is the `limits` library's (moving window for requests, sliding
window counter for the cost budget, which keeps counts rather than one entry per unit).

Storage: `SIGNALBOX_RATE_LIMIT_STORAGE` is a `limits` storage URI. The default `memory://`
keeps counts in each worker process; the limits are then divided by `SIGNALBOX_WORKERS`, so
together the workers allow about what the settings say (a worker is picked per connection, so
the split is approximate). A storage that several processes share (`redis://`, `memcached://`,
with the client package `limits` names installed) counts once for all and is not divided.
"""

from __future__ import annotations

import math
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from graphql import GraphQLError
from graphql.utilities import get_operation_ast
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from api import db_budget
from api.graphql.limits_cost import operation_cost
from api.graphql.limits_execution import CostCache, cost_key
from api.http import error_response

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from api.runtime import Runtime
    from api.settings import Settings

RATE_LIMITED = "RATE_LIMITED"
UNLIMITED_PATHS = ("/healthz", "/readyz")
"""Probes are never counted: an orchestrator must always learn whether the process lives."""
STRATEGIES: dict[str, type[RateLimiter]] = {
    "moving-window": MovingWindowRateLimiter,
    "sliding-window-counter": SlidingWindowCounterRateLimiter,
    "fixed-window": FixedWindowRateLimiter,
}


@dataclass(frozen=True)
class Refusal:
    """Why a caller waits, and for how long (whole seconds, at least one)."""

    message: str
    retry_after: int

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def shared_storage(uri: str) -> bool:
    return not uri.startswith(("memory://", "async+memory://"))


def per_worker(limit: str, settings: Settings) -> RateLimitItem:
    """`limit` (e.g. "600/minute") as this worker enforces it: divided among the workers
    unless their storage is shared."""
    item = parse(limit)
    workers = max(settings.workers, 1)
    if workers == 1 or shared_storage(settings.rate_limit_storage):
        return item
    share = max(1, math.ceil(item.amount / workers))
    return type(item)(share, item.multiples, item.namespace)


class RateLimits:
    """The limits of one process, over one `limits` storage."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limit_enabled
        uri = settings.rate_limit_storage
        self.storage_uri = uri if uri.startswith("async+") else f"async+{uri}"
        try:
            self.strategy = STRATEGIES[settings.rate_limit_strategy]
        except KeyError:
            known = ", ".join(STRATEGIES)
            raise ValueError(f"SIGNALBOX_RATE_LIMIT_STRATEGY must be one of {known}") from None
        self._limiters: tuple[RateLimiter, RateLimiter] | None = None
        self.per_subject = per_worker(settings.rate_limit_per_subject, settings)
        self.per_address = per_worker(settings.rate_limit_per_address, settings)
        self.per_operation = per_worker(settings.rate_limit_per_operation, settings)
        self.failed_sign_ins = per_worker(settings.rate_limit_failed_auth_per_address, settings)
        budget = f"{settings.graphql_cost_budget_per_minute}/minute"
        self.cost_budget = per_worker(budget, settings)
        self.max_in_flight = settings.rate_limit_in_flight_per_subject
        self.in_flight: Counter[str] = Counter()
        # With storage of this process alone, only `failed` here counts failed sign-ins: an
        # address that has not failed within the window cannot be locked out, and asking the
        # storage about it on every request is skipped (shared storage is always asked).
        self._failures_local = not shared_storage(self.storage_uri.removeprefix("async+"))
        self._failed_at: OrderedDict[str, float] = OrderedDict()

    def limiters(self) -> tuple[RateLimiter, RateLimiter]:
        """The request and cost limiters, over one storage made on first use: `limits`'
        in-memory storage schedules its expiry on the running event loop."""
        if self._limiters is None:
            storage = cast(Storage, storage_from_string(self.storage_uri))
            self._limiters = (self.strategy(storage), SlidingWindowCounterRateLimiter(storage))
        return self._limiters

    async def _hit(
        self, limiter: RateLimiter, item: RateLimitItem, key: tuple[str, ...], cost: int = 1
    ) -> int | None:
        """None when allowed; else the seconds until the window lets `cost` through."""
        if await limiter.hit(item, *key, cost=cost):
            return None
        return await _wait(limiter, item, key)

    async def request(self, caller: str, anonymous: bool) -> Refusal | None:
        """Count one request of `caller` (a subject, or `ip:<address>` when anonymous)."""
        item = self.per_address if anonymous else self.per_subject
        wait = await self._hit(self.limiters()[0], item, ("request", caller))
        if wait is None:
            return None
        return Refusal(f"Too many requests: at most {item} per caller; retry later.", wait)

    async def operation(self, caller: str, operation: str) -> Refusal | None:
        """Count one GraphQL operation (`query Name`, `mutation Name`) of `caller`."""
        item = self.per_operation
        wait = await self._hit(self.limiters()[0], item, ("operation", caller, operation))
        if wait is None:
            return None
        return Refusal(f"Too many `{operation}` operations: at most {item}; retry later.", wait)

    async def charge(self, caller: str, cost: int) -> Refusal | None:
        """Charge an operation's static cost against `caller`'s budget per minute."""
        item = self.cost_budget
        if cost > item.amount:
            # Could never pass: refuse for a whole window rather than forever (the per-operation
            # maximum, graphql_max_cost, normally refuses such a document first).
            wait = item.get_expiry()
            return Refusal(f"This operation's cost {cost} exceeds the budget of {item}.", wait)
        wait = await self._hit(self.limiters()[1], item, ("cost", caller), cost)
        if wait is None:
            return None
        return Refusal(
            f"The GraphQL cost budget of {item.amount} per minute is spent; this operation "
            f"costs {cost}.",
            wait,
        )

    async def locked_out(self, address: str) -> Refusal | None:
        """Whether `address` has failed authentication too often to be heard now."""
        if not self.enabled:
            return None
        if self._failures_local and not self._failed_within_window(address):
            return None
        limiter, item = self.limiters()[0], self.failed_sign_ins
        if await limiter.test(item, "unauthenticated", address):
            return None
        wait = await _wait(limiter, item, ("unauthenticated", address))
        return Refusal(f"Too many failed authentications from this address (at most {item}).", wait)

    async def failed(self, address: str) -> None:
        """Count a failed authentication of `address`."""
        if self.enabled:
            if self._failures_local:
                self._note_failure(address)
            await self.limiters()[0].hit(self.failed_sign_ins, "unauthenticated", address)

    def _failed_within_window(self, address: str) -> bool:
        at = self._failed_at.get(address)
        if at is None:
            return False
        if time.monotonic() - at <= self._failure_memory():
            return True
        del self._failed_at[address]
        return False

    def _failure_memory(self) -> float:
        """How long a failure can count: two windows (a sliding window counter weighs the
        previous one in) and a second for the clocks."""
        return 2 * self.failed_sign_ins.get_expiry() + 1

    def _note_failure(self, address: str) -> None:
        now, failed_at = time.monotonic(), self._failed_at
        failed_at[address] = now
        failed_at.move_to_end(address)  # oldest failure first: the stale leave from the front
        memory = self._failure_memory()
        while failed_at:
            oldest, at = next(iter(failed_at.items()))
            if now - at <= memory:
                break
            del failed_at[oldest]

    def enter(self, caller: str) -> Refusal | None:
        """Take an in-flight place of `caller`, or say why not; `leave` gives it back."""
        if self.in_flight[caller] >= self.max_in_flight:
            return Refusal(f"At most {self.max_in_flight} requests of one caller at a time.", 1)
        self.in_flight[caller] += 1
        return None

    def leave(self, caller: str) -> None:
        self.in_flight[caller] -= 1
        if self.in_flight[caller] <= 0:
            del self.in_flight[caller]


async def _wait(limiter: RateLimiter, item: RateLimitItem, key: tuple[str, ...]) -> int:
    """Whole seconds (at least one) until `key`'s window under `item` lets a request through."""
    stats = await limiter.get_window_stats(item, *key)
    return max(1, math.ceil(stats.reset_time - time.time()))


def address_of(scope: Scope) -> str:
    """The client's address (behind a proxy: as uvicorn's --proxy-headers set it)."""
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


def caller_of(scope: Scope) -> tuple[str, bool]:
    """The subject the request authenticated as, or its client address when it has none."""
    actor = scope.get("state", {}).get("actor")
    if actor is not None:
        return actor.subject, False
    return address_of(scope), True


def refused(refusal: Refusal) -> Any:
    return error_response(
        429,
        RATE_LIMITED,
        refusal.message,
        refusal.response_headers(),
        retryAfter=refusal.retry_after,
    )


class RateLimitMiddleware:
    """After authentication: each caller's request rate and in-flight requests, and the
    request's database time budget (api/db_budget.py)."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.limits = runtime.rate_limits
        self.db_time_budget_ms = runtime.settings.db_time_budget_ms

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limits = self.limits
        if (
            scope["type"] != "http"
            or not limits.enabled
            or scope["path"] in UNLIMITED_PATHS
            or scope["path"].startswith("/components/")  # static files, cached by browsers
        ):
            await self.app(scope, receive, send)
            return
        caller, anonymous = caller_of(scope)
        refusal = await limits.request(caller, anonymous) or limits.enter(caller)
        if refusal is not None:
            await refused(refusal)(scope, receive, send)
            return
        budget = db_budget.begin(self.db_time_budget_ms)
        try:
            await self.app(scope, receive, send)
        finally:
            db_budget.end(budget)
            limits.leave(caller)


class RateLimited(GraphQLError):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(
            refusal.message,
            extensions={"code": RATE_LIMITED, "retryAfter": refusal.retry_after},
        )


class CostBudget(SchemaExtension):
    """Charges each operation's static cost, and counts it per operation, for its caller.

    Runs after `OperationLimits` (which refuses an operation over the per-operation maximum)
    and shares its cost cache, so the cost is computed once."""

    def __init__(self, costs: CostCache, list_weight: int) -> None:
        self.costs = costs
        self.list_weight = list_weight

    async def on_execute(self) -> AsyncIterator[None]:
        refusal = await self._refusal()
        if refusal is not None:
            raise RateLimited(refusal)
        yield

    async def _refusal(self) -> Refusal | None:
        context = self.execution_context
        request_context = context.context
        runtime: Runtime | None = getattr(request_context, "runtime", None)
        if runtime is None or not runtime.rate_limits.enabled:
            return None
        document = context.graphql_document
        operation = document and get_operation_ast(document, context.operation_name)
        if document is None or operation is None or context.query is None:
            return None
        caller = request_context.actor.subject
        name = f"{operation.operation.value} {operation.name.value if operation.name else ''}"
        refusal = await runtime.rate_limits.operation(caller, name.strip())
        if refusal is not None:
            return refusal
        variables = context.variables or {}
        schema = context.schema._schema
        cost = self.costs.get(
            cost_key(context.query, context.operation_name, variables),
            lambda: operation_cost(schema, document, operation, variables, self.list_weight),
        )
        return await runtime.rate_limits.charge(caller, cost)


def retry_after(errors: list[dict[str, Any]]) -> int | None:
    """The longest wait a formatted GraphQL answer asks for, when it was rate limited."""
    waits = [
        int(e["extensions"].get("retryAfter", 1))
        for e in errors
        if e["extensions"]["code"] == RATE_LIMITED
    ]
    return max(waits) if waits else None
