"""A waiting promotion ends: cancelled by someone who may, or expired when its time runs out;
on a real database (SQLite and PostgreSQL), the clock moved by hand.

The promotion goes to a staging environment of the deploy world: it waits for an approval and
for the evidence the core guardrails require, so nothing but time or a cancel changes it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.kernel.access import Action
from domain.kernel.errors import DomainError, Forbidden, VersionConflict
from domain.pipelines import promotion_lifecycle as lifecycle
from domain.pipelines import promotion_queries, promotions
from domain.pipelines.promotion_commands import ApprovePromotion, AskPromotion, CancelPromotion
from domain.pipelines.promotion_models import Promotion
from domain.pipelines.vocabulary import PromotionStatus
from tests.domain.pipelines.deploy_support import DeployWorld
from tests.world import Grants

WEEK = timedelta(hours=168)
"""The core guardrails' promotion_wait_expiry_hours."""


async def waiting(w: DeployWorld) -> Promotion:
    staging = await w.add.environment(w.bu, kind="staging")
    ask = AskPromotion(w.service.id, staging.id, "1.4.2")
    promotion, _ = await w.run(promotions.request_promotion, ask)
    assert promotion.status == PromotionStatus.WAITING, promotion.summary
    return promotion


async def refused(w: DeployWorld, use_case: object, *args: object, **kw: object) -> str:
    with pytest.raises(DomainError) as caught:
        await w.run(use_case, *args, **kw)  # type: ignore[arg-type]
    return str(caught.value.code)


async def listed(w: DeployWorld, status: str) -> list[object]:
    page = await promotion_queries.promotions(
        w.reader(),
        service_id=w.service.id,
        environment_id=None,
        statuses=[status],
        now=w.clock.now(),
        first=50,
        after=None,
    )
    return [row.id for row in page.items]


class TestAWaitingPromotionExpires:
    async def test_it_expires_when_the_guardrails_say_and_reads_expired_from_then_on(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        promotion = await waiting(w)
        assert promotion.expires_at == w.clock.now() + WEEK
        w.clock.advance(WEEK - timedelta(seconds=1))
        assert await listed(w, "waiting") == [promotion.id]
        w.clock.advance(timedelta(seconds=1))
        status, summary = lifecycle.as_read(
            promotion.status, promotion.summary, promotion.expires_at, w.clock.now()
        )
        assert (status, summary) == (
            PromotionStatus.EXPIRED,
            f"Expired at {promotion.expires_at.isoformat()} while waiting.",
        )
        assert await listed(w, "waiting") == []
        assert await listed(w, "expired") == [promotion.id]

    async def test_an_expired_promotion_is_neither_approved_nor_decided_again(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        await w.add.person("approver")
        promotion = await waiting(w)
        w.clock.advance(WEEK)
        approve = ApprovePromotion(promotion.id, promotion.version)
        assert await refused(w, promotions.approve_promotion, approve, who="approver") == (
            "PROMOTION_EXPIRED"
        )
        assert await refused(w, promotions.decide_promotion, promotion.id) == "PROMOTION_EXPIRED"

    async def test_the_sweep_writes_expired_once_audited_and_leaves_the_others(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        old = await waiting(w)
        w.clock.advance(timedelta(days=3))
        young = await waiting(w)
        w.clock.advance(timedelta(days=4))
        assert await w.run(lifecycle.expire_waiting) == [old.id]
        assert await w.run(lifecycle.expire_waiting) == []
        assert (old.status, young.status) == (PromotionStatus.EXPIRED, PromotionStatus.WAITING)
        assert old.summary == f"Expired at {old.expires_at.isoformat()} while waiting."
        [*_, record] = await w.audit(old.id)
        assert (record.action, record.rule) == (
            "promotion.expire",
            f"promotion_wait_expiry_hours: waiting past {old.expires_at.isoformat()}",
        )
        assert (record.before["status"], record.after["status"]) == ("waiting", "expired")


class TestAWaitingPromotionIsCancelled:
    async def test_its_requester_cancels_it_with_a_reason_in_the_audit_trail(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        promotion = await waiting(w)
        requester = Grants({Action.CREATE: [w.bu], Action.READ: [w.bu]})
        cancel = CancelPromotion(promotion.id, promotion.version, " Superseded by 1.4.3. ")
        await w.run(lifecycle.cancel_promotion, cancel, authorizer=requester)
        assert promotion.status == PromotionStatus.CANCELLED
        assert promotion.summary == f"Cancelled by {w.actor().username}: Superseded by 1.4.3."
        [*_, record] = await w.audit(promotion.id)
        assert (record.action, record.rule) == (
            "promotion.cancel",
            "requester of the promotion; test: granted",
        )
        assert await listed(w, "cancelled") == [promotion.id]

    async def test_someone_else_needs_promotion_update(self, deploy_world: DeployWorld) -> None:
        w = deploy_world
        await w.add.person("bob2")
        promotion = await waiting(w)
        cancel = CancelPromotion(promotion.id, promotion.version)
        may_request = Grants({Action.CREATE: [w.bu], Action.READ: [w.bu]})
        with pytest.raises(Forbidden):
            await w.run(lifecycle.cancel_promotion, cancel, who="bob2", authorizer=may_request)
        manager = Grants({Action.UPDATE: [w.bu], Action.READ: [w.bu]})
        await w.run(lifecycle.cancel_promotion, cancel, who="bob2", authorizer=manager)
        assert promotion.status == PromotionStatus.CANCELLED

    async def test_only_a_waiting_promotion_on_its_current_version_is_cancelled(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        promotion = await waiting(w)
        with pytest.raises(VersionConflict):
            await w.run(lifecycle.cancel_promotion, CancelPromotion(promotion.id, 99))
        cancel = CancelPromotion(promotion.id, promotion.version, "x" * 2001)
        assert await refused(w, lifecycle.cancel_promotion, cancel) == "REASON_TOO_LONG"
        await w.run(lifecycle.cancel_promotion, CancelPromotion(promotion.id, promotion.version))
        again = CancelPromotion(promotion.id, promotion.version)
        assert await refused(w, lifecycle.cancel_promotion, again) == "PROMOTION_CANCELLED"
        assert await refused(w, promotions.decide_promotion, promotion.id) == (
            "PROMOTION_CANCELLED"
        )
        other = await waiting(w)
        other.status = PromotionStatus.ALLOWED
        stale = CancelPromotion(other.id, other.version)
        assert await refused(w, lifecycle.cancel_promotion, stale) == "PROMOTION_NOT_WAITING"
        expired = await waiting(w)
        w.clock.advance(WEEK)
        late = CancelPromotion(expired.id, expired.version)
        assert await refused(w, lifecycle.cancel_promotion, late) == "PROMOTION_EXPIRED"
