"""GraphQL types of evidence in: artifacts, evidence, CDEvents, deployment and incident reports
and webhook secrets. Plain fields filled from rows; related objects only through DataLoaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.global_ids import with_global_ids
from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.environments_types import Environment
from api.graphql.organization_types import BusinessUnit, Service
from api.graphql.relay import Connection, Node, load_node, load_page, node_field
from api.graphql.rows import FromColumns, from_columns
from domain.kernel.gates import GateOutcome
from domain.kernel.gates import GateStatus as DomainGateStatus
from domain.pipelines import vocabulary as pipelines_vocabulary

EvidenceType = strawberry.enum(
    pipelines_vocabulary.EvidenceType, description="What a report about an artifact is about."
)
CdEventOutcome = exposed(pipelines_vocabulary.CdEventOutcome)
DeploymentReportKind = exposed(pipelines_vocabulary.DeploymentKind, name="DeploymentReportKind")
IncidentStatus = exposed(pipelines_vocabulary.IncidentStatus)
IncidentSeverity = exposed(pipelines_vocabulary.IncidentSeverity)
EvidenceGateStatus = strawberry.enum(
    DomainGateStatus, name="EvidenceGateStatus", description="An evidence gate's verdict."
)


@strawberry.type(description="One evidence gate's answer for an artifact, with its reason.")
class EvidenceGate:
    gate: str = strawberry.field(
        description="security_scan, static_analysis, licences, performance or test_coverage."
    )
    status: EvidenceGateStatus
    reason: str
    evidence: JSON = strawberry.field(description="The facts the gate used (evidence ids...).")

    @classmethod
    def from_domain(cls, g: GateOutcome) -> EvidenceGate:
        return from_columns(cls, g, evidence=with_global_ids(g.evidence))


@strawberry.type(description="One report about an artifact, from CI or a security tool.")
class Evidence(Node):
    id: strawberry.ID
    kind: EvidenceType
    subject: str = strawberry.field(
        description="What tells reports of one kind apart: the scanner, tool, suite, benchmark "
        "or window/suite. Gates use the latest report per kind and subject."
    )
    passed: bool = strawberry.field(description="Whether the report passed on its own terms.")
    details: JSON = strawberry.field(description="The report as stored (camelCase keys).")
    reported_at: datetime
    reporter: str = strawberry.field(description="Username of who reported it (often CI).")
    source: str = strawberry.field(description="`graphql` or `cdevents:<event id>`.")
    uid: strawberry.Private[uuid.UUID]
    artifact_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: Any) -> Evidence:
        return from_columns(cls, r, details=r.payload)

    @strawberry.field
    async def artifact(self, info: Info) -> Artifact | None:
        return await load_node(info.context.loaders.artifact, Artifact, self.artifact_uid)


@strawberry.type(description="A build of a service: name, version and sha256 digest.")
class Artifact(Node, FromColumns):
    id: strawberry.ID
    name: str
    version: str
    digest: str = strawberry.field(description="sha256:<64 hex digits>.")
    created_at: datetime
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]

    service = node_field(Service, "service", "service_uid")

    @strawberry.field(description="Every report about this artifact, oldest first.")
    async def evidence(
        self,
        info: Info,
        kind: EvidenceType | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Evidence]:
        key = (self.uid, kind.value if kind else None, first, after)
        return await load_page(info.context.loaders.evidence_of_artifact, key, Evidence)

    @strawberry.field(
        description="The evidence gates under the service's guardrails: the latest report per "
        "kind and subject decides; PENDING when required evidence is missing."
    )
    async def gates(self, info: Info) -> list[EvidenceGate]:
        found = await info.context.loaders.artifact_gates.load(self.uid)
        return [EvidenceGate.from_domain(g) for g in found]


@strawberry.type(description="A CDEvent received, known or not, as it was sent.")
class CdEvent(Node, FromColumns):
    id: strawberry.ID
    source: str
    event_id: str = strawberry.field(description="The CloudEvent / CDEvent context id.")
    type: str
    specversion: str = strawberry.field(description="The CDEvents spec version of the event.")
    timestamp: datetime = strawberry.field(description="When it happened, says the sender.")
    subject_id: str
    received_at: datetime
    received_by: str = strawberry.field(description="Username, or webhook:<secret name>.")
    known: bool = strawberry.field(description="Whether Signalbox knows (a schema for) its type.")
    outcome: CdEventOutcome
    note: str = strawberry.field(description="What Signalbox did with it, or why not.")
    payload: JSON = strawberry.field(description="The CDEvent as received.")
    bu_uid: strawberry.Private[uuid.UUID]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")


@strawberry.interface(description="Where a reported deployment or incident happened.")
class ReportedPlace:
    service_ref: str = strawberry.field(description="The service as the sender named it.")
    environment_ref: str = strawberry.field(description="The environment as the sender named it.")
    unresolved: str = strawberry.field(description="What did not resolve, and why; empty if all.")
    service_uid: strawberry.Private[uuid.UUID | None]
    environment_uid: strawberry.Private[uuid.UUID | None]

    service = node_field(
        Service, "service", "service_uid", "The Signalbox service, when the reference resolved."
    )
    environment = node_field(
        Environment,
        "environment",
        "environment_uid",
        "The Signalbox environment, when the reference resolved.",
    )


@strawberry.type(description="A deployment, upgrade or rollback a CD tool reported (CDEvents).")
class DeploymentReport(Node, ReportedPlace, FromColumns):
    id: strawberry.ID
    kind: DeploymentReportKind
    occurred_at: datetime
    artifact_ref: str = strawberry.field(description="The artifact (package URL) as reported.")
    artifact_uid: strawberry.Private[uuid.UUID | None]
    cd_event_uid: strawberry.Private[uuid.UUID]

    artifact = node_field(Artifact, "artifact", "artifact_uid")
    cd_event = node_field(
        CdEvent, "cd_event", "cd_event_uid", "The event it came from; null when not yours to read."
    )


@strawberry.type(description="An incident an operations tool reported (CDEvents).")
class IncidentReport(Node, ReportedPlace, FromColumns):
    id: strawberry.ID
    status: IncidentStatus
    description: str
    origin: str = strawberry.field(description="Where it was reported (the subject's source).")
    incident_ref: str = strawberry.field(description="Its id there.")
    detected_at: datetime
    resolved_at: datetime | None
    version: int
    severity: IncidentSeverity | None = strawberry.field(
        description="SEV1 (worst) to SEV4; null until rated."
    )


@strawberry.type(description="A BU's shared secret that signs CDEvents sent to the webhook URL.")
class WebhookSecret(Node):
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The secret's first characters, to recognise it.")
    path: str = strawberry.field(description="Where signed CDEvents go (POST).")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    version: int
    bu_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: Any) -> WebhookSecret:
        return from_columns(cls, r, path=f"/cdevents/webhook/{r.id}")

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")


NODE_LOADERS: dict[str, tuple[str, Any]] = {
    "Artifact": ("artifact", Artifact),
    "Evidence": ("evidence", Evidence),
    "CdEvent": ("cd_event", CdEvent),
    "DeploymentReport": ("deployment_report", DeploymentReport),
    "IncidentReport": ("incident_report", IncidentReport),
    "WebhookSecret": ("webhook_secret", WebhookSecret),
}
