"""SQL of incident attribution: change reports and attributions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import rows_by_ids, scoped
from domain.pipelines.incident_facts import IMPORTED, incident_rows
from domain.postrelease.attribution_models import ChangeReport, IncidentAttribution

REPORT = ChangeReport.__table__
ATTRIBUTION = IncidentAttribution.__table__


async def change_reports(
    session: AsyncSession,
    *,
    service_ids: Sequence[uuid.UUID] | None = None,
    ids: Sequence[uuid.UUID] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[ChangeReport]:
    stmt = select(ChangeReport).order_by(ChangeReport.occurred_at, ChangeReport.id)
    if service_ids is not None:
        stmt = stmt.where(ChangeReport.service_id.in_(sorted(service_ids, key=str)))
    if ids is not None:
        stmt = stmt.where(ChangeReport.id.in_(sorted(ids, key=str)))
    if start is not None:
        stmt = stmt.where(ChangeReport.occurred_at >= start)
    if end is not None:
        stmt = stmt.where(ChangeReport.occurred_at <= end)
    return list((await session.scalars(stmt)).all())


async def attribution_of(
    session: AsyncSession, incident_id: uuid.UUID, *, for_update: bool = False
) -> IncidentAttribution | None:
    stmt = select(IncidentAttribution).where(IncidentAttribution.incident_id == incident_id)
    if for_update:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def unattributed_incidents(
    session: AsyncSession, since: datetime, limit: int
) -> list[uuid.UUID]:
    """Incidents detected since `since` with no attribution yet, earliest first (not those
    imported with a service's history)."""
    inc = incident_rows()
    stmt = (
        select(inc.c.id)
        .where(
            inc.c.detected_at >= since,
            inc.c.origin != IMPORTED,
            ~exists().where(ATTRIBUTION.c.incident_id == inc.c.id),
        )
        .order_by(inc.c.detected_at, inc.c.id)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def attributions_of_incidents(
    session: AsyncSession, incident_ids: Sequence[uuid.UUID], scope: Scope
) -> dict[Any, Row[Any]]:
    if not incident_ids:
        return {}
    stmt = scoped(
        select(ATTRIBUTION).where(ATTRIBUTION.c.incident_id.in_(incident_ids)),
        ATTRIBUTION.c.bu_id,
        scope,
    )
    return {r.incident_id: r for r in (await session.execute(stmt)).all()}


async def attributions_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, ATTRIBUTION, ids)


async def reports_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, REPORT, ids)


async def reports_page(
    session: AsyncSession,
    scope: Scope,
    service_id: uuid.UUID | None,
    *,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(REPORT), REPORT.c.bu_id, scope)
    if service_id is not None:
        stmt = stmt.where(REPORT.c.service_id == service_id)
    return await page_by(session, stmt, REPORT, "occurred_at", first=first, after=after)
