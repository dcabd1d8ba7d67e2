"""Published facts for the 24-hour post-release review (domain.postrelease.review_*): the
incidents of a service detected around a production deployment (the deployments themselves are
`production_deployments`, its alerts `incident_facts.alerts_of_service`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.pipelines.models import IncidentReport


@dataclass(frozen=True, slots=True)
class IncidentFact:
    id: uuid.UUID
    incident_ref: str
    status: str
    description: str
    detected_at: datetime
    resolved_at: datetime | None


async def incidents_of_service(
    session: AsyncSession, service_id: uuid.UUID, start: datetime, end: datetime, *, limit: int
) -> list[IncidentFact]:
    """Incidents reported for the service and detected in [start, end), earliest first."""
    stmt = (
        select(
            IncidentReport.id,
            IncidentReport.incident_ref,
            IncidentReport.status,
            IncidentReport.description,
            IncidentReport.detected_at,
            IncidentReport.resolved_at,
        )
        .where(
            IncidentReport.service_id == service_id,
            IncidentReport.detected_at >= start,
            IncidentReport.detected_at < end,
        )
        .order_by(IncidentReport.detected_at)
        .limit(limit)
    )
    return [IncidentFact(*r) for r in (await session.execute(stmt)).all()]
