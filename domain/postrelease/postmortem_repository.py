"""SQL of blameless post-mortems: the post-mortems, their factors and action items."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import Grouped, group_by, rows_by_ids, scoped
from domain.postrelease.postmortem_models import PostMortem, PostMortemAction, PostMortemFactor
from domain.postrelease.postmortem_vocabulary import ActionStatus, PostMortemStatus

PM = PostMortem.__table__
FACTOR = PostMortemFactor.__table__
ACTION = PostMortemAction.__table__


async def post_mortem_of(session: AsyncSession, incident_id: uuid.UUID) -> PostMortem | None:
    return await session.scalar(select(PostMortem).where(PostMortem.incident_id == incident_id))


async def actions_of(
    session: AsyncSession, post_mortem_ids: Sequence[uuid.UUID]
) -> list[PostMortemAction]:
    stmt = (
        select(PostMortemAction)
        .where(PostMortemAction.post_mortem_id.in_(sorted(post_mortem_ids, key=str)))
        .order_by(PostMortemAction.created_at, PostMortemAction.id)
    )
    return list((await session.scalars(stmt)).all())


async def open_actions(session: AsyncSession, limit: int) -> list[PostMortemAction]:
    """Open action items, oldest first, locked for this sweep."""
    stmt = (
        select(PostMortemAction)
        .where(PostMortemAction.status == ActionStatus.OPEN.value)
        .order_by(PostMortemAction.created_at, PostMortemAction.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.scalars(stmt)).all())


async def post_mortems(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, PostMortem]:
    if not ids:
        return {}
    stmt = select(PostMortem).where(PostMortem.id.in_(sorted(ids, key=str)))
    return {p.id: p for p in (await session.scalars(stmt)).all()}


async def post_mortems_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, PM, ids)


async def post_mortems_of_incidents(
    session: AsyncSession, incident_ids: Sequence[uuid.UUID], scope: Scope
) -> dict[Any, Row[Any]]:
    if not incident_ids:
        return {}
    stmt = scoped(select(PM).where(PM.c.incident_id.in_(incident_ids)), PM.c.bu_id, scope)
    return {r.incident_id: r for r in (await session.execute(stmt)).all()}


async def factors_of(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Grouped:
    if not ids:
        return {}
    stmt = (
        select(FACTOR)
        .where(FACTOR.c.post_mortem_id.in_(ids))
        .order_by(FACTOR.c.added_at, FACTOR.c.id)
    )
    return group_by(list((await session.execute(stmt)).all()), "post_mortem_id")


async def action_rows_of(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Grouped:
    if not ids:
        return {}
    stmt = (
        select(ACTION)
        .where(ACTION.c.post_mortem_id.in_(ids))
        .order_by(ACTION.c.created_at, ACTION.c.id)
    )
    return group_by(list((await session.execute(stmt)).all()), "post_mortem_id")


async def page_of_bu(
    session: AsyncSession,
    bu_id: uuid.UUID,
    *,
    overdue_at: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """A BU's post-mortems, by due date; only the open ones past due at `overdue_at` if given."""
    stmt = select(PM).where(PM.c.bu_id == bu_id)
    if overdue_at is not None:
        stmt = stmt.where(PM.c.status == PostMortemStatus.OPEN.value, PM.c.due_at < overdue_at)
    return await page_by(session, stmt, PM, "due_at", first=first, after=after)
