"""Deployments: plan, start, report health, advance, roll back; each change audited.

A deployment to production is linked to the allowed promotion it carries out or recorded as an
unauthorized change (domain.pipelines.unauthorized). A production canary dwells at least what
the risk level of its release requires (the release of the latest promotion of the same
version to the same environment; without one no risk is known, and the unauthorized-change
control answers for it).

A rollback (manual, from a health verdict, or from an alert) records one decision, ends the
deployment as ROLLED_BACK and puts ONE event into the outbox in the same transaction; the
outbox key is the deployment's, so no path can emit a second one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import facts as env_facts
from domain.environments.vocabulary import EnvironmentStatus
from domain.governance.facts import release_facts
from domain.guardrails.effective import effective_for_service
from domain.guardrails.facts import guardrails_of_services
from domain.kernel import outbox
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import choice, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import deployment_repository as repo
from domain.pipelines import deployment_rules as rules
from domain.pipelines import health_rules as health
from domain.pipelines import promotion_repository, webhooks
from domain.pipelines.deployment_commands import CreateDeployment, FiringAlert, ReportHealth
from domain.pipelines.deployment_errors import DeploymentErrorCode as Code
from domain.pipelines.deployment_models import (
    Deployment,
    HealthReport,
    RollbackDecision,
)
from domain.pipelines.snapshot import PRODUCTION
from domain.pipelines.unauthorized import ProductionDeployment, link_or_flag
from domain.pipelines.unauthorized_rules import Reported
from domain.pipelines.vocabulary import (
    ACTIVE_STATUSES,
    ChangeSource,
    DeploymentStatus,
    RollbackTrigger,
    Strategy,
    Verdict,
)
from domain.risk.facts import assessment_of

ROLLED_BACK_TOPIC = str(webhooks.WebhookTopic.DEPLOYMENT_ROLLED_BACK)


def outbox_key(deployment_id: uuid.UUID) -> str:
    """The outbox key of a deployment's rollback event: one per deployment, ever."""
    return f"{ROLLED_BACK_TOPIC}:{deployment_id}"


async def visible_deployment(
    uow: UnitOfWork, deployment_id: uuid.UUID, *, lock: bool = False
) -> Deployment:
    """The deployment, or NotFound when absent or outside what the actor may read."""
    scope = uow.scope(Action.READ, Resource.DEPLOYMENT)
    found = await get_readable(
        uow.session, Deployment, deployment_id, scope, what="Deployment", for_update=lock
    )
    if found.imported:  # history: nothing to drive, shown by the change ledger
        raise NotFound("Deployment was not found.")
    return found


def _under_way(dep: Deployment) -> None:
    if dep.status not in ACTIVE_STATUSES:
        raise DomainError(
            f"The deployment is {dep.status}, not under way.", code=Code.NOT_IN_PROGRESS
        )


def _plan(c: CreateDeployment, strategy: Strategy) -> list[rules.Step]:
    if strategy == Strategy.CANARY:
        return rules.canary_plan(c.canary_steps)
    if c.canary_steps:
        raise DomainError(
            "A blue-green plan has no canary steps; give verifyMinutes instead.",
            code=Code.INVALID_STEPS,
            field="canarySteps",
        )
    return rules.blue_green_plan(c.verify_minutes, c.switch_dwell_minutes)


async def create_deployment(uow: UnitOfWork, c: CreateDeployment) -> Deployment:
    """Plan a deployment of an artifact version of a service to an environment."""
    service = await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
    )
    env = await env_facts.environment(
        uow.session, c.environment_id, readable_in=uow.scope(Action.READ, Resource.ENVIRONMENT)
    )
    rule = uow.authorize(Action.CREATE, Resource.DEPLOYMENT, service.bu_id)
    if env.bu_id is not None and env.bu_id != service.bu_id:
        # Names neither: a refusal never tells one BU's names to a caller deploying in another.
        raise DomainError(
            "The environment belongs to another business unit than the service.",
            code=Code.ENVIRONMENT_NOT_OF_SERVICE,
            field="environmentId",
        )
    if env.status != EnvironmentStatus.ACTIVE:
        raise DomainError(
            f"{env.key} is retired.", code=Code.ENVIRONMENT_RETIRED, field="environmentId"
        )
    strategy = choice(Strategy, c.strategy, Code.INVALID_STRATEGY, "strategy")
    plan = _plan(c, strategy)
    version = rules.check_version(c.artifact_version)
    now = uow.clock.now()
    if strategy == Strategy.CANARY and env.kind == PRODUCTION:
        required = await canary_requirement(uow.session, service.id, env.id, version, now)
        if required is not None:
            rules.check_canary_minutes(plan, *required)
    dep = Deployment(
        service_id=service.id,
        bu_id=service.bu_id,
        environment_id=env.id,
        artifact_version=version,
        artifact_digest=rules.check_digest(c.artifact_digest),
        strategy=str(strategy),
        status=str(DeploymentStatus.PLANNED),
        steps=[s.as_json() for s in plan],
        current_step=0,
        requested_by_id=uow.actor.person_id,
        requested_by=uow.actor.username,
        created_at=now,
        updated_at=now,
    )
    await uow.created(dep, action="deployment.create", bu_id=dep.bu_id, rule=rule)
    if env.kind == PRODUCTION:
        reported = Reported(service.id, env.id, version, c.promotion_id, c.release_id)
        production = ProductionDeployment(
            reported, dep.bu_id, ChangeSource.GRAPHQL, dep.requested_by_id, dep.requested_by, dep.id
        )
        await link_or_flag(uow, production, rule, strict=True)
    return dep


async def canary_requirement(
    session: AsyncSession, service_id: uuid.UUID, env_id: uuid.UUID, version: str, now: datetime
) -> tuple[str, int] | None:
    """The risk level and canary minutes of the release this version is promoted with to the
    environment (None: no promotion names a release)."""
    release_id = await promotion_repository.release_promoted(session, service_id, env_id, version)
    release = await release_facts(session, release_id, now, go_live=False) if release_id else None
    if release is None:
        return None
    shipped = sorted(release.service_ids, key=str)
    guardrails = await guardrails_of_services(session, shipped)
    risk = await assessment_of(
        session, release.id, release.bu_id, now, [guardrails[s] for s in shipped]
    )
    return str(risk.level), risk.requirements.canary_minutes


async def start_deployment(uow: UnitOfWork, deployment_id: uuid.UUID, version: int) -> Deployment:
    """Begin the first step; one deployment of a service per environment is under way at once."""
    dep = await visible_deployment(uow, deployment_id, lock=True)
    rule = uow.authorize(Action.UPDATE, Resource.DEPLOYMENT, dep.bu_id)
    expect_version(dep, version, "The deployment")
    if dep.status != DeploymentStatus.PLANNED:
        raise DomainError(f"The deployment is {dep.status}, not planned.", code=Code.NOT_PLANNED)
    await repo.lock_service(uow.session, dep.service_id)
    if await repo.active_deployment_of(uow.session, dep.service_id, dep.environment_id):
        raise DomainError(
            "Another deployment of this service to this environment is under way.",
            code=Code.DEPLOYMENT_IN_PROGRESS,
        )
    before = snapshot(dep)
    now = uow.clock.now()
    dep.status = str(DeploymentStatus.IN_PROGRESS)
    dep.started_at = now
    dep.step_started_at = now
    await uow.updated(dep, before, action="deployment.start", bu_id=dep.bu_id, rule=rule)
    return dep


@dataclass(frozen=True, slots=True)
class HealthResult:
    deployment: Deployment
    report: HealthReport
    analysis: health.Analysis
    rollback: RollbackDecision | None


async def thresholds_for(uow: UnitOfWork, service_id: uuid.UUID) -> health.Thresholds:
    """The defaults, overridden by whatever the service's effective guardrails set."""
    eff = await effective_for_service(uow.session, service_id)
    return health.thresholds_from(health.guardrail_thresholds(eff.values))


async def report_health(uow: UnitOfWork, c: ReportHealth) -> HealthResult:
    """Analyse a step's metrics: ADVANCE keeps it going, HOLD holds, ROLL_BACK rolls it back."""
    dep = await visible_deployment(uow, c.deployment_id, lock=True)
    rule = uow.authorize(Action.UPDATE, Resource.DEPLOYMENT, dep.bu_id)
    _under_way(dep)
    if c.step_index != dep.current_step:
        raise DomainError(
            f"Step {c.step_index} is not the current step ({dep.current_step}).",
            code=Code.STEP_NOT_CURRENT,
            field="stepIndex",
        )
    metrics = health.check_metrics(c.metrics, "metrics")
    baseline = health.check_metrics(c.baseline, "baseline") if c.baseline else None
    thresholds = await thresholds_for(uow, dep.service_id)
    analysis = health.analyze(metrics, baseline, thresholds)
    report = HealthReport(
        deployment_id=dep.id,
        step_index=dep.current_step,
        reported_at=uow.clock.now(),
        reported_by_id=uow.actor.person_id,
        reporter=uow.actor.username,
        metrics=metrics.as_json(),
        baseline=baseline.as_json() if baseline else None,
        thresholds=thresholds.as_json(),
        verdict=str(analysis.verdict),
        reasons=[ch.as_json() for ch in analysis.checks],
    )
    await uow.created(report, action="deployment_health_report.create", bu_id=dep.bu_id, rule=rule)
    decision = None
    if analysis.verdict == Verdict.ROLL_BACK:
        breached = [
            ch.message for ch in analysis.checks if ch.status == health.CheckStatus.BREACHED
        ]
        reason = "Health analysis: " + " ".join(breached)
        decision = await roll_back(
            uow, dep, trigger=RollbackTrigger.HEALTH, reason=reason, rule=rule, report=report
        )
    else:
        status = DeploymentStatus.IN_PROGRESS if analysis.verdict == Verdict.ADVANCE else None
        status = status or DeploymentStatus.HOLDING
        if dep.status != status:
            before = snapshot(dep)
            dep.status = str(status)
            action = (
                "deployment.hold" if status == DeploymentStatus.HOLDING else "deployment.resume"
            )
            await uow.updated(dep, before, action=action, bu_id=dep.bu_id, rule=rule)
    return HealthResult(dep, report, analysis, decision)


async def advance_deployment(uow: UnitOfWork, deployment_id: uuid.UUID, version: int) -> Deployment:
    """Go to the next step (or succeed after the last) once analysed ADVANCE and dwelt."""
    dep = await visible_deployment(uow, deployment_id, lock=True)
    rule = uow.authorize(Action.UPDATE, Resource.DEPLOYMENT, dep.bu_id)
    expect_version(dep, version, "The deployment")
    latest = await repo.latest_report(uow.session, dep.id, dep.current_step)
    step = rules.Step.from_json(dep.steps[dep.current_step])
    now = uow.clock.now()
    verdict = Verdict(latest.verdict) if latest else None
    rules.check_advance(dep.status, verdict, dep.step_started_at, step, now)
    before = snapshot(dep)
    if dep.current_step + 1 >= len(dep.steps):
        dep.status = str(DeploymentStatus.SUCCEEDED)
        dep.finished_at = now
        action = "deployment.succeed"
    else:
        dep.current_step += 1
        dep.step_started_at = now
        dep.status = str(DeploymentStatus.IN_PROGRESS)
        action = "deployment.advance"
    await uow.updated(dep, before, action=action, bu_id=dep.bu_id, rule=rule)
    return dep


async def roll_back_deployment(
    uow: UnitOfWork, deployment_id: uuid.UUID, version: int, reason: str
) -> RollbackDecision:
    """Switch back now (blue-green) or take the canary's traffic away, for the reason given."""
    dep = await visible_deployment(uow, deployment_id, lock=True)
    rule = uow.authorize(Action.UPDATE, Resource.DEPLOYMENT, dep.bu_id)
    expect_version(dep, version, "The deployment")
    _under_way(dep)
    return await roll_back(
        uow, dep, trigger=RollbackTrigger.MANUAL, reason=rules.check_reason(reason), rule=rule
    )


async def roll_back(
    uow: UnitOfWork,
    dep: Deployment,
    *,
    trigger: RollbackTrigger,
    reason: str,
    rule: str,
    report: HealthReport | None = None,
    alert: FiringAlert | None = None,
) -> RollbackDecision:
    """Record the decision, end the deployment ROLLED_BACK, and emit its one outbox event."""
    now = uow.clock.now()
    decision = RollbackDecision(
        deployment_id=dep.id,
        bu_id=dep.bu_id,
        trigger=str(trigger),
        reason=reason[: rules.MAX_REASON_CHARS],
        step_index=dep.current_step,
        decided_at=now,
        decided_by_id=uow.actor.person_id,
        decided_by=uow.actor.username,
        alert_name=alert.name[:200] if alert else None,
        alert_fingerprint=alert.fingerprint if alert else None,
        alert_starts_at=alert.starts_at if alert else None,
        report_id=report.id if report else None,
    )
    await uow.created(decision, action="deployment_rollback.create", bu_id=dep.bu_id, rule=rule)
    before = snapshot(dep)
    dep.status = str(DeploymentStatus.ROLLED_BACK)
    dep.finished_at = now
    await uow.updated(dep, before, action="deployment.roll_back", bu_id=dep.bu_id, rule=rule)
    await _emit_rolled_back(uow, dep, decision, now)
    return decision


async def _emit_rolled_back(
    uow: UnitOfWork, dep: Deployment, decision: RollbackDecision, now: datetime
) -> None:
    service = await org_facts.service(uow.session, dep.service_id, field=None)
    env = await env_facts.environment(uow.session, dep.environment_id, field=None)
    event_id = uuid.uuid4()
    step = rules.Step.from_json(dep.steps[dep.current_step])
    details = {
        "deploymentId": str(dep.id),
        "strategy": dep.strategy,
        "step": dep.current_step,
        "weight": step.weight,
        "trigger": decision.trigger,
        "reason": decision.reason,
        "decidedBy": decision.decided_by,
    }
    event = {
        "id": str(event_id),
        "type": ROLLED_BACK_TOPIC,
        "occurredAt": webhooks.rfc3339(now),
        "deployment": {
            **details,
            "service": service.key,
            "environment": env.key,
            "artifactVersion": dep.artifact_version,
            "artifactDigest": dep.artifact_digest,
        },
        "alert": None
        if decision.alert_fingerprint is None
        else {
            "name": decision.alert_name,
            "fingerprint": decision.alert_fingerprint,
            "startsAt": webhooks.rfc3339(decision.alert_starts_at)
            if decision.alert_starts_at
            else None,
        },
    }
    cdevent = webhooks.service_rolledback_cdevent(
        event_id=event_id,
        at=now,
        service_key=service.key,
        environment_key=env.key,
        artifact_id=webhooks.artifact_purl(service.key, dep.artifact_version, dep.artifact_digest),
        custom=details,
    )
    await outbox.enqueue(
        uow.session,
        topic=ROLLED_BACK_TOPIC,
        key=outbox_key(dep.id),
        payload={
            "forms": {
                ROLLED_BACK_TOPIC: event,
                str(webhooks.WebhookTopic.CDEVENTS_SERVICE_ROLLEDBACK): cdevent,
            }
        },
        now=now,
        bu_id=dep.bu_id,
        message_id=event_id,
    )
