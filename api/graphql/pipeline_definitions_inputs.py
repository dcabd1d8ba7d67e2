"""Inputs and payloads of the pipeline-definition mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.pipeline_definitions_types import (
    Pipeline,
    PipelineDefinitionFormat,
    PipelineDefinitionVersion,
    PipelineRegistrationOutcome,
    PipelineReviewVerdict,
    PipelineRun,
    PipelineRunStatus,
)
from api.graphql.user_errors import UserError
from domain.pipelines import vocabulary as pipelines_vocabulary


@strawberry.input(description="A team's new pipeline and the services it deploys.")
class PipelineCreateInput:
    team_id: strawberry.ID
    key: str = strawberry.field(description="Unique within the team, e.g. deploy-api.")
    name: str
    service_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Services of the team's BU it deploys."
    )
    description: str = ""


@strawberry.type
class PipelinePayload:
    pipeline: Pipeline | None
    errors: list[UserError]


@strawberry.input(description="A definition from the team's repository, as text.")
class PipelineDefinitionRegisterInput:
    pipeline_id: strawberry.ID
    source: str = strawberry.field(
        description="YAML or JSON (at most 64 KiB): `stages`, each with a `name`, an "
        "`environment_kind` or `environment` (key) and `gates` (gate keys)."
    )
    format: PipelineDefinitionFormat = pipelines_vocabulary.DefinitionFormat.YAML


@strawberry.type(
    description="The version registered, or the existing one with the same canonical hash."
)
class PipelineDefinitionRegisterPayload:
    definition_version: PipelineDefinitionVersion | None
    outcome: PipelineRegistrationOutcome | None
    message: str | None = strawberry.field(description="What happened, in a sentence.")
    errors: list[UserError]
    warnings: list[str] = strawberry.field(
        default_factory=list,
        description="What the definition says that is accepted but deprecated (e.g. the "
        "`readiness` gate, now `release_status`), each with its JSON path.",
    )


@strawberry.input(description="A peer's verdict on a proposed version (never its author's).")
class PipelineDefinitionReviewInput:
    version_id: strawberry.ID
    verdict: PipelineReviewVerdict
    comment: str = strawberry.field(default="", description="Required to REJECT.")
    version: int | None = strawberry.field(
        default=None, description="The definition version's `version` you read, if you have it."
    )


@strawberry.type
class PipelineDefinitionReviewPayload:
    definition_version: PipelineDefinitionVersion | None
    errors: list[UserError]


@strawberry.input(
    description="A pipeline run, as CI reports it: the pipeline by id, or by team key and "
    "pipeline key (plus the BU key when the team key is ambiguous)."
)
class PipelineRunReportInput:
    run_id: str = strawberry.field(description="CI's own run id; reporting it again updates it.")
    definition_hash: str = strawberry.field(
        description="sha256:<hex> of the canonical definition it ran (the raw file's also works)."
    )
    status: PipelineRunStatus
    started_at: datetime
    finished_at: datetime | None = None
    artifact: str | None = None
    pipeline_id: strawberry.ID | None = None
    team_key: str | None = None
    pipeline_key: str | None = None
    business_unit_key: str | None = None


@strawberry.type
class PipelineRunPayload:
    run: PipelineRun | None
    errors: list[UserError]
