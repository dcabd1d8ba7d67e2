"""Pipeline definitions as code: versions, hashes, reviews, diffs and drift."""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.pipeline_definitions_inputs import (
    PipelineCreateInput,
    PipelineDefinitionRegisterInput,
    PipelineDefinitionRegisterPayload,
    PipelineDefinitionReviewInput,
    PipelineDefinitionReviewPayload,
    PipelinePayload,
    PipelineRunPayload,
    PipelineRunReportInput,
)
from api.graphql.pipeline_definitions_types import (
    NODE_LOADERS,
    Pipeline,
    PipelineDefinitionVersion,
    PipelineRun,
)
from api.graphql.relay import (
    Connection,
    from_global_id,
    from_optional_global_id,
    paginate,
)
from api.graphql.user_errors import PIPELINES
from domain.pipelines import definition_commands as cmd
from domain.pipelines import definition_queries as pdq
from domain.pipelines import definitions, runs

run = MutationRunner(PIPELINES)
pipeline_payload = run.into(PipelinePayload, pipeline=Pipeline)
definition_version_payload = run.into(
    PipelineDefinitionReviewPayload, definition_version=PipelineDefinitionVersion
)
run_payload = run.into(PipelineRunPayload, run=PipelineRun)


@strawberry.type
class PipelineDefinitionsQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """This context's node types and loaders, for the schema's `node(id:)`."""
        return NODE_LOADERS

    @strawberry.field(description="Pipelines you may read (of one team when given), by key.")
    async def pipelines(
        self,
        info: Info,
        team_id: strawberry.ID | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Pipeline]:
        team = from_optional_global_id(team_id, "Team", "teamId")
        return await paginate(info, Pipeline, pdq.pipelines, team_id=team, first=first, after=after)


@strawberry.type
class PipelineDefinitionsMutation:
    @pipeline_payload.mutation(
        definitions.create_pipeline,
        description="Register a team's pipeline and the services it deploys.",
    )
    def pipeline_create(input: PipelineCreateInput) -> cmd.CreatePipeline:
        return cmd.CreatePipeline(
            team_id=from_global_id(input.team_id, "Team", "teamId"),
            key=input.key,
            name=input.name,
            service_ids=[from_global_id(s, "Service", "serviceIds") for s in input.service_ids],
            description=input.description,
        )

    @strawberry.mutation(
        description="Propose a new definition version; it becomes active once a peer approves "
        "it. The content already active (same canonical hash) adds nothing."
    )
    async def pipeline_definition_register(
        self, info: Info, input: PipelineDefinitionRegisterInput
    ) -> PipelineDefinitionRegisterPayload:
        c = cmd.RegisterDefinition(
            pipeline_id=from_global_id(input.pipeline_id, "Pipeline", "pipelineId"),
            source=input.source,
            format=input.format.value,
        )
        found, errors = await run(info, lambda uow: definitions.register_definition(uow, c))
        return PipelineDefinitionRegisterPayload(
            definition_version=PipelineDefinitionVersion.from_row(found.version) if found else None,
            outcome=found.outcome if found else None,
            message=found.message if found else None,
            errors=errors,
            warnings=[*found.warnings] if found else [],
        )

    @definition_version_payload.mutation(
        definitions.review_definition,
        description="Approve (activate, superseding the active one) or reject a proposed "
        "version; never one you registered.",
    )
    def pipeline_definition_review(input: PipelineDefinitionReviewInput) -> cmd.ReviewDefinition:
        return cmd.ReviewDefinition(
            version_id=from_global_id(input.version_id, "PipelineDefinitionVersion", "versionId"),
            verdict=input.verdict.value,
            comment=input.comment,
            version=input.version,
        )

    @strawberry.mutation(
        description="Report a pipeline run (CI; needs evidence/create): its drift against the "
        "definition active when it started is recorded. Idempotent on (pipeline, runId)."
    )
    async def pipeline_run_report(
        self, info: Info, input: PipelineRunReportInput
    ) -> PipelineRunPayload:
        pipeline_id = input.pipeline_id
        c = cmd.RunReport(
            run_id=input.run_id,
            definition_hash=input.definition_hash,
            status=input.status.value,
            started_at=input.started_at,
            finished_at=input.finished_at,
            artifact=input.artifact,
            pipeline_id=from_optional_global_id(pipeline_id, "Pipeline", "pipelineId"),
            team_key=input.team_key,
            pipeline_key=input.pipeline_key,
            business_unit_key=input.business_unit_key,
        )
        return await run_payload(info, lambda uow: runs.record_run(uow, c))
