"""Promotions in the living world, on the evidence `demo.delivery` reported: the card gateway's
3-D Secure exemptions build (4.3.0) ALLOWED to production-eu by three approvers and rolling out
there as a canary, the same build WAITING for its approvals to production-us, and an older
build (4.2.9) with critical vulnerabilities REFUSED."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.kernel.uow import UnitOfWork
from domain.pipelines import deployments, promotions
from domain.pipelines import promotion_repository as promotion_repo
from domain.pipelines.deployment_commands import CreateDeployment, ReportHealth
from domain.pipelines.health_rules import Metrics
from domain.pipelines.promotion_commands import ApprovePromotion, AskPromotion, Change
from domain.pipelines.promotion_models import Promotion
from domain.pipelines.vocabulary import PromotionStatus
from domain.risk import peer_reviews
from domain.risk.commands import RecordPeerReview

if TYPE_CHECKING:
    from api.runtime import Runtime

CHANGE = Change("payments/card-gateway#812", authors=("engineer",), reviewers=("sre",))
APPROVERS = (
    ("eng-approver", "Load tested at three times the peak."),
    ("product-owner", "Merchants asked for it; the exemption rules are signed off."),
    ("approver", "Exemption requests are signed; no card data in the logs."),
)


async def load_promotions(
    runtime: Runtime, cast: Cast, releases: dict[str, uuid.UUID], regions: dict[str, uuid.UUID]
) -> None:
    run = runtime.units.run
    await run(lambda uow: _peer_reviews(uow, releases), actor=cast.actor("sre"))
    gateway = cast.services["card-gateway"]
    eu = AskPromotion(gateway, regions["production-eu"], "4.3.0", releases["exemptions"], (CHANGE,))
    us = AskPromotion(gateway, regions["production-us"], "4.3.0", releases["exemptions"], (CHANGE,))
    old = AskPromotion(gateway, regions["production-eu"], "4.2.9", None, (CHANGE,))

    async def ask(uow: UnitOfWork) -> Promotion:
        allowed, _ = await promotions.request_promotion(uow, eu)
        await promotions.request_promotion(uow, us)
        await promotions.request_promotion(uow, old)
        return allowed

    asked = await run(ask, actor=cast.actor("ci"))
    if asked.status != PromotionStatus.WAITING:
        return  # Loaded inside the quarter-end close: the freeze refuses it, as it should.
    for approver, note in APPROVERS:
        await run(lambda uow, note=note: _approve(uow, asked.id, note), actor=cast.actor(approver))
    await run(lambda uow: _canary(uow, eu, asked.id), actor=cast.actor("sre"))


async def _peer_reviews(uow: UnitOfWork, releases: dict[str, uuid.UUID]) -> None:
    for key in ("exemptions", "tokens"):
        await peer_reviews.record_peer_review(
            uow, RecordPeerReview(releases[key], "approved", "Read the diff and the runbook.")
        )


async def _approve(uow: UnitOfWork, promotion_id: uuid.UUID, note: str) -> None:
    promotion = await promotion_repo.get_promotion(uow.session, promotion_id)
    assert promotion is not None
    await promotions.approve_promotion(uow, ApprovePromotion(promotion.id, promotion.version, note))


async def _canary(uow: UnitOfWork, ask: AskPromotion, promotion_id: uuid.UUID) -> None:
    """The allowed build rolls out to production-eu: 10 % then 50 % then everyone; it is in its
    first step, whose health report so far is good."""
    deployment = await deployments.create_deployment(
        uow,
        CreateDeployment(
            service_id=ask.service_id,
            environment_id=ask.environment_id,
            artifact_version=ask.artifact_version,
            strategy="canary",
            canary_steps=[(10, 30), (50, 60), (100, 0)],
            promotion_id=promotion_id,
            release_id=ask.release_id,
        ),
    )
    deployment = await deployments.start_deployment(uow, deployment.id, deployment.version)
    await deployments.report_health(
        uow,
        ReportHealth(
            deployment.id,
            0,
            Metrics(error_rate=0.002, latency_p99_ms=182.0, saturation=0.41),
            Metrics(error_rate=0.003, latency_p99_ms=188.0, saturation=0.44),
        ),
    )
