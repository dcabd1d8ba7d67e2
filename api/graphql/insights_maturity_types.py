"""Types of quarterly maturity assessments: an assessment with its answers and history, the
telemetry of the team's quarter beside it, the gap per dimension (flagged above the BU's
threshold) and the bottlenecks named; the questionnaire versions answered."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.insights_ledger import caught_up
from api.graphql.organization_types import BusinessUnit, Person, Team
from api.graphql.relay import Node, node_field
from api.graphql.rows import from_columns
from domain.insights import maturity_vocabulary as vocabulary
from domain.insights.maturity_queries import Insight

MaturityDimension = exposed(vocabulary.Dimension, name="MaturityDimension")
MaturityBottleneckKind = exposed(vocabulary.BottleneckKind, name="MaturityBottleneckKind")


@strawberry.type(description="A level of a dimension and what it looks like.")
class MaturityLevel:
    level: int
    description: str


@strawberry.type(description="One dimension of a questionnaire version: five levels, 1 first.")
class MaturityQuestionnaireDimension:
    dimension: MaturityDimension
    title: str
    levels: list[MaturityLevel]


def dimensions_of(items: list[dict[str, Any]]) -> list[MaturityQuestionnaireDimension]:
    return [
        MaturityQuestionnaireDimension(
            dimension=vocabulary.Dimension(d["dimension"]),
            title=d["title"],
            levels=[MaturityLevel(level=n, description=t) for n, t in enumerate(d["levels"], 1)],
        )
        for d in items
    ]


@strawberry.type(description="A questionnaire version a BU admin published (append-only).")
class MaturityQuestionnaire(Node):
    id: strawberry.ID
    number: int = strawberry.field(description="Its version; the built-in one is 1.")
    gap_threshold: int = strawberry.field(
        description="A self-assessment this many levels above telemetry is flagged."
    )
    note: str
    published_at: datetime
    dimensions: list[MaturityQuestionnaireDimension]
    bu_uid: strawberry.Private[uuid.UUID]
    published_by_uid: strawberry.Private[uuid.UUID | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")
    published_by = node_field(Person, "person", "published_by_uid")

    @classmethod
    def from_row(cls, row: Any) -> MaturityQuestionnaire:
        return from_columns(cls, row, dimensions=dimensions_of(row.dimensions))


@strawberry.type(description="The questionnaire a BU's teams answer now.")
class MaturityQuestions:
    number: int
    gap_threshold: int
    built_in: bool = strawberry.field(description="True until the BU publishes its own.")
    dimensions: list[MaturityQuestionnaireDimension]


@strawberry.type(description="A team's answer on one dimension.")
class MaturityAnswer:
    dimension: MaturityDimension
    level: int
    note: str


def answers_of(levels: dict[str, int], notes: dict[str, str]) -> list[MaturityAnswer]:
    return [
        MaturityAnswer(dimension=d, level=int(levels[d.value]), note=notes.get(d.value, ""))
        for d in vocabulary.Dimension
        if d.value in levels
    ]


@strawberry.type(description="One submission of an assessment, as it was answered.")
class MaturityRevision:
    number: int
    questionnaire_number: int
    answers: list[MaturityAnswer]
    submitted_at: datetime
    submitted_by_uid: strawberry.Private[uuid.UUID | None]

    submitted_by = node_field(Person, "person", "submitted_by_uid")

    @classmethod
    def from_row(cls, row: Any) -> MaturityRevision:
        return from_columns(cls, row, answers=answers_of(row.answers, row.notes))


@strawberry.type(
    description="What the platform recorded of the team that quarter (null: not measured). "
    "The DORA figures are filled in when the DORA metrics are wired in."
)
class MaturityTelemetry:
    automation_share: float | None = strawberry.field(
        description="Production deployments driven by CI or a CD tool, of all."
    )
    bypass_rate: float | None = strawberry.field(
        description="Emergency bypasses per production deployment."
    )
    approval_wait_hours: float | None = strawberry.field(
        description="Median hours from a release's submission to each sign-off."
    )
    review_on_time_share: float | None = strawberry.field(
        description="24-hour post-release reviews closed by their due time, of those due."
    )
    deployment_frequency_per_week: float | None
    lead_time_hours: float | None
    change_failure_rate: float | None
    recovery_hours: float | None
    deployments: int
    automated_deployments: int
    bypasses: int
    sign_offs: int
    reviews_due: int
    reviews_on_time: int


@strawberry.type(description="Self-assessment against telemetry on one dimension.")
class MaturityGap:
    dimension: MaturityDimension
    self_level: int
    telemetry_level: int | None = strawberry.field(
        description="Null when nothing the platform records speaks to it yet."
    )
    gap: int | None = strawberry.field(description="Self minus telemetry.")
    flagged: bool = strawberry.field(
        description="The self-assessment is the questionnaire's gap threshold or more above."
    )


@strawberry.type(description="A step where work waits, longest median wait first.")
class MaturityBottleneck:
    kind: MaturityBottleneckKind
    step: str = strawberry.field(description="The sign-off requirement, or the review hand-off.")
    median_wait_hours: float
    count: int


@strawberry.type(description="The assessment beside the team's telemetry for the quarter.")
class MaturityInsight:
    telemetry: MaturityTelemetry
    gaps: list[MaturityGap]
    gap_threshold: int
    flagged: bool = strawberry.field(description="At least one dimension is flagged.")
    bottlenecks: list[MaturityBottleneck]

    @classmethod
    def of(cls, i: Insight) -> MaturityInsight:
        m, t = i.measured, i.measured.telemetry
        return cls(
            telemetry=MaturityTelemetry(
                automation_share=t.automation_share,
                bypass_rate=t.bypass_rate,
                approval_wait_hours=t.approval_wait_hours,
                review_on_time_share=t.review_on_time_share,
                deployment_frequency_per_week=t.deployment_frequency_per_week,
                lead_time_hours=t.lead_time_hours,
                change_failure_rate=t.change_failure_rate,
                recovery_hours=t.recovery_hours,
                deployments=m.deployments,
                automated_deployments=m.automated_deployments,
                bypasses=m.bypasses,
                sign_offs=m.sign_offs,
                reviews_due=m.reviews_due,
                reviews_on_time=m.reviews_on_time,
            ),
            gaps=[
                MaturityGap(
                    dimension=g.dimension,
                    self_level=g.self_level,
                    telemetry_level=g.telemetry_level,
                    gap=g.gap,
                    flagged=g.flagged,
                )
                for g in i.gaps
            ],
            gap_threshold=i.gap_threshold,
            flagged=bool(i.flagged),
            bottlenecks=[
                MaturityBottleneck(
                    kind=b.kind, step=b.step, median_wait_hours=b.median_wait_hours, count=b.count
                )
                for b in m.bottlenecks
            ],
        )


@strawberry.type(description="A team's self-assessment for one quarter.")
class MaturityAssessment(Node):
    id: strawberry.ID
    quarter: str = strawberry.field(description="Like 2026-Q4.")
    questionnaire_number: int = strawberry.field(
        description="The questionnaire version the current answers answered."
    )
    answers: list[MaturityAnswer]
    submitted_at: datetime
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    team_uid: strawberry.Private[uuid.UUID]
    questionnaire_uid: strawberry.Private[uuid.UUID | None]
    submitted_by_uid: strawberry.Private[uuid.UUID | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")
    team = node_field(Team, "team", "team_uid")
    submitted_by = node_field(Person, "person", "submitted_by_uid")
    questionnaire = node_field(
        MaturityQuestionnaire,
        "maturity_questionnaire",
        "questionnaire_uid",
        "The published version answered; null for the built-in one.",
    )

    @classmethod
    def from_row(cls, row: Any) -> MaturityAssessment:
        return from_columns(cls, row, answers=answers_of(row.answers, row.notes))

    @strawberry.field(description="Every submission, the first one first.")
    async def revisions(self, info: Info) -> list[MaturityRevision]:
        rows = await info.context.loaders.maturity_revisions.load(self.uid)
        return [MaturityRevision.from_row(r) for r in rows]

    @strawberry.field(
        description="The team's telemetry for the quarter (up to now while it is open), the gap "
        "per dimension, and the steps where work waited."
    )
    async def insight(self, info: Info) -> MaturityInsight | None:
        await caught_up(info)  # the DORA figures are read from the change ledger
        found = await info.context.loaders.maturity_insight.load(self.uid)
        return None if found is None else MaturityInsight.of(found)
