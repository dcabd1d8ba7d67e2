"""Environment fixtures: two BUs, a team and people as rows; use cases through units of work.

Every test runs in a rolled-back transaction on SQLite and PostgreSQL, except the race test,
which needs real concurrent transactions on the `database` fixture.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import AuditRecord
from domain.compliance.repository import append_audit
from domain.environments import catalog, reservations, snapshots
from domain.environments import commands as cmd
from domain.environments.models import Environment
from domain.kernel.access import Actor
from domain.kernel.clock import FixedClock
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person, Team
from tests.domain.calendar.conftest import AllowAll

HOUR = timedelta(hours=1)


def digest(n: int | str) -> str:
    """A valid sha256 digest derived from n (tests need distinct, readable ones)."""
    return "sha256:" + f"{n}".encode().hex().rjust(64, "0")[-64:]


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=UTC)


@dataclass
class World:
    session: AsyncSession
    clock: FixedClock
    bu: uuid.UUID
    other_bu: uuid.UUID
    team: uuid.UUID
    people: dict[str, Person]
    authorizer: Any = field(default_factory=AllowAll)

    def uow(self, who: str = "rita", authorizer: Any = None) -> UnitOfWork:
        person = self.people[who]
        actor = Actor(
            person_id=person.id,
            username=person.username,
            display_name=person.display_name,
            subjects=(f"person:{person.id}",),
        )
        return UnitOfWork(
            self.session,
            actor=actor,
            clock=self.clock,
            authorizer=authorizer or self.authorizer,
            audit_appender=append_audit,
            request_id="req-environments",
        )

    async def environment(self, **kw: Any) -> Environment:
        values: dict[str, Any] = {
            "key": f"env-{uuid.uuid4().hex[:8]}",
            "name": "Staging",
            "kind": "staging",
            "bu_id": self.bu,
        }
        values.update(kw)
        uow = self.uow()
        env = await catalog.create_environment(uow, cmd.CreateEnvironment(**values))
        await uow.commit()
        return env

    async def reserve(
        self, env: Environment, start: datetime, end: datetime, who: str = "rita", **kw: Any
    ) -> reservations.ReservationResult:
        values: dict[str, Any] = {
            "environment_id": env.id,
            "holder_kind": "train",
            "holder_id": uuid.uuid4(),
            "mode": "exclusive",
            "starts_at": start,
            "ends_at": end,
        }
        values.update(kw)
        uow = self.uow(who)
        result = await reservations.request_reservation(uow, cmd.RequestReservation(**values))
        await uow.commit()
        # Requests a moment apart, so FIFO order is the order of the calls.
        self.clock.advance(timedelta(seconds=1))
        return result

    async def release(self, reservation_id: uuid.UUID, version: int, **kw: Any) -> Any:
        uow = self.uow()
        result = await reservations.release_reservation(
            uow, cmd.ReleaseReservation(reservation_id, version, **kw)
        )
        await uow.commit()
        return result

    async def cancel(self, reservation_id: uuid.UUID, version: int) -> Any:
        uow = self.uow()
        result = await reservations.cancel_reservation(uow, reservation_id, version)
        await uow.commit()
        return result

    async def report(self, env: Environment, **kw: Any) -> snapshots.ReportedSnapshot:
        uow = self.uow()
        found = await snapshots.report_snapshot(
            uow, cmd.ReportSnapshot(environment_id=env.id, **kw)
        )
        await uow.commit()
        self.clock.advance(timedelta(seconds=1))
        return found

    async def audit(self, entity_id: uuid.UUID) -> list[AuditRecord]:
        rows = await self.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity_id == str(entity_id))
            .order_by(AuditRecord.seq)
        )
        return list(rows.all())


async def make_org(session: AsyncSession, now: datetime) -> tuple[Any, ...]:
    stamp = {"created_at": now, "updated_at": now}
    bu = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Payments", description="", **stamp)
    other = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Retail", description="", **stamp)
    session.add_all([bu, other])
    await session.flush()
    team = Team(bu_id=bu.id, key="core", name="Core", description="", **stamp)
    session.add(team)
    people = {}
    for name in ("rita", "bob"):
        p = Person(
            username=f"{name}-{uuid.uuid4().hex[:8]}",
            display_name=name.title(),
            email=None,
            kind="human",
            issuer="test",
            subject=f"{name}-{uuid.uuid4().hex}",
            active=True,
            **stamp,
        )
        session.add(p)
        people[name] = p
    await session.flush()
    return bu.id, other.id, team.id, people


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> World:
    bu, other, team, people = await make_org(session, now)
    return World(session, FixedClock(now), bu, other, team, people)
