"""SQL of declared data migrations."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, ids_param, rows_by_ids
from domain.readiness.migration_models import DataMigration

MIGRATION = DataMigration.__table__


async def get_migration(
    session: AsyncSession, migration_id: uuid.UUID, *, for_update: bool = False
) -> DataMigration | None:
    stmt = select(DataMigration).where(DataMigration.id == migration_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def count_of_release(session: AsyncSession, release_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(MIGRATION).where(MIGRATION.c.release_id == release_id)
    return int((await session.execute(stmt)).scalar_one())


async def migrations_of_releases(
    session: AsyncSession, release_ids: Collection[uuid.UUID]
) -> Grouped:
    """Each release's migrations by service then key, in one statement (the unique index
    leads with the release)."""
    if not release_ids:
        return {}
    rows = (await session.execute(_OF_RELEASES, {"ids": list(set(release_ids))})).all()
    return group_by(list(rows), "release_id")


# Built once (a cold decision snapshot reads it; building costs more than running).
_OF_RELEASES = prepared(
    select(MIGRATION)
    .where(MIGRATION.c.release_id.in_(ids_param()))
    .order_by(MIGRATION.c.service_id, MIGRATION.c.key, MIGRATION.c.id)
)


async def migrations_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, MIGRATION, ids)
