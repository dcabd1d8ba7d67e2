"""SQL of emergency bypasses, their uses and post-facto reviews (and the releases created per
BU, counted over governance's published release rows)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.bypass_rules import BypassState, ReviewFacts
from domain.compliance.models import Bypass, BypassReview, BypassUse
from domain.compliance.vocabulary import BypassStatus
from domain.governance import fragments as governance
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, id_param, rows_by_ids, scoped

BYP = Bypass.__table__
USE = BypassUse.__table__
REV = BypassReview.__table__
APPROVED = str(BypassStatus.APPROVED)


# -- writes' reads --------------------------------------------------------------------------


async def get_bypass(
    session: AsyncSession, bypass_id: uuid.UUID, *, for_update: bool = False
) -> Bypass | None:
    """The bypass; with `for_update` its row is locked until commit (decisions serialize)."""
    stmt = select(Bypass).where(Bypass.id == bypass_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_review(
    session: AsyncSession, review_id: uuid.UUID, *, for_update: bool = False
) -> BypassReview | None:
    stmt = select(BypassReview).where(BypassReview.id == review_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def active_bypass_rows(
    session: AsyncSession, release_id: uuid.UUID, environment_id: uuid.UUID, now: datetime
) -> list[Row[Any]]:
    """Approved bypasses of the release for the target whose window is open at `now`."""
    values = {"release": release_id, "environment": environment_id, "now": now}
    return list((await session.execute(_ACTIVE, values)).all())


# Built once (a cold decision snapshot reads it; building costs more than running).
_ACTIVE = prepared(
    select(BYP)
    .where(
        BYP.c.release_id == id_param("release"),
        BYP.c.environment_id == id_param("environment"),
        BYP.c.status == APPROVED,
        BYP.c.approved_at <= bindparam("now"),
        BYP.c.expires_at > bindparam("now"),
    )
    .order_by(BYP.c.requested_at, BYP.c.id)
)


async def approved_bypass_rows(
    session: AsyncSession, release_ids: Collection[uuid.UUID]
) -> list[Row[Any]]:
    """Bypasses of these releases that were approved (a window was opened), any target."""
    stmt = select(BYP).where(
        BYP.c.release_id.in_(sorted(release_ids, key=str)), BYP.c.approved_at.is_not(None)
    )
    return list((await session.execute(stmt)).all())


# -- lists -----------------------------------------------------------------------------------


def _state_clause(state: BypassState, now: datetime) -> ColumnElement[bool]:
    if state == BypassState.ACTIVE:
        return and_(BYP.c.status == APPROVED, BYP.c.expires_at > now)
    if state == BypassState.EXPIRED:
        return and_(BYP.c.status == APPROVED, BYP.c.expires_at <= now)
    return BYP.c.status == state.value


async def bypasses_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    release_id: uuid.UUID | None,
    state: BypassState | None,
    now: datetime,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Bypasses in scope, oldest request first."""
    stmt = scoped(select(BYP), BYP.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(BYP.c.bu_id == bu_id)
    if release_id is not None:
        stmt = stmt.where(BYP.c.release_id == release_id)
    if state is not None:
        stmt = stmt.where(_state_clause(state, now))
    return await page_by(session, stmt, BYP, "requested_at", first=first, after=after)


async def reviews_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    overdue: bool | None,
    completed: bool | None,
    now: datetime,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Post-facto reviews in scope, soonest due first (the audit's work list)."""
    stmt = scoped(select(REV), REV.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(REV.c.bu_id == bu_id)
    if completed is not None:
        stmt = stmt.where(
            REV.c.completed_at.is_not(None) if completed else REV.c.completed_at.is_(None)
        )
    if overdue is True:
        stmt = stmt.where(REV.c.completed_at.is_(None), REV.c.due_at < now)
    elif overdue is False:
        stmt = stmt.where(or_(REV.c.completed_at.is_not(None), REV.c.due_at >= now))
    return await page_by(session, stmt, REV, "due_at", first=first, after=after)


async def bypasses_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, BYP, ids)


async def reviews_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, REV, ids)


async def reviews_by_bypass(
    session: AsyncSession, bypass_ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    if not bypass_ids:
        return {}
    rows = (await session.execute(select(REV).where(REV.c.bypass_id.in_(bypass_ids)))).all()
    return {r.bypass_id: r for r in rows}


async def uses_by_bypass(session: AsyncSession, bypass_ids: Sequence[uuid.UUID]) -> Grouped:
    if not bypass_ids:
        return {}
    stmt = select(USE).where(USE.c.bypass_id.in_(bypass_ids)).order_by(USE.c.used_at, USE.c.id)
    return group_by(list((await session.execute(stmt)).all()), "bypass_id")


# -- statistics ------------------------------------------------------------------------------


def _in_period(col: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(col >= start, col < end)


async def bypass_counts(
    session: AsyncSession, scope: Scope, bu_id: uuid.UUID | None, start: datetime, end: datetime
) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """Per BU: bypasses requested in [start, end), and how many of them were approved."""
    approved = func.count(BYP.c.approved_at)
    stmt = scoped(
        select(BYP.c.bu_id, func.count().label("requested"), approved.label("approved")),
        BYP.c.bu_id,
        scope,
    ).where(_in_period(BYP.c.requested_at, start, end))
    if bu_id is not None:
        stmt = stmt.where(BYP.c.bu_id == bu_id)
    rows = (await session.execute(stmt.group_by(BYP.c.bu_id))).all()
    return {r.bu_id: r.requested for r in rows}, {r.bu_id: r.approved for r in rows}


async def release_counts(
    session: AsyncSession, scope: Scope, bu_id: uuid.UUID | None, start: datetime, end: datetime
) -> dict[uuid.UUID, int]:
    """Per BU: releases created in [start, end)."""
    rel = governance.release_rows()
    stmt = scoped(select(rel.c.bu_id, func.count().label("n")), rel.c.bu_id, scope).where(
        _in_period(rel.c.created_at, start, end)
    )
    if bu_id is not None:
        stmt = stmt.where(rel.c.bu_id == bu_id)
    return {r.bu_id: r.n for r in (await session.execute(stmt.group_by(rel.c.bu_id))).all()}


async def review_facts(
    session: AsyncSession, scope: Scope, bu_id: uuid.UUID | None, start: datetime, end: datetime
) -> list[ReviewFacts]:
    """The reviews of the bypasses requested in [start, end)."""
    stmt = scoped(
        select(REV.c.bu_id, REV.c.opened_at, REV.c.due_at, REV.c.completed_at).join(
            BYP, BYP.c.id == REV.c.bypass_id
        ),
        REV.c.bu_id,
        scope,
    ).where(_in_period(BYP.c.requested_at, start, end))
    if bu_id is not None:
        stmt = stmt.where(REV.c.bu_id == bu_id)
    return [
        ReviewFacts(
            bu_id=r.bu_id, opened_at=r.opened_at, due_at=r.due_at, completed_at=r.completed_at
        )
        for r in (await session.execute(stmt)).all()
    ]
