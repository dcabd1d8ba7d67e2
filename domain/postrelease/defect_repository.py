"""SQL of post-release defects and their detected patterns."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.fragments import release_rows
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import rows_by_ids, scoped
from domain.organization.fragments import business_unit_rows, service_rows
from domain.postrelease.defect_models import Defect, DefectPattern

DEFECT = Defect.__table__
PATTERN = DefectPattern.__table__
FINISHED = (ReleaseStatus.DEPLOYED.value, ReleaseStatus.ROLLED_BACK.value)
MAX_IN_PERIOD = 20_000
"""At most this many defects (or finished releases) read for one BU's two periods."""


async def get_defect(session: AsyncSession, defect_id: uuid.UUID) -> Defect | None:
    return await session.get(Defect, defect_id)


def _in(col: Any, ids: Collection[uuid.UUID] | None) -> Any:
    return True if ids is None else col.in_(sorted(ids, key=str))


async def defects_between(
    session: AsyncSession, bu_ids: Collection[uuid.UUID] | None, start: datetime, end: datetime
) -> list[Row[Any]]:
    """Defects found in [start, end) in these BUs (all when None) with their service's key."""
    svc = service_rows()
    stmt = (
        select(DEFECT, svc.c.key.label("service_key"))
        .join(svc, svc.c.id == DEFECT.c.service_id)
        .where(_in(DEFECT.c.bu_id, bu_ids), DEFECT.c.found_at >= start, DEFECT.c.found_at < end)
        .order_by(DEFECT.c.found_at, DEFECT.c.id)
        .limit(MAX_IN_PERIOD)
    )
    return list((await session.execute(stmt)).all())


async def finished_releases(
    session: AsyncSession, bu_ids: Collection[uuid.UUID] | None, start: datetime, end: datetime
) -> list[Row[Any]]:
    """Releases deployed or rolled back whose last lifecycle change fell in [start, end):
    bu_id, change_types."""
    rel = release_rows()
    stmt = (
        select(rel.c.bu_id, rel.c.change_types)
        .where(
            _in(rel.c.bu_id, bu_ids),
            rel.c.status.in_(FINISHED),
            rel.c.updated_at >= start,
            rel.c.updated_at < end,
        )
        .limit(MAX_IN_PERIOD)
    )
    rows: list[Row[Any]] = list((await session.execute(stmt)).all())  # type: ignore[arg-type]
    return rows


async def business_unit_keys(
    session: AsyncSession, bu_ids: Collection[uuid.UUID] | None
) -> dict[uuid.UUID, str]:
    bus = business_unit_rows()
    stmt = select(bus.c.id, bus.c.key).where(_in(bus.c.id, bu_ids))
    return {r.id: r.key for r in await session.execute(stmt)}


async def known_patterns(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str, str, datetime]]
) -> set[tuple[uuid.UUID, str, str]]:
    """Which of these (bu, kind, subject, period start) patterns are recorded already."""
    if not keys:
        return set()
    stmt = select(PATTERN.c.bu_id, PATTERN.c.kind, PATTERN.c.subject).where(
        PATTERN.c.bu_id.in_(sorted({k[0] for k in keys}, key=str)),
        PATTERN.c.period_start.in_(sorted({k[3] for k in keys})),
    )
    return {(r.bu_id, r.kind, r.subject) for r in await session.execute(stmt)}


async def defects_page(
    session: AsyncSession,
    scope: Scope,
    *,
    service_id: uuid.UUID | None,
    since: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Defects in the BUs of `scope`, oldest found first."""
    stmt = scoped(select(DEFECT), DEFECT.c.bu_id, scope)
    if service_id is not None:
        stmt = stmt.where(DEFECT.c.service_id == service_id)
    if since is not None:
        stmt = stmt.where(DEFECT.c.found_at >= since)
    return await page_by(session, stmt, DEFECT, "found_at", first=first, after=after)


async def defects_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, DEFECT, ids)


async def patterns_page(
    session: AsyncSession, scope: Scope, *, first: int | None, after: str | None
) -> Page[Row[Any]]:
    """Detected patterns in the BUs of `scope`, oldest first."""
    stmt = scoped(select(PATTERN), PATTERN.c.bu_id, scope)
    return await page_by(session, stmt, PATTERN, "detected_at", first=first, after=after)


async def patterns_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, PATTERN, ids)
