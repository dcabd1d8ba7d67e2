"""Synthetic journeys in the living world (issue 17): a journey per critical service, run by
Checkly, whose results CI reports as an external runner would (runs against real URLs are not
possible in the demo). The card gateway's checkout passed all morning; the unauthorized hotfix
(demo.unauthorized) then went out to payments production, checkout failed right after it, and
the guardrail (critical journeys roll back on critical services) rolled the hotfix back."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from demo.cast import Cast
from domain.kernel.clock import ShiftedClock
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import deployments
from domain.pipelines.deployment_commands import ReportHealth
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.health_rules import Metrics
from domain.pipelines.vocabulary import DeploymentStatus
from domain.postrelease import journey_runs, journey_service
from domain.postrelease.journey_commands import (
    AssertionSpec,
    CaptureSpec,
    CreateJourney,
    HeaderSpec,
    JourneyDefinition,
    ReportJourneyResult,
    SetAllowedHosts,
    StepResult,
    StepSpec,
)

if TYPE_CHECKING:
    from api.runtime import Runtime

HOTFIX = "4.2.0-hotfix.1"
HEALTHY = Metrics(error_rate=0.002, latency_p99_ms=180.0, saturation=0.4)


def _no_secrets(value: str) -> str:
    raise DomainError("The demo's journeys carry no secret headers.")


def _host(key: str) -> str:
    return f"{key}.northwind-bank.example"


def _steps(key: str) -> tuple[StepSpec, ...]:
    base = f"https://{_host(key)}"
    ok = AssertionSpec("status", "equals", 200)
    fast = AssertionSpec("latency_ms", "at_most", 800)
    if key != "card-gateway":
        return (StepSpec("health", "GET", f"{base}/health", assertions=(ok, fast)),)
    return (
        StepSpec(
            "authorize a payment",
            "POST",
            f"{base}/v1/payments",
            headers=(HeaderSpec("Content-Type", "application/json"),),
            body='{"amount": 1999, "currency": "EUR", "card": "tok_demo_visa"}',
            assertions=(ok, AssertionSpec("json_path", "equals", "authorized", "$.status")),
            captures=(CaptureSpec("paymentId", "$.id"),),
        ),
        StepSpec(
            "capture it",
            "POST",
            base + "/v1/payments/{{paymentId}}/capture",
            assertions=(ok, AssertionSpec("json_path", "equals", "captured", "$.status"), fast),
        ),
    )


async def _define(uow: UnitOfWork, service: Any) -> uuid.UUID:
    await journey_service.set_allowed_hosts(
        uow, SetAllowedHosts(service.id, (_host(service.key),)), development=False
    )
    checkout = service.key == "card-gateway"
    journey = await journey_service.create(
        uow,
        CreateJourney(
            service_id=service.id,
            key="checkout" if checkout else "health",
            definition=JourneyDefinition(
                name="Card checkout" if checkout else f"{service.name} is up",
                team_id=service.team_id,
                tier="critical",
                interval_minutes=15,
                steps=_steps(service.key),
                description="Run by Checkly every 15 minutes from three regions.",
                runner="checkly",
            ),
        ),
        development=False,
        seal=_no_secrets,
    )
    return journey.id


def _result(journey_id: uuid.UUID, at: Any, passed: bool, **kw: Any) -> ReportJourneyResult:
    steps = (
        StepResult("authorize a payment", True, 200, 212.0),
        StepResult(
            "capture it",
            passed,
            200 if passed else 502,
            240.0 if passed else 30.1,
            () if passed else ("expected $.status equals 'captured'",),
        ),
    )
    return ReportJourneyResult(
        journey_id=journey_id,
        passed=passed,
        started_at=at,
        finished_at=at + timedelta(seconds=3),
        runner="checkly",
        external_id=f"chk-{journey_id.hex[:8]}-{int(at.timestamp())}",
        summary="" if passed else "capture it: the gateway answered 502",
        steps=steps,
        **kw,
    )


async def _hotfix(runtime: Runtime, cast: Cast) -> tuple[uuid.UUID, datetime] | None:
    """The unauthorized hotfix and when it took all traffic; None without it. Rolled out here,
    step by step three hours ago, unless another part of the demo (the 24-hour review's) already
    rolled it out."""
    async with runtime.db.read_session() as session:
        found = (
            await session.execute(
                select(Deployment.id, Deployment.status, Deployment.finished_at).where(
                    Deployment.artifact_version == HOTFIX
                )
            )
        ).first()
    if found is None:
        return None
    if found.status != DeploymentStatus.PLANNED:
        return (found.id, found.finished_at) if found.finished_at is not None else None
    for minutes, step in ((180, None), (175, 0), (160, 1), (150, 2)):
        units = runtime.units.at(ShiftedClock(runtime.clock, timedelta(minutes=minutes)))

        async def move(uow: UnitOfWork, step: int | None = step) -> None:
            dep = await deployments.visible_deployment(uow, found.id)
            if step is None:
                await deployments.start_deployment(uow, dep.id, dep.version)
                return
            await deployments.report_health(uow, ReportHealth(dep.id, step, HEALTHY, HEALTHY))
            dep = await deployments.visible_deployment(uow, found.id)
            await deployments.advance_deployment(uow, dep.id, dep.version)

        await units.run(move, actor=cast.actor("sre"))
    return found.id, runtime.clock.now() - timedelta(minutes=150)


async def load_journeys(runtime: Runtime, cast: Cast) -> None:
    async with runtime.db.read_session() as session:
        services = await org_facts.services(session, list(cast.services.values()))
    critical = sorted((s for s in services.values() if s.tier == "critical"), key=lambda s: s.key)
    ids: dict[str, uuid.UUID] = {}
    # Payments' CI reports its runner's results; elsewhere the RMO's Checkly account does.
    reporter = {s.key: "ci" if s.bu_id == cast.bus.get("payments") else "rmo" for s in critical}
    for s in critical:
        ids[s.key] = await runtime.units.run(
            lambda uow, s=s: _define(uow, s), actor=cast.actor("rmo")
        )
    now = runtime.clock.now()
    hotfix = await _hotfix(runtime, cast)
    # The card gateway's checkout passed before the hotfix took all traffic and fails after it.
    switched = hotfix[1] if hotfix is not None else now - timedelta(hours=3)
    for key, jid in ids.items():
        last = switched if key == "card-gateway" else now
        for hours in (5, 3):
            made = _result(jid, last - timedelta(hours=hours), True)
            await runtime.units.run(
                lambda uow, made=made: journey_runs.record(uow, made),
                actor=cast.actor(reporter[key]),
            )
        if key == "card-gateway":
            continue
        made = _result(jid, now - timedelta(hours=1), True)
        await runtime.units.run(
            lambda uow, made=made: journey_runs.record(uow, made),
            actor=cast.actor(reporter[key]),
        )
    if hotfix is None or "card-gateway" not in ids:
        return
    after = switched + timedelta(hours=1)
    failed = _result(ids["card-gateway"], after, False, deployment_id=hotfix[0])
    await runtime.units.run(lambda uow: journey_runs.record(uow, failed), actor=cast.actor("ci"))
