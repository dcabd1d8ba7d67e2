"""The world a domain test acts in: its session, a clock it moves, people, and units of work."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import AuditRecord
from domain.compliance.repository import append_audit
from domain.kernel.access import Actor, Authorizer
from domain.kernel.clock import Clock, FixedClock
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.organization.models import Person
from tests.world.authorizers import AllowAll
from tests.world.rows import Rows

T = TypeVar("T")
Who = str | Person
REQUEST_ID = "req-test"


def actor_of(person: Person) -> Actor:
    """A person acting for themselves (no token)."""
    return Actor(
        person_id=person.id,
        username=person.username,
        display_name=person.display_name,
        subjects=(f"person:{person.id}",),
    )


def unit_of_work(
    session: AsyncSession,
    actor: Actor,
    *,
    clock: Clock,
    authorizer: Authorizer | None = None,
    after_commit: Callable[[list[object]], Awaitable[None]] | None = None,
) -> UnitOfWork:
    """The unit of work every domain test uses: audited, AllowAll unless told."""
    return UnitOfWork(
        session,
        actor=actor,
        clock=clock,
        authorizer=authorizer or AllowAll(),
        audit_appender=append_audit,
        request_id=REQUEST_ID,
        after_commit=after_commit,
    )


class World:
    """An organization built in the test's rolled-back session, and units of work acting in it.

    A context's fixture builds the rows its tests need with `add` and keeps what they name (BU
    ids, services, people) on a subclass, beside that context's own use-case helpers.
    """

    acting_as = "rita"
    """Whom units of work and readers act for unless told."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.clock = FixedClock(now)
        self.people: dict[str, Person] = {}
        self.add = Rows(session, self.clock, self.people)

    def actor(self, who: Who | None = None) -> Actor:
        who = self.acting_as if who is None else who
        return actor_of(self.people[who] if isinstance(who, str) else who)

    def uow(
        self,
        who: Who | None = None,
        authorizer: Authorizer | None = None,
        *,
        after_commit: Callable[[list[object]], Awaitable[None]] | None = None,
    ) -> UnitOfWork:
        return unit_of_work(
            self.session,
            self.actor(who),
            clock=self.clock,
            authorizer=authorizer,
            after_commit=after_commit,
        )

    def reader(self, who: Who | None = None, authorizer: Authorizer | None = None) -> Reader:
        return Reader(self.session, self.actor(who), authorizer or AllowAll())

    async def run(
        self,
        use_case: Callable[..., Awaitable[T]],
        *args: Any,
        who: Who | None = None,
        authorizer: Authorizer | None = None,
    ) -> T:
        """Run `use_case(uow, *args)` in one unit of work and commit it."""
        uow = self.uow(who, authorizer)
        result = await use_case(uow, *args)
        await uow.commit()
        return result

    async def audit(self, entity_id: uuid.UUID) -> list[AuditRecord]:
        """The audit records of an entity, oldest first."""
        rows = await self.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity_id == str(entity_id))
            .order_by(AuditRecord.seq)
        )
        return list(rows.all())

    async def audit_actions(self, entity_id: uuid.UUID) -> list[str]:
        return [record.action for record in await self.audit(entity_id)]
