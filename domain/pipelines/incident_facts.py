"""Published facts of incidents and production deployments for the post-release context
(issue 17): batched readers returning frozen values, and the incident rows as a query fragment
(for "incidents not yet attributed" in one statement)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Subquery, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.kernel.repository import scoped
from domain.pipelines.deployment_models import Deployment, DeploymentAlert
from domain.pipelines.models import IncidentReport


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    id: uuid.UUID
    bu_id: uuid.UUID
    service_id: uuid.UUID | None
    environment_id: uuid.UUID | None
    severity: str | None
    status: str
    description: str
    detected_at: datetime
    resolved_at: datetime | None
    opened_by_event_id: uuid.UUID | None
    resolved_by_event_id: uuid.UUID | None


IMPORTED = "import"
"""The origin of incidents imported with a service's history (`domain/pipelines/history.py`):
nothing opens for them now (no attribution sweep, no post-mortem)."""


def incident_rows() -> Subquery:
    """Incidents: id, bu_id, service_id, severity, status, detected_at, origin."""
    i = IncidentReport
    return select(
        i.id, i.bu_id, i.service_id, i.severity, i.status, i.detected_at, i.origin
    ).subquery()


def _fact(i: IncidentReport) -> IncidentFacts:
    return IncidentFacts(
        i.id,
        i.bu_id,
        i.service_id,
        i.environment_id,
        i.severity,
        i.status,
        i.description,
        i.detected_at,
        i.resolved_at,
        i.opened_by_event_id,
        i.resolved_by_event_id,
    )


async def incidents(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, IncidentFacts]:
    """The incidents with these ids, in one statement."""
    if not ids:
        return {}
    stmt = select(IncidentReport).where(IncidentReport.id.in_(sorted(ids, key=str)))
    return {i.id: _fact(i) for i in (await session.scalars(stmt)).all()}


async def incident(
    session: AsyncSession, incident_id: uuid.UUID, *, readable_in: Scope, field: str | None
) -> IncidentFacts:
    """The incident, or NOT_FOUND when absent or outside `readable_in`."""
    stmt = scoped(
        select(IncidentReport).where(IncidentReport.id == incident_id),
        IncidentReport.bu_id,
        readable_in,
    )
    found = await session.scalar(stmt)
    if found is None:
        raise NotFound("Incident was not found.", field=field)
    return _fact(found)


@dataclass(frozen=True, slots=True)
class AlertFact:
    """An Alertmanager alert received against one of a service's deployments."""

    id: uuid.UUID
    deployment_id: uuid.UUID
    at: datetime
    """When it started firing."""
    name: str
    summary: str
    fingerprint: str


async def alerts_of_service(
    session: AsyncSession, service_id: uuid.UUID, start: datetime, end: datetime, limit: int = 200
) -> list[AlertFact]:
    """Alertmanager alerts received against the service's deployments that started firing in
    [start, end), earliest first, at most `limit` (one statement)."""
    a, d = DeploymentAlert, Deployment
    stmt = (
        select(a.id, a.deployment_id, a.starts_at, a.alert_name, a.summary, a.fingerprint)
        .join(d, d.id == a.deployment_id)
        .where(d.service_id == service_id, a.starts_at >= start, a.starts_at < end)
        .order_by(a.starts_at, a.id)
        .limit(limit)
    )
    return [AlertFact(*r) for r in (await session.execute(stmt)).all()]


async def detected_between(
    session: AsyncSession, start: datetime, end: datetime, *, limit: int
) -> list[IncidentFacts]:
    """Incidents detected in [start, end], the earliest `limit`, earliest first (the change
    ledger pages through a period with it)."""
    stmt = (
        select(IncidentReport)
        .where(IncidentReport.detected_at >= start, IncidentReport.detected_at <= end)
        .order_by(IncidentReport.detected_at, IncidentReport.id)
        .limit(limit)
    )
    return [_fact(i) for i in (await session.scalars(stmt)).all()]
