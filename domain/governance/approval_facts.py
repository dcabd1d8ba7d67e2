"""How long releases waited for their sign-offs, per team, for the contexts above (insights'
maturity assessments name the approval step that waits longest): batched, plain values."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.models import Release, ReleaseService, SignOff
from domain.organization import fragments as organization

MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class SignOffWait:
    """One sign-off of a submitted release shipping one of the team's services."""

    team_id: uuid.UUID
    requirement: str
    discipline: str
    submitted_at: datetime
    signed_at: datetime

    @property
    def hours(self) -> float:
        return max(0.0, (self.signed_at - self.submitted_at).total_seconds() / 3600)


async def sign_off_waits(
    session: AsyncSession, team_ids: Collection[uuid.UUID], start: datetime, end: datetime
) -> list[SignOffWait]:
    """Sign-offs given in [start, end) to submitted releases shipping the teams' services, once
    per team and sign-off (one statement)."""
    if not team_ids:
        return []
    svc, s, r, shipped = (
        organization.service_rows(),
        SignOff.__table__,
        Release.__table__,
        ReleaseService.__table__,
    )
    stmt = (
        select(
            svc.c.team_id, s.c.id, s.c.requirement, s.c.discipline, r.c.submitted_at, s.c.signed_at
        )
        .join(r, r.c.id == s.c.release_id)
        .join(shipped, shipped.c.release_id == r.c.id)
        .join(svc, svc.c.id == shipped.c.service_id)
        .where(
            svc.c.team_id.in_(sorted(set(team_ids), key=str)),
            r.c.submitted_at.is_not(None),
            s.c.signed_at >= start,
            s.c.signed_at < end,
        )
        .distinct()
        .order_by(s.c.signed_at)
        .limit(MAX_ROWS)
    )
    return [
        SignOffWait(row.team_id, row.requirement, row.discipline, row.submitted_at, row.signed_at)
        for row in await session.execute(stmt)
    ]
