"""Types of DORA's four keys: the figures, their benchmark levels, the trend, and the rows that
make each figure (which deployments, which incidents)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.insights_ledger_types import ChangeLedgerEntry
from api.graphql.pipelines_evidence_types import IncidentReport
from api.graphql.relay import load_node, load_nodes
from domain.insights import dora_rules
from domain.insights import dora_vocabulary as vocabulary
from domain.insights.dora_queries import DoraReport

DoraLevel = exposed(vocabulary.Level, name="DoraLevel")
DoraFailureDefinition = exposed(vocabulary.FailureDefinition, name="DoraFailureDefinition")
DoraStatistic = exposed(vocabulary.Statistic, name="DoraStatistic")
DoraAttribution = exposed(vocabulary.Attribution, name="DoraAttribution")
DoraBenchmarks = exposed(vocabulary.Benchmarks, name="DoraBenchmarks")
DoraBucket = exposed(vocabulary.Bucket, name="DoraBucket")


def _seconds(d: timedelta | None) -> float | None:
    return None if d is None else d.total_seconds()


def _level(k: dora_rules.FourKeys, key: str) -> Any:
    found = k.levels.get(key)
    return None if found is None else DoraLevel(found.value)


@strawberry.type(description="Deployment frequency: successful production deployments.")
class DeploymentFrequency:
    deployments: int
    deployment_days: int = strawberry.field(description="Days with at least one deployment.")
    median_days_per_week: float | None
    median_days_per_month: float | None
    median_days_per_six_months: float | None
    level: DoraLevel | None


@strawberry.type(description="Lead time for changes, in seconds, by step where PRs exist.")
class LeadTime:
    seconds: float | None
    deployments_measured: int
    coding_seconds: float | None
    pickup_seconds: float | None
    review_seconds: float | None
    deploy_seconds: float | None
    level: DoraLevel | None


@strawberry.type(description="Change failure rate: failed changes of those counted.")
class ChangeFailureRate:
    rate: float | None = strawberry.field(description="0 to 1; null when nothing deployed.")
    failed: int
    counted: int
    level: DoraLevel | None


@strawberry.type(description="Time to restore service, in seconds.")
class TimeToRestore:
    seconds: float | None
    incidents_measured: int
    level: DoraLevel | None


@strawberry.type(description="The four keys of one period.")
class FourKeys:
    start: datetime
    end: datetime
    deployment_frequency: DeploymentFrequency
    lead_time: LeadTime
    change_failure_rate: ChangeFailureRate
    time_to_restore: TimeToRestore

    @classmethod
    def of(cls, start: datetime, end: datetime, k: dora_rules.FourKeys) -> FourKeys:
        days = k.days_per_span or {}
        steps = k.lead_time_steps
        return cls(
            start=start,
            end=end,
            deployment_frequency=DeploymentFrequency(
                deployments=len(k.deployments),
                deployment_days=k.deployment_days,
                median_days_per_week=days.get("week"),
                median_days_per_month=days.get("month"),
                median_days_per_six_months=days.get("six_months"),
                level=_level(k, "deployment_frequency"),
            ),
            lead_time=LeadTime(
                seconds=_seconds(k.lead_time),
                deployments_measured=len(k.lead_times),
                coding_seconds=_seconds(steps.get("coding")),
                pickup_seconds=_seconds(steps.get("pickup")),
                review_seconds=_seconds(steps.get("review")),
                deploy_seconds=_seconds(steps.get("deploy")),
                level=_level(k, "lead_time"),
            ),
            change_failure_rate=ChangeFailureRate(
                rate=k.change_failure_rate,
                failed=len(k.failures),
                counted=len(k.counted_for_failure),
                level=_level(k, "change_failure_rate"),
            ),
            time_to_restore=TimeToRestore(
                seconds=_seconds(k.time_to_restore),
                incidents_measured=len(k.restores),
                level=_level(k, "time_to_restore"),
            ),
        )


@strawberry.type(description="A failed change and the incidents counted against it.")
class DoraFailure:
    change: ChangeLedgerEntry
    incident_uids: strawberry.Private[list[uuid.UUID]]

    @strawberry.field(description="The incidents counted against it (none for a rollback).")
    async def incidents(self, info: Info) -> list[IncidentReport]:
        return await load_nodes(
            info.context.loaders.incident_report, IncidentReport, self.incident_uids
        )


@strawberry.type(description="One deployment's lead time.")
class DoraLeadTime:
    change: ChangeLedgerEntry
    seconds: float


@strawberry.type(description="One incident's time to restore.")
class DoraRestore:
    incident_uid: strawberry.Private[uuid.UUID]
    seconds: float

    @strawberry.field
    async def incident(self, info: Info) -> IncidentReport | None:
        return await load_node(
            info.context.loaders.incident_report, IncidentReport, self.incident_uid
        )


@strawberry.type(description="A row a figure could not use, and why.")
class DoraLeftOut:
    id: strawberry.ID = strawberry.field(description="The change's or incident's own id.")
    reason: str


@strawberry.type(description="The rows that make the period's figures, so anyone can check them.")
class DoraRows:
    report: strawberry.Private[DoraReport]

    def _entries(self, ids: Any) -> list[ChangeLedgerEntry]:
        return [ChangeLedgerEntry.from_row(self.report.entries[i]) for i in ids]

    @strawberry.field(description="The successful production deployments counted.")
    def deployments(self) -> list[ChangeLedgerEntry]:
        return self._entries(self.report.keys.deployments)

    @strawberry.field(description="The deployments with a lead time, and theirs.")
    def lead_times(self) -> list[DoraLeadTime]:
        return [
            DoraLeadTime(change=self._entries([i])[0], seconds=t.total_seconds())
            for i, t in self.report.keys.lead_times
        ]

    @strawberry.field(description="The changes the failure rate counts (its denominator).")
    def counted_for_failure(self) -> list[ChangeLedgerEntry]:
        return self._entries(self.report.keys.counted_for_failure)

    @strawberry.field(description="The failed changes (its numerator) and their incidents.")
    def failures(self) -> list[DoraFailure]:
        return [
            DoraFailure(change=self._entries([c])[0], incident_uids=list(i))
            for c, i in self.report.keys.failures
        ]

    @strawberry.field(description="The incidents the time to restore measures, and theirs.")
    def restores(self) -> list[DoraRestore]:
        return [
            DoraRestore(incident_uid=i, seconds=t.total_seconds())
            for i, t in self.report.keys.restores
        ]

    @strawberry.field
    def left_out(self) -> list[DoraLeftOut]:
        return [
            DoraLeftOut(id=strawberry.ID(str(i)), reason=why)
            for i, why in self.report.keys.left_out
        ]


@strawberry.type(description="DORA's four keys of a scope over a period, graded, with a trend.")
class DoraMetrics:
    start: datetime
    end: datetime
    failure_definition: DoraFailureDefinition
    statistic: DoraStatistic
    attribution: DoraAttribution
    attribution_window_hours: float | None
    benchmarks: DoraBenchmarks
    keys: FourKeys
    trend: list[FourKeys]
    rows: DoraRows = strawberry.field(description="The rows behind the period's figures.")

    @classmethod
    def of(cls, r: DoraReport) -> DoraMetrics:
        o = r.options
        return cls(
            start=r.start,
            end=r.end,
            failure_definition=DoraFailureDefinition(o.failure.value),
            statistic=DoraStatistic(o.statistic.value),
            attribution=DoraAttribution(o.attribution.value),
            attribution_window_hours=None if o.window is None else o.window.total_seconds() / 3600,
            benchmarks=DoraBenchmarks(o.benchmarks.value),
            keys=FourKeys.of(r.start, r.end, r.keys),
            trend=[FourKeys.of(a, b, k) for a, b, k in r.trend],
            rows=DoraRows(report=r),
        )
