"""Factories of the deployment tests: a BU with a service and environments; use cases via units."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import AuditRecord
from domain.compliance.repository import append_audit
from domain.environments.models import Environment
from domain.kernel.access import Actor
from domain.kernel.clock import FixedClock
from domain.kernel.outbox import OutboxMessage
from domain.kernel.uow import UnitOfWork
from domain.organization.models import Person, Service
from domain.pipelines import deployments as uc
from domain.pipelines.deployment_commands import CreateDeployment, ReportHealth
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.health_rules import Metrics
from tests.domain.calendar.conftest import AllowAll
from tests.domain.environments.conftest import make_org

HEALTHY = Metrics(error_rate=0.001, latency_p99_ms=200, saturation=0.3)
BASELINE = Metrics(error_rate=0.001, latency_p99_ms=190, saturation=0.3)
SICK = Metrics(error_rate=0.2, latency_p99_ms=900, saturation=0.95)


@dataclass
class DeployWorld:
    session: AsyncSession
    clock: FixedClock
    bu: uuid.UUID
    other_bu: uuid.UUID
    team: uuid.UUID
    people: dict[str, Person]
    service: Service
    env: Environment
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
            request_id="req-deployments",
        )

    async def run(self, fn: Any, *args: Any, who: str = "rita", authorizer: Any = None) -> Any:
        uow = self.uow(who, authorizer)
        result = await fn(uow, *args)
        await uow.commit()
        return result

    async def plan(self, **kw: Any) -> Deployment:
        values: dict[str, Any] = {
            "service_id": self.service.id,
            "environment_id": self.env.id,
            "artifact_version": "1.4.2",
            "strategy": "canary",
            "canary_steps": [(10, 5), (50, 10), (100, 0)],
        }
        values.update(kw)
        return await self.run(uc.create_deployment, CreateDeployment(**values))  # type: ignore[no-any-return]

    async def started(self, **kw: Any) -> Deployment:
        dep = await self.plan(**kw)
        return await self.run(uc.start_deployment, dep.id, dep.version)  # type: ignore[no-any-return]

    async def report(
        self, dep: Deployment, metrics: Metrics = HEALTHY, baseline: Metrics | None = BASELINE
    ) -> uc.HealthResult:
        c = ReportHealth(dep.id, dep.current_step, metrics, baseline)
        return await self.run(uc.report_health, c)  # type: ignore[no-any-return]

    def wait(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    async def outbox(self, dep: Deployment) -> list[OutboxMessage]:
        rows = await self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.key == uc.outbox_key(dep.id))
        )
        return list(rows.all())

    async def audit(self, entity_id: uuid.UUID) -> list[str]:
        rows = await self.session.scalars(
            select(AuditRecord.action)
            .where(AuditRecord.entity_id == str(entity_id))
            .order_by(AuditRecord.seq)
        )
        return list(rows.all())


async def make_world(session: AsyncSession, now: datetime) -> DeployWorld:
    bu, other, team, people = await make_org(session, now)
    stamp = {"created_at": now, "updated_at": now}
    service = Service(
        bu_id=bu,
        team_id=team,
        key=f"payments-api-{uuid.uuid4().hex[:8]}",
        name="Payments API",
        tier="internal",
        data_classification="internal",
        regions=[],
        **stamp,
    )
    env = Environment(
        key=f"prod-{uuid.uuid4().hex[:8]}",
        name="Production",
        kind="production",
        bu_id=bu,
        region="eu-west-1",
        final_staging=False,
        owner_person_ids=[],
        capacity=1,
        status="active",
        **stamp,
    )
    session.add_all([service, env])
    await session.flush()
    return DeployWorld(session, FixedClock(now), bu, other, team, people, service, env)


@pytest.fixture
async def deploy_world(session: AsyncSession, now: datetime) -> DeployWorld:
    return await make_world(session, now)
