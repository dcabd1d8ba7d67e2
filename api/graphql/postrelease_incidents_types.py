"""Types of incident attribution: the change an incident is attributed to, and the changes
operators report (issue 17)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.environments_types import Environment
from api.graphql.organization_types import Person, Service
from api.graphql.pipelines_evidence_types import IncidentReport
from api.graphql.relay import Node, load_node, node_field
from api.graphql.rows import FromColumns, from_columns
from domain.postrelease import attribution_vocabulary as vocabulary

ChangeKind = exposed(vocabulary.ChangeKind)
AttributionStatus = exposed(vocabulary.AttributionStatus, name="IncidentAttributionStatus")


@strawberry.type(description="The change an incident is attributed to, and how it was decided.")
class IncidentAttribution(Node, FromColumns):
    id: strawberry.ID
    status: AttributionStatus
    change_kind: ChangeKind | None = strawberry.field(description="Null: nothing attributed.")
    change_id: strawberry.ID | None = strawberry.field(
        description="The change's id in its own context (a deployment, deployment report, flag "
        "change, vendor release or change report)."
    )
    change_at: datetime | None
    change_summary: str
    reason: str = strawberry.field(description="Why the rule chose it (or found nothing).")
    window_hours: int = strawberry.field(description="The attribution window then in force.")
    note: str = strawberry.field(description="The reason given when a person decided.")
    decided_at: datetime | None
    version: int
    created_at: datetime
    incident_uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID | None]
    decided_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> IncidentAttribution:
        change = None if r.change_id is None else strawberry.ID(str(r.change_id))
        return from_columns(cls, r, change_id=change)

    incident = node_field(IncidentReport, "incident_report", "incident_uid")
    service = node_field(Service, "service", "service_uid")
    decided_by = node_field(Person, "person", "decided_by_uid")


@strawberry.type(description="A change an operator reported (one no other context records).")
class ChangeReport(Node, FromColumns):
    id: strawberry.ID
    kind: ChangeKind
    summary: str
    reference: str
    occurred_at: datetime
    reported_at: datetime
    service_uid: strawberry.Private[uuid.UUID]
    environment_uid: strawberry.Private[uuid.UUID | None]
    reported_by_uid: strawberry.Private[uuid.UUID | None]

    service = node_field(Service, "service", "service_uid")
    environment = node_field(Environment, "environment", "environment_uid")
    reported_by = node_field(Person, "person", "reported_by_uid")


async def attribution_of_incident(info: Info, incident_id: uuid.UUID) -> IncidentAttribution | None:
    return await load_node(
        info.context.loaders.incident_attribution_of_incident, IncidentAttribution, incident_id
    )
