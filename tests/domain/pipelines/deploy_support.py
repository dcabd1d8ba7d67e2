"""Factories of the deployment tests: a BU with a service and environments; use cases via units."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.models import Environment
from domain.kernel.outbox import OutboxMessage
from domain.organization.models import Service
from domain.pipelines import deployments as uc
from domain.pipelines.deployment_commands import CreateDeployment, ReportHealth
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.health_rules import Metrics
from tests.world import World

HEALTHY = Metrics(error_rate=0.001, latency_p99_ms=200, saturation=0.3)
BASELINE = Metrics(error_rate=0.001, latency_p99_ms=190, saturation=0.3)
SICK = Metrics(error_rate=0.2, latency_p99_ms=900, saturation=0.95)


class DeployWorld(World):
    bu: uuid.UUID
    other_bu: uuid.UUID
    service: Service
    env: Environment

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

    async def succeeded(self, **kw: Any) -> Deployment:
        """A canary taken through its three steps, healthy after each dwell, to success."""
        dep = await self.started(**kw)
        for dwell in (5, 10, 0):
            await self.report(dep)
            self.wait(dwell)
            dep = await self.run(uc.advance_deployment, dep.id, dep.version)
        assert dep.status == "succeeded"
        return dep

    def wait(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    async def outbox(self, dep: Deployment) -> list[OutboxMessage]:
        rows = await self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.key == uc.outbox_key(dep.id))
        )
        return list(rows.all())


async def make_deploy_world(session: AsyncSession, now: datetime) -> DeployWorld:
    """BUs Payments (a service, a production environment) and Retail; rita and bob."""
    world = DeployWorld(session, now)
    org = await world.add.org("rita", "bob")
    world.bu, world.other_bu = org.bu.id, org.other_bu.id
    world.service = await world.add.service(org.team, "payments-api", name="Payments API")
    world.env = await world.add.environment(world.bu)
    return world
