"""Quarterly maturity assessments: a team's self-assessment submitted and revised, a BU's
questionnaire versions published, and the assessments read with their history, telemetry, gaps
and bottlenecks."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql import insights_maturity_inputs as mi
from api.graphql.context import Info
from api.graphql.insights_maturity_types import (
    MaturityAssessment,
    MaturityQuestionnaire,
    MaturityQuestions,
    dimensions_of,
)
from api.graphql.mutations import MutationRunner
from api.graphql.relay import PageArgs, connection_field, from_global_id, from_optional_global_id
from api.graphql.user_errors import MATURITY
from domain.insights import maturity_commands as cmd
from domain.insights import maturity_queries as mq
from domain.insights import maturity_service as maturity
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader

run = MutationRunner(MATURITY)
assessment_payload = run.into(mi.MaturityAssessmentPayload, maturity_assessment=MaturityAssessment)
questionnaire_payload = run.into(
    mi.MaturityQuestionnairePayload, questionnaire=MaturityQuestionnaire
)


@strawberry.type
class MaturityQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """The node types this module serves, for `node(id:)`."""
        return {
            "MaturityAssessment": ("maturity_assessment", MaturityAssessment),
            "MaturityQuestionnaire": ("maturity_questionnaire", MaturityQuestionnaire),
        }

    @strawberry.field(
        description="A team's self-assessment for a quarter (like 2026-Q4), with its telemetry, "
        "gaps and history; null when there is none or it is not yours to see."
    )
    async def maturity_assessment(
        self, info: Info, team_id: strawberry.ID, quarter: str
    ) -> MaturityAssessment | None:
        team = from_global_id(team_id, "Team", "teamId")
        async with info.context.reader() as r:
            row = await mq.assessment(r, team, quarter)
        return None if row is None else MaturityAssessment.from_row(row)

    @connection_field(
        MaturityAssessment,
        description="Assessments you may read, oldest quarter first: a team's history across "
        "quarters (filter by team), a BU's, or a BU's teams in one quarter.",
    )
    def maturity_assessments(
        r: Reader, f: mi.MaturityAssessmentFilter, page: PageArgs
    ) -> Awaitable[Page[Any]]:
        return mq.assessments(
            r,
            team_id=from_optional_global_id(f.team_id, "Team", "teamId"),
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            quarter=f.quarter,
            **page,
        )

    @strawberry.field(description="The questionnaire a BU's teams answer now.")
    async def maturity_questionnaire(
        self, info: Info, business_unit_id: strawberry.ID
    ) -> MaturityQuestions | None:
        bu = from_global_id(business_unit_id, "BusinessUnit", "businessUnitId")
        async with info.context.reader() as r:
            q = await mq.current_questions(r, bu)
        if q is None:
            return None
        return MaturityQuestions(
            number=q.number,
            gap_threshold=q.gap_threshold,
            built_in=q.built_in,
            dimensions=dimensions_of(q.dimensions),
        )

    @connection_field(
        MaturityQuestionnaire, description="Published questionnaire versions, oldest first."
    )
    def maturity_questionnaires(
        r: Reader, f: mi.MaturityQuestionnaireFilter, page: PageArgs
    ) -> Awaitable[Page[Any]]:
        bu = from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId")
        return mq.questionnaires(r, bu_id=bu, **page)


@strawberry.type
class MaturityMutation:
    @assessment_payload.mutation(
        maturity.submit_assessment,
        description="A team's self-assessment for the open quarter, once (its members and "
        "leads); audited.",
    )
    def maturity_assessment_submit(
        input: mi.MaturityAssessmentSubmitInput,
    ) -> cmd.SubmitAssessment:
        return mi.submit(input)

    @assessment_payload.mutation(
        maturity.revise_assessment,
        description="New answers until the quarter closes, with a reason; every submission is "
        "kept.",
    )
    def maturity_assessment_revise(
        input: mi.MaturityAssessmentReviseInput,
    ) -> cmd.ReviseAssessment:
        return mi.revise(input)

    @questionnaire_payload.mutation(
        maturity.publish_questionnaire,
        description="A new version of a BU's questionnaire (dimensions, level descriptions, the "
        "gap threshold); assessments record the version they answered.",
    )
    def maturity_questionnaire_publish(
        input: mi.MaturityQuestionnairePublishInput,
    ) -> cmd.PublishQuestionnaire:
        return mi.publish(input)
