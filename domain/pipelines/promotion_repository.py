"""The SQL of promotions (other contexts' rows are read through their facts modules)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.facts import environment_id_by_key
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import scoped
from domain.organization.facts import service_id_by_key
from domain.pipelines.promotion_models import Promotion, PromotionApproval
from domain.pipelines.vocabulary import PromotionStatus


async def get_promotion(session: AsyncSession, promotion_id: uuid.UUID) -> Promotion | None:
    return await session.get(Promotion, promotion_id)


async def approvals_of(session: AsyncSession, promotion_id: uuid.UUID) -> list[Any]:
    """The approvals of a promotion (id, approver_id, approved_at), oldest first."""
    stmt = (
        select(PromotionApproval.id, PromotionApproval.approver_id, PromotionApproval.approved_at)
        .where(PromotionApproval.promotion_id == promotion_id)
        .order_by(PromotionApproval.approved_at, PromotionApproval.id)
    )
    return list((await session.execute(stmt)).all())


async def promotions_page(
    session: AsyncSession,
    scope: Scope,
    *,
    service_id: uuid.UUID | None,
    environment_id: uuid.UUID | None,
    statuses: Sequence[str],
    now: datetime,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """A page of promotions in any of `statuses` (all when none); a waiting one past its time
    is filtered as expired."""
    table = Promotion.__table__
    stmt = scoped(select(table), table.c.bu_id, scope)
    if service_id is not None:
        stmt = stmt.where(table.c.service_id == service_id)
    if environment_id is not None:
        stmt = stmt.where(table.c.environment_id == environment_id)
    if statuses:
        stmt = stmt.where(or_(*(_status_at(status, now) for status in statuses)))
    return await page_by(session, stmt, table, "created_at", first=first, after=after)


def _status_at(status: str, now: datetime) -> ColumnElement[bool]:
    """Promotions whose status at `now` is `status` (promotion_lifecycle.status_at in SQL)."""
    c = Promotion.__table__.c
    lapsed = and_(c.status == PromotionStatus.WAITING, c.expires_at <= now)
    if status == PromotionStatus.EXPIRED:
        return or_(c.status == status, lapsed)
    if status == PromotionStatus.WAITING:
        return and_(c.status == status, or_(c.expires_at.is_(None), c.expires_at > now))
    return c.status == status


async def release_promoted(
    session: AsyncSession, service_id: uuid.UUID, environment_id: uuid.UUID, version: str
) -> uuid.UUID | None:
    """The release of the latest promotion of this version of the service to the environment
    that names one."""
    stmt = (
        select(Promotion.release_id)
        .where(
            Promotion.service_id == service_id,
            Promotion.environment_id == environment_id,
            Promotion.artifact_version == version,
            Promotion.release_id.is_not(None),
        )
        .order_by(Promotion.created_at.desc(), Promotion.id.desc())
        .limit(1)
    )
    return await session.scalar(stmt)


async def ids_by_keys(
    session: AsyncSession, service_key: str, environment_key: str
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """A service and an environment by their keys (both unique across Signalbox)."""
    service = await service_id_by_key(session, service_key)
    return service, await environment_id_by_key(session, environment_key)


async def waiting_expired(session: AsyncSession, now: datetime, limit: int) -> list[Promotion]:
    """Waiting promotions whose time ran out, oldest first, locked (the index on status and
    expires_at finds them)."""
    stmt = (
        select(Promotion)
        .where(Promotion.status == PromotionStatus.WAITING, Promotion.expires_at <= now)
        .order_by(Promotion.expires_at, Promotion.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.scalars(stmt))
