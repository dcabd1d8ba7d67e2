"""SQL of freezes, their stakeholders and exceptions, and quarterly alignments."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.models import (
    Alignment,
    DeploymentWindow,
    Freeze,
    FreezeApproval,
    FreezeException,
    FreezeService,
)
from domain.calendar.vocabulary import ExceptionStatus, FreezeStatus, WindowStatus
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import rows_by_ids, rows_with_bu_by_ids

FREEZE = Freeze.__table__
APPROVAL = FreezeApproval.__table__
FREEZE_SERVICE = FreezeService.__table__
EXC = FreezeException.__table__
WINDOW = DeploymentWindow.__table__
ALIGNMENT = Alignment.__table__


def visible_bu(bu_col: Any, scope: Scope) -> Any:
    """Org-level things (no BU) are visible to anyone who may read the kind at all."""
    if scope.everywhere:
        return None
    return or_(bu_col.is_(None), bu_col.in_(sorted(scope.bu_ids, key=str)))


# -- freezes -------------------------------------------------------------------------------


async def approvals_of(session: AsyncSession, freeze_id: uuid.UUID) -> list[FreezeApproval]:
    stmt = select(FreezeApproval).where(FreezeApproval.freeze_id == freeze_id)
    return list((await session.scalars(stmt)).all())


async def freezes_overlapping(
    session: AsyncSession, statuses: Sequence[str], starts_at: datetime, ends_at: datetime
) -> list[Row[Any]]:
    """Freezes in a status whose occurrences may fall in the range: first occurrence before its
    end, not over before its start (the status, starts_at index)."""
    values = {"statuses": list(statuses), "starts": starts_at, "ends": ends_at}
    rows: list[Row[Any]] = list((await session.execute(_OVERLAPPING, values)).all())
    return rows


# Built once (a cold decision snapshot reads it; building costs more than running).
_OVERLAPPING = prepared(
    select(FREEZE)
    .where(
        FREEZE.c.status.in_(bindparam("statuses", expanding=True)),
        FREEZE.c.starts_at < bindparam("ends"),
        or_(FREEZE.c.effective_until.is_(None), FREEZE.c.effective_until > bindparam("starts")),
        or_(FREEZE.c.rrule.is_not(None), FREEZE.c.ends_at > bindparam("starts")),
    )
    .order_by(FREEZE.c.starts_at)
)


async def services_by_freeze(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, list[uuid.UUID]]:
    grouped: dict[Any, list[uuid.UUID]] = defaultdict(list)
    if ids:
        stmt = select(FREEZE_SERVICE.c.freeze_id, FREEZE_SERVICE.c.service_id).where(
            FREEZE_SERVICE.c.freeze_id.in_(ids)
        )
        for r in (await session.execute(stmt)).all():
            grouped[r.freeze_id].append(r.service_id)
    return grouped


async def approvals_by_freeze(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, list[Row[Any]]]:
    grouped: dict[Any, list[Row[Any]]] = defaultdict(list)
    if ids:
        stmt = select(APPROVAL).where(APPROVAL.c.freeze_id.in_(ids)).order_by(APPROVAL.c.id)
        for r in (await session.execute(stmt)).all():
            grouped[r.freeze_id].append(r)
    return grouped


async def freezes_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, FREEZE, ids)


async def freezes_page(
    session: AsyncSession,
    scope: Scope,
    *,
    status: str | None,
    bu_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = select(FREEZE)
    clause = visible_bu(FREEZE.c.bu_id, scope)
    if clause is not None:
        stmt = stmt.where(clause)
    if status is not None:
        stmt = stmt.where(FREEZE.c.status == status)
    if bu_id is not None:
        stmt = stmt.where(or_(FREEZE.c.bu_id == bu_id, FREEZE.c.bu_id.is_(None)))
    return await page_by(session, stmt, FREEZE, "starts_at", first=first, after=after)


# -- exceptions ----------------------------------------------------------------------------


async def get_exception(session: AsyncSession, exception_id: uuid.UUID) -> FreezeException | None:
    return await session.get(FreezeException, exception_id)


async def approved_exceptions(
    session: AsyncSession, release_id: uuid.UUID, freeze_ids: Sequence[uuid.UUID]
) -> list[Any]:
    """Approved exceptions of one release for these freezes, with their (planned) window's times."""
    return await approved_exceptions_of(session, [release_id], freeze_ids)


async def approved_exceptions_of(
    session: AsyncSession, release_ids: Sequence[uuid.UUID], freeze_ids: Sequence[uuid.UUID]
) -> list[Any]:
    """Approved exceptions of these releases for these freezes, with each one's release and its
    (planned) window's times, in one statement."""
    if not freeze_ids or not release_ids:
        return []
    stmt = (
        select(
            EXC.c.id,
            EXC.c.release_id,
            EXC.c.freeze_id,
            EXC.c.expires_at,
            WINDOW.c.starts_at.label("window_starts_at"),
            WINDOW.c.ends_at.label("window_ends_at"),
        )
        .join(WINDOW, WINDOW.c.id == EXC.c.window_id)
        .where(
            EXC.c.release_id.in_(release_ids),
            EXC.c.freeze_id.in_(freeze_ids),
            EXC.c.status == str(ExceptionStatus.APPROVED),
            WINDOW.c.status == str(WindowStatus.PLANNED),
        )
    )
    return list((await session.execute(stmt)).all())


async def exceptions_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_with_bu_by_ids(session, EXC, ids, parent=WINDOW, via="window_id")


async def exceptions_for_review_page(
    session: AsyncSession, scope: Scope, *, now: datetime, first: int | None, after: str | None
) -> Page[Row[Any]]:
    """Approved, not yet reviewed exceptions whose window has ended or which expired."""
    stmt = (
        select(EXC, WINDOW.c.bu_id)
        .join(WINDOW, WINDOW.c.id == EXC.c.window_id)
        .where(
            EXC.c.status == str(ExceptionStatus.APPROVED),
            EXC.c.reviewed_at.is_(None),
            or_(EXC.c.expires_at <= now, WINDOW.c.ends_at <= now),
        )
    )
    if not scope.everywhere:
        stmt = stmt.where(WINDOW.c.bu_id.in_(sorted(scope.bu_ids, key=str)))
    return await page_by(session, stmt, EXC, "expires_at", first=first, after=after)


async def exceptions_by_freeze(
    session: AsyncSession, ids: Sequence[uuid.UUID], scope: Scope
) -> dict[Any, list[Row[Any]]]:
    grouped: dict[Any, list[Row[Any]]] = defaultdict(list)
    if not ids:
        return grouped
    stmt = (
        select(EXC, WINDOW.c.bu_id)
        .join(WINDOW, WINDOW.c.id == EXC.c.window_id)
        .where(EXC.c.freeze_id.in_(ids))
        .order_by(EXC.c.created_at, EXC.c.id)
    )
    if not scope.everywhere:
        stmt = stmt.where(WINDOW.c.bu_id.in_(sorted(scope.bu_ids, key=str)))
    for r in (await session.execute(stmt)).all():
        grouped[r.freeze_id].append(r)
    return grouped


async def open_exception(
    session: AsyncSession, freeze_id: uuid.UUID, window_id: uuid.UUID
) -> FreezeException | None:
    """A requested or approved exception for this freeze and window, if one exists."""
    stmt = select(FreezeException).where(
        FreezeException.freeze_id == freeze_id,
        FreezeException.window_id == window_id,
        FreezeException.status.in_([str(ExceptionStatus.REQUESTED), str(ExceptionStatus.APPROVED)]),
    )
    return (await session.scalars(stmt)).first()


# -- alignments ----------------------------------------------------------------------------


async def newest_alignment(
    session: AsyncSession, quarter: str, bu_id: uuid.UUID | None
) -> Row[Any] | None:
    """The newest alignment of the quarter for the BU or the whole organization."""
    stmt = select(ALIGNMENT).where(ALIGNMENT.c.quarter == quarter)
    if bu_id is not None:
        stmt = stmt.where(or_(ALIGNMENT.c.bu_id == bu_id, ALIGNMENT.c.bu_id.is_(None)))
    stmt = stmt.order_by(ALIGNMENT.c.created_at.desc(), ALIGNMENT.c.id.desc()).limit(1)
    return (await session.execute(stmt)).first()


async def alignments_page(
    session: AsyncSession,
    scope: Scope,
    *,
    quarter: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = select(ALIGNMENT)
    clause = visible_bu(ALIGNMENT.c.bu_id, scope)
    if clause is not None:
        stmt = stmt.where(clause)
    if quarter is not None:
        stmt = stmt.where(ALIGNMENT.c.quarter == quarter)
    return await page_by(session, stmt, ALIGNMENT, "created_at", first=first, after=after)


async def alignments_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    if not ids:
        return {}
    stmt = select(ALIGNMENT).where(ALIGNMENT.c.id.in_(ids))
    return {r.id: r for r in (await session.execute(stmt))}


FREEZE_BINDING = [str(FreezeStatus.APPROVED)]
"""Only approved freezes bind."""
