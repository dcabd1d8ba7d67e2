"""The world the compliance-control tests run in (imported by test_bypass*.py and test_dr*.py).

Two BUs; services of three tiers and classifications; a hotfix release shipping the critical
and internal services, owned by olive and authored by dave; people rita (requester), bob
(approver), carol (reviewer). Governance rows are inserted directly: they are another
context's. Every test runs in a rolled-back transaction on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import bypasses, dr
from domain.compliance import control_commands as cmd
from domain.compliance.models import AuditRecord, Bypass, BypassReview, DrProcedure, DrTest
from domain.compliance.repository import append_audit
from domain.environments.models import Environment
from domain.governance.models import Release, ReleaseAuthor, ReleaseService
from domain.kernel.access import Actor
from domain.kernel.clock import FixedClock
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person, Service, Team
from tests.world import AllowAll

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WHY = "Card payments fail for 3% of customers; the fix cannot wait for the freeze to end."
PEOPLE = ("rita", "bob", "carol", "dave", "olive")


@dataclass
class World:
    session: AsyncSession
    clock: FixedClock
    bu: uuid.UUID
    other_bu: uuid.UUID
    team: uuid.UUID
    services: dict[str, uuid.UUID]
    people: dict[str, Person]
    authorizer: Any = field(default_factory=AllowAll)

    def actor(self, who: str) -> Actor:
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
            request_id="req-compliance-controls",
        )

    def reader(self, who: str = "carol", authorizer: Any = None) -> Reader:
        return Reader(self.session, self.actor(who), authorizer or self.authorizer)

    async def release(
        self,
        *,
        release_type: str = "hotfix",
        status: str = "approved",
        services: tuple[str, ...] = ("api", "batch"),
        bu: uuid.UUID | None = None,
    ) -> Release:
        now = self.clock.now()
        release = Release(
            bu_id=bu or self.bu,
            title="Hotfix",
            description="",
            release_type=release_type,
            status=status,
            owner_id=self.people["olive"].id,
            change_types=[],
            environments=[],
            regions=[],
            documentation={},
            checked_templates=[],
            status_reason="",
            created_at=now,
            updated_at=now,
        )
        self.session.add(release)
        await self.session.flush()
        for name in services:
            self.session.add(
                ReleaseService(
                    release_id=release.id, service_id=self.services[name], artifact_version="1.0.1"
                )
            )
        self.session.add(ReleaseAuthor(release_id=release.id, person_id=self.people["dave"].id))
        await self.session.flush()
        return release

    async def environment(
        self, *, bu: uuid.UUID | None = None, kind: str = "production", status: str = "active"
    ) -> Environment:
        now = self.clock.now()
        env = Environment(
            key=f"env-{uuid.uuid4().hex[:8]}",
            name="Production",
            kind=kind,
            bu_id=bu or self.bu,
            region="eu-west-1",
            final_staging=False,
            owner_person_ids=[],
            capacity=1,
            status=status,
            created_at=now,
            updated_at=now,
        )
        self.session.add(env)
        await self.session.flush()
        return env

    async def request(
        self, release: Release, env: Environment, who: str = "rita", **kw: Any
    ) -> Bypass:
        values: dict[str, Any] = {
            "release_id": release.id,
            "environment_id": env.id,
            "gates": ["freeze", "test_coverage"],
            "justification": WHY,
            "incident_reference": "INC-4711",
            "duration_hours": 4,
        }
        values.update(kw)
        uow = self.uow(who)
        bypass = await bypasses.request_bypass(uow, cmd.RequestBypass(**values))
        await uow.commit()
        return bypass

    async def approve(self, bypass: Bypass, who: str = "bob") -> Bypass:
        uow = self.uow(who)
        approved = await bypasses.approve_bypass(
            uow, cmd.DecideBypass(bypass.id, bypass.version, note="Go.")
        )
        await uow.commit()
        return approved

    async def active(self, **kw: Any) -> tuple[Release, Environment, Bypass]:
        release = await self.release()
        env = await self.environment()
        bypass = await self.approve(await self.request(release, env, **kw))
        return release, env, bypass

    async def review_of(self, bypass: Bypass) -> BypassReview:
        found = await self.session.scalar(
            select(BypassReview).where(BypassReview.bypass_id == bypass.id)
        )
        assert found is not None
        return found

    async def procedure(
        self, service: str = "api", kind: str = "service_reversion", **kw: Any
    ) -> DrProcedure:
        values: dict[str, Any] = {
            "service_id": self.services[service],
            "kind": kind,
            "title": f"{kind} of {service}",
            "runbook_url": "https://runbooks.example/" + kind,
            "owner_team_id": self.team,
        }
        values.update(kw)
        uow = self.uow()
        made = await dr.create_procedure(uow, cmd.CreateDrProcedure(**values))
        await uow.commit()
        return made

    async def test(
        self, procedure: DrProcedure, ago: timedelta, result: str = "passed", **kw: Any
    ) -> DrTest:
        uow = self.uow()
        made = await dr.record_test(
            uow,
            cmd.RecordDrTest(
                procedure_id=procedure.id,
                performed_at=self.clock.now() - ago,
                result=result,
                **kw,
            ),
        )
        await uow.commit()
        return made

    async def audit(self, entity_id: uuid.UUID) -> list[AuditRecord]:
        rows = await self.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity_id == str(entity_id))
            .order_by(AuditRecord.seq)
        )
        return list(rows.all())


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> World:
    stamp = {"created_at": now, "updated_at": now}
    bu = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Payments", description="", **stamp)
    other = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Retail", description="", **stamp)
    session.add_all([bu, other])
    await session.flush()
    team = Team(bu_id=bu.id, key="core", name="Core", description="", **stamp)
    session.add(team)
    await session.flush()
    services: dict[str, uuid.UUID] = {}
    kinds = {
        "api": ("critical", "restricted"),
        "batch": ("internal", "internal"),
        "site": ("internal", "public"),
    }
    for name, (tier, data) in kinds.items():
        s = Service(
            bu_id=bu.id,
            team_id=team.id,
            key=f"{name}-{uuid.uuid4().hex[:8]}",
            name=name,
            tier=tier,
            data_classification=data,
            regions=[],
            **stamp,
        )
        session.add(s)
        await session.flush()
        services[name] = s.id
    people = {}
    for name in PEOPLE:
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
    return World(session, FixedClock(now), bu.id, other.id, team.id, services, people)
