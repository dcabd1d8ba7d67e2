"""What other contexts may know of downtime notices: plain facts, never ORM objects."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from domain.readiness import notice_repository as repo
from domain.readiness.notice_rules import NoticeFacts


async def downtime_notice(session: AsyncSession, release_id: uuid.UUID) -> NoticeFacts | None:
    """The release's downtime notice and who acknowledged it (None: it declares no downtime),
    in one statement."""
    return await repo.notice_facts(session, release_id)
