"""Metrics for the 24-hour post-release review, read from Prometheus through its HTTP API
(`/api/v1/query_range`), and the housekeeping sweep that opens reviews for production
deployments and gathers those that fell due.

A query's value over a window is the mean of its samples there (about 60 steps per window),
over every series it returns: write template queries that aggregate to one series.
"""

from __future__ import annotations

import logging
import math
import uuid
from datetime import datetime
from typing import Any

import httpx

from api.settings import Settings
from api.units import Units
from domain.kernel.access import Scope
from domain.kernel.errors import DomainError
from domain.postrelease import review_gathering as gathering
from domain.postrelease import review_service
from domain.postrelease.review_gathering import MetricsRead, Plan
from domain.postrelease.review_sources import MetricsSource, MetricsUnavailable, NoMetrics
from domain.postrelease.review_vocabulary import MetricsState

log = logging.getLogger("signalbox.post_release")
STEPS = 60


class Prometheus:
    """A Prometheus reached at `base_url`; each query bounded by `timeout` seconds."""

    configured = True

    def __init__(self, base_url: str, timeout: float) -> None:
        self._url = base_url.rstrip("/") + "/api/v1/query_range"
        self._timeout = timeout

    async def mean(self, promql: str, start: datetime, end: datetime) -> float | None:
        seconds = max((end - start).total_seconds(), 1.0)
        params = {
            "query": promql,
            "start": f"{start.timestamp():.3f}",
            "end": f"{end.timestamp():.3f}",
            "step": f"{max(seconds / STEPS, 1.0):.3f}",
        }
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self._url, params=params)
            body: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise MetricsUnavailable(f"Prometheus did not answer: {type(exc).__name__}.") from None
        if response.status_code != 200 or body.get("status") != "success":
            error = str(body.get("error", response.status_code))[:300]
            raise MetricsUnavailable(f"Prometheus refused the query: {error}")
        return _mean(body.get("data", {}).get("result", []))


def _mean(result: list[dict[str, Any]]) -> float | None:
    """The mean of every finite sample of every series (NaN, e.g. 0/0 with no traffic, left
    out); None when there is none."""
    values = [
        v
        for series in result
        for _at, raw in series.get("values", [])
        if math.isfinite(v := float(raw))
    ]
    return sum(values) / len(values) if values else None


def metrics_source(settings: Settings) -> MetricsSource:
    """Prometheus when SIGNALBOX_PROMETHEUS_URL is set, else the source that says so."""
    if not settings.prometheus_url:
        return NoMetrics()
    return Prometheus(settings.prometheus_url, settings.prometheus_timeout_seconds)


EVERY_BU = Scope(True, frozenset())
"""The sweep gathers for the system, in every BU."""
UNREAD = MetricsRead(MetricsState.NOT_GATHERED, [], "")


async def metrics_for(source: MetricsSource, plan: Plan | None) -> MetricsRead:
    """The plan's metrics, read from Prometheus once the plan's read session is closed and
    before the unit of work that stores them opens: a slow Prometheus never holds a
    transaction (nor SQLite's write lock) open."""
    return await gathering.read_metrics(source, plan) if plan else UNREAD


async def sweep_reviews(units: Units, source: MetricsSource) -> None:
    """Open the reviews of production deployments without one; gather those that fell due
    (each in a unit of its own, so one that fails leaves the others gathered)."""
    await units.run(review_service.open_due_reviews)
    for review_id in await units.run(review_service.due_for_gathering):
        async with units.db.read_session() as session:
            now = units.clock.now()
            plan = await review_service.plan_gathering(session, review_id, now, EVERY_BU)
        metrics = await metrics_for(source, plan)
        try:
            await units.run(_gather(review_id, plan, metrics))
        except DomainError as exc:
            log.warning("post-release review %s not gathered: %s", review_id, exc)


def _gather(review_id: uuid.UUID, plan: Plan | None, metrics: MetricsRead) -> Any:
    return lambda uow: review_service.gather_due(uow, review_id, plan, metrics)
