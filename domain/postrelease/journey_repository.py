"""SQL of synthetic journeys."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, fetch_pages_by_parent
from domain.kernel.repository import Grouped, group_by, rows_by_ids, scoped
from domain.postrelease.journey_models import (
    Journey,
    JourneyClaim,
    JourneyHosts,
    JourneyRegression,
    JourneyRun,
)

JOURNEY = Journey.__table__
HOSTS = JourneyHosts.__table__
RUN = JourneyRun.__table__
CLAIM = JourneyClaim.__table__
REGRESSION = JourneyRegression.__table__
MAX_PER_SERVICE = 100
MAX_ATTEMPTS = 3
"""A claim whose worker died is taken again, up to this many times in all."""


async def get_journey(
    session: AsyncSession, journey_id: uuid.UUID, *, for_update: bool = False
) -> Journey | None:
    stmt = select(Journey).where(Journey.id == journey_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def hosts_of_service(
    session: AsyncSession, service_id: uuid.UUID, *, for_update: bool = False
) -> JourneyHosts | None:
    stmt = select(JourneyHosts).where(JourneyHosts.service_id == service_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def journeys_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, JOURNEY, ids)


async def runs_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, RUN, ids)


async def regressions_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, REGRESSION, ids)


async def hosts_by_services(
    session: AsyncSession, service_ids: Collection[uuid.UUID]
) -> dict[Any, Row[Any]]:
    if not service_ids:
        return {}
    stmt = select(HOSTS).where(HOSTS.c.service_id.in_(set(service_ids)))
    return {r.service_id: r for r in (await session.execute(stmt)).all()}


async def journeys_of_services(
    session: AsyncSession, service_ids: Collection[uuid.UUID]
) -> Grouped:
    """Each service's journeys by key (at most MAX_PER_SERVICE a service, by the unique index)."""
    if not service_ids:
        return {}
    stmt = (
        select(JOURNEY)
        .where(JOURNEY.c.service_id.in_(set(service_ids)))
        .order_by(JOURNEY.c.service_id, JOURNEY.c.key)
    )
    return group_by(list((await session.execute(stmt)).all()), "service_id")


async def count_of_service(session: AsyncSession, service_id: uuid.UUID) -> int:
    stmt = select(JOURNEY.c.id).where(JOURNEY.c.service_id == service_id)
    return len((await session.execute(stmt)).all())


async def runs_of_journeys(
    session: AsyncSession,
    journey_ids: Sequence[uuid.UUID],
    *,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page of runs per journey, oldest first (one statement)."""
    return await fetch_pages_by_parent(
        session,
        select(RUN),
        parent_col=RUN.c.journey_id,
        parent_ids=journey_ids,
        sort_col=RUN.c.finished_at,
        id_col=RUN.c.id,
        sort_key="finished_at",
        parent_key="journey_id",
        first=first,
        after=after,
    )


async def regressions_of_deployments(
    session: AsyncSession, deployment_ids: Collection[uuid.UUID]
) -> Grouped:
    if not deployment_ids:
        return {}
    stmt = (
        select(REGRESSION)
        .where(REGRESSION.c.deployment_id.in_(set(deployment_ids)))
        .order_by(REGRESSION.c.deployment_id, REGRESSION.c.detected_at, REGRESSION.c.id)
    )
    return group_by(list((await session.execute(stmt)).all()), "deployment_id")


async def last_run_before(
    session: AsyncSession, journey_id: uuid.UUID, before: datetime
) -> Row[Any] | None:
    """The journey's latest run that finished before `before` (the index on (journey,
    finished_at) answers it)."""
    stmt = (
        select(RUN)
        .where(RUN.c.journey_id == journey_id, RUN.c.finished_at < before)
        .order_by(RUN.c.finished_at.desc(), RUN.c.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).first()


async def regression_of(
    session: AsyncSession, journey_id: uuid.UUID, deployment_id: uuid.UUID
) -> Row[Any] | None:
    stmt = select(REGRESSION).where(
        REGRESSION.c.journey_id == journey_id, REGRESSION.c.deployment_id == deployment_id
    )
    return (await session.execute(stmt)).first()


# -- the runner's claims ----------------------------------------------------------------------


async def due_for_schedule(session: AsyncSession, now: datetime, limit: int) -> list[Row[Any]]:
    """Enabled journeys whose schedule is due (the index on (enabled, next_run_at))."""
    stmt = (
        select(JOURNEY)
        .where(
            JOURNEY.c.enabled.is_(True),
            JOURNEY.c.next_run_at <= now,
            JOURNEY.c.runner == "built_in",
        )
        .order_by(JOURNEY.c.next_run_at, JOURNEY.c.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all())


async def enabled_of_services_with_journeys(session: AsyncSession, limit: int) -> list[Any]:
    """Enabled journeys (id, service_id, bu_id, created_at), at most `limit`."""
    stmt = (
        select(JOURNEY.c.id, JOURNEY.c.service_id, JOURNEY.c.bu_id, JOURNEY.c.created_at)
        .where(JOURNEY.c.enabled.is_(True), JOURNEY.c.runner == "built_in")
        .order_by(JOURNEY.c.id)
        .limit(limit)
    )
    rows: list[Row[Any]] = list((await session.execute(stmt)).all())  # type: ignore[arg-type]
    return rows


async def existing_claim_keys(session: AsyncSession, keys: Collection[str]) -> set[str]:
    if not keys:
        return set()
    stmt = select(CLAIM.c.key).where(CLAIM.c.key.in_(set(keys)))
    return {r.key for r in (await session.execute(stmt)).all()}


async def add_claim(session: AsyncSession, claim: JourneyClaim) -> bool:
    """Add a claim unless its key exists (a concurrent worker added it first): whether added."""
    try:
        async with session.begin_nested():
            session.add(claim)
    except IntegrityError:
        return False
    return True


async def take_due(
    session: AsyncSession, now: datetime, stale_before: datetime, limit: int
) -> list[JourneyClaim]:
    """Claims due and not run, never taken or taken before `stale_before` (a worker that died),
    locked so that two workers never take the same (SKIP LOCKED on PostgreSQL)."""
    stmt = (
        select(JourneyClaim)
        .where(
            JourneyClaim.run_id.is_(None),
            JourneyClaim.due_at <= now,
            JourneyClaim.attempts < MAX_ATTEMPTS,
            or_(JourneyClaim.claimed_at.is_(None), JourneyClaim.claimed_at < stale_before),
        )
        .order_by(JourneyClaim.due_at, JourneyClaim.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars().all())


async def get_claim(session: AsyncSession, claim_id: uuid.UUID) -> JourneyClaim | None:
    stmt = select(JourneyClaim).where(JourneyClaim.id == claim_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def schedule_after(
    session: AsyncSession, journey_id: uuid.UUID, next_run_at: datetime
) -> None:
    # The schedule's bookkeeping, not a change of the journey: its version stays.
    await session.execute(
        update(Journey).where(Journey.id == journey_id).values(next_run_at=next_run_at)
    )


async def bu_ids_with_journeys(session: AsyncSession) -> list[uuid.UUID]:
    """The BUs that have any journey (the index on bu_id)."""
    stmt = select(JOURNEY.c.bu_id).distinct()
    return [r.bu_id for r in (await session.execute(stmt)).all()]


async def journeys_by_keys(
    session: AsyncSession, bu_ids: Collection[uuid.UUID], keys: Collection[str]
) -> list[Any]:
    """The journeys of these BUs keyed one of `keys` (id, bu_id, service_id, key)."""
    if not bu_ids or not keys:
        return []
    stmt = select(JOURNEY.c.id, JOURNEY.c.bu_id, JOURNEY.c.service_id, JOURNEY.c.key).where(
        JOURNEY.c.bu_id.in_(set(bu_ids)), JOURNEY.c.key.in_(set(keys))
    )
    return list((await session.execute(stmt)).all())


async def reported_refs(session: AsyncSession, runner: str, refs: Collection[str]) -> set[str]:
    """Which of these external run ids the runner already reported (for any journey)."""
    if not refs:
        return set()
    stmt = select(RUN.c.external_ref).where(
        RUN.c.runner == runner, RUN.c.external_ref.in_(set(refs))
    )
    return {r.external_ref for r in (await session.execute(stmt)).all()}


async def regressions_between(
    session: AsyncSession,
    scope: Scope,
    start: datetime,
    end: datetime,
    *,
    bu_id: uuid.UUID | None,
    service_ids: Collection[uuid.UUID] | None,
    limit: int,
) -> list[Row[Any]]:
    """Regressions detected in [start, end) where the scope reaches, earliest first (the
    index on (bu_id, detected_at))."""
    stmt = select(REGRESSION).where(
        REGRESSION.c.detected_at >= start, REGRESSION.c.detected_at < end
    )
    if bu_id is not None:
        stmt = stmt.where(REGRESSION.c.bu_id == bu_id)
    if service_ids is not None:
        stmt = stmt.where(REGRESSION.c.service_id.in_(set(service_ids)))
    stmt = scoped(stmt, REGRESSION.c.bu_id, scope)
    stmt = stmt.order_by(REGRESSION.c.detected_at, REGRESSION.c.id).limit(limit)
    return list((await session.execute(stmt)).all())


async def runs_between(
    session: AsyncSession,
    journey_ids: Collection[uuid.UUID],
    start: datetime,
    end: datetime,
    *,
    limit: int = 2000,
) -> list[Row[Any]]:
    """The journeys' runs that finished in [start, end), oldest first, at most `limit` (one
    statement, ix_postrelease_journey_runs_journey_id_finished_at)."""
    if not journey_ids:
        return []
    stmt = (
        select(RUN.c.journey_id, RUN.c.outcome, RUN.c.finished_at)
        .where(
            RUN.c.journey_id.in_(set(journey_ids)),
            RUN.c.finished_at >= start,
            RUN.c.finished_at < end,
        )
        .order_by(RUN.c.finished_at, RUN.c.id)
        .limit(limit)
    )
    rows: list[Row[Any]] = list((await session.execute(stmt)).all())  # type: ignore[arg-type]
    return rows
