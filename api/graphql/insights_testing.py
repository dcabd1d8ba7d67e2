"""Test investment from defect history: where defects escape despite test coverage and where
coverage is missing, per service x component x escaped layer, ranked as suggestions for test
automation (scoped to the BUs where you may read defects, the change ledger and evidence)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.insights_ledger import caught_up
from api.graphql.insights_testing_types import TestInvestment
from api.graphql.relay import from_optional_global_id
from domain.insights import dora_queries, testing_queries
from domain.insights.testing_queries import DefectFilter
from domain.insights.testing_rules import Options


@strawberry.input(description="Whose defects: each field narrows; null: every BU you may read.")
class TestInvestmentScope:
    __test__ = False

    business_unit_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    service_id: strawberry.ID | None = None


@strawberry.input(
    description="What one defect of each severity counts for, 0 to 1000 (null: 8, 4, 2, 1)."
)
class TestSeverityWeightsInput:
    __test__ = False

    critical: float | None = None
    high: float | None = None
    medium: float | None = None
    low: float | None = None


@strawberry.input(description="The thresholds and weights, each documented; null: the defaults.")
class TestInvestmentOptions:
    __test__ = False

    coverage_threshold_percent: float | None = strawberry.field(
        default=None,
        description="A layer whose suites' latest coverage is below it has coverage missing, "
        "0 to 100 (null: 70).",
    )
    min_weighted_defects: float | None = strawberry.field(
        default=None, description="Fewer severity-weighted defects are healthy (null: 2)."
    )
    half_life_days: float | None = strawberry.field(
        default=None,
        description="A defect found this many days before the period's end counts half in the "
        "score, 1 to 3650 (null: 30).",
    )
    severity_weights: TestSeverityWeightsInput | None = None


def _scope(s: TestInvestmentScope) -> DefectFilter:
    return DefectFilter(
        bu_id=from_optional_global_id(s.business_unit_id, "BusinessUnit", "businessUnitId"),
        team_id=from_optional_global_id(s.team_id, "Team", "teamId"),
        service_id=from_optional_global_id(s.service_id, "Service", "serviceId"),
    )


def _options(o: TestInvestmentOptions | None) -> Options:
    o = o or TestInvestmentOptions()
    w = o.severity_weights or TestSeverityWeightsInput()
    return testing_queries.options(
        {"critical": w.critical, "high": w.high, "medium": w.medium, "low": w.low},
        coverage_threshold=o.coverage_threshold_percent,
        min_weighted_defects=o.min_weighted_defects,
        half_life_days=o.half_life_days,
    )


@strawberry.type
class TestInvestmentQuery:
    __test__ = False

    @strawberry.field(
        description="Defects of [since, until) (default: the 90 days up to now) by service, "
        "component and escaped test layer against the service's test runs: where they escape "
        "despite coverage and where coverage is missing, ranked as suggestions for test "
        "automation, with the rows behind every figure."
    )
    async def test_investment(
        self,
        info: Info,
        scope: TestInvestmentScope | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        options: TestInvestmentOptions | None = None,
    ) -> TestInvestment:
        start, end = dora_queries.period(since, until, info.context.runtime.clock.now())
        chosen = _options(options)
        await caught_up(info)
        async with info.context.reader() as r:
            found = await testing_queries.test_investment(
                r, _scope(scope or TestInvestmentScope()), start, end, chosen
            )
        return TestInvestment.of(found)
