"""Open incidents on services, as plain facts: what the go/no-go dashboard shows next to the
decision (one statement for all the services of a release)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.pipelines import incident_repository as repo

NEWEST_SHOWN = 20
"""At most this many open incidents are listed (the newest); the total counts them all."""


@dataclass(frozen=True, slots=True)
class OpenIncident:
    """An incident an operations tool reported and has not resolved yet."""

    id: uuid.UUID
    bu_id: uuid.UUID
    status: str
    description: str
    origin: str
    incident_ref: str
    detected_at: datetime
    resolved_at: datetime | None
    version: int
    service_id: uuid.UUID | None
    environment_id: uuid.UUID | None
    service_ref: str
    environment_ref: str
    unresolved: str
    severity: str | None


@dataclass(frozen=True, slots=True)
class OpenIncidents:
    """The newest open incidents of some services (newest first) and how many there are."""

    total: int
    newest: tuple[OpenIncident, ...]


_NAMES = tuple(f.name for f in fields(OpenIncident))


async def open_incidents(
    session: AsyncSession,
    service_ids: Collection[uuid.UUID],
    scope: Scope,
    *,
    limit: int = NEWEST_SHOWN,
) -> OpenIncidents:
    """The open incidents on these services that `scope` lets you read, newest first, at most
    `limit` of them, with their total."""
    if not service_ids or scope.empty:
        return OpenIncidents(0, ())
    rows = await repo.newest_open_of_services(session, service_ids, scope, limit)
    newest = tuple(OpenIncident(**{n: getattr(row, n) for n in _NAMES}) for row in rows)
    return OpenIncidents(rows[0].total if rows else 0, newest)
