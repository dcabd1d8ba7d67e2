"""A waiting promotion ends: cancelled by someone who may, or expired when its time runs out.

- A promotion expires `promotion_wait_expiry_hours` (the effective guardrail of its service when
  it was requested) after it was requested, if it is still waiting then. The stored row says
  when (`expires_at`); its status reads EXPIRED from that instant on, whatever the row holds
  (`status_at`), so expiry is exact without a job. The housekeeping sweep (`expire_waiting`)
  then writes the status, audited like any change, so lists and filters need no clock.
- An expired or cancelled promotion is neither approved nor decided again: it is asked anew.
- Its requester (while they may still request promotions there), a release manager of its BU
  or the RMO cancels a waiting promotion (`promotion/update`), with a reason.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, Forbidden, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.pipelines import promotion_repository as repo
from domain.pipelines.promotion_commands import CancelPromotion
from domain.pipelines.promotion_commands import PromotionErrorCode as Code
from domain.pipelines.promotion_models import Promotion
from domain.pipelines.vocabulary import PromotionStatus

EXPIRY_KEY = "promotion_wait_expiry_hours"
MAX_REASON = 2000
SWEEP_BATCH = 500
"""Promotions one sweep expires at most (the next sweep takes the rest)."""


def expiry(requested_at: datetime, hours: int) -> datetime:
    return requested_at + timedelta(hours=hours)


def status_at(status: str, expires_at: datetime | None, now: datetime) -> PromotionStatus:
    """The status as it stands at `now`: a waiting promotion past its time has expired."""
    if status == PromotionStatus.WAITING and expires_at is not None and now >= expires_at:
        return PromotionStatus.EXPIRED
    return PromotionStatus(status)


def as_read(
    status: str, summary: str, expires_at: datetime | None, now: datetime
) -> tuple[PromotionStatus, str]:
    """The status and summary of a stored promotion as they stand at `now`."""
    current = status_at(status, expires_at, now)
    if current is PromotionStatus.EXPIRED and status == PromotionStatus.WAITING:
        return current, expired_summary(expires_at)
    return current, summary


def expired_summary(expires_at: datetime | None) -> str:
    return f"Expired at {_at(expires_at)} while waiting."


def check_open(promotion: Promotion, now: datetime) -> None:
    """Refuse approving or deciding again a cancelled, expired or promoted promotion (a promoted
    one was carried out, so its decision stands)."""
    status = status_at(promotion.status, promotion.expires_at, now)
    if status is PromotionStatus.CANCELLED:
        raise DomainError("The promotion was cancelled.", code=Code.PROMOTION_CANCELLED)
    if status is PromotionStatus.PROMOTED:
        raise DomainError(
            "The promotion was carried out (promoted); its decision stands.",
            code=Code.PROMOTION_PROMOTED,
        )
    if status is PromotionStatus.EXPIRED:
        raise DomainError(
            f"The promotion expired at {_at(promotion.expires_at)} while waiting; ask again.",
            code=Code.PROMOTION_EXPIRED,
        )


def _at(when: datetime | None) -> str:
    return when.isoformat() if when else "its time"


def _cancel_rule(uow: UnitOfWork, promotion: Promotion) -> str:
    """Who may cancel: `promotion/update`, or its requester while they may request here."""
    rule = uow.authorizer.check(uow.actor, Action.UPDATE, Resource.PROMOTION, promotion.bu_id)
    if rule is not None:
        return rule
    requester = promotion.requested_by_id
    if requester is not None and requester == uow.actor.person_id:
        own = uow.authorizer.check(uow.actor, Action.CREATE, Resource.PROMOTION, promotion.bu_id)
        if own is not None:
            return f"requester of the promotion; {own}"
    raise Forbidden("You may not cancel this promotion.")


async def cancel_promotion(uow: UnitOfWork, c: CancelPromotion) -> Promotion:
    """Cancel a waiting promotion; anything else (allowed, refused, expired, cancelled) stays."""
    promotion = await repo.get_promotion(uow.session, c.promotion_id)
    if promotion is None or not uow.scope(Action.READ, Resource.PROMOTION).allows(promotion.bu_id):
        raise NotFound("Promotion was not found.", field="id")
    rule = _cancel_rule(uow, promotion)
    expect_version(promotion, c.version, "The promotion")
    reason = c.reason.strip()
    if len(reason) > MAX_REASON:
        raise DomainError(
            f"A reason is at most {MAX_REASON} characters.",
            code=Code.REASON_TOO_LONG,
            field="reason",
        )
    now = uow.clock.now()
    check_open(promotion, now)
    if promotion.status != PromotionStatus.WAITING:
        raise DomainError(
            f"Only a waiting promotion is cancelled; this one is {promotion.status}.",
            code=Code.PROMOTION_NOT_WAITING,
        )
    said = f"Cancelled by {uow.actor.username}" + (f": {reason}" if reason else ".")
    await _end(uow, promotion, PromotionStatus.CANCELLED, said, rule)
    return promotion


async def expire_waiting(uow: UnitOfWork) -> list[uuid.UUID]:
    """Write EXPIRED on the waiting promotions whose time has run out, each audited."""
    now = uow.clock.now()
    expired = await repo.waiting_expired(uow.session, now, SWEEP_BATCH)
    for promotion in expired:
        rule = f"{EXPIRY_KEY}: waiting past {_at(promotion.expires_at)}"
        summary = expired_summary(promotion.expires_at)
        await _end(uow, promotion, PromotionStatus.EXPIRED, summary, rule)
    return [p.id for p in expired]


async def _end(
    uow: UnitOfWork, promotion: Promotion, status: PromotionStatus, summary: str, rule: str
) -> None:
    """The promotion's last status, audited (`promotion.cancel`, `promotion.expire`)."""
    before = snapshot(promotion)
    promotion.status = status
    promotion.summary = summary
    promotion.updated_at = uow.clock.now()
    verb = {PromotionStatus.CANCELLED: "cancel", PromotionStatus.EXPIRED: "expire"}[status]
    await uow.updated(
        promotion, before, action=f"promotion.{verb}", bu_id=promotion.bu_id, rule=rule
    )
