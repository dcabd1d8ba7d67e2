"""Published facts that verify post-mortem action items (issue 17): guardrail set versions saved
since an instant that bind a BU (the core set and the BU's own), in one statement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails.models import GuardrailSetVersion
from domain.guardrails.vocabulary import SetKind


@dataclass(frozen=True, slots=True)
class SavedGuardrails:
    id: uuid.UUID
    kind: str
    version: int
    at: datetime
    values: dict[str, Any]


async def saved_since(
    session: AsyncSession, bu_id: uuid.UUID, since: datetime
) -> list[SavedGuardrails]:
    """Versions of the core set and of the BU's set saved at or after `since`, oldest first."""
    v = GuardrailSetVersion
    stmt = (
        select(v)
        .where(
            v.saved_at >= since,
            or_(
                v.kind == SetKind.CORE.value,
                and_(v.kind == SetKind.BUSINESS_UNIT.value, v.bu_id == bu_id),
            ),
        )
        .order_by(v.saved_at, v.id)
    )
    return [
        SavedGuardrails(x.id, x.kind, x.version, x.saved_at, dict(x.values))
        for x in (await session.scalars(stmt)).all()
    ]
