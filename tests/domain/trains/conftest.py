"""Trains fixtures: two BUs with teams, people, a fixed clock and units of work."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import AuditRecord
from domain.compliance.repository import append_audit
from domain.kernel.access import Actor
from domain.kernel.clock import FixedClock
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person, Team
from domain.trains import commands as cmd
from domain.trains import trains
from domain.trains.cadence import Cadence
from domain.trains.models import ProgramIncrement, Train
from tests.world import AllowAll


@dataclass
class World:
    session: AsyncSession
    clock: FixedClock
    bu: uuid.UUID
    other_bu: uuid.UUID
    teams: dict[str, uuid.UUID]
    person: Person
    authorizer: Any = field(default_factory=AllowAll)

    def uow(self, authorizer: Any = None) -> UnitOfWork:
        actor = Actor(
            person_id=self.person.id,
            username=self.person.username,
            display_name=self.person.display_name,
            subjects=(f"person:{self.person.id}",),
        )
        return UnitOfWork(
            self.session,
            actor=actor,
            clock=self.clock,
            authorizer=authorizer or self.authorizer,
            audit_appender=append_audit,
            request_id="req-trains",
        )

    async def train(
        self, starts_on: date = date(2026, 12, 7), pis: int = 2, bu: uuid.UUID | None = None
    ) -> tuple[Train, list[ProgramIncrement]]:
        uow = self.uow()
        train = await trains.create_train(
            uow,
            cmd.CreateTrain(
                bu_id=bu or self.bu,
                key=f"t-{uuid.uuid4().hex[:8]}",
                name="Train",
                product_domain="payments",
                cadence=Cadence("weekly", "17:00", "Europe/Amsterdam", weekday=4),
            ),
        )
        made = await trains.create_pis(
            uow, cmd.CreatePi(train.id, 2, 2, starts_on=starts_on, count=pis)
        )
        await trains.generate_departures(
            uow, cmd.GenerateDepartures(train.id, made[0].id, made[-1].id)
        )
        await uow.commit()
        return train, made

    async def audit(self, entity_id: uuid.UUID) -> list[AuditRecord]:
        rows = await self.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity_id == str(entity_id))
            .order_by(AuditRecord.seq)
        )
        return list(rows.all())


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> World:
    """BUs payments (teams a, b, c) and retail (team r); one person; the clock at `now`."""
    stamp = {"created_at": now, "updated_at": now}
    bu = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Payments", description="", **stamp)
    other = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Retail", description="", **stamp)
    session.add_all([bu, other])
    await session.flush()
    teams = {}
    for key, owner in (("a", bu), ("b", bu), ("c", bu), ("r", other)):
        team = Team(bu_id=owner.id, key=key, name=key, description="", **stamp)
        session.add(team)
        await session.flush()
        teams[key] = team.id
    person = Person(
        username=f"rita-{uuid.uuid4().hex[:8]}",
        display_name="Rita",
        email=None,
        kind="human",
        issuer="test",
        subject=uuid.uuid4().hex,
        active=True,
        **stamp,
    )
    session.add(person)
    await session.flush()
    return World(session, FixedClock(now), bu.id, other.id, teams, person)
