"""GraphQL types of downtime communication: a release's notice, the teams told, subscriptions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Self

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.governance_types import Release
from api.graphql.organization_types import Person, Service, Team
from api.graphql.relay import Node, load_nodes, node_field, to_global_id
from api.graphql.rows import FromColumns, from_columns
from domain.readiness import notice_rules

DowntimeNoticeKind = exposed(notice_rules.NoticeKind, name="DowntimeNoticeKind")
DowntimeSubscriptionSubject = exposed(
    notice_rules.SubscriptionSubject, name="DowntimeSubscriptionSubject"
)


@strawberry.type(description="A team told of a downtime notice, and whether it acknowledged.")
class DowntimeRecipient:
    acknowledged_at: datetime | None
    acknowledged_via: str | None = strawberry.field(
        description="`graphql` (a member of the team) or `link` (the signed link mailed to the "
        "team's contact); null until acknowledged."
    )
    team_uid: strawberry.Private[uuid.UUID]
    service_uids: strawberry.Private[list[uuid.UUID]]
    acknowledged_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return cls(
            acknowledged_at=row.acknowledged_at,
            acknowledged_via=row.acknowledged_via,
            team_uid=row.team_id,
            service_uids=[uuid.UUID(s) for s in row.service_ids],
            acknowledged_by_uid=row.acknowledged_by_id,
        )

    team = node_field(Team, "team", "team_uid")

    acknowledged_by = node_field(Person, "person", "acknowledged_by_uid")

    @strawberry.field(description="The team's services downstream of the release.")
    async def services(self, info: Info) -> list[Service]:
        return await load_nodes(info.context.loaders.service, Service, self.service_uids)


@strawberry.type(
    description="What a breaking release (or one with planned downtime) tells every team "
    "owning a service downstream of it, transitively: the window, the impact and whom to call."
)
class DowntimeNotice(Node):
    id: strawberry.ID
    kind: DowntimeNoticeKind  # type: ignore[valid-type]
    window_starts_at: datetime
    window_ends_at: datetime
    impact: str
    contact: str
    issued_at: datetime
    escalated_at: datetime | None
    escalation_note: str | None
    version: int
    uid: strawberry.Private[uuid.UUID]
    release_uid: strawberry.Private[uuid.UUID]
    issued_by_uid: strawberry.Private[uuid.UUID | None]
    escalated_by_uid: strawberry.Private[uuid.UUID | None]
    downstream_uids: strawberry.Private[list[uuid.UUID]]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return from_columns(
            cls, row, downstream_uids=[uuid.UUID(s) for s in row.downstream_service_ids]
        )

    release = node_field(Release, "release", "release_uid")

    issued_by = node_field(Person, "person", "issued_by_uid")

    escalated_by = node_field(Person, "person", "escalated_by_uid")

    @strawberry.field(
        description="Every service downstream of the release, transitively, when it was issued."
    )
    async def downstream_services(self, info: Info) -> list[Service]:
        return await load_nodes(info.context.loaders.service, Service, self.downstream_uids)

    @strawberry.field(description="The teams told, each with its acknowledgement.")
    async def recipients(self, info: Info) -> list[DowntimeRecipient]:
        rows = await info.context.loaders.downtime_recipients.load(self.uid)
        return [DowntimeRecipient.from_row(r) for r in rows]


@strawberry.type(description="An address told of downtime touching a team or a service.")
class DowntimeSubscription(Node, FromColumns):
    id: strawberry.ID
    subject: DowntimeSubscriptionSubject  # type: ignore[valid-type]
    email: str
    created_at: datetime
    uid: strawberry.Private[uuid.UUID]
    subject_uid: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The global id of the team or service subscribed to.")
    def subject_id(self) -> strawberry.ID:
        kind = "Team" if self.subject == notice_rules.SubscriptionSubject.TEAM else "Service"
        return strawberry.ID(to_global_id(kind, self.subject_uid))


async def notice_of(info: Info, release_id: uuid.UUID) -> DowntimeNotice | None:
    row = await info.context.loaders.downtime_notice_of_release.load(release_id)
    return DowntimeNotice.from_row(row) if row is not None else None
