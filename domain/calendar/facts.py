"""What the calendar context publishes to the contexts above it: batched fact readers.

The occurrences of approved freezes binding a change, minus those an approved exception
lets through, as plain frozen values (`FreezeHit`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.freezes import FreezeHit, blocking_freezes

__all__ = ["FreezeHit", "freezes_binding"]


async def freezes_binding(
    session: AsyncSession,
    *,
    bu_id: uuid.UUID,
    service_id: uuid.UUID,
    environment_key: str,
    tier: str,
    release_id: uuid.UUID | None,
    starts_at: datetime,
    ends_at: datetime,
) -> tuple[FreezeHit, ...]:
    """Freeze occurrences binding one service in one environment over [starts_at, ends_at)."""
    hits = await blocking_freezes(
        session,
        bu_id=bu_id,
        service_ids=[service_id],
        environments=[environment_key],
        tiers=[tier],
        starts_at=starts_at,
        ends_at=ends_at,
        release_id=release_id,
        now=starts_at,
    )
    return tuple(hits)
