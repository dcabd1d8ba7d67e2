"""Published facts of incident attribution for the contexts above postrelease (the change
ledger, DORA): which change each incident is attributed to, in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.postrelease.attribution_models import IncidentAttribution
from domain.postrelease.attribution_vocabulary import AttributionStatus, ChangeKind


@dataclass(frozen=True, slots=True)
class AttributedIncident:
    incident_id: uuid.UUID
    change_kind: ChangeKind
    change_id: uuid.UUID
    status: AttributionStatus


async def attributed(
    session: AsyncSession, incident_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, AttributedIncident]:
    """The change each of these incidents is attributed to (suggested, confirmed or
    re-attributed); incidents with none are absent."""
    if not incident_ids:
        return {}
    a = IncidentAttribution
    stmt = select(a.incident_id, a.change_kind, a.change_id, a.status).where(
        a.incident_id.in_(sorted(incident_ids, key=str)), a.change_id.is_not(None)
    )
    return {
        r.incident_id: AttributedIncident(
            r.incident_id, ChangeKind(r.change_kind), r.change_id, AttributionStatus(r.status)
        )
        for r in (await session.execute(stmt)).all()
    }


async def incidents_of_changes(
    session: AsyncSession, change_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """How many incidents are attributed to each of these changes (absent: none)."""
    if not change_ids:
        return {}
    a = IncidentAttribution
    stmt = (
        select(a.change_id, func.count())
        .where(a.change_id.in_(sorted(change_ids, key=str)))
        .group_by(a.change_id)
    )
    return {r[0]: int(r[1]) for r in (await session.execute(stmt)).all() if r[0] is not None}
