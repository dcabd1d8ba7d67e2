"""Published counts of a BU's emergency bypasses over time windows, for the contexts above
compliance (insights: the bypass rate before and after a policy change)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import Bypass

BYPASS = Bypass.__table__


async def bypass_counts(
    session: AsyncSession, bu_id: uuid.UUID, spans: Sequence[tuple[datetime, datetime]]
) -> list[int]:
    """For each [start, end) span: the BU's bypasses requested in it (one statement)."""
    if not spans:
        return []
    at = BYPASS.c.requested_at
    cols = [func.coalesce(func.sum(case((and_(at >= s, at < e), 1), else_=0)), 0) for s, e in spans]
    low, high = min(s for s, _ in spans), max(e for _, e in spans)
    row = (
        await session.execute(select(*cols).where(BYPASS.c.bu_id == bu_id, at >= low, at < high))
    ).one()
    return [int(v) for v in row]
