"""Synthetic journey results for the 24-hour post-release review: for each journey of the
service, its runs in the window before the deployment and in the window after it
(`review_sources.SyntheticResults`, the review's default)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.postrelease import journey_repository as repo
from domain.postrelease.journey_vocabulary import RunOutcome
from domain.postrelease.review_rules import journey_summary


async def journey_results(
    session: AsyncSession,
    service_id: uuid.UUID,
    before: tuple[datetime, datetime],
    after: tuple[datetime, datetime],
) -> Sequence[dict[str, Any]] | None:
    """One entry per journey of the service (by key); None when the service has none, so the
    review says "not available" rather than "all passed" (two statements)."""
    journeys = (await repo.journeys_of_services(session, [service_id])).get(service_id, [])
    if not journeys:
        return None
    runs = await repo.runs_between(session, [j.id for j in journeys], before[0], after[1])
    outcomes: dict[uuid.UUID, tuple[list[bool], list[bool]]] = {j.id: ([], []) for j in journeys}
    for run in runs:
        side = 0 if run.finished_at < before[1] else 1
        outcomes[run.journey_id][side].append(run.outcome == RunOutcome.PASSED)
    return [journey_summary(j.key, j.name, *outcomes[j.id]) for j in journeys]
