"""Published counts of BUs' emergency bypasses over time windows, for the contexts above
compliance (insights: the bypass rate before and after a policy change)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import Bypass
from domain.kernel.window_counts import BuWindow, window_sums, within

BYPASS = Bypass.__table__


async def bypass_counts(session: AsyncSession, windows: Sequence[BuWindow]) -> list[int]:
    """For each (BU, start, end): the BU's bypasses requested in [start, end) (one statement)."""
    if not windows:
        return []
    bu, at = BYPASS.c.bu_id, BYPASS.c.requested_at
    stmt = select(*window_sums(bu, at, windows)).where(*within(bu, at, windows))
    return [int(v) for v in (await session.execute(stmt)).one()]
