"""The SQL of promotions (other contexts' rows are read through their facts modules)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.facts import environment_id_by_key
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import scoped
from domain.organization.facts import service_id_by_key
from domain.pipelines.promotion_models import Promotion, PromotionApproval


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
    status: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    table = Promotion.__table__
    stmt = scoped(select(table), table.c.bu_id, scope)
    if service_id is not None:
        stmt = stmt.where(table.c.service_id == service_id)
    if environment_id is not None:
        stmt = stmt.where(table.c.environment_id == environment_id)
    if status is not None:
        stmt = stmt.where(table.c.status == status)
    return await page_by(session, stmt, table, "created_at", first=first, after=after)


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
