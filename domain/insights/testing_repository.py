"""SQL of test investment: the production deployments of the services whose defects are
weighed, read from the change ledger (its index on (service_id, at))."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.insights.ledger_models import LedgerEntry
from domain.kernel.access import Scope
from domain.kernel.repository import scoped
from domain.postrelease.attribution_vocabulary import ChangeKind

ENTRY = LedgerEntry.__table__
MAX_DEPLOYMENTS = 200_000


async def deployments_of(
    session: AsyncSession,
    scope: Scope,
    service_ids: Collection[uuid.UUID],
    start: datetime,
    end: datetime,
) -> list[Row[Any]]:
    """The successful production deployments (not rolled back) of these services in
    [start, end), in the BUs of `scope`, earliest first: whole ledger rows (the drill-down's)."""
    if not service_ids or scope.empty:
        return []
    stmt = (
        scoped(select(ENTRY), ENTRY.c.bu_id, scope)
        .where(
            ENTRY.c.service_id.in_(sorted(set(service_ids), key=str)),
            ENTRY.c.kind == ChangeKind.DEPLOYMENT.value,
            ENTRY.c.rolled_back.is_(False),
            ENTRY.c.at >= start,
            ENTRY.c.at < end,
        )
        .order_by(ENTRY.c.at, ENTRY.c.id)
        .limit(MAX_DEPLOYMENTS)
    )
    return list((await session.execute(stmt)).all())
