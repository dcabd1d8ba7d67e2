"""What a post-release review reads from outside Signalbox, as ports the API fills in: metrics
(Prometheus, through api.post_release_prometheus) and synthetic journey results
(`SyntheticResults`: the journeys' own runs by default, domain.postrelease.journey_review)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession


class MetricsUnavailable(Exception):
    """The metrics store did not answer, or answered with an error (said in the message)."""


class MetricsSource(Protocol):
    """Reads a PromQL expression's mean over a window from a metrics store."""

    @property
    def configured(self) -> bool:
        """False when no store is configured: the review says so instead of showing zeros."""

    async def mean(self, promql: str, start: datetime, end: datetime) -> float | None:
        """The mean of the expression's samples in [start, end] (None: no sample); raises
        MetricsUnavailable when the store cannot be read."""


class NoMetrics:
    """No metrics store configured (the demo, a fresh installation)."""

    configured = False

    async def mean(self, promql: str, start: datetime, end: datetime) -> float | None:
        raise MetricsUnavailable("No Prometheus is configured (SIGNALBOX_PROMETHEUS_URL).")


class SyntheticResults(Protocol):
    """Synthetic journey results of a service before and after a deployment: the hook where
    the journeys part (domain.postrelease.journey_*) hands its results to the review."""

    async def __call__(
        self,
        session: AsyncSession,
        service_id: uuid.UUID,
        before: tuple[datetime, datetime],
        after: tuple[datetime, datetime],
    ) -> Sequence[dict[str, Any]] | None:
        """One entry per journey ({journey, passedBefore, passedAfter}); None: not available."""


async def no_synthetic_results(
    session: AsyncSession,
    service_id: uuid.UUID,
    before: tuple[datetime, datetime],
    after: tuple[datetime, datetime],
) -> Sequence[dict[str, Any]] | None:
    """No synthetic results: the review shows them as not available."""
    return None
