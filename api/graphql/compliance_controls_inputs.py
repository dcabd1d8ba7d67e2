"""Inputs and payloads of the compliance controls' queries and mutations."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from api.graphql.compliance_controls_types import (
    Bypass,
    BypassReview,
    BypassReviewOutcome,
    BypassState,
    BypassUse,
    DrProcedure,
    DrProcedureKind,
    DrTest,
    DrTestResult,
    GateKey,
)
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput


@strawberry.input(description="Which bypasses to list; all you may read when empty.")
class BypassFilter:
    business_unit_id: strawberry.ID | None = None
    release_id: strawberry.ID | None = None
    state: BypassState | None = None


@strawberry.input(description="Which post-facto reviews to list; all you may read when empty.")
class BypassReviewFilter:
    business_unit_id: strawberry.ID | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="True: only overdue ones; false: only those not overdue."
    )
    completed: bool | None = None


@strawberry.input(description="Ask to waive gates of one hotfix release for one target.")
class BypassRequestInput:
    release_id: strawberry.ID
    environment_id: strawberry.ID = strawberry.field(description="The one target environment.")
    gates: list[GateKey]
    justification: str = strawberry.field(description="Why, in at least 20 characters.")
    incident_reference: str = strawberry.field(description="The incident this hotfix answers.")
    duration_hours: int = strawberry.field(
        description="At most the tightest max_bypass_hours of the release's services."
    )


@strawberry.input(description="Approve or reject a pending bypass.")
class BypassDecideInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a newer one is a conflict.")
    note: str = ""


@strawberry.input(description="Stop an active bypass before it expires.")
class BypassRevokeInput(VersionedInput):
    reason: str = ""


@strawberry.input(description="Record that an active bypass waived one of its gates.")
class BypassUseInput:
    bypass_id: strawberry.ID
    gate: GateKey
    environment_id: strawberry.ID
    note: str = ""


@strawberry.input(description="Complete a bypass's post-facto review.")
class BypassReviewCompleteInput:
    review_id: strawberry.ID
    version: int
    outcome: BypassReviewOutcome
    findings: str
    action_items: list[str] = strawberry.field(default_factory=list)


@strawberry.enum(description="An optional fact of a DR procedure that an update may clear.")
class DrProcedureField(Enum):
    OWNER = "owner_person_id"
    OWNER_TEAM = "owner_team_id"
    RTO = "rto_minutes"
    RPO = "rpo_minutes"


@strawberry.input(description="Add a DR procedure to a service; it needs an owner or a team.")
class DrProcedureCreateInput:
    service_id: strawberry.ID
    kind: DrProcedureKind
    title: str
    runbook_url: str
    owner_id: strawberry.ID | None = None
    owner_team_id: strawberry.ID | None = None
    rto_minutes: int | None = None
    rpo_minutes: int | None = None


@strawberry.input(description="Only the fields given change; `clear` empties optional ones.")
class DrProcedureUpdateInput(VersionedInput):
    title: str | None = None
    runbook_url: str | None = None
    owner_id: strawberry.ID | None = None
    owner_team_id: strawberry.ID | None = None
    rto_minutes: int | None = None
    rpo_minutes: int | None = None
    clear: list[DrProcedureField] = strawberry.field(default_factory=list)


@strawberry.input
class DrProcedureRetireInput(VersionedInput):
    pass


@strawberry.input(description="Record a DR test that has been performed.")
class DrTestRecordInput:
    procedure_id: strawberry.ID
    performed_at: datetime = strawberry.field(description="Not in the future.")
    result: DrTestResult
    notes: str = ""
    evidence_url: str | None = None
    duration_minutes: int | None = None


@strawberry.type
class BypassPayload:
    bypass: Bypass | None
    errors: list[UserError]


@strawberry.type
class BypassUsePayload:
    use: BypassUse | None
    errors: list[UserError]


@strawberry.type
class BypassReviewPayload:
    bypass_review: BypassReview | None
    errors: list[UserError]


@strawberry.type
class DrProcedurePayload:
    dr_procedure: DrProcedure | None
    errors: list[UserError]


@strawberry.type
class DrTestPayload:
    dr_test: DrTest | None
    errors: list[UserError]
