"""The world the compliance-control tests (test_bypass*.py and test_dr*.py) run in.

Two BUs; services of three tiers and classifications; a hotfix release shipping the critical
and internal services, owned by olive and authored by dave; people rita (requester), bob
(approver), carol (reviewer). Governance rows are inserted directly: they are another
context's. Every test runs in a rolled-back transaction on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import bypasses, dr
from domain.compliance import control_commands as cmd
from domain.compliance.models import Bypass, BypassReview, DrProcedure, DrTest
from domain.environments.models import Environment
from domain.governance.models import Release
from domain.kernel.access import Authorizer
from domain.kernel.reader import Reader
from tests.world import Who, World

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WHY = "Card payments fail for 3% of customers; the fix cannot wait for the freeze to end."
PEOPLE = ("rita", "bob", "carol", "dave", "olive")


class ComplianceWorld(World):
    bu: uuid.UUID
    other_bu: uuid.UUID
    team: uuid.UUID
    services: dict[str, uuid.UUID]

    def reader(self, who: Who | None = "carol", authorizer: Authorizer | None = None) -> Reader:
        return super().reader(who, authorizer)

    async def release(
        self,
        *,
        release_type: str = "hotfix",
        status: str = "approved",
        services: tuple[str, ...] = ("api", "batch"),
        bu: uuid.UUID | None = None,
    ) -> Release:
        return await self.add.release(
            bu or self.bu,
            owner="olive",
            title="Hotfix",
            release_type=release_type,
            status=status,
            services=[self.services[name] for name in services],
            artifact_version="1.0.1",
            authors=["dave"],
        )

    async def environment(
        self, *, bu: uuid.UUID | None = None, kind: str = "production", status: str = "active"
    ) -> Environment:
        return await self.add.environment(bu or self.bu, kind=kind, status=status)

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
        return await self.run(bypasses.request_bypass, cmd.RequestBypass(**values), who=who)

    async def approve(self, bypass: Bypass, who: str = "bob") -> Bypass:
        decision = cmd.DecideBypass(bypass.id, bypass.version, note="Go.")
        return await self.run(bypasses.approve_bypass, decision, who=who)

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
        return await self.run(dr.create_procedure, cmd.CreateDrProcedure(**values))

    async def test(
        self, procedure: DrProcedure, ago: timedelta, result: str = "passed", **kw: Any
    ) -> DrTest:
        performed_at = self.clock.now() - ago
        test = cmd.RecordDrTest(procedure.id, performed_at, result, **kw)
        return await self.run(dr.record_test, test)


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> ComplianceWorld:
    world = ComplianceWorld(session, now)
    org = await world.add.org(*PEOPLE)
    world.bu, world.other_bu, world.team = org.bu.id, org.other_bu.id, org.team.id
    kinds = {
        "api": ("critical", "restricted"),
        "batch": ("internal", "internal"),
        "site": ("internal", "public"),
    }
    world.services = {
        name: (await world.add.service(org.team, name, tier=tier, data=data)).id
        for name, (tier, data) in kinds.items()
    }
    return world
