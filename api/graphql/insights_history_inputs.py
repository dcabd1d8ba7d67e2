"""Inputs and payload of the deployment history import, and their decoding into the command."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from api.graphql.enums import exposed
from api.graphql.organization_types import Service
from api.graphql.relay import from_global_id, from_optional_global_id, node_field
from api.graphql.user_errors import UserError
from domain.pipelines import history_commands as cmd
from domain.pipelines.history import HistoryImported

HistoricOutcome = exposed(cmd.HistoricOutcome)


@strawberry.input(description="The commits a historic deployment shipped: the first one's time.")
class HistoricCommitsInput:
    first_commit_at: datetime
    count: int = strawberry.field(description="How many commits it shipped (at least one).")


@strawberry.input(description="The pull request behind a historic deployment, its times.")
class HistoricPullRequestInput:
    opened_at: datetime
    first_review_at: datetime | None = None
    approved_at: datetime | None = None
    merged_at: datetime | None = None


@strawberry.input(
    description="One production deployment from a CD tool's history; the environment by id or "
    "by key. Known by (environment, artifact version, finish): importing it again adds nothing."
)
class HistoricDeploymentInput:
    artifact_version: str
    started_at: datetime
    finished_at: datetime
    outcome: HistoricOutcome  # type: ignore[valid-type]
    environment_id: strawberry.ID | None = None
    environment_key: str | None = None
    strategy: str | None = strawberry.field(
        default=None,
        description="blue_green, canary, rolling, recreate or manual (default: imported).",
    )
    commits: HistoricCommitsInput | None = None
    pull_request: HistoricPullRequestInput | None = None


@strawberry.input(
    description="One production incident of the service from an operations tool's history; "
    "known by its reference."
)
class HistoricIncidentInput:
    incident_ref: str
    detected_at: datetime
    severity: str = strawberry.field(description="SEV1 (worst) to SEV4, or P1..P4.")
    resolved_at: datetime | None = None
    description: str = ""


@strawberry.input(
    description="A batch of a service's history from before it was governed here (at most 5,000 "
    "deployments and incidents): every time before the service's onboarding; all stored or none."
)
class DeploymentHistoryImportInput:
    service_id: strawberry.ID
    records: list[HistoricDeploymentInput] = strawberry.field(default_factory=list)
    incidents: list[HistoricIncidentInput] = strawberry.field(default_factory=list)


@strawberry.type(description="What an import of history stored.")
class DeploymentHistoryImport:
    onboarded_at: datetime = strawberry.field(
        description="The service's onboarding: history lies strictly before it."
    )
    added: int = strawberry.field(description="Deployments stored.")
    known: int = strawberry.field(description="Deployments imported before: left as they were.")
    incidents_added: int
    incidents_known: int
    service_uid: strawberry.Private[uuid.UUID]

    service = node_field(Service, "service", "service_uid")


@strawberry.type
class DeploymentHistoryImportPayload:
    result: DeploymentHistoryImport | None
    errors: list[UserError]


def answer(
    found: HistoryImported | None, errors: list[UserError]
) -> DeploymentHistoryImportPayload:
    if found is None:
        return DeploymentHistoryImportPayload(result=None, errors=errors)
    result = DeploymentHistoryImport(
        onboarded_at=found.onboarded_at,
        added=found.added,
        known=found.known,
        incidents_added=found.incidents_added,
        incidents_known=found.incidents_known,
        service_uid=found.service_id,
    )
    return DeploymentHistoryImportPayload(result=result, errors=errors)


def _record(r: HistoricDeploymentInput, i: int) -> cmd.HistoricDeployment:
    c, pr = r.commits, r.pull_request
    return cmd.HistoricDeployment(
        artifact_version=r.artifact_version,
        started_at=r.started_at,
        finished_at=r.finished_at,
        outcome=str(r.outcome),
        environment_id=from_optional_global_id(
            r.environment_id, "Environment", f"records[{i}].environmentId"
        ),
        environment_key=r.environment_key,
        strategy=r.strategy,
        commits=cmd.CommitTimes(c.first_commit_at, c.count) if c else None,
        pull_request=cmd.PullRequestTimes(
            pr.opened_at, pr.first_review_at, pr.approved_at, pr.merged_at
        )
        if pr
        else None,
    )


def import_history(i: DeploymentHistoryImportInput) -> cmd.ImportHistory:
    return cmd.ImportHistory(
        service_id=from_global_id(i.service_id, "Service"),
        records=tuple(_record(r, n) for n, r in enumerate(i.records)),
        incidents=tuple(
            cmd.HistoricIncident(
                x.incident_ref, x.detected_at, x.severity, x.resolved_at, x.description
            )
            for x in i.incidents
        ),
    )
