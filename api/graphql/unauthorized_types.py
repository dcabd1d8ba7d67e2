"""GraphQL types of unauthorized changes: production deployments no allowed promotion covers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.deployments_types import Deployment
from api.graphql.environments_types import Environment
from api.graphql.governance_types import Release
from api.graphql.organization_types import Person, Service
from api.graphql.relay import Node, node_field, to_global_id
from api.graphql.user_errors import UserError
from domain.pipelines import vocabulary as pipelines_vocabulary

UnauthorizedChangeStatus = strawberry.enum(
    pipelines_vocabulary.UnauthorizedChangeStatus,
    name="UnauthorizedChangeStatus",
    description="OPEN until the RMO reviews it (never its deployer), then REVIEWED.",
)
ChangeSource = strawberry.enum(
    pipelines_vocabulary.ChangeSource,
    name="ChangeSource",
    description="How the production deployment was reported: GRAPHQL (deploymentCreate), "
    "CDEVENTS (service.deployed / upgraded) or ALERT (an Alertmanager alert naming the "
    "version running in production).",
)


@strawberry.type(
    description="A production deployment that no allowed promotion of the same service, version "
    "and environment covers: flagged on the calendar and its release, raised as an alert when "
    "the service's guardrail `unauthorized_change_alert` says so, and reviewed by the RMO."
)
class UnauthorizedChange(Node):
    id: strawberry.ID
    artifact_version: str
    source: ChangeSource
    status: UnauthorizedChangeStatus
    reason: str = strawberry.field(description="Why no allowed promotion covers it.")
    deployed_by_username: str = strawberry.field(
        description="Who reported the deployment (a person, a CI token, or the alert)."
    )
    detected_at: datetime
    alerted: bool = strawberry.field(
        description="Whether an incident-like event went out through the outbox "
        "(topic UNAUTHORIZED_CHANGE_DETECTED)."
    )
    finding: str = strawberry.field(description="The reviewer's finding; empty while OPEN.")
    reviewed_at: datetime | None
    named_promotion_id: strawberry.ID | None = strawberry.field(
        description="The promotion the report named (not allowed), if it named one."
    )
    version: int
    created_at: datetime
    updated_at: datetime
    service_uid: strawberry.Private[uuid.UUID]
    environment_uid: strawberry.Private[uuid.UUID]
    release_uid: strawberry.Private[uuid.UUID | None]
    deployment_uid: strawberry.Private[uuid.UUID | None]
    deployed_by_uid: strawberry.Private[uuid.UUID | None]
    reviewed_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> UnauthorizedChange:
        named = r.named_promotion_id
        return cls(
            id=strawberry.ID(to_global_id("UnauthorizedChange", r.id)),
            artifact_version=r.artifact_version,
            source=pipelines_vocabulary.ChangeSource(r.source),
            status=pipelines_vocabulary.UnauthorizedChangeStatus(r.status),
            reason=r.reason,
            deployed_by_username=r.deployed_by,
            detected_at=r.detected_at,
            alerted=r.alerted,
            finding=r.finding,
            reviewed_at=r.reviewed_at,
            named_promotion_id=strawberry.ID(to_global_id("Promotion", named)) if named else None,
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
            service_uid=r.service_id,
            environment_uid=r.environment_id,
            release_uid=r.release_id,
            deployment_uid=r.deployment_id,
            deployed_by_uid=r.deployed_by_id,
            reviewed_by_uid=r.reviewed_by_id,
        )

    service = node_field(Service, "service", "service_uid")
    environment = node_field(Environment, "environment", "environment_uid")
    release = node_field(
        Release, "release", "release_uid", "The release it carries out, when one is known."
    )
    deployment = node_field(
        Deployment, "deployment", "deployment_uid", "The deployment planned through GraphQL."
    )
    deployed_by = node_field(Person, "person", "deployed_by_uid")
    reviewed_by = node_field(Person, "person", "reviewed_by_uid")


async def release_unauthorized_changes(
    info: Info, release_id: uuid.UUID
) -> list[UnauthorizedChange]:
    """A release's unauthorized changes, oldest first (Release.unauthorizedChanges)."""
    rows = await info.context.loaders.release_unauthorized_changes.load(release_id)
    return [UnauthorizedChange.from_row(r) for r in rows]


@strawberry.input(description="Which unauthorized changes to list; all you may read when empty.")
class UnauthorizedChangeFilter:
    business_unit_id: strawberry.ID | None = None
    statuses: list[UnauthorizedChangeStatus] = strawberry.field(
        default_factory=list, description="e.g. [OPEN]: the review queue."
    )


@strawberry.input(description="Review an unauthorized change: the version you read, the finding.")
class UnauthorizedChangeReviewInput:
    id: strawberry.ID
    version: int
    finding: str = strawberry.field(description="What happened and what was done (1-4000).")


@strawberry.type
class UnauthorizedChangePayload:
    unauthorized_change: UnauthorizedChange | None
    errors: list[UserError]
