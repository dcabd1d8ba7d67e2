"""The production volume profiles of services, as plain facts (one statement per batch)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from domain.readiness import volume_repository as repo
from domain.readiness.volume_rules import VolumeFacts


async def volume_profiles(
    session: AsyncSession, service_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, VolumeFacts]:
    """Each service's profile; services without one are absent."""
    rows = await repo.profiles_of_services(session, service_ids)
    return {sid: repo.facts_of(row) for sid, row in rows.items()}
