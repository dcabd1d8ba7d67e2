"""What the calendar context publishes to the contexts above it: batched fact readers.

The occurrences of approved freezes binding a change, minus those an approved exception
lets through, as plain frozen values (`FreezeHit`); the binding freezes that may occur in a
range, with what they cover (`ScopedFreeze`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import freeze_repository as frepo
from domain.calendar.freezes import (
    FreezeHit,
    ScopedFreeze,
    freezes_in_range,
    hits_in,
    not_excepted,
)

__all__ = [
    "FreezeHit",
    "FreezeTarget",
    "ScopedFreeze",
    "binding_freezes_in_range",
    "freezes_binding",
    "freezes_binding_changes",
    "freezes_binding_targets",
]


@dataclass(frozen=True, slots=True)
class FreezeTarget:
    """A change whose binding freezes are asked: one service in one environment."""

    bu_id: uuid.UUID
    service_id: uuid.UUID
    environment_key: str
    tier: str
    release_id: uuid.UUID | None = None
    """The release the change ships, whose approved exceptions let freezes through (for
    `freezes_binding_changes`)."""


async def freezes_binding(
    session: AsyncSession,
    *,
    bu_id: uuid.UUID,
    service_id: uuid.UUID,
    environment_key: str,
    tier: str,
    release_id: uuid.UUID | None,
    starts_at: datetime,
    ends_at: datetime,
) -> tuple[FreezeHit, ...]:
    """Freeze occurrences binding one service in one environment over [starts_at, ends_at)."""
    target = FreezeTarget(bu_id, service_id, environment_key, tier)
    return (await freezes_binding_targets(session, [target], release_id, starts_at, ends_at))[0]


async def freezes_binding_targets(
    session: AsyncSession,
    targets: Sequence[FreezeTarget],
    release_id: uuid.UUID | None,
    starts_at: datetime,
    ends_at: datetime,
) -> list[tuple[FreezeHit, ...]]:
    """For each target, in order, the freeze occurrences binding it over [starts_at, ends_at)
    minus those an exception of the release lets through: the freezes and the exceptions are
    read once for all targets (at most three statements)."""
    found = await freezes_in_range(session, frepo.FREEZE_BINDING, starts_at, ends_at)
    hits = [
        hits_in(
            found,
            bu_id=t.bu_id,
            service_ids=[t.service_id],
            environments=[t.environment_key],
            tiers=[t.tier],
            starts_at=starts_at,
            ends_at=ends_at,
        )
        for t in targets
    ]
    freeze_ids = sorted({h.freeze_id for hs in hits for h in hs}, key=str)
    if release_id is None or not freeze_ids:
        return [tuple(hs) for hs in hits]
    exceptions = await frepo.approved_exceptions(session, release_id, freeze_ids)
    return [tuple(not_excepted(hs, exceptions, ends_at, starts_at)) for hs in hits]


async def freezes_binding_changes(
    session: AsyncSession, targets: Sequence[FreezeTarget], starts_at: datetime, ends_at: datetime
) -> list[tuple[FreezeHit, ...]]:
    """`freezes_binding_targets` for changes of many releases: each target's hits minus those
    an approved exception of its own release (`FreezeTarget.release_id`) lets through; at most
    three statements whatever the number of releases."""
    hits = await freezes_binding_targets(session, targets, None, starts_at, ends_at)
    releases = sorted({t.release_id for t in targets if t.release_id}, key=str)
    freeze_ids = sorted({h.freeze_id for hs in hits for h in hs}, key=str)
    found = await frepo.approved_exceptions_of(session, releases, freeze_ids)
    if not found:
        return hits
    return [
        tuple(not_excepted(hs, [e for e in found if e.release_id == t.release_id], ends_at, None))
        for t, hs in zip(targets, hits, strict=True)
    ]


async def binding_freezes_in_range(
    session: AsyncSession, starts_at: datetime, ends_at: datetime
) -> list[ScopedFreeze]:
    """The binding (approved) freezes that may occur in [starts_at, ends_at), with what they
    cover: one fetch for a caller that then matches occurrences itself."""
    return await freezes_in_range(session, frepo.FREEZE_BINDING, starts_at, ends_at)
