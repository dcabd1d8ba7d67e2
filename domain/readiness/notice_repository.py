"""All SQL of downtime communication: notices, their recipients and subscriptions."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, id_param, rows_by_ids, scoped
from domain.readiness.notice_models import DowntimeNotice, DowntimeRecipient, DowntimeSubscription
from domain.readiness.notice_rules import NoticeFacts, RecipientFacts

NOTICE = DowntimeNotice.__table__
RECIPIENT = DowntimeRecipient.__table__
SUBSCRIPTION = DowntimeSubscription.__table__


async def notice_of_release(
    session: AsyncSession, release_id: uuid.UUID, *, for_update: bool = False
) -> DowntimeNotice | None:
    stmt = select(DowntimeNotice).where(DowntimeNotice.release_id == release_id)
    if for_update:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def get_notice(
    session: AsyncSession, notice_id: uuid.UUID, *, for_update: bool = False
) -> DowntimeNotice | None:
    stmt = select(DowntimeNotice).where(DowntimeNotice.id == notice_id)
    if for_update:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def recipients_of(session: AsyncSession, notice_id: uuid.UUID) -> list[DowntimeRecipient]:
    stmt = select(DowntimeRecipient).where(DowntimeRecipient.notice_id == notice_id)
    return list((await session.scalars(stmt)).all())


async def get_recipient(
    session: AsyncSession, recipient_id: uuid.UUID, *, for_update: bool = False
) -> DowntimeRecipient | None:
    stmt = select(DowntimeRecipient).where(DowntimeRecipient.id == recipient_id)
    if for_update:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def recipient_of_team(
    session: AsyncSession, notice_id: uuid.UUID, team_id: uuid.UUID
) -> DowntimeRecipient | None:
    stmt = (
        select(DowntimeRecipient)
        .where(DowntimeRecipient.notice_id == notice_id, DowntimeRecipient.team_id == team_id)
        .with_for_update()
    )
    return await session.scalar(stmt)


async def notice_facts(session: AsyncSession, release_id: uuid.UUID) -> NoticeFacts | None:
    """The release's notice with its recipients, in one statement (None without a notice)."""
    rows = (await session.execute(_NOTICE_FACTS, {"id": release_id})).all()
    if not rows:
        return None
    first = rows[0]
    return NoticeFacts(
        id=first.id,
        kind=first.kind,
        issued_at=first.issued_at,
        escalated_at=first.escalated_at,
        recipients=tuple(
            RecipientFacts(r.team_id, r.acknowledged_at) for r in rows if r.team_id is not None
        ),
    )


async def subscriptions_for(
    session: AsyncSession, team_ids: Collection[uuid.UUID], service_ids: Collection[uuid.UUID]
) -> list[Row[Any]]:
    """Subscriptions of these teams and these services, in one statement."""
    if not team_ids and not service_ids:
        return []
    c = SUBSCRIPTION.c
    stmt = (
        select(SUBSCRIPTION)
        .where(
            or_(
                (c.subject == "team") & c.subject_id.in_(set(team_ids)),
                (c.subject == "service") & c.subject_id.in_(set(service_ids)),
            )
        )
        .order_by(c.email, c.id)
    )
    return list((await session.execute(stmt)).all())


async def subscription_exists(
    session: AsyncSession, subject: str, subject_id: uuid.UUID, email: str
) -> bool:
    c = SUBSCRIPTION.c
    stmt = select(c.id).where(c.subject == subject, c.subject_id == subject_id, c.email == email)
    return (await session.scalar(stmt)) is not None


async def get_subscription(
    session: AsyncSession, subscription_id: uuid.UUID
) -> DowntimeSubscription | None:
    return await session.get(DowntimeSubscription, subscription_id)


# -- for DataLoaders and lists ------------------------------------------------------------


async def notices_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, NOTICE, ids)


async def subscriptions_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, SUBSCRIPTION, ids)


async def notices_by_release_ids(
    session: AsyncSession, release_ids: Sequence[uuid.UUID], scope: Scope
) -> dict[Any, Row[Any]]:
    """The notices of these releases readable in `scope`, by release, in one statement."""
    if not release_ids:
        return {}
    stmt = scoped(select(NOTICE).where(NOTICE.c.release_id.in_(release_ids)), NOTICE.c.bu_id, scope)
    return {r.release_id: r for r in await session.execute(stmt)}


async def recipients_by_notice_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Grouped:
    """The recipients of these notices, grouped by notice, in one statement."""
    if not ids:
        return {}
    stmt = select(RECIPIENT).where(RECIPIENT.c.notice_id.in_(ids)).order_by(RECIPIENT.c.id)
    return group_by((await session.execute(stmt)).all(), "notice_id")


# Built once (a cold decision snapshot reads it; building costs more than running).
_NOTICE_FACTS = prepared(
    select(
        NOTICE.c.id,
        NOTICE.c.kind,
        NOTICE.c.issued_at,
        NOTICE.c.escalated_at,
        RECIPIENT.c.team_id,
        RECIPIENT.c.acknowledged_at,
    )
    .select_from(NOTICE.outerjoin(RECIPIENT, RECIPIENT.c.notice_id == NOTICE.c.id))
    .where(NOTICE.c.release_id == id_param())
)
