"""What the calendar context publishes to the contexts above it: batched fact readers.

The occurrences of approved freezes binding a change, minus those an approved exception
lets through, as plain frozen values (`FreezeHit`); the binding freezes that may occur in a
range, with what they cover (`ScopedFreeze`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import freeze_repository as frepo
from domain.calendar.freezes import FreezeHit, ScopedFreeze, blocking_freezes, freezes_in_range

__all__ = ["FreezeHit", "ScopedFreeze", "binding_freezes_in_range", "freezes_binding"]


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


async def binding_freezes_in_range(
    session: AsyncSession, starts_at: datetime, ends_at: datetime
) -> list[ScopedFreeze]:
    """The binding (approved) freezes that may occur in [starts_at, ends_at), with what they
    cover: one fetch for a caller that then matches occurrences itself."""
    return await freezes_in_range(session, frepo.FREEZE_BINDING, starts_at, ends_at)
