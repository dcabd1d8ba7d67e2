"""SQL of the analyses policy proposals were made from (where changes fail)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.insights.failure_models import ChangeFailureAnalysis

ANALYSIS = ChangeFailureAnalysis.__table__


async def analyses_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    """The analyses of these ids, in one statement (by primary key)."""
    if not ids:
        return {}
    stmt = select(ANALYSIS).where(ANALYSIS.c.id.in_(sorted(set(ids), key=str)))
    return {r.id: r for r in (await session.execute(stmt)).all()}
