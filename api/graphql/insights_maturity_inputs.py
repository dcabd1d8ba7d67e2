"""Inputs and payloads of the maturity mutations and queries, and their decoding into commands.

Dimensions and levels come in as plain strings and integers, so an unknown dimension or a level
out of range is the domain's typed refusal (UNKNOWN_DIMENSION, LEVEL_OUT_OF_RANGE), not a
GraphQL validation error."""

from __future__ import annotations

import strawberry

from api.graphql.insights_maturity_types import MaturityAssessment, MaturityQuestionnaire
from api.graphql.relay import from_global_id
from api.graphql.user_errors import UserError
from domain.insights import maturity_commands as cmd


@strawberry.input(description="A level for one dimension.")
class MaturityAnswerInput:
    dimension: str = strawberry.field(description="governance, automation, testing, ...")
    level: int = strawberry.field(description="1 to 5.")
    note: str = ""


@strawberry.input(description="A team's self-assessment for an open quarter.")
class MaturityAssessmentSubmitInput:
    team_id: strawberry.ID
    quarter: str = strawberry.field(description="Like 2026-Q4; the quarter must be open.")
    answers: list[MaturityAnswerInput]


@strawberry.input(description="New answers while the quarter is open; the reason is audited.")
class MaturityAssessmentReviseInput:
    id: strawberry.ID
    version: int
    answers: list[MaturityAnswerInput]
    reason: str


@strawberry.input(description="One dimension of a questionnaire version.")
class MaturityDimensionInput:
    dimension: str
    title: str
    levels: list[str] = strawberry.field(description="Five descriptions, level 1 first.")


@strawberry.input(description="A new version of a BU's questionnaire.")
class MaturityQuestionnairePublishInput:
    business_unit_id: strawberry.ID
    dimensions: list[MaturityDimensionInput]
    gap_threshold: int = strawberry.field(
        default=2, description="Flag a self-assessment this many levels above telemetry (1-4)."
    )
    note: str = ""


@strawberry.input
class MaturityAssessmentFilter:
    team_id: strawberry.ID | None = None
    business_unit_id: strawberry.ID | None = None
    quarter: str | None = strawberry.field(
        default=None, description="One quarter (like 2026-Q4): every team of a BU side by side."
    )


@strawberry.input
class MaturityQuestionnaireFilter:
    business_unit_id: strawberry.ID | None = None


@strawberry.type
class MaturityAssessmentPayload:
    maturity_assessment: MaturityAssessment | None
    errors: list[UserError]


@strawberry.type
class MaturityQuestionnairePayload:
    questionnaire: MaturityQuestionnaire | None
    errors: list[UserError]


def _answers(items: list[MaturityAnswerInput]) -> tuple[cmd.Answer, ...]:
    return tuple(cmd.Answer(a.dimension, a.level, a.note) for a in items)


def submit(i: MaturityAssessmentSubmitInput) -> cmd.SubmitAssessment:
    return cmd.SubmitAssessment(
        team_id=from_global_id(i.team_id, "Team", "teamId"),
        quarter=i.quarter,
        answers=_answers(i.answers),
    )


def revise(i: MaturityAssessmentReviseInput) -> cmd.ReviseAssessment:
    return cmd.ReviseAssessment(
        assessment_id=from_global_id(i.id, "MaturityAssessment"),
        version=i.version,
        answers=_answers(i.answers),
        reason=i.reason,
    )


def publish(i: MaturityQuestionnairePublishInput) -> cmd.PublishQuestionnaire:
    return cmd.PublishQuestionnaire(
        bu_id=from_global_id(i.business_unit_id, "BusinessUnit", "businessUnitId"),
        dimensions=tuple(
            cmd.DimensionText(d.dimension, d.title, tuple(d.levels)) for d in i.dimensions
        ),
        gap_threshold=i.gap_threshold,
        note=i.note,
    )
