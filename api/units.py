"""Units of work over one database, and the one place outside GraphQL that commits them.

Machine endpoints (through `api.endpoints.writes`), infrastructure work (the housekeeping
sweep, outbox delivery, token and feed telemetry, first sign-ins, flag evaluation records)
and the demo loader all run their use case with `Units.run`: one unit, one commit, and the
domain events it announced handed to `AfterCommit` once it has committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from domain.compliance.repository import append_audit, journal_audit
from domain.kernel.access import SYSTEM_ACTOR, Actor, Authorizer
from domain.kernel.audit import AuditAppender
from domain.kernel.clock import Clock
from domain.kernel.db import Database
from domain.kernel.uow import UnitOfWork

R = TypeVar("R")
E = TypeVar("E")
Work = Callable[[UnitOfWork], Awaitable[R]]


class AfterCommit:
    """What this process does once a unit of work has committed, by domain event type."""

    def __init__(self) -> None:
        self._handlers: dict[type[Any], list[Callable[[Any], Awaitable[None]]]] = {}

    def on(self, kind: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers.setdefault(kind, []).append(handler)

    async def __call__(self, events: Iterable[object]) -> None:
        for event in events:
            for handler in self._handlers.get(type(event), ()):
                await handler(event)


def audit_appender(dialect: str, audit_append: str = "journal") -> AuditAppender:
    """How units of work over a `dialect` database put their audit entries on the chain:
    journaled for a sealer (PostgreSQL, unless `audit_append` is "inline"), or linked inline
    under the chain lock (SQLite, whose writers serialize anyway)."""
    return journal_audit if dialect == "postgresql" and audit_append == "journal" else append_audit


class Units:
    """Opens units of work over `db`, audited, with the process's clock and authorizer."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        authorizer: Authorizer,
        after_commit: AfterCommit | None = None,
        *,
        audit_append: str = "journal",
    ) -> None:
        self.db = db
        self._clock = clock
        self._authorizer = authorizer
        self._after_commit = after_commit
        self._audit_append = audit_append
        self.appender = audit_appender(db.dialect, audit_append)
        """What these units of work append their audit entries with."""

    def open(self, actor: Actor = SYSTEM_ACTOR, request_id: str | None = None) -> UnitOfWork:
        """A unit of work; the system actor is a built-in org admin of the authorizer."""
        return UnitOfWork(
            self.db.write_session(),
            actor=actor,
            clock=self._clock,
            authorizer=self._authorizer,
            audit_appender=self.appender,
            request_id=request_id,
            after_commit=self._after_commit,
        )

    @property
    def clock(self) -> Clock:
        """The clock these units of work are timed by."""
        return self._clock

    def at(self, clock: Clock) -> Units:
        """The same units of work, timed by another clock (e.g. a ShiftedClock)."""
        return Units(
            self.db, clock, self._authorizer, self._after_commit, audit_append=self._audit_append
        )

    async def run(
        self, work: Work[R], *, actor: Actor = SYSTEM_ACTOR, request_id: str | None = None
    ) -> R:
        """Run `work` in one unit of work and commit it once (a refusal rolls it back)."""
        async with self.open(actor, request_id) as uow:
            result = await work(uow)
            await uow.commit()
        return result
