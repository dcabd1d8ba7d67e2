"""GraphQL types of pipeline definitions: fields filled from rows; I/O only via DataLoaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.environments_types import EnvironmentKind
from api.graphql.organization_types import BusinessUnit, Person, Service, Team
from api.graphql.relay import (
    Connection,
    Node,
    from_global_id,
    load_node,
    load_nodes,
    load_page,
    node_field,
)
from api.graphql.rows import FromColumns, from_columns
from domain.kernel.vocabulary import EnvironmentKind as DomainEnvironmentKind
from domain.pipelines import definition_diff as diffs
from domain.pipelines import definition_queries as pdq
from domain.pipelines import definition_rules as rules
from domain.pipelines import vocabulary as pipelines_vocabulary
from domain.pipelines.definitions import RegistrationOutcome as DomainRegistrationOutcome

PipelineDefinitionStatus = exposed(
    pipelines_vocabulary.DefinitionStatus, name="PipelineDefinitionStatus"
)
PipelineDefinitionFormat = exposed(
    pipelines_vocabulary.DefinitionFormat, name="PipelineDefinitionFormat"
)
PipelineReviewVerdict = exposed(pipelines_vocabulary.ReviewVerdict, name="PipelineReviewVerdict")
PipelineRunStatus = exposed(pipelines_vocabulary.RunStatus, name="PipelineRunStatus")
PipelineDrift = exposed(pipelines_vocabulary.DriftKind, name="PipelineDrift")
PipelineRegistrationOutcome = strawberry.enum(
    DomainRegistrationOutcome,
    name="PipelineRegistrationOutcome",
    description="REGISTERED: a new proposed version; ALREADY_ACTIVE / ALREADY_PROPOSED: the "
    "same content (same canonical hash) is already there, nothing was added.",
)


async def version_of(info: Info, version_id: uuid.UUID | None) -> PipelineDefinitionVersion | None:
    return await load_node(
        info.context.loaders.pipeline_definition_version, PipelineDefinitionVersion, version_id
    )


@strawberry.type(description="A peer's verdict on a proposed definition version.")
class PipelineDefinitionReview:
    verdict: PipelineReviewVerdict
    comment: str
    reviewer_name: str = strawberry.field(description="The reviewer's username.")
    reviewed_at: datetime
    reviewer_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> PipelineDefinitionReview:
        return from_columns(cls, r, reviewer_name=r.reviewer)

    reviewer = node_field(Person, "person", "reviewer_uid")


@strawberry.type(description="One stage of a definition: where it deploys and its gates.")
class PipelineStage:
    name: str
    environment_kind: EnvironmentKind | None = strawberry.field(
        description="The kind of environment it deploys to, when named by kind."
    )
    environment_key: str | None = strawberry.field(
        description="The environment's key, when named by key."
    )
    gates: list[str] = strawberry.field(description="Gate keys required at this stage.")

    @classmethod
    def from_domain(cls, s: rules.Stage) -> PipelineStage:
        kind = DomainEnvironmentKind(s.environment_kind) if s.environment_kind else None
        return from_columns(cls, s, environment_kind=kind, gates=[*s.gates])


@strawberry.type(description="A stage on both sides of a diff that changed.")
class PipelineStageChange:
    stage: str
    gates_added: list[str]
    gates_removed: list[str]
    environment_before: str = strawberry.field(description="`kind:<kind>` or `key:<key>`.")
    environment_after: str


@strawberry.type(description="How one definition version differs from another.")
class PipelineDefinitionDiff:
    unified: str = strawberry.field(
        description="Unified diff of the canonical renderings (sorted keys); empty if identical."
    )
    identical: bool
    stages_added: list[str]
    stages_removed: list[str]
    stages_changed: list[PipelineStageChange]

    @classmethod
    def from_domain(cls, d: diffs.DefinitionDiff) -> PipelineDefinitionDiff:
        return from_columns(
            cls,
            d,
            stages_added=[*d.stages_added],
            stages_removed=[*d.stages_removed],
            stages_changed=[
                PipelineStageChange(
                    stage=c.stage,
                    gates_added=[*c.gates_added],
                    gates_removed=[*c.gates_removed],
                    environment_before=c.environment_before,
                    environment_after=c.environment_after,
                )
                for c in d.stages_changed
            ],
        )


@strawberry.type(description="One registered version of a pipeline's definition, kept forever.")
class PipelineDefinitionVersion(Node):
    id: strawberry.ID
    number: int = strawberry.field(description="1, 2, 3… per pipeline, in registration order.")
    content_hash: str = strawberry.field(
        description="sha256:<hex> of the canonical JSON of the document: what CI reports."
    )
    raw_hash: str = strawberry.field(description="sha256:<hex> of the exact source registered.")
    format: PipelineDefinitionFormat
    status: PipelineDefinitionStatus
    author_name: str = strawberry.field(description="The author's username.")
    source: str = strawberry.field(description="The text as registered.")
    document: JSON = strawberry.field(description="The parsed, validated document.")
    registered_at: datetime
    activated_at: datetime | None
    superseded_at: datetime | None
    rejected_at: datetime | None
    version: int = strawberry.field(description="Optimistic-concurrency version of this row.")
    uid: strawberry.Private[uuid.UUID]
    pipeline_uid: strawberry.Private[uuid.UUID]
    author_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> PipelineDefinitionVersion:
        return from_columns(cls, r, author_name=r.author)

    @strawberry.field(description="The stages of the document, in order.")
    def stages(self) -> list[PipelineStage]:
        return [PipelineStage.from_domain(s) for s in rules.stages_of(self.document)]

    @strawberry.field(
        description="What the document says that is accepted but deprecated (e.g. the "
        "`readiness` gate, judged as `release_status`), each with its JSON path."
    )
    def warnings(self) -> list[str]:
        return [*rules.definition_warnings(self.document)]

    author = node_field(Person, "person", "author_uid")

    @strawberry.field
    async def pipeline(self, info: Info) -> Pipeline | None:
        return await load_node(info.context.loaders.pipeline, Pipeline, self.pipeline_uid)

    @strawberry.field(description="Peer reviews, oldest first.")
    async def reviews(self, info: Info) -> list[PipelineDefinitionReview]:
        rows = await info.context.loaders.pipeline_definition_reviews.load(self.uid)
        return [PipelineDefinitionReview.from_row(r) for r in rows]

    @strawberry.field(
        description="How this version differs from `against` (another version of the same "
        "pipeline), rendered canonically as YAML or JSON."
    )
    async def diff(
        self,
        info: Info,
        against: strawberry.ID,
        rendering: PipelineDefinitionFormat = pipelines_vocabulary.DefinitionFormat.YAML,
    ) -> PipelineDefinitionDiff:
        other = from_global_id(against, "PipelineDefinitionVersion", "against")
        async with info.context.reader() as r:
            found = await pdq.diff(r, self.uid, other, rendering.value)
        return PipelineDefinitionDiff.from_domain(found)


@strawberry.type(description="A pipeline run CI reported, judged for drift when reported.")
class PipelineRun(Node):
    id: strawberry.ID
    run_id: str = strawberry.field(description="CI's own id of the run.")
    definition_hash: str = strawberry.field(description="The hash of the definition it ran.")
    status: PipelineRunStatus
    started_at: datetime
    finished_at: datetime | None
    artifact: str | None = strawberry.field(description="What it built or deployed, if said.")
    drift: PipelineDrift = strawberry.field(
        description="Against the version active when the run started."
    )
    drift_reason: str
    reporter: str = strawberry.field(description="Username of who reported it (often CI).")
    reported_at: datetime
    version: int
    uid: strawberry.Private[uuid.UUID]
    pipeline_uid: strawberry.Private[uuid.UUID]
    active_version_uid: strawberry.Private[uuid.UUID | None]
    matched_version_uid: strawberry.Private[uuid.UUID | None]
    reported_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> PipelineRun:
        return from_columns(cls, r, reported_at=r.created_at)

    @strawberry.field
    async def pipeline(self, info: Info) -> Pipeline | None:
        return await load_node(info.context.loaders.pipeline, Pipeline, self.pipeline_uid)

    @strawberry.field(description="The version active when the run started; null if none was.")
    async def active_version(self, info: Info) -> PipelineDefinitionVersion | None:
        return await version_of(info, self.active_version_uid)

    @strawberry.field(description="The registered version whose hash the run reported.")
    async def matched_version(self, info: Info) -> PipelineDefinitionVersion | None:
        return await version_of(info, self.matched_version_uid)

    reported_by = node_field(Person, "person", "reported_by_uid")


@strawberry.type(description="A team's pipeline: its definition versions and reported runs.")
class Pipeline(Node, FromColumns):
    id: strawberry.ID
    key: str = strawberry.field(description="Unique within its team.")
    name: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    team_uid: strawberry.Private[uuid.UUID]

    team = node_field(Team, "team", "team_uid")
    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    @strawberry.field(description="The services it deploys (those you may read).")
    async def services(self, info: Info) -> list[Service]:
        ids = await info.context.loaders.pipeline_service_ids.load(self.uid)
        return await load_nodes(info.context.loaders.service, Service, ids)

    active_version = node_field(
        PipelineDefinitionVersion,
        "pipeline_active_version",
        "uid",
        "The definition in force; null until a version is approved.",
    )

    @strawberry.field(description="Every registered version, by number (the history).")
    async def versions(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[PipelineDefinitionVersion]:
        return await load_page(
            info.context.loaders.pipeline_version_pages,
            (self.uid, first, after),
            PipelineDefinitionVersion,
        )

    @strawberry.field(description="Reported runs, oldest start first.")
    async def runs(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[PipelineRun]:
        return await load_page(
            info.context.loaders.pipeline_run_pages, (self.uid, first, after), PipelineRun
        )

    latest_run = node_field(PipelineRun, "pipeline_latest_run", "uid", "The run that started last.")

    @strawberry.field(description="The latest run's drift; null before any run is reported.")
    async def drift(self, info: Info) -> PipelineDrift | None:
        run = await info.context.loaders.pipeline_latest_run.load(self.uid)
        return pipelines_vocabulary.DriftKind(run.drift) if run is not None else None


NODE_LOADERS: dict[str, tuple[str, Any]] = {
    "Pipeline": ("pipeline", Pipeline),
    "PipelineDefinitionVersion": ("pipeline_definition_version", PipelineDefinitionVersion),
    "PipelineRun": ("pipeline_run", PipelineRun),
}
