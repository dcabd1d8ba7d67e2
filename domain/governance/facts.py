"""What other contexts may know of releases: plain, batched facts, never ORM objects."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.models import Release
from domain.kernel.access import Scope
from domain.kernel.errors import NotFound


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    id: uuid.UUID
    bu_id: uuid.UUID
    title: str
    status: str
    release_type: str
    owner_id: uuid.UUID
    change_types: tuple[str, ...]
    environments: tuple[str, ...]
    planned_start: datetime | None
    planned_end: datetime | None


async def releases(
    session: AsyncSession, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ReleaseFacts]:
    """The releases with these ids (absent ones are left out), in one statement."""
    if not ids:
        return {}
    stmt = select(
        Release.id,
        Release.bu_id,
        Release.title,
        Release.status,
        Release.release_type,
        Release.owner_id,
        Release.change_types,
        Release.environments,
        Release.planned_start,
        Release.planned_end,
    ).where(Release.id.in_(set(ids)))
    return {
        r.id: ReleaseFacts(
            r.id,
            r.bu_id,
            r.title,
            r.status,
            r.release_type,
            r.owner_id,
            tuple(r.change_types or ()),
            tuple(r.environments or ()),
            r.planned_start,
            r.planned_end,
        )
        for r in await session.execute(stmt)
    }


async def release(
    session: AsyncSession,
    release_id: uuid.UUID,
    *,
    readable_in: Scope | None = None,
    field: str = "releaseId",
) -> ReleaseFacts:
    """The release; NOT_FOUND when there is none, or when `readable_in` does not reach its BU."""
    found = (await releases(session, [release_id])).get(release_id)
    if found is None or (readable_in is not None and not readable_in.allows(found.bu_id)):
        raise NotFound("Release was not found.", field=field)
    return found
