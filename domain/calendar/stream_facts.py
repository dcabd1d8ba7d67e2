"""The production windows planned for releases, as plain facts for the value stream
(insights): a release approved before its window opens waits for it.

Batched over releases: one statement.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.models import DeploymentWindow
from domain.calendar.vocabulary import WindowStatus


async def release_windows(
    session: AsyncSession, release_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[datetime, datetime]]]:
    """Per release, its windows (starts, ends), earliest first; cancelled ones left out."""
    if not release_ids:
        return {}
    stmt = (
        select(DeploymentWindow.release_id, DeploymentWindow.starts_at, DeploymentWindow.ends_at)
        .where(
            DeploymentWindow.release_id.in_(set(release_ids)),
            DeploymentWindow.status != WindowStatus.CANCELLED,
        )
        .order_by(DeploymentWindow.starts_at)
    )
    out: dict[uuid.UUID, list[tuple[datetime, datetime]]] = defaultdict(list)
    for release_id, starts, ends in await session.execute(stmt):
        if release_id is not None:
            out[release_id].append((starts, ends))
    return dict(out)
