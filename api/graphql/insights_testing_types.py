"""Types of test investment from defect history: the table per service x component x escaped
layer, the ranked suggestions, and the rows behind every figure (which defects, which test
runs, which production deployments)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.insights_ledger_types import ChangeLedgerEntry
from api.graphql.organization_types import Service
from api.graphql.pipelines_evidence_types import Evidence
from api.graphql.postrelease_defects_types import Defect, EscapedTestLayer
from api.graphql.relay import load_nodes, node_field
from domain.insights import testing_vocabulary as vocabulary
from domain.insights.testing_queries import InvestmentReport
from domain.insights.testing_rules import Row

TestInvestmentClass = exposed(vocabulary.InvestmentClass, name="TestInvestmentClass")


@strawberry.type(description="The runs of a service's suites at one layer in the period.")
class TestLayerEvidence:
    __test__ = False  # not a pytest class, despite its name

    suites: list[str] = strawberry.field(description="The suites whose name says this layer.")
    runs: int
    latest_coverage_percent: float | None = strawberry.field(
        description="The coverage of the latest run that reported one."
    )
    median_coverage_percent: float | None
    strength: float = strawberry.field(
        description="What the score divides by: 1 without a suite, 1.5 for suites without a "
        "coverage, 1 + coverage / 100."
    )
    run_uids: strawberry.Private[list[uuid.UUID]]

    @strawberry.field(description="The test-run evidence counted, earliest first.")
    async def evidence(self, info: Info) -> list[Evidence]:
        return await load_nodes(info.context.loaders.evidence, Evidence, self.run_uids)


@strawberry.type(description="One service x component x escaped test layer of the period.")
class TestInvestmentRow:
    __test__ = False

    component: str
    escaped_layer: EscapedTestLayer
    classification: TestInvestmentClass
    defect_count: int
    weighted_defects: float = strawberry.field(description="Defects weighted by severity.")
    production_deployments: int = strawberry.field(
        description="The service's successful production deployments in the period."
    )
    defects_per_100_deployments: float | None = strawberry.field(
        description="This row's defects per 100 of them; null when it never deployed."
    )
    layer_evidence: TestLayerEvidence
    unmapped_suites: list[str] = strawberry.field(
        description="The service's suites whose name says no single layer (counted nowhere)."
    )
    score: float
    reason: str = strawberry.field(description="The classification in words, with what to do.")
    service_uid: strawberry.Private[uuid.UUID]
    defect_uids: strawberry.Private[list[uuid.UUID]]
    deployment_rows: strawberry.Private[tuple[Any, ...]]

    service = node_field(Service, "service", "service_uid")

    @strawberry.field(description="The defects counted, earliest found first.")
    async def defects(self, info: Info) -> list[Defect]:
        return await load_nodes(info.context.loaders.defect, Defect, self.defect_uids)

    @strawberry.field(description="The production deployments the rate divides by.")
    def deployments(self) -> list[ChangeLedgerEntry]:
        return [ChangeLedgerEntry.from_row(r) for r in self.deployment_rows]

    @classmethod
    def of(cls, r: Row, report: InvestmentReport) -> TestInvestmentRow:
        ev = r.evidence
        return cls(
            component=r.component,
            escaped_layer=EscapedTestLayer(r.layer),
            classification=TestInvestmentClass(r.classification.value),
            defect_count=len(r.defect_ids),
            weighted_defects=r.weighted_defects,
            production_deployments=r.deployments,
            defects_per_100_deployments=r.defects_per_100_deployments,
            layer_evidence=TestLayerEvidence(
                suites=list(ev.suites),
                runs=len(ev.run_ids),
                latest_coverage_percent=ev.latest_coverage,
                median_coverage_percent=ev.median_coverage,
                strength=ev.strength,
                run_uids=list(ev.run_ids),
            ),
            unmapped_suites=list(report.unmapped_suites.get(r.service_id, ())),
            score=r.score,
            reason=r.reason,
            service_uid=r.service_id,
            defect_uids=list(r.defect_ids),
            deployment_rows=report.deployments.get(r.service_id, ()),
        )


@strawberry.type(description="A suggestion for test automation, ranked by score.")
class TestInvestmentSuggestion:
    __test__ = False

    rank: int = strawberry.field(description="1 for the highest score.")
    row: TestInvestmentRow


@strawberry.type(description="What one defect of each severity counted for.")
class TestSeverityWeights:
    __test__ = False

    critical: float
    high: float
    medium: float
    low: float


@strawberry.type(description="Where defects escape despite tests, and where tests are missing.")
class TestInvestment:
    __test__ = False

    start: datetime
    end: datetime
    coverage_threshold_percent: float
    min_weighted_defects: float
    half_life_days: float
    severity_weights: TestSeverityWeights
    suggestions: list[TestInvestmentSuggestion]
    rows: list[TestInvestmentRow] = strawberry.field(
        description="Every service x component x layer with a defect in the period."
    )

    @classmethod
    def of(cls, report: InvestmentReport) -> TestInvestment:
        o, w = report.options, report.options.weights
        rows = {
            (r.service_id, r.component, r.layer): TestInvestmentRow.of(r, report)
            for r in report.rows
        }
        return cls(
            start=report.start,
            end=report.end,
            coverage_threshold_percent=o.coverage_threshold,
            min_weighted_defects=o.min_weighted_defects,
            half_life_days=o.half_life_days,
            severity_weights=TestSeverityWeights(
                critical=w.critical, high=w.high, medium=w.medium, low=w.low
            ),
            suggestions=[
                TestInvestmentSuggestion(rank=i, row=rows[(r.service_id, r.component, r.layer)])
                for i, r in enumerate(report.suggestions, start=1)
            ],
            rows=list(rows.values()),
        )
