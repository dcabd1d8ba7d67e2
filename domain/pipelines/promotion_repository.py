"""The SQL of promotions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, fetch_page
from domain.kernel.repository import scoped
from domain.organization.models import Person
from domain.pipelines.decision_rules import ApprovalFacts
from domain.pipelines.promotion_models import Promotion, PromotionApproval


async def get_promotion(session: AsyncSession, promotion_id: uuid.UUID) -> Promotion | None:
    return await session.get(Promotion, promotion_id)


async def people_by_username(session: AsyncSession, names: Sequence[str]) -> dict[str, uuid.UUID]:
    if not names:
        return {}
    stmt = select(Person.username, Person.id).where(Person.username.in_(list(names)))
    return {row.username: row.id for row in (await session.execute(stmt)).all()}


async def approvals_of(session: AsyncSession, promotion_id: uuid.UUID) -> list[ApprovalFacts]:
    stmt = (
        select(
            PromotionApproval.id,
            PromotionApproval.approver_id,
            Person.username,
            PromotionApproval.approved_at,
        )
        .join(Person, Person.id == PromotionApproval.approver_id)
        .where(PromotionApproval.promotion_id == promotion_id)
        .order_by(PromotionApproval.approved_at, PromotionApproval.id)
    )
    return [
        ApprovalFacts(r.id, r.approver_id, r.username, r.approved_at)
        for r in (await session.execute(stmt)).all()
    ]


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
    return await fetch_page(
        session,
        stmt,
        sort_col=table.c.created_at,
        id_col=table.c.id,
        sort_key="created_at",
        first=first,
        after=after,
    )


async def ids_by_keys(
    session: AsyncSession, service_key: str, environment_key: str
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """A service and an environment by their keys (both unique across Signalbox)."""
    from domain.environments.models import Environment
    from domain.organization.models import Service

    service = await session.scalar(select(Service.id).where(Service.key == service_key))
    env = await session.scalar(select(Environment.id).where(Environment.key == environment_key))
    return service, env
