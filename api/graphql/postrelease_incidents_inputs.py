"""Inputs and payloads of incidents, their attribution and change reports (issue 17)."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from api.graphql.pipelines_evidence_types import IncidentReport, IncidentSeverity
from api.graphql.postrelease_incidents_types import ChangeKind, ChangeReport, IncidentAttribution
from api.graphql.relay import from_global_id, from_optional_global_id
from api.graphql.user_errors import UserError
from domain.kernel.errors import DomainError
from domain.pipelines import incident_service as incidents
from domain.postrelease import attribution_service as attribution
from domain.postrelease.attribution_errors import AttributionErrorCode as Code


@strawberry.input(description="An incident of a service, as your operations tool knows it.")
class IncidentReportInput:
    service_id: strawberry.ID
    severity: IncidentSeverity
    incident_ref: str = strawberry.field(description="Its id in your operations tool.")
    description: str = ""
    detected_at: datetime | None = strawberry.field(default=None, description="Null: now.")
    environment_id: strawberry.ID | None = None


@strawberry.input
class IncidentResolveInput:
    id: strawberry.ID
    version: int


@strawberry.input
class IncidentRateInput:
    id: strawberry.ID
    version: int
    severity: IncidentSeverity


@strawberry.input(description="Confirm the change the rule attributed the incident to.")
class IncidentAttributionConfirmInput:
    incident_id: strawberry.ID
    version: int = strawberry.field(description="The attribution's version.")
    note: str = ""


@strawberry.input(description="Attribute the incident to another change (or to none), saying why.")
class IncidentAttributionReattributeInput:
    incident_id: strawberry.ID
    version: int = strawberry.field(description="The attribution's version.")
    reason: str
    change_kind: ChangeKind | None = strawberry.field(
        default=None, description="With changeId; both null: not release-related."
    )
    change_id: strawberry.ID | None = strawberry.field(
        default=None, description="The change's id (as `IncidentAttribution.changeId` gives it)."
    )


@strawberry.input(
    description="A change no other context records: a configuration change, or a "
    "vendor release noticed late."
)
class ChangeReportCreateInput:
    service_id: strawberry.ID
    kind: ChangeKind
    summary: str
    occurred_at: datetime | None = strawberry.field(default=None, description="Null: now.")
    reference: str = strawberry.field(default="", description="A ticket, commit or link.")
    environment_id: strawberry.ID | None = strawberry.field(
        default=None, description="Where it changed (a production environment, usually)."
    )


@strawberry.type
class IncidentPayload:
    incident_report: IncidentReport | None
    errors: list[UserError]


@strawberry.type
class IncidentAttributionPayload:
    incident_attribution: IncidentAttribution | None
    errors: list[UserError]


@strawberry.type
class ChangeReportPayload:
    change_report: ChangeReport | None
    errors: list[UserError]


def report(i: IncidentReportInput) -> incidents.ReportIncident:
    return incidents.ReportIncident(
        service_id=from_global_id(i.service_id, "Service", "serviceId"),
        severity=i.severity.value,
        incident_ref=i.incident_ref,
        description=i.description,
        detected_at=i.detected_at,
        environment_id=from_optional_global_id(i.environment_id, "Environment", "environmentId"),
    )


def _uuid(value: strawberry.ID | None) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise DomainError(
            "Not a change id.", code=Code.CHANGE_NOT_FOUND, field="changeId"
        ) from None


def reattribute(i: IncidentAttributionReattributeInput) -> attribution.Reattribute:
    return attribution.Reattribute(
        incident_id=from_global_id(i.incident_id, "IncidentReport", "incidentId"),
        version=i.version,
        reason=i.reason,
        change_kind=i.change_kind.value if i.change_kind else None,
        change_id=_uuid(i.change_id),
    )


def change_report(i: ChangeReportCreateInput) -> attribution.ReportChange:
    return attribution.ReportChange(
        service_id=from_global_id(i.service_id, "Service", "serviceId"),
        kind=i.kind.value,
        summary=i.summary,
        occurred_at=i.occurred_at,
        reference=i.reference,
        environment_id=from_optional_global_id(i.environment_id, "Environment", "environmentId"),
    )
