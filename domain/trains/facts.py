"""What the trains context publishes to the contexts above it: batched fact readers.

The departure a release boards, and a departure's integration-test window with its results
as plain facts (judged by the pure domain.trains.rules.integration_window_passed).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import id_param
from domain.trains import repository as repo
from domain.trains.models import DepartureBoarding
from domain.trains.rules import ResultFacts, WindowFacts
from domain.trains.vocabulary import IntegrationWindowStatus


@dataclass(frozen=True, slots=True)
class IntegrationFacts:
    """A departure's integration window (None: none scheduled) and its recorded results."""

    departure_id: uuid.UUID
    window: WindowFacts | None
    results: tuple[ResultFacts, ...] = ()


def window_facts(row: Any | None) -> WindowFacts | None:
    """A stored window as the rules see it."""
    if row is None:
        return None
    cancelled = row.status != IntegrationWindowStatus.SCHEDULED
    return WindowFacts(starts_at=row.starts_at, ends_at=row.ends_at, cancelled=cancelled)


def result_facts(rows: Sequence[Any]) -> tuple[ResultFacts, ...]:
    """Stored results as the rules see them."""
    return tuple(ResultFacts(r.suite, r.passed, r.recorded_at) for r in rows)


async def departure_of(session: AsyncSession, release_id: uuid.UUID) -> uuid.UUID | None:
    """The departure the release boards, if any."""
    return await session.scalar(_DEPARTURE_OF, {"id": release_id})


# Built once (a cold decision snapshot reads it; building costs more than running).
_DEPARTURE_OF = prepared(
    select(DepartureBoarding.departure_id).where(DepartureBoarding.release_id == id_param())
)


async def integration_of(session: AsyncSession, departure_id: uuid.UUID) -> IntegrationFacts:
    """A departure's integration window and its results (two statements at most)."""
    window = (await repo.windows_by_departure(session, [departure_id])).get(departure_id)
    results = (
        (await repo.results_by_window(session, [window.id])).get(window.id, []) if window else []
    )
    return IntegrationFacts(departure_id, window_facts(window), result_facts(results))
