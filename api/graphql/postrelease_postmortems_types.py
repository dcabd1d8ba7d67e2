"""Types of blameless post-mortems (issue 17): the post-mortem, its contributing factors (no
field names a person), its action items and their verification, its timeline."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.organization_types import BusinessUnit, Service
from api.graphql.pipelines_evidence_types import IncidentReport, IncidentSeverity
from api.graphql.postrelease_incidents_types import IncidentAttribution, attribution_of_incident
from api.graphql.relay import Node, load_node, node_field
from api.graphql.rows import FromColumns, from_columns
from domain.postrelease import postmortem_queries as pq
from domain.postrelease import postmortem_rules as rules
from domain.postrelease import postmortem_vocabulary as vocabulary

PostMortemStatus = exposed(vocabulary.PostMortemStatus)
FactorCategory = exposed(vocabulary.FactorCategory, name="PostMortemFactorCategory")
ActionTargetKind = exposed(vocabulary.ActionTargetKind, name="PostMortemActionTargetKind")
ActionStatus = exposed(vocabulary.ActionStatus, name="PostMortemActionStatus")


@strawberry.type(description="A contributing factor: a system or process, and what happened.")
class PostMortemFactor(FromColumns):
    category: FactorCategory
    description: str
    added_at: datetime


@strawberry.type(description="An action item, the control it changes, and its verification.")
class PostMortemActionItem(FromColumns):
    title: str
    target_kind: ActionTargetKind
    target: JSON = strawberry.field(
        description="What it changes: templateKey/itemKey, testName, pipelineKey/gate, or a "
        "guardrail key and value (snake_case keys as stored)."
    )
    status: ActionStatus
    verified_ref: strawberry.ID | None = strawberry.field(
        description="The id of the change found (template version, evidence, definition "
        "version, guardrail version); null while open."
    )
    verified_summary: str
    verified_at: datetime | None
    verified_by: str | None = strawberry.field(description="`system` when the sweep closed it.")
    created_at: datetime

    @classmethod
    def from_row(cls, r: Any) -> PostMortemActionItem:
        ref = None if r.verified_ref is None else strawberry.ID(str(r.verified_ref))
        return from_columns(cls, r, verified_ref=ref)


@strawberry.type(description="One moment of a post-mortem's timeline.")
class PostMortemTimelineEntry:
    at: datetime
    kind: str = strawberry.field(description="incident, change, alert or audit.")
    summary: str
    ref: str = strawberry.field(description="The id (or audit sequence number) it comes from.")


@strawberry.type(description="A blameless post-mortem of a release-related incident.")
class PostMortem(Node, FromColumns):
    id: strawberry.ID
    status: PostMortemStatus
    severity: IncidentSeverity
    title: str
    summary: str
    impact: str
    due_at: datetime
    completed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    incident_uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID | None]
    bu_uid: strawberry.Private[uuid.UUID]

    incident = node_field(IncidentReport, "incident_report", "incident_uid")
    service = node_field(Service, "service", "service_uid")
    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    @strawberry.field(description="Open past its due date.")
    def overdue(self, info: Info) -> bool:
        return rules.is_overdue(self.status.value, self.due_at, info.context.runtime.clock.now())

    @strawberry.field(description="The change the incident is attributed to.")
    async def attribution(self, info: Info) -> IncidentAttribution | None:
        return await attribution_of_incident(info, self.incident_uid)

    @strawberry.field(description="Contributing factors, in the order added.")
    async def factors(self, info: Info) -> list[PostMortemFactor]:
        rows = await info.context.loaders.post_mortem_factors.load(self.uid)
        return [PostMortemFactor.from_row(r) for r in rows]

    @strawberry.field(description="Action items, in the order added.")
    async def action_items(self, info: Info) -> list[PostMortemActionItem]:
        rows = await info.context.loaders.post_mortem_actions.load(self.uid)
        return [PostMortemActionItem.from_row(r) for r in rows]

    @strawberry.field(
        description="The incident, the service's changes and alerts around it, and the audit "
        "trail of the incident, its attribution and this post-mortem, by time (a fixed number "
        "of reads per post-mortem: ask it of one, not of a list)."
    )
    async def timeline(self, info: Info) -> list[PostMortemTimelineEntry]:
        async with info.context.reader() as r:
            found = await pq.timeline(r, self.uid, info.context.runtime.clock.now())
        return [
            PostMortemTimelineEntry(at=e.at, kind=e.kind, summary=e.summary, ref=e.ref)
            for e in found
        ]


async def post_mortem_of_incident(info: Info, incident_id: uuid.UUID) -> PostMortem | None:
    return await load_node(info.context.loaders.post_mortem_of_incident, PostMortem, incident_id)
