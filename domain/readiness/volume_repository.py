"""SQL of production volume profiles."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.repository import rows_by_ids
from domain.readiness.volume_models import VolumeProfile
from domain.readiness.volume_rules import VolumeFacts
from domain.readiness.volume_vocabulary import Dimension

PROFILE = VolumeProfile.__table__


async def profile_of_service(
    session: AsyncSession, service_id: uuid.UUID, *, for_update: bool = False
) -> VolumeProfile | None:
    stmt = select(VolumeProfile).where(VolumeProfile.service_id == service_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def profiles_of_services(
    session: AsyncSession, service_ids: Collection[uuid.UUID]
) -> dict[Any, Row[Any]]:
    """Each service's profile row, in one statement (by the unique service index)."""
    if not service_ids:
        return {}
    stmt = select(PROFILE).where(PROFILE.c.service_id.in_(set(service_ids)))
    return {r.service_id: r for r in (await session.execute(stmt)).all()}


async def profiles_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, PROFILE, ids)


def facts_of(row: Any) -> VolumeFacts:
    figures = {
        str(Dimension.ROWS): row.rows,
        str(Dimension.REQUESTS_PER_SECOND): row.requests_per_second,
        str(Dimension.PAYLOAD_BYTES): row.payload_bytes,
    }
    return VolumeFacts(
        row.service_id,
        {k: v for k, v in figures.items() if v is not None},
        row.source,
        row.updated_at,
    )
