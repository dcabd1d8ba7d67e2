"""Types of post-release defects: a defect (classified, with its source), the patterns over a
period as planning items, and the patterns announced so far."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.governance_types import ChangeType, Release
from api.graphql.organization_types import BusinessUnit, Person, Service
from api.graphql.pipelines_evidence_types import DeploymentReport, IncidentReport
from api.graphql.relay import Node, load_node, load_nodes, node_field, to_global_id
from api.graphql.rows import FromColumns
from domain.postrelease import defect_vocabulary as vocabulary
from domain.postrelease.defect_backlog import BacklogItem

DefectSourceKind = exposed(vocabulary.DefectSourceKind)
RootCauseCategory = exposed(vocabulary.RootCauseCategory)
EscapedTestLayer = exposed(vocabulary.EscapedTestLayer)
DefectSeverity = exposed(vocabulary.DefectSeverity)
DefectPatternKind = exposed(vocabulary.PatternKind, name="DefectPatternKind")
BacklogItemType = exposed(vocabulary.BacklogItemType)


@strawberry.type(description="A defect found after release, classified.")
class Defect(Node, FromColumns):
    id: strawberry.ID
    title: str
    description: str
    component: str = strawberry.field(description="Free text: the part of the service.")
    change_type: ChangeType
    root_cause: RootCauseCategory
    escaped_layer: EscapedTestLayer = strawberry.field(
        description="The test layer that should have caught it."
    )
    severity: DefectSeverity
    source_kind: DefectSourceKind
    found_at: datetime
    version: int
    created_at: datetime
    updated_at: datetime
    bu_uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]
    source_uid: strawberry.Private[uuid.UUID | None]
    release_uid: strawberry.Private[uuid.UUID | None]
    deployment_report_uid: strawberry.Private[uuid.UUID | None]
    recorded_by_uid: strawberry.Private[uuid.UUID | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")
    service = node_field(Service, "service", "service_uid")
    release = node_field(Release, "release", "release_uid", "The release it was found in.")
    deployment = node_field(
        DeploymentReport,
        "deployment_report",
        "deployment_report_uid",
        "The production deployment it was found in.",
    )
    recorded_by = node_field(Person, "person", "recorded_by_uid")

    @strawberry.field(
        description="The source's global id (an IncidentReport, a post-mortem, a feedback "
        "item); null when recorded by hand."
    )
    def source_id(self) -> strawberry.ID | None:
        if self.source_uid is None:
            return None
        return strawberry.ID(to_global_id(SOURCE_TYPES[self.source_kind], self.source_uid))

    @strawberry.field(description="The incident it came from, when it came from one.")
    async def incident(self, info: Info) -> IncidentReport | None:
        if self.source_kind is not vocabulary.DefectSourceKind.INCIDENT or not self.source_uid:
            return None
        return await load_node(
            info.context.loaders.incident_report, IncidentReport, self.source_uid
        )


SOURCE_TYPES = {
    vocabulary.DefectSourceKind.INCIDENT: "IncidentReport",
    vocabulary.DefectSourceKind.POST_MORTEM: "PostMortem",
    vocabulary.DefectSourceKind.FEEDBACK: "PostReleaseFeedback",
    vocabulary.DefectSourceKind.MANUAL: "Defect",
}
"""The node type of a source's id, by kind (the post-mortem and feedback parts name theirs)."""


@strawberry.type(description="A defect pattern over a period as a backlog item for planning.")
class DefectPattern:
    kind: DefectPatternKind
    subject: str = strawberry.field(
        description="The category, test layer, service id or change type it is about."
    )
    label: str
    item_type: BacklogItemType
    summary: str
    priority: str = strawberry.field(description="Jira's priority, by the worst severity.")
    labels: list[str]
    components: list[str] = strawberry.field(description="The services' keys.")
    defect_count: int
    rate: float | None = strawberry.field(
        description="Defects per production deployment, or per release of the change type."
    )
    previous_rate: float | None
    period_start: datetime
    period_end: datetime
    business_unit_key: str
    defect_uids: strawberry.Private[tuple[uuid.UUID, ...]]

    @classmethod
    def of(cls, i: BacklogItem) -> DefectPattern:
        p = i.pattern
        return cls(
            kind=p.kind,
            subject=p.subject,
            label=p.label,
            item_type=p.item_type,
            summary=i.summary,
            priority=i.priority,
            labels=i.labels,
            components=i.components,
            defect_count=p.defects,
            rate=p.rate,
            previous_rate=p.previous_rate,
            period_start=i.period.start,
            period_end=i.period.end,
            business_unit_key=i.bu_key,
            defect_uids=p.defect_ids,
        )

    @strawberry.field(description="Its defects (those you may read), oldest found first.")
    async def defects(self, info: Info) -> list[Defect]:
        return await load_nodes(info.context.loaders.defect, Defect, list(self.defect_uids))


@strawberry.type(description="A defect pattern announced to planning (once per period).")
class DetectedDefectPattern(Node, FromColumns):
    id: strawberry.ID
    kind: DefectPatternKind
    subject: str
    item_type: BacklogItemType
    defects: int
    rate: float | None
    previous_rate: float | None
    summary: str
    period_start: datetime
    period_end: datetime
    detected_at: datetime
    bu_uid: strawberry.Private[uuid.UUID]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")
