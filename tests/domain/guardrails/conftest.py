"""Guardrail fixtures: two BUs with a team and a service per tier, people, units of work.

Each test starts from a pristine guardrails state (no saved set: built-in defaults at version
0): rows the session-scoped API tests committed are deleted inside the rolled-back
transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import AuditRecord
from domain.compliance.repository import append_audit
from domain.guardrails import commands as cmd
from domain.guardrails import onboarding, sets
from domain.guardrails.models import GuardrailSet, GuardrailSetVersion, OnboardingCheck
from domain.kernel.access import Actor
from domain.kernel.clock import FixedClock
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person, Service, Team
from tests.world import AllowAll

DAY = timedelta(days=1)


@dataclass
class World:
    session: AsyncSession
    clock: FixedClock
    bu: BusinessUnit
    other_bu: BusinessUnit
    team: uuid.UUID
    other_team: uuid.UUID
    services: dict[str, uuid.UUID]
    people: dict[str, Person]
    authorizer: Any = field(default_factory=AllowAll)

    def actor(self, who: str = "rita") -> Actor:
        person = self.people[who]
        return Actor(
            person_id=person.id,
            username=person.username,
            display_name=person.display_name,
            subjects=(f"person:{person.id}",),
        )

    def uow(self, who: str = "rita", authorizer: Any = None) -> UnitOfWork:
        return UnitOfWork(
            self.session,
            actor=self.actor(who),
            clock=self.clock,
            authorizer=authorizer or self.authorizer,
            audit_appender=append_audit,
            request_id="req-guardrails",
        )

    def reader(self, authorizer: Any = None) -> Reader:
        return Reader(self.session, self.actor(), authorizer or self.authorizer)

    async def save_core(self, values: dict[str, Any], version: int, note: str = "tighten") -> Any:
        uow = self.uow()
        saved = await sets.save_core(uow, cmd.SaveCore(values, version, note))
        await uow.commit()
        self.clock.advance(DAY)
        return saved

    async def save_bu(
        self, values: dict[str, Any], version: int, bu: uuid.UUID | None = None
    ) -> Any:
        uow = self.uow()
        saved = await sets.save_business_unit_set(
            uow, cmd.SaveBusinessUnitSet(bu or self.bu.id, values, version, "BU policy")
        )
        await uow.commit()
        self.clock.advance(DAY)
        return saved

    async def save_profile(self, tier: str, values: dict[str, Any], version: int) -> Any:
        uow = self.uow()
        saved = await sets.save_profile(uow, cmd.SaveProfile(tier, values, version, "profile"))
        await uow.commit()
        self.clock.advance(DAY)
        return saved

    async def complete(self, item: str, version: int = 0, team: uuid.UUID | None = None) -> Any:
        uow = self.uow()
        check = await onboarding.complete_item(
            uow,
            cmd.CompleteOnboardingItem(
                team or self.team, item, version, evidence_url=f"https://wiki.example/{item}"
            ),
        )
        await uow.commit()
        return check

    async def audit(self, entity_id: uuid.UUID) -> list[AuditRecord]:
        rows = await self.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity_id == str(entity_id))
            .order_by(AuditRecord.seq)
        )
        return list(rows.all())


async def make_world(session: AsyncSession, now: datetime) -> World:
    for table in (GuardrailSetVersion, GuardrailSet, OnboardingCheck):
        await session.execute(delete(table))
    stamp = {"created_at": now, "updated_at": now}
    bus = [
        BusinessUnit(key=f"{name}-{uuid.uuid4().hex[:6]}", name=name, description="", **stamp)
        for name in ("payments", "retail")
    ]
    session.add_all(bus)
    await session.flush()
    teams = [
        Team(bu_id=bu.id, key=f"team-{uuid.uuid4().hex[:6]}", name="T", description="", **stamp)
        for bu in bus
    ]
    session.add_all(teams)
    await session.flush()
    services = {}
    for tier in ("critical", "customer_facing", "internal"):
        s = Service(
            bu_id=bus[0].id,
            team_id=teams[0].id,
            key=f"{tier}-{uuid.uuid4().hex[:6]}",
            name=tier,
            tier=tier,
            data_classification="internal",
            regions=[],
            **stamp,
        )
        session.add(s)
        await session.flush()
        services[tier] = s.id
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
    return World(
        session, FixedClock(now), bus[0], bus[1], teams[0].id, teams[1].id, services, people
    )


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> World:
    return await make_world(session, now)
