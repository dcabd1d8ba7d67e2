"""DORA's four keys per BU as Prometheus gauges, so existing Grafana dashboards can chart them:
worked out from the change ledger at a scrape, at most once per REFRESH (a scrape between two
reads the last figures), over the WINDOW up to now, with DevLake's definitions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Gauge

from domain.insights import dora_queries

if TYPE_CHECKING:
    from api.runtime import Runtime

WINDOW = timedelta(days=30)
REFRESH = timedelta(minutes=5)
LABELS = ["business_unit"]


class DoraGauges:
    def __init__(self, registry: CollectorRegistry) -> None:
        def gauge(name: str, text: str) -> Gauge:
            return Gauge(name, text, LABELS, registry=registry)

        self.deployments = gauge(
            "signalbox_dora_deployments", "Successful production deployments, last 30 days"
        )
        self.deployment_days = gauge(
            "signalbox_dora_deployment_days", "Days with a production deployment, last 30 days"
        )
        self.lead_time = gauge(
            "signalbox_dora_lead_time_seconds", "Median lead time for changes, last 30 days"
        )
        self.failure_rate = gauge(
            "signalbox_dora_change_failure_rate", "Change failure rate (0-1), last 30 days"
        )
        self.restore = gauge(
            "signalbox_dora_time_to_restore_seconds", "Median time to restore, last 30 days"
        )
        self._read_at: datetime | None = None

    def outdate(self) -> None:
        """The next scrape reads the figures again (a test's, after it changed the ledger)."""
        self._read_at = None

    async def refresh(self, runtime: Runtime) -> None:
        """Read the four keys of every BU again, unless read within REFRESH."""
        now = runtime.clock.now()
        if self._read_at is not None and now - self._read_at < REFRESH:
            return
        self._read_at = now
        async with runtime.db.read_session() as session:
            found = await dora_queries.per_business_unit(session, now - WINDOW, now)
        for bu, k in found.items():
            self.deployments.labels(bu).set(len(k.deployments))
            self.deployment_days.labels(bu).set(k.deployment_days)
            # No figure (nothing deployed, nothing restored): NaN, which Grafana leaves blank.
            nan = float("nan")
            lead = k.lead_time
            self.lead_time.labels(bu).set(nan if lead is None else lead.total_seconds())
            rate = k.change_failure_rate
            self.failure_rate.labels(bu).set(nan if rate is None else rate)
            ttr = k.time_to_restore
            self.restore.labels(bu).set(nan if ttr is None else ttr.total_seconds())
