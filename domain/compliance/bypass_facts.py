"""Emergency bypasses counted per team, for the contexts above (insights' maturity assessments
read a team's bypass rate): batched, plain values."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import Bypass
from domain.governance import fragments as governance
from domain.organization import fragments as organization

MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class TeamBypass:
    """A bypass requested for a release that ships one of the team's services."""

    team_id: uuid.UUID
    bypass_id: uuid.UUID
    requested_at: datetime


async def bypasses_of_teams(
    session: AsyncSession, team_ids: Collection[uuid.UUID], start: datetime, end: datetime
) -> list[TeamBypass]:
    """Bypasses requested in [start, end) for releases shipping the teams' services, once per
    team and bypass (one statement)."""
    if not team_ids:
        return []
    shipped, svc, b = governance.shipped_rows(), organization.service_rows(), Bypass.__table__
    stmt = (
        select(svc.c.team_id, b.c.id, b.c.requested_at)
        .join(shipped, shipped.c.release_id == b.c.release_id)
        .join(svc, svc.c.id == shipped.c.service_id)
        .where(
            svc.c.team_id.in_(sorted(set(team_ids), key=str)),
            b.c.requested_at >= start,
            b.c.requested_at < end,
        )
        .distinct()
        .order_by(b.c.requested_at)
        .limit(MAX_ROWS)
    )
    return [TeamBypass(r.team_id, r.id, r.requested_at) for r in await session.execute(stmt)]
