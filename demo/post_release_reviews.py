"""The 24-hour post-release review in the living world: the SRE's card gateway hotfix (the
demo's unauthorized change, `demo.unauthorized`) rolled out to payments production 27 hours
ago, blue-green, and its review is overdue: gathered when it fell due, it shows the latency
incident detected an hour after the switch (INC-2041), a new error fingerprint from the log
pipeline and new feedback themes from support; metrics read NOT_CONFIGURED (the demo has no
Prometheus), never zeros.

The rollout, signals and feedback go through the use cases on the runtime's clock moved back
(domain.kernel.clock.ShiftedClock), so their times say when they happened; the review is
opened and gathered by the housekeeping sweep's own use cases, as the system.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from demo.cast import Cast
from demo.unauthorized import HOTFIX_VERSION
from domain.kernel.access import Scope
from domain.kernel.clock import ShiftedClock
from domain.kernel.uow import UnitOfWork
from domain.pipelines import deployment_rules, deployments
from domain.pipelines.deployment_commands import ReportHealth
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.health_rules import Metrics
from domain.postrelease import feedback_service, review_service, signal_service
from domain.postrelease import review_commands as cmd
from domain.postrelease import review_gathering as gathering
from domain.postrelease.review_models import PostReleaseReview
from domain.postrelease.review_sources import NoMetrics
from domain.postrelease.review_vocabulary import ReviewStatus

if TYPE_CHECKING:
    from api.runtime import Runtime

SWITCHED = timedelta(hours=27)
"""How long ago the hotfix took all traffic."""
HEALTHY = Metrics(error_rate=0.003, latency_p99_ms=190.0, saturation=0.42)
BASELINE = Metrics(error_rate=0.003, latency_p99_ms=185.0, saturation=0.40)


async def load_post_release_reviews(runtime: Runtime, cast: Cast) -> None:
    deployment_id = await _hotfix(runtime)
    if deployment_id is None:
        return
    await _roll_out(runtime, cast, deployment_id)
    await _signals(runtime, cast)
    await _feedback(runtime, cast)
    await runtime.units.run(review_service.open_due_reviews)
    for review_id in await runtime.units.run(review_service.due_for_gathering):
        async with runtime.db.read_session() as session:
            plan = await review_service.plan_gathering(
                session, review_id, runtime.clock.now(), Scope(True)
            )
        metrics = await gathering.read_metrics(NoMetrics(), plan) if plan else None
        if plan and metrics:
            await runtime.units.run(
                lambda uow, r=review_id, p=plan, m=metrics: review_service.gather_due(uow, r, p, m)
            )
    await _closed(runtime, cast)


async def _closed(runtime: Runtime, cast: Cast) -> None:
    """The SRE closed the review of the card gateway's earlier CD rollout, due two days ago:
    degraded (declined payments from a configuration defect, recorded as defects). With the
    hotfix's overdue review and ledger-core's open one, the demo shows each state."""
    gateway = cast.services["card-gateway"]
    async with runtime.db.read_session() as session:
        stmt = (
            select(PostReleaseReview)
            .where(
                PostReleaseReview.service_id == gateway,
                PostReleaseReview.deployment_key.like("report:%"),
                PostReleaseReview.status == ReviewStatus.OPEN,
                PostReleaseReview.gathered_at.is_not(None),
            )
            .order_by(PostReleaseReview.due_at)
            .limit(1)
        )
        review = await session.scalar(stmt)
    if review is None:
        return
    closing = cmd.CloseReview(
        review.id,
        review.version,
        "degraded",
        "Declined payments after the rollout: a configuration defect, recorded as defects "
        "and in this period's pattern; no rollback needed.",
    )
    await runtime.units.run(
        lambda uow: review_service.close_review(uow, closing), actor=cast.actor("sre")
    )


async def _hotfix(runtime: Runtime) -> uuid.UUID | None:
    async with runtime.db.read_session() as session:
        stmt = select(Deployment.id).where(
            Deployment.artifact_version == HOTFIX_VERSION, Deployment.status == "planned"
        )
        return await session.scalar(stmt)


async def _roll_out(runtime: Runtime, cast: Cast, deployment_id: uuid.UUID) -> None:
    """Green deployed and verified, then the switch: each step healthy and dwelt, back in time."""
    sre = cast.actor("sre")
    ago = SWITCHED + timedelta(minutes=30)
    at = runtime.units.at(ShiftedClock(runtime.clock, ago))
    dep = await at.run(lambda uow: _start(uow, deployment_id), actor=sre)
    for step in dep.steps:
        dwell = timedelta(minutes=deployment_rules.Step.from_json(step).dwell_minutes + 1)
        index = dep.current_step
        await at.run(
            lambda uow, i=index: deployments.report_health(
                uow, ReportHealth(deployment_id, i, HEALTHY, BASELINE)
            ),
            actor=cast.actor("ci"),
        )
        ago -= dwell
        at = runtime.units.at(ShiftedClock(runtime.clock, ago))
        dep = await at.run(
            lambda uow, v=dep.version: deployments.advance_deployment(uow, deployment_id, v),
            actor=sre,
        )


async def _start(uow: UnitOfWork, deployment_id: uuid.UUID) -> Deployment:
    found = await uow.session.get(Deployment, deployment_id)
    assert found is not None
    return await deployments.start_deployment(uow, deployment_id, found.version)


async def _signals(runtime: Runtime, cast: Cast) -> None:
    """The log pipeline's hourly counts: timeouts before and after, a new NPE after."""
    now = runtime.clock.now()
    gateway = cast.services["card-gateway"]
    for fingerprint, count, hours_ago in (
        ("card-auth:issuer-timeout", 12, SWITCHED + timedelta(hours=3)),
        ("card-auth:issuer-timeout", 15, SWITCHED - timedelta(hours=2)),
        ("tokenize:NullPointerException", 41, SWITCHED - timedelta(hours=2)),
    ):
        ends = now - hours_ago
        signal = cmd.ReportLogSignal(
            gateway, fingerprint, count, ends - timedelta(hours=1), ends, "from the log pipeline"
        )
        await runtime.units.run(
            lambda uow, s=signal: signal_service.report_log_signal(uow, s),
            actor=cast.actor("ci"),
        )


async def _feedback(runtime: Runtime, cast: Cast) -> None:
    """Support tickets and in-app feedback about the card gateway around the switch."""
    now = runtime.clock.now()
    gateway = cast.services["card-gateway"]
    for kind, ref, title, tags, hours_ago in (
        ("support_ticket", "ZD-88412", "Checkout slow at lunchtime", ["slow-checkout"], 30),
        ("support_ticket", "ZD-88530", "Card declined twice, then fine", ["payment-declined"], 25),
        (
            "in_app",
            "APP-5521",
            "3-D Secure page reloads forever",
            ["3ds-loop", "slow-checkout"],
            22,
        ),
    ):
        item = cmd.ReportFeedback(
            gateway,
            kind,
            ref,
            title,
            tags=tuple(tags),
            occurred_at=now - timedelta(hours=hours_ago),
        )
        await runtime.units.run(
            lambda uow, c=item: feedback_service.report_feedback(uow, c),
            actor=cast.actor("engineer"),
        )
