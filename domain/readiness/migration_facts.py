"""The data migrations releases declare, as plain facts for the promotion decision."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from domain.readiness import migration_repository as repo
from domain.readiness.migration_rules import MigrationFacts, pre_checks_of


async def data_migrations(
    session: AsyncSession, release_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[MigrationFacts, ...]]:
    """Each release's declared migrations (one statement); a release declaring none maps to ()."""
    grouped = await repo.migrations_of_releases(session, release_ids)
    return {
        rid: tuple(
            MigrationFacts(
                r.id,
                r.release_id,
                r.service_id,
                r.key,
                pre_checks_of(r.pre_checks or []),
                r.compensation_kind,
                r.waiver_approved_by_id,
            )
            for r in grouped.get(rid, [])
        )
        for rid in release_ids
    }
