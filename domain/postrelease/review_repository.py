"""SQL of the post-release review: reviews, metric templates, and the feedback and log signals
of a service within a window."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import rows_by_ids, scoped
from domain.postrelease.feedback_models import FeedbackItem
from domain.postrelease.review_models import MetricTemplate, PostReleaseReview
from domain.postrelease.signal_models import LogSignal

REVIEW = PostReleaseReview.__table__
TEMPLATE = MetricTemplate.__table__
FEEDBACK = FeedbackItem.__table__
SIGNAL = LogSignal.__table__
OPEN = "open"
UNAVAILABLE = "unavailable"


async def existing_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these deployment keys already have a review (one statement)."""
    if not keys:
        return set()
    stmt = select(REVIEW.c.deployment_key).where(REVIEW.c.deployment_key.in_(sorted(keys)))
    return set((await session.scalars(stmt)).all())


async def due_ungathered(session: AsyncSession, now: datetime, *, limit: int) -> list[uuid.UUID]:
    """Open reviews past due whose findings were read before they fell due, or whose metrics
    store was unavailable when last read (tried again each sweep), oldest first."""
    stmt = (
        select(REVIEW.c.id)
        .where(
            REVIEW.c.status == OPEN,
            REVIEW.c.due_at <= now,
            (REVIEW.c.gathered_at.is_(None))
            | (REVIEW.c.gathered_at < REVIEW.c.due_at)
            | (REVIEW.c.metrics_state == UNAVAILABLE),
        )
        .order_by(REVIEW.c.due_at)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def template_of(
    session: AsyncSession, service_id: uuid.UUID, *, for_update: bool = False
) -> MetricTemplate | None:
    stmt = select(MetricTemplate).where(MetricTemplate.service_id == service_id)
    if for_update:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def signal_counts(
    session: AsyncSession, service_id: uuid.UUID, start: datetime, end: datetime
) -> dict[str, int]:
    """Errors per fingerprint the service's log pipelines counted in windows ending in
    (start, end]."""
    stmt = (
        select(SIGNAL.c.fingerprint, func.sum(SIGNAL.c.count))
        .where(SIGNAL.c.service_id == service_id, SIGNAL.c.ends_at > start, SIGNAL.c.ends_at <= end)
        .group_by(SIGNAL.c.fingerprint)
    )
    return {fp: int(n) for fp, n in (await session.execute(stmt)).all()}


async def feedback_between(
    session: AsyncSession, service_id: uuid.UUID, start: datetime, end: datetime, *, limit: int
) -> list[Row[Any]]:
    """The service's feedback that occurred in [start, end), earliest first."""
    stmt = (
        select(FEEDBACK)
        .where(
            FEEDBACK.c.service_id == service_id,
            FEEDBACK.c.occurred_at >= start,
            FEEDBACK.c.occurred_at < end,
        )
        .order_by(FEEDBACK.c.occurred_at, FEEDBACK.c.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all())


async def reviews_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, REVIEW, ids)


async def reviews_of_deployments(
    session: AsyncSession, keys: Sequence[str], scope: Scope
) -> dict[Any, Row[Any]]:
    """The review of each deployment key, in the BUs of `scope`."""
    if not keys:
        return {}
    stmt = scoped(select(REVIEW).where(REVIEW.c.deployment_key.in_(keys)), REVIEW.c.bu_id, scope)
    return {row.deployment_key: row for row in (await session.execute(stmt)).all()}


async def reviews_page(
    session: AsyncSession,
    scope: Scope,
    *,
    team_id: uuid.UUID | None,
    bu_id: uuid.UUID | None,
    overdue_at: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Reviews in scope by due time (of a team or a BU; only open ones past due at
    `overdue_at` when given)."""
    stmt = scoped(select(REVIEW), REVIEW.c.bu_id, scope)
    if team_id is not None:
        stmt = stmt.where(REVIEW.c.team_id == team_id)
    if bu_id is not None:
        stmt = stmt.where(REVIEW.c.bu_id == bu_id)
    if overdue_at is not None:
        stmt = stmt.where(REVIEW.c.status == OPEN, REVIEW.c.due_at <= overdue_at)
    return await page_by(session, stmt, REVIEW, "due_at", first=first, after=after)


async def overdue_by_team(
    session: AsyncSession,
    scope: Scope,
    now: datetime,
    bu_id: uuid.UUID | None,
    team_ids: Sequence[uuid.UUID] | None = None,
) -> list[Row[Any]]:
    """(team_id, bu_id, overdue, oldest due_at) for every team with an open review past due."""
    stmt = scoped(
        select(
            REVIEW.c.team_id,
            REVIEW.c.bu_id,
            func.count().label("overdue"),
            func.min(REVIEW.c.due_at).label("oldest_due_at"),
        ).where(REVIEW.c.status == OPEN, REVIEW.c.due_at <= now),
        REVIEW.c.bu_id,
        scope,
    )
    if bu_id is not None:
        stmt = stmt.where(REVIEW.c.bu_id == bu_id)
    if team_ids is not None:
        stmt = stmt.where(REVIEW.c.team_id.in_(sorted(set(team_ids), key=str)))
    stmt = stmt.group_by(REVIEW.c.team_id, REVIEW.c.bu_id).order_by(
        func.count().desc(), REVIEW.c.team_id
    )
    return list((await session.execute(stmt)).all())


async def templates_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    if not service_ids:
        return {}
    stmt = select(TEMPLATE).where(TEMPLATE.c.service_id.in_(service_ids))
    return {row.service_id: row for row in (await session.execute(stmt)).all()}


MAX_DUE = 20_000


async def due_of_teams(
    session: AsyncSession, team_ids: Sequence[uuid.UUID], start: datetime, end: datetime
) -> list[Row[Any]]:
    """(team_id, due_at, closed_at) of the teams' reviews due in [start, end), earliest first."""
    stmt = (
        select(REVIEW.c.team_id, REVIEW.c.due_at, REVIEW.c.closed_at)
        .where(
            REVIEW.c.team_id.in_(sorted(set(team_ids), key=str)),
            REVIEW.c.due_at >= start,
            REVIEW.c.due_at < end,
        )
        .order_by(REVIEW.c.due_at)
        .limit(MAX_DUE)
    )
    rows: list[Row[Any]] = list((await session.execute(stmt)).all())  # type: ignore[arg-type]
    return rows
