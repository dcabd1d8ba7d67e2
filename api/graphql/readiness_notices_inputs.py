"""Inputs and payloads of downtime communication."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.readiness_notices_types import (
    DowntimeNotice,
    DowntimeNoticeKind,
    DowntimeRecipient,
    DowntimeSubscription,
    DowntimeSubscriptionSubject,
)
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput


@strawberry.input(description="Mark a release breaking, or down for a window, and tell them.")
class DowntimeNoticeIssueInput:
    release_id: strawberry.ID
    kind: DowntimeNoticeKind  # type: ignore[valid-type]
    window_starts_at: datetime
    window_ends_at: datetime = strawberry.field(
        description="After the start, at most 14 days later, not in the past."
    )
    impact: str = strawberry.field(description="What consumers will notice (1 to 4000 chars).")
    contact: str = strawberry.field(description="Whom consumers call or write to.")


@strawberry.input
class DowntimeNoticeAcknowledgeInput:
    notice_id: strawberry.ID
    team_id: strawberry.ID = strawberry.field(description="The team you acknowledge for.")


@strawberry.input
class DowntimeNoticeEscalateInput(VersionedInput):
    note: str = strawberry.field(
        default="", description="Whom the silence was escalated to, and how."
    )


@strawberry.input
class DowntimeSubscriptionCreateInput:
    subject: DowntimeSubscriptionSubject  # type: ignore[valid-type]
    subject_id: strawberry.ID = strawberry.field(description="The team's or service's id.")
    email: str


@strawberry.input
class DowntimeSubscriptionDeleteInput:
    id: strawberry.ID


@strawberry.type
class DowntimeNoticePayload:
    downtime_notice: DowntimeNotice | None
    errors: list[UserError]


@strawberry.type
class DowntimeAcknowledgementPayload:
    recipient: DowntimeRecipient | None
    errors: list[UserError]


@strawberry.type
class DowntimeSubscriptionPayload:
    downtime_subscription: DowntimeSubscription | None
    errors: list[UserError]
