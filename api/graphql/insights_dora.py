"""DORA's four keys per service, team, BU, tier and change type over any period, with a trend,
benchmark levels and the rows behind every figure (scoped to the BUs where you may read the
change ledger)."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from api.graphql.context import Info
from api.graphql.governance_types import ChangeType
from api.graphql.insights_dora_types import (
    DoraAttribution,
    DoraBenchmarks,
    DoraBucket,
    DoraFailureDefinition,
    DoraMetrics,
    DoraStatistic,
)
from api.graphql.insights_ledger import caught_up
from api.graphql.organization_types import Tier
from api.graphql.postrelease_incidents_types import ChangeKind
from api.graphql.relay import from_optional_global_id
from domain.insights import dora_queries
from domain.insights.dora_rules import DEPLOYMENT, Options
from domain.insights.ledger_repository import LedgerFilter


@strawberry.input(description="Whose four keys: each field narrows; null: every BU you may read.")
class DoraScope:
    business_unit_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    service_id: strawberry.ID | None = None
    tier: Tier | None = None
    change_type: ChangeType | None = strawberry.field(
        default=None,
        description="Only changes of this type, and the incidents counted against them.",
    )


@strawberry.input(description="The switches, each documented; null: DevLake's definitions.")
class DoraOptions:
    failure: DoraFailureDefinition = DoraFailureDefinition.INCIDENT
    statistic: DoraStatistic = DoraStatistic.MEDIAN
    attribution: DoraAttribution = DoraAttribution.LAST_CHANGE
    attribution_window_hours: int | None = strawberry.field(
        default=None,
        description="An incident counts against a change only when created within this many "
        "hours after it, 0 to 8784 (null: no limit).",
    )
    benchmarks: DoraBenchmarks = DoraBenchmarks.DORA_2023
    kinds: list[ChangeKind] | None = strawberry.field(
        default=None, description="The kinds of change counted (null: deployments)."
    )


def _options(o: DoraOptions | None, change_type: ChangeType | None) -> Options:
    o = o or DoraOptions()
    hours = o.attribution_window_hours
    return Options(
        failure=o.failure,
        statistic=o.statistic,
        attribution=o.attribution,
        window=None if hours is None else timedelta(hours=dora_queries.window_hours(hours)),
        benchmarks=o.benchmarks,
        kinds=frozenset(k.value for k in o.kinds) if o.kinds else frozenset({DEPLOYMENT}),
        change_type=None if change_type is None else change_type.value,
    )


def _scope(s: DoraScope) -> LedgerFilter:
    return LedgerFilter(
        bu_id=from_optional_global_id(s.business_unit_id, "BusinessUnit", "businessUnitId"),
        team_id=from_optional_global_id(s.team_id, "Team", "teamId"),
        service_id=from_optional_global_id(s.service_id, "Service", "serviceId"),
        tier=None if s.tier is None else s.tier.value,
    )


@strawberry.type
class DoraQuery:
    @strawberry.field(
        description="DORA's four keys of [since, until) (default: the 90 days up to now), graded "
        "by a benchmark table, with a trend by week or month and the rows behind each figure."
    )
    async def dora_metrics(
        self,
        info: Info,
        scope: DoraScope | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        bucket: DoraBucket = DoraBucket.MONTH,
        options: DoraOptions | None = None,
    ) -> DoraMetrics:
        s = scope or DoraScope()
        start, end = dora_queries.period(since, until, info.context.runtime.clock.now())
        await caught_up(info)
        async with info.context.reader() as r:
            found = await dora_queries.dora_metrics(
                r, _scope(s), start, end, _options(options, s.change_type), bucket
            )
        return DoraMetrics.of(found)
