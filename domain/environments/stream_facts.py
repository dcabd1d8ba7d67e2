"""How long releases queued for environments, as plain facts for the value stream (insights):
each reservation a release held that had to wait behind others (asked, then granted later).

Batched over releases: one statement.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.models import Environment, Reservation
from domain.environments.vocabulary import HolderKind


@dataclass(frozen=True, slots=True)
class QueueWait:
    """A release's reservation of an environment, asked at `asked_at`, usable from `usable_at`."""

    environment_key: str
    environment_kind: str
    asked_at: datetime
    usable_at: datetime


async def queue_waits(
    session: AsyncSession, release_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[QueueWait]]:
    """Per release, its reservations that were granted after they were asked, earliest first."""
    if not release_ids:
        return {}
    stmt = (
        select(
            Reservation.holder_id,
            Environment.key,
            Environment.kind,
            Reservation.requested_at,
            Reservation.granted_at,
        )
        .join(Environment, Environment.id == Reservation.environment_id)
        .where(
            Reservation.holder_kind == HolderKind.RELEASE,
            Reservation.holder_id.in_(set(release_ids)),
            Reservation.granted_at.is_not(None),
            Reservation.granted_at > Reservation.requested_at,
        )
        .order_by(Reservation.requested_at)
    )
    out: dict[uuid.UUID, list[QueueWait]] = defaultdict(list)
    for holder, key, kind, asked, granted in await session.execute(stmt):
        if granted is not None:
            out[holder].append(QueueWait(key, kind, asked, granted))
    return dict(out)
