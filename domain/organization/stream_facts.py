"""The services of a team or a BU, for the value stream (insights): one statement."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.organization.models import Service


async def service_ids_of(
    session: AsyncSession, *, team_id: uuid.UUID | None = None, bu_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """The services the team owns, or the BU's (both given: those of the team in the BU)."""
    stmt = select(Service.id).order_by(Service.id)
    if team_id is not None:
        stmt = stmt.where(Service.team_id == team_id)
    if bu_id is not None:
        stmt = stmt.where(Service.bu_id == bu_id)
    return list((await session.scalars(stmt)).all())
