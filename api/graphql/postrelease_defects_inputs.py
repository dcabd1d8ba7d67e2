"""Inputs and payloads of the defect mutations and queries, and their decoding into commands."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.governance_types import ChangeType
from api.graphql.postrelease_defects_types import (
    SOURCE_TYPES,
    Defect,
    DefectSeverity,
    DefectSourceKind,
    EscapedTestLayer,
    RootCauseCategory,
)
from api.graphql.relay import from_global_id, from_optional_global_id
from api.graphql.user_errors import UserError
from domain.postrelease import defect_commands as cmd


@strawberry.input(description="A defect found after release, classified.")
class DefectRecordInput:
    service_id: strawberry.ID
    title: str = strawberry.field(description="1 to 200 characters.")
    component: str = strawberry.field(description="The part of the service, 1 to 100 chars.")
    change_type: ChangeType
    root_cause: RootCauseCategory
    escaped_test_layer: EscapedTestLayer
    severity: DefectSeverity
    source_kind: DefectSourceKind = strawberry.field(
        default=DefectSourceKind.MANUAL, description="Where it was found."
    )
    source_id: strawberry.ID | None = strawberry.field(
        default=None, description="The incident (post-mortem, feedback item) it came from."
    )
    release_id: strawberry.ID | None = strawberry.field(
        default=None, description="The release it was found in, when known."
    )
    deployment_id: strawberry.ID | None = strawberry.field(
        default=None, description="The production deployment (DeploymentReport) it was found in."
    )
    found_at: datetime | None = strawberry.field(default=None, description="Null: now.")
    description: str = ""


@strawberry.input(description="Null fields keep their value; the reason is audited.")
class DefectReclassifyInput:
    id: strawberry.ID
    version: int
    reason: str
    component: str | None = None
    change_type: ChangeType | None = None
    root_cause: RootCauseCategory | None = None
    escaped_test_layer: EscapedTestLayer | None = None
    severity: DefectSeverity | None = None


@strawberry.input
class DefectFilter:
    service_id: strawberry.ID | None = None
    found_since: datetime | None = None


@strawberry.type
class DefectPayload:
    defect: Defect | None
    errors: list[UserError]


def record(i: DefectRecordInput) -> cmd.RecordDefect:
    kind = i.source_kind
    return cmd.RecordDefect(
        service_id=from_global_id(i.service_id, "Service", "serviceId"),
        title=i.title,
        component=i.component,
        change_type=i.change_type.value,
        root_cause=i.root_cause.value,
        escaped_layer=i.escaped_test_layer.value,
        severity=i.severity.value,
        source_kind=kind.value,
        source_id=from_optional_global_id(i.source_id, SOURCE_TYPES[kind], "sourceId"),
        release_id=from_optional_global_id(i.release_id, "Release", "releaseId"),
        deployment_report_id=from_optional_global_id(
            i.deployment_id, "DeploymentReport", "deploymentId"
        ),
        found_at=i.found_at,
        description=i.description,
    )


def reclassify(i: DefectReclassifyInput) -> cmd.ReclassifyDefect:
    def value(x: object) -> str | None:
        return None if x is None else str(getattr(x, "value", x))

    return cmd.ReclassifyDefect(
        defect_id=from_global_id(i.id, "Defect"),
        version=i.version,
        reason=i.reason,
        component=i.component,
        change_type=value(i.change_type),
        root_cause=value(i.root_cause),
        escaped_layer=value(i.escaped_test_layer),
        severity=value(i.severity),
    )
