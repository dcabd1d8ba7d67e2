"""Inputs and payloads of the calendar's queries and mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.calendar_types import (
    Alignment,
    DeploymentWindow,
    Freeze,
    FreezeException,
    FreezeScope,
    FreezeStatus,
    WindowConflict,
    WindowKind,
)
from api.graphql.organization_types import Tier
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput


@strawberry.input(description="Which windows to list; all you may read when empty.")
class DeploymentWindowFilter:
    business_unit_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    service_id: strawberry.ID | None = None
    environment: str | None = None
    release_id: strawberry.ID | None = None
    ending_after: datetime | None = strawberry.field(
        default=None, description="Only windows that end after this (e.g. now: what is coming)."
    )
    include_cancelled: bool = False


@strawberry.input(description="A window to check before planning (or moving: give windowId).")
class WindowConflictsInput:
    business_unit_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    release_id: strawberry.ID | None = None
    environment: str | None = None
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    resources: list[str] = strawberry.field(default_factory=list)
    window_id: strawberry.ID | None = strawberry.field(
        default=None, description="The window being moved, so it does not clash with itself."
    )


@strawberry.input(description="What the slot is for, and where to look for it.")
class WindowSuggestionsInput:
    business_unit_id: strawberry.ID
    duration_minutes: int
    after: datetime
    before: datetime = strawberry.field(description="At most 92 days after `after`.")
    count: int = 3
    release_id: strawberry.ID | None = None
    environment: str | None = None
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    resources: list[str] = strawberry.field(default_factory=list)


@strawberry.input(description="A slice of the calendar: a time range and, optionally, a filter.")
class CalendarInput:
    from_: datetime = strawberry.field(name="from")
    to: datetime = strawberry.field(description="At most 400 days after `from`.")
    business_unit_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    service_id: strawberry.ID | None = None
    environment: str | None = None


@strawberry.input
class FreezeFilter:
    status: FreezeStatus | None = None
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The BU's freezes and the organization-wide ones."
    )


@strawberry.input
class DeploymentWindowPlanInput:
    business_unit_id: strawberry.ID
    kind: WindowKind
    title: str
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="Exclusive; at most 14 days after startsAt.")
    release_id: strawberry.ID | None = None
    environment: str | None = None
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    resources: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class DeploymentWindowMoveInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a newer one is a conflict.")
    starts_at: datetime
    ends_at: datetime


@strawberry.input
class DeploymentWindowCancelInput(VersionedInput):
    pass


@strawberry.type(description="The window, and every conflict found (refused ones list them too).")
class DeploymentWindowPayload:
    deployment_window: DeploymentWindow | None
    conflicts: list[WindowConflict]
    errors: list[UserError]


@strawberry.input
class FreezeProposeInput:
    title: str
    scope: FreezeScope
    starts_at: datetime = strawberry.field(description="Start of the first occurrence.")
    ends_at: datetime = strawberry.field(description="End of the first occurrence.")
    stakeholder_ids: list[strawberry.ID] = strawberry.field(
        description="The business stakeholders (people) who must all approve."
    )
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null for an organization-wide freeze."
    )
    reason: str = ""
    tiers: list[Tier] = strawberry.field(default_factory=list)
    environments: list[str] = strawberry.field(default_factory=list)
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    time_zone: str = strawberry.field(
        default="UTC", description="IANA TZID, e.g. Europe/Amsterdam."
    )
    rrule: str | None = strawberry.field(
        default=None, description="RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=FR."
    )
    effective_until: datetime | None = None


@strawberry.input
class FreezeDecisionInput:
    id: strawberry.ID
    note: str = ""


@strawberry.input
class FreezeRetireInput(VersionedInput):
    pass


@strawberry.type
class FreezePayload:
    freeze: Freeze | None
    errors: list[UserError]


@strawberry.input
class FreezeExceptionRequestInput:
    freeze_id: strawberry.ID
    window_id: strawberry.ID = strawberry.field(description="A planned window of one release.")
    justification: str
    expires_at: datetime | None = strawberry.field(
        default=None, description="Default: when the window ends; at most 7 days after it."
    )


@strawberry.input(description="A hotfix's window inside a freeze, and why it cannot wait.")
class DeploymentWindowPlanInFreezeInput:
    business_unit_id: strawberry.ID
    release_id: strawberry.ID = strawberry.field(description="A hotfix release.")
    freeze_id: strawberry.ID = strawberry.field(
        description="The approved freeze the window falls into."
    )
    title: str
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="Exclusive; at most 14 days after startsAt.")
    justification: str = strawberry.field(description="Why the hotfix cannot wait.")
    environment: str | None = None
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    resources: list[str] = strawberry.field(default_factory=list)
    expires_at: datetime | None = strawberry.field(
        default=None, description="Default: when the window ends; at most 7 days after it."
    )


@strawberry.type(
    description="The window and its requested exception (both or neither), with every conflict "
    "found (a refusal lists them too)."
)
class DeploymentWindowPlanInFreezePayload:
    deployment_window: DeploymentWindow | None
    freeze_exception: FreezeException | None
    conflicts: list[WindowConflict]
    errors: list[UserError]


@strawberry.input
class FreezeExceptionDecisionInput:
    id: strawberry.ID
    note: str = ""


@strawberry.input
class FreezeExceptionReviewInput:
    id: strawberry.ID
    note: str = strawberry.field(description="What happened while the exception held.")


@strawberry.type
class FreezeExceptionPayload:
    freeze_exception: FreezeException | None
    errors: list[UserError]


@strawberry.input
class AlignmentRankInput:
    release_id: strawberry.ID
    rank: int = strawberry.field(description="1 first; ranks run 1, 2, 3… without ties.")
    rationale: str = ""


@strawberry.input
class AlignmentRecordInput:
    quarter: str = strawberry.field(description="Such as 2026-Q4.")
    ranking: list[AlignmentRankInput]
    agreed_by: list[strawberry.ID] = strawberry.field(description="People who agreed.")
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null for an organization-wide alignment."
    )


@strawberry.type
class AlignmentPayload:
    alignment: Alignment | None
    errors: list[UserError]
