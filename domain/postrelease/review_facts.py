"""Published facts of the 24-hour post-release review, for contexts above (the insights issue
counts a team's overdue reviews against it): batched, plain values."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.postrelease import review_repository as repo


async def overdue_counts(
    session: AsyncSession, team_ids: Sequence[uuid.UUID], now: datetime
) -> dict[uuid.UUID, int]:
    """How many reviews of each team are open past due at `now` (teams with none left out),
    in one statement."""
    if not team_ids:
        return {}
    rows = await repo.overdue_by_team(session, Scope(everywhere=True), now, None, team_ids)
    return {r.team_id: int(r.overdue) for r in rows}


@dataclass(frozen=True, slots=True)
class ReviewDue:
    """A team's 24-hour review that fell due: when, and when it was closed (None: still open)."""

    team_id: uuid.UUID
    due_at: datetime
    closed_at: datetime | None


async def reviews_due(
    session: AsyncSession, team_ids: Sequence[uuid.UUID], start: datetime, end: datetime
) -> list[ReviewDue]:
    """The teams' reviews due in [start, end), in one statement (insights' review timeliness)."""
    if not team_ids:
        return []
    rows = await repo.due_of_teams(session, team_ids, start, end)
    return [ReviewDue(r.team_id, r.due_at, r.closed_at) for r in rows]
