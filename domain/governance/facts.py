"""What other contexts may know of releases: plain, batched facts, never ORM objects."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import repository as repo
from domain.governance.models import Release
from domain.kernel.access import Scope
from domain.kernel.errors import NotFound


@dataclass(frozen=True, slots=True)
class ReleaseSummary:
    """A release as other contexts name and scope it."""

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
) -> dict[uuid.UUID, ReleaseSummary]:
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
        r.id: ReleaseSummary(
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
) -> ReleaseSummary:
    """The release; NOT_FOUND when there is none, or when `readable_in` does not reach its BU."""
    found = (await releases(session, [release_id])).get(release_id)
    if found is None or (readable_in is not None and not readable_in.allows(found.bu_id)):
        raise NotFound("Release was not found.", field=field)
    return found


@dataclass(frozen=True, slots=True)
class ShippedService:
    """A service a release ships, at the version it ships."""

    release_id: uuid.UUID
    id: uuid.UUID
    bu_id: uuid.UUID
    key: str
    name: str
    tier: str
    artifact_version: str


async def shipped_services(
    session: AsyncSession, release_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[ShippedService]]:
    """Per release, the services it ships (by key), in one statement."""
    if not release_ids:
        return {}
    grouped = await repo.shipped_services(session, list(release_ids))
    return {
        release_id: [
            ShippedService(r.release_id, r.id, r.bu_id, r.key, r.name, r.tier, r.artifact_version)
            for r in rows
        ]
        for release_id, rows in grouped.items()
    }
