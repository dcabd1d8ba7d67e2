"""Published facts that verify post-mortem action items (issue 17): readiness checklist
template versions made since an instant, with their item keys (one statement)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.readiness.review_models import ReviewTemplate


@dataclass(frozen=True, slots=True)
class ChecklistVersion:
    id: uuid.UUID
    key: str
    version: int
    at: datetime
    items: frozenset[str]


async def checklist_versions_since(
    session: AsyncSession, bu_id: uuid.UUID, keys: Sequence[str], since: datetime
) -> list[ChecklistVersion]:
    """Active versions of the org's and the BU's checklist templates keyed `keys` made at or
    after `since`."""
    if not keys:
        return []
    t = ReviewTemplate
    stmt = (
        select(t)
        .where(
            t.key.in_(sorted(keys)),
            t.created_at >= since,
            t.active.is_(True),
            or_(t.bu_id.is_(None), t.bu_id == bu_id),
        )
        .order_by(t.created_at, t.id)
    )
    return [
        ChecklistVersion(
            v.id,
            v.key,
            v.version,
            v.created_at,
            frozenset(str(i.get("key")) for i in v.items if isinstance(i, dict)),
        )
        for v in (await session.scalars(stmt)).all()
    ]
