"""Recording a journey's run (the built-in runner's or an external runner's), and what a
failing one after a production deployment means: a functional regression when the journey
passed before that deployment, linked to it, and, when the service's guardrail
`journey_regression_rollback` names the journey's tier, the deployment's rollback decision
(domain.pipelines.deployments.roll_back), once."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from domain.guardrails.effective import effective_for_service
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.rules import choice, described, require
from domain.kernel.uow import UnitOfWork
from domain.pipelines import deployments
from domain.pipelines import production_deployments as finished
from domain.pipelines.production_deployments import FinishedDeployment
from domain.pipelines.vocabulary import DeploymentStatus, RollbackTrigger
from domain.postrelease import journey_repository as repo
from domain.postrelease import journey_rules as rules
from domain.postrelease.journey_commands import ReportJourneyResult, StepResult
from domain.postrelease.journey_errors import JourneyErrorCode as Code
from domain.postrelease.journey_models import Journey, JourneyRegression, JourneyRun
from domain.postrelease.journey_service import visible_journey
from domain.postrelease.journey_vocabulary import Runner, RunOutcome, RunTrigger

FOLLOWS_WITHIN = timedelta(hours=24)
"""A result with no deployment named follows the service's latest production deployment that
finished this long before it started, at most."""
MAX_STEPS = 50
MAX_FAILURES = 20


def _step_json(s: StepResult, i: int) -> dict[str, object]:
    require(
        s.latency_ms is None or 0 <= s.latency_ms <= 3_600_000,
        "A step's latency is 0 to 3,600,000 ms.",
        code=Code.INVALID_RESULT,
        field=f"steps[{i}].latencyMs",
    )
    return {
        "name": s.name.strip()[:200],
        "passed": s.passed,
        "status": s.status,
        "latencyMs": s.latency_ms,
        "failures": [f[:500] for f in s.failures[:MAX_FAILURES]],
    }


async def _follows(
    uow: UnitOfWork, journey: Journey, c: ReportJourneyResult
) -> FinishedDeployment | None:
    if c.deployment_id is None and not c.follow_latest:
        return None
    if c.deployment_id is None:
        return await finished.latest_before(
            uow.session, journey.service_id, c.started_at, c.started_at - FOLLOWS_WITHIN
        )
    found = (await finished.production_deployments(uow.session, [c.deployment_id])).get(
        c.deployment_id
    )
    if found is None or found.service_id != journey.service_id:
        raise DomainError(
            "Name a production deployment of the journey's service.",
            code=Code.NOT_A_PRODUCTION_DEPLOYMENT,
            field="deploymentId",
        )
    return found


async def record(uow: UnitOfWork, c: ReportJourneyResult) -> JourneyRun:
    """Record a run's result; after a production deployment, judge whether it regressed."""
    journey = await visible_journey(uow, c.journey_id, lock=True)
    rule = uow.authorize(Action.CREATE, Resource.JOURNEY_RUN, journey.bu_id)
    runner = choice(Runner, c.runner, Code.INVALID_RESULT, "runner")
    trigger = choice(RunTrigger, c.trigger, Code.INVALID_RESULT, "trigger")
    require(
        c.started_at <= c.finished_at <= uow.clock.now() + timedelta(minutes=5),
        "A run finishes after it starts, and not in the future.",
        code=Code.INVALID_RESULT,
        field="finishedAt",
    )
    require(
        len(c.steps) <= MAX_STEPS,
        f"At most {MAX_STEPS} steps.",
        code=Code.INVALID_RESULT,
        field="steps",
    )
    external = (c.external_id or "").strip()[:200] or None
    follows = await _follows(uow, journey, c)
    run = JourneyRun(
        journey_id=journey.id,
        bu_id=journey.bu_id,
        service_id=journey.service_id,
        outcome=(RunOutcome.PASSED if c.passed else RunOutcome.FAILED).value,
        trigger=trigger.value,
        runner=runner.value,
        external_ref=external,
        deployment_kind=follows.kind if follows else None,
        deployment_id=follows.id if follows else None,
        started_at=c.started_at,
        finished_at=c.finished_at,
        duration_ms=(c.finished_at - c.started_at).total_seconds() * 1000,
        summary=described(c.summary, "summary", 2000),
        steps=[_step_json(s, i) for i, s in enumerate(c.steps)],
        reported_by_id=uow.actor.person_id,
    )
    await uow.created(run, action="journey_run.record", bu_id=journey.bu_id, rule=rule)
    if follows is not None and not c.passed:
        await _regressed(uow, journey, run, follows)
    return run


async def _regressed(
    uow: UnitOfWork, journey: Journey, run: JourneyRun, after: FinishedDeployment
) -> JourneyRegression | None:
    baseline = await repo.last_run_before(uow.session, journey.id, after.started_at)
    before = RunOutcome(baseline.outcome) if baseline is not None else None
    if baseline is None or not rules.is_regression(before, RunOutcome(run.outcome)):
        return None
    if await repo.regression_of(uow.session, journey.id, after.id) is not None:
        return None  # flagged by an earlier failing run after the same deployment
    rule = uow.authorize(Action.CREATE, Resource.JOURNEY_RUN, journey.bu_id)
    regression = JourneyRegression(
        journey_id=journey.id,
        bu_id=journey.bu_id,
        service_id=journey.service_id,
        deployment_kind=after.kind,
        deployment_id=after.id,
        run_id=run.id,
        baseline_run_id=baseline.id,
        detected_at=uow.clock.now(),
        summary=f"{journey.name} passed before {after.artifact} reached production and fails "
        f"after it.",
    )
    await uow.created(
        regression, action="journey_regression.detect", bu_id=journey.bu_id, rule=rule
    )
    regression.rollback_id = await _roll_back(uow, journey, after)
    if regression.rollback_id is not None:
        await uow.session.flush()
    return regression


async def _roll_back(
    uow: UnitOfWork, journey: Journey, after: FinishedDeployment
) -> uuid.UUID | None:
    """The deployment's rollback decision when the guardrail asks for one for this tier, once:
    a deployment already rolled back (by an alert, a person or an earlier regression) is left
    alone; a reported deployment is the CD tool's to undo (the regression says so)."""
    guardrails = await effective_for_service(uow.session, journey.service_id)
    tiers = guardrails.values[rules.GUARDRAIL].value or []
    if after.kind != finished.PLANNED or not rules.rolls_back(tiers, journey.tier):
        return None
    dep = await deployments.visible_deployment(uow, after.id, lock=True)
    if dep.status == DeploymentStatus.ROLLED_BACK:
        return None
    rule = uow.authorize(Action.UPDATE, Resource.DEPLOYMENT, dep.bu_id)
    decision = await deployments.roll_back(
        uow,
        dep,
        trigger=RollbackTrigger.JOURNEY,
        reason=f"Synthetic journey {journey.key} regressed after this deployment "
        f"(guardrail {rules.GUARDRAIL}: {journey.tier}).",
        rule=rule,
    )
    return decision.id


def next_run(now: datetime, interval_minutes: int) -> datetime:
    return now + timedelta(minutes=interval_minutes)
