"""A database time budget per request, so one caller cannot hold the pool.

Each statement is already cut off by the server's `statement_timeout` (PostgreSQL;
`SIGNALBOX_STATEMENT_TIMEOUT_MS`) and a connection is waited for at most
`SIGNALBOX_DB_POOL_TIMEOUT_SECONDS`; what neither bounds is a request running many statements
one after another (a nested query's loaders, page after page). Here the time its statements
take is added up, and once a request has spent `SIGNALBOX_DB_TIME_BUDGET_MS`, its next
statement is refused with `DatabaseBudgetExceeded` (code `DATABASE_BUDGET_EXCEEDED`) before it
reaches the database, so the connection goes back to the pool and other requests go on.

The budget travels in a context variable set by the rate-limit middleware: GraphQL's sibling
resolvers (tasks copying the request's context) share it, and SQLAlchemy runs the statement
events in the same context. Background work (outbox, checkpoints) has no budget.
"""

from __future__ import annotations

import time
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

DATABASE_BUDGET_EXCEEDED = "DATABASE_BUDGET_EXCEEDED"
_STARTED = "signalbox_statement_started"


class DatabaseBudgetExceeded(Exception):
    """A request spent its database time; its further statements are refused."""

    code = DATABASE_BUDGET_EXCEEDED

    def __init__(self, limit_ms: float) -> None:
        self.limit_ms = limit_ms
        super().__init__(
            f"This request has spent its database time budget of {limit_ms:g} ms; ask for "
            "smaller pages or fewer nested lists."
        )


@dataclass
class RequestBudget:
    limit_ms: float
    spent_ms: float = 0.0

    @property
    def spent(self) -> bool:
        return self.spent_ms >= self.limit_ms


_budget: ContextVar[RequestBudget | None] = ContextVar("signalbox_db_budget", default=None)


def begin(limit_ms: float) -> Token[RequestBudget | None] | None:
    """Give the current request a budget (none when `limit_ms` is 0); `end` takes it back."""
    if limit_ms <= 0:
        return None
    return _budget.set(RequestBudget(limit_ms))


def end(token: Token[RequestBudget | None] | None) -> None:
    if token is not None:
        _budget.reset(token)


def current() -> RequestBudget | None:
    return _budget.get()


def watch(engine: AsyncEngine) -> None:
    """Count every statement of `engine` against the budget of the request running it."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, _statement: Any, _params: Any, *_: Any) -> None:
        budget = _budget.get()
        if budget is None:
            return
        if budget.spent:
            raise DatabaseBudgetExceeded(budget.limit_ms)
        conn.info[_STARTED] = time.perf_counter()

    @event.listens_for(sync_engine, "after_cursor_execute")
    def _after(conn: Any, *_: Any) -> None:
        _charge(conn)

    @event.listens_for(sync_engine, "handle_error")
    def _failed(context: Any) -> None:
        if context.connection is not None:
            _charge(context.connection)


def _charge(conn: Any) -> None:
    started = conn.info.pop(_STARTED, None)
    budget = _budget.get()
    if started is not None and budget is not None:
        budget.spent_ms += (time.perf_counter() - started) * 1000
