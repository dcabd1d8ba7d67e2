"""Published approval decisions of BUs' releases over time windows, for the contexts above
governance (insights: the approval wait before and after a policy change)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.models import Release
from domain.kernel.window_counts import BuWindow, within

MAX_DECISIONS = 20_000
"""At most this many decisions read for one batch of windows (the earliest)."""


@dataclass(frozen=True, slots=True)
class Decision:
    """A release approved or rejected: when it was submitted and when decided."""

    bu_id: uuid.UUID
    submitted_at: datetime
    decided_at: datetime


async def decisions(session: AsyncSession, windows: Sequence[BuWindow]) -> list[Decision]:
    """The decisions on releases of the windows' BUs made between the earliest start and the
    latest end, earliest first (one statement, led by the BU's index on `decided_at`)."""
    if not windows:
        return []
    r = Release.__table__
    stmt = (
        select(r.c.bu_id, r.c.submitted_at, r.c.decided_at)
        .where(r.c.submitted_at.is_not(None), *within(r.c.bu_id, r.c.decided_at, windows))
        .order_by(r.c.decided_at, r.c.id)
        .limit(MAX_DECISIONS)
    )
    return [Decision(x.bu_id, x.submitted_at, x.decided_at) for x in await session.execute(stmt)]
