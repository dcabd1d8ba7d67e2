"""SQL of the open incidents of services, for the go/no-go dashboard."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.repository import scoped
from domain.pipelines.models import IncidentReport
from domain.pipelines.vocabulary import IncidentStatus

INC = IncidentReport.__table__


async def newest_open_of_services(
    session: AsyncSession, service_ids: Collection[uuid.UUID], scope: Scope, limit: int
) -> Sequence[Row[Any]]:
    """The `limit` newest open incidents of the services in the BUs of `scope`, each row with
    `total`: how many there are in all (one statement, ix_incident_reports_service_id_detected_at;
    the window counts before the limit applies)."""
    stmt = (
        scoped(select(INC, func.count().over().label("total")), INC.c.bu_id, scope)
        .where(
            INC.c.service_id.in_(sorted(service_ids, key=str)),
            INC.c.status == IncidentStatus.OPEN.value,
        )
        .order_by(INC.c.detected_at.desc(), INC.c.id.desc())
        .limit(limit)
    )
    rows: Sequence[Row[Any]] = (await session.execute(stmt)).all()
    return rows
