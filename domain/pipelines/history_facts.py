"""What imported history says beyond the deployments, for the contexts above pipelines: the
commits' and pull requests' times of imported deployments (the change ledger's lead time), and
each service's onboarding (the cutoff of its history)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.pipelines import history_repository as repo
from domain.pipelines import history_rules as rules
from domain.pipelines.history_models import ImportedDeployment

__all__ = ["ImportedSource", "imported_sources", "onboarded_at"]


@dataclass(frozen=True, slots=True)
class ImportedSource:
    deployment_id: uuid.UUID
    first_commit_at: datetime | None
    commit_count: int
    pr_opened_at: datetime | None
    first_review_at: datetime | None
    approved_at: datetime | None
    merged_at: datetime | None


async def imported_sources(
    session: AsyncSession, deployment_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ImportedSource]:
    """The source times of the imported deployments among `deployment_ids` (one statement)."""
    if not deployment_ids:
        return {}
    t = ImportedDeployment.__table__
    stmt = select(
        t.c.deployment_id,
        t.c.first_commit_at,
        t.c.commit_count,
        t.c.pr_opened_at,
        t.c.first_review_at,
        t.c.approved_at,
        t.c.merged_at,
    ).where(t.c.deployment_id.in_(sorted(deployment_ids, key=str)))
    return {r[0]: ImportedSource(*r) for r in (await session.execute(stmt)).all()}


async def onboarded_at(
    session: AsyncSession, service_ids: Collection[uuid.UUID], now: datetime
) -> dict[uuid.UUID, datetime]:
    """Each service's onboarding: its history lies strictly before it (one statement)."""
    found = await repo.earliest_governed(session, service_ids)
    return {s: rules.onboarded_at(found.get(s), now) for s in service_ids}
