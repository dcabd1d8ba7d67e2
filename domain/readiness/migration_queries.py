"""Reads of declared data migrations, scoped by the BUs where the reader may read them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from domain.kernel.access import Resource
from domain.kernel.reader import Reader
from domain.kernel.repository import Grouped
from domain.kernel.scoped_reads import readable_by_id
from domain.readiness import migration_repository as repo

migrations_by_id = readable_by_id(Resource.DATA_MIGRATION, repo.migrations_by_ids)


async def migrations_of_releases(r: Reader, release_ids: Sequence[uuid.UUID]) -> Grouped:
    """Each release's declared migrations (by service, then key) that the reader may read."""
    scope = r.scope(Resource.DATA_MIGRATION)
    if scope.empty:
        return {}
    grouped = await repo.migrations_of_releases(r.session, release_ids)
    return {rid: [m for m in rows if scope.allows(m.bu_id)] for rid, rows in grouped.items()}
