"""Published facts for incident attribution (issue 17): flag changes applied in production to
services in a period, as changes of the service (one statement)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.flags.models import Flag, FlagChange
from domain.flags.vocabulary import ChangeStatus


@dataclass(frozen=True, slots=True)
class FlagFlip:
    id: uuid.UUID
    service_id: uuid.UUID
    at: datetime
    summary: str


async def production_changes(
    session: AsyncSession,
    *,
    service_ids: Sequence[uuid.UUID] | None = None,
    ids: Sequence[uuid.UUID] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[FlagFlip]:
    """Applied production changes of flags (of these services, or with these ids) whose effect
    began in [start, end] (approved ones when approved, the others when made), earliest first."""
    applied = func.coalesce(FlagChange.decided_at, FlagChange.created_at)
    stmt = (
        select(FlagChange.id, Flag.service_id, applied.label("at"), Flag.key, FlagChange.action)
        .join(Flag, Flag.id == FlagChange.flag_id)
        .where(FlagChange.production.is_(True), FlagChange.status == ChangeStatus.APPLIED.value)
        .order_by(applied, FlagChange.id)
    )
    if service_ids is not None:
        stmt = stmt.where(Flag.service_id.in_(sorted(service_ids, key=str)))
    if ids is not None:
        stmt = stmt.where(FlagChange.id.in_(sorted(ids, key=str)))
    if start is not None:
        stmt = stmt.where(applied >= start)
    if end is not None:
        stmt = stmt.where(applied <= end)
    return [
        FlagFlip(r.id, r.service_id, r.at, f"flag {r.key} ({r.action})")
        for r in (await session.execute(stmt)).all()
    ]
