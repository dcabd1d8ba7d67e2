"""Downtime communication: a release's notice, the teams' acknowledgements, subscriptions."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.readiness_notices_inputs import (
    DowntimeAcknowledgementPayload,
    DowntimeNoticeAcknowledgeInput,
    DowntimeNoticeEscalateInput,
    DowntimeNoticeIssueInput,
    DowntimeNoticePayload,
    DowntimeSubscriptionCreateInput,
    DowntimeSubscriptionDeleteInput,
    DowntimeSubscriptionPayload,
)
from api.graphql.readiness_notices_types import (
    DowntimeNotice,
    DowntimeRecipient,
    DowntimeSubscription,
    notice_of,
)
from api.graphql.relay import (
    PageArgs,
    connection_field,
    from_global_id,
)
from api.graphql.user_errors import DOWNTIME_NOTICES, UserError
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.readiness import notice_acks, notice_service
from domain.readiness import notice_commands as cmd
from domain.readiness import notice_queries as nq

run = MutationRunner(DOWNTIME_NOTICES)
notice_payload = run.into(DowntimeNoticePayload, downtime_notice=DowntimeNotice)
subscription_payload = run.into(
    DowntimeSubscriptionPayload, downtime_subscription=DowntimeSubscription
)


def _acknowledged(found: Any, errors: list[UserError]) -> DowntimeAcknowledgementPayload:
    recipient = DowntimeRecipient.from_row(found) if found is not None else None
    return DowntimeAcknowledgementPayload(recipient=recipient, errors=errors)


acknowledgement_payload = run.answering(DowntimeAcknowledgementPayload, _acknowledged)


@strawberry.input(description="Which subscriptions to list; all you may read when empty.")
class DowntimeSubscriptionFilter:
    subject_id: strawberry.ID | None = strawberry.field(
        default=None, description="Of this team or service only."
    )


@strawberry.type
class NoticesQuery:
    # Node types of this part, for `node(id:)` (read by schema._NODE_LOADERS).
    NODE_LOADERS = {
        "DowntimeNotice": ("downtime_notice", DowntimeNotice),
        "DowntimeSubscription": ("downtime_subscription", DowntimeSubscription),
    }

    @strawberry.field(
        description="The release's downtime notice: null when it declares no breaking change "
        "or planned downtime (or you may not read it)."
    )
    async def downtime_notice(self, info: Info, release_id: strawberry.ID) -> DowntimeNotice | None:
        return await notice_of(info, from_global_id(release_id, "Release", "releaseId"))

    @connection_field(
        DowntimeSubscription,
        description="Addresses told of downtime that you may read, by e-mail address.",
    )
    def downtime_subscriptions(
        r: Reader, f: DowntimeSubscriptionFilter, page: PageArgs
    ) -> Awaitable[Page[Any]]:
        subject_id = None
        if f.subject_id is not None:
            subject_id = from_global_id(f.subject_id, None, "subjectId")
        return nq.subscriptions(r, subject_id, **page)


@strawberry.type
class NoticesMutation:
    @notice_payload.mutation(
        notice_service.issue,
        description="Mark a release breaking or down for a window: every team owning a service "
        "downstream of it (transitively) is told through the outbox and must acknowledge.",
    )
    def downtime_notice_issue(input: DowntimeNoticeIssueInput) -> cmd.IssueNotice:
        return cmd.IssueNotice(
            release_id=from_global_id(input.release_id, "Release", "releaseId"),
            kind=input.kind.value,
            window_starts_at=input.window_starts_at,
            window_ends_at=input.window_ends_at,
            impact=input.impact,
            contact=input.contact,
        )

    @acknowledgement_payload.mutation(
        notice_acks.acknowledge,
        description="Acknowledge a downtime notice for your team (engineers and SREs of its BU).",
    )
    def downtime_notice_acknowledge(
        input: DowntimeNoticeAcknowledgeInput,
    ) -> cmd.AcknowledgeNotice:
        return cmd.AcknowledgeNotice(
            notice_id=from_global_id(input.notice_id, "DowntimeNotice", "noticeId"),
            team_id=from_global_id(input.team_id, "Team", "teamId"),
        )

    @notice_payload.mutation(
        notice_acks.escalate,
        description="Record that the teams still silent after the notice period were escalated.",
    )
    def downtime_notice_escalate(input: DowntimeNoticeEscalateInput) -> cmd.EscalateNotice:
        return cmd.EscalateNotice(
            notice_id=from_global_id(input.id, "DowntimeNotice"),
            version=input.version,
            note=input.note,
        )

    @subscription_payload.mutation(
        notice_acks.subscribe,
        description="Have an address told of downtime touching a team (its contact, who gets "
        "the team's acknowledgement link) or a service (a stakeholder).",
    )
    def downtime_subscription_create(input: DowntimeSubscriptionCreateInput) -> cmd.Subscribe:
        kind = "Team" if input.subject.value == "team" else "Service"
        return cmd.Subscribe(
            subject=input.subject.value,
            subject_id=from_global_id(input.subject_id, kind, "subjectId"),
            email=input.email,
        )

    @strawberry.mutation(description="Stop telling an address of downtime.")
    async def downtime_subscription_delete(
        self, info: Info, input: DowntimeSubscriptionDeleteInput
    ) -> DowntimeSubscriptionPayload:
        sub_id = from_global_id(input.id, "DowntimeSubscription")
        return await subscription_payload(info, lambda uow: notice_acks.unsubscribe(uow, sub_id))
