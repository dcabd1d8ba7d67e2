"""Reads of production volume profiles, scoped by the BUs where the reader may read them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id
from domain.readiness import volume_repository as repo

profiles_by_id = readable_by_id(Resource.VOLUME_PROFILE, repo.profiles_by_ids)


async def profiles_of_services(r: Reader, service_ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    """Each service's profile (keyed by service id) that the reader may read."""
    scope = r.scope(Resource.VOLUME_PROFILE)
    if scope.empty:
        return {}
    rows = await repo.profiles_of_services(r.session, service_ids)
    return {sid: row for sid, row in rows.items() if scope.allows(row.bu_id)}
