"""Inputs and payloads of the governance mutations: one input per mutation, errors in payloads."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.governance_board_types import Board, GoNoGoSession
from api.graphql.governance_rule_types import DocumentTemplate, SignOff, SignOffRule
from api.graphql.governance_types import (
    ChangeType,
    MissingDocumentation,
    Release,
    ReleaseType,
    RequiredSignOff,
    VoteChoice,
)
from api.graphql.organization_types import DataClassification, Discipline, Tier
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput
from domain.governance import vocabulary as governance_vocabulary

# -- releases --------------------------------------------------------------------------------


@strawberry.input(description="A service the release ships, at the version it ships.")
class ReleaseServiceInput:
    service_id: strawberry.ID
    artifact_version: str


@strawberry.input(description="One documentation field; blank text clears it.")
class DocumentationEntryInput:
    section: str
    field: str
    value: str


@strawberry.input
class ReleaseCreateInput:
    business_unit_id: strawberry.ID
    title: str
    release_type: ReleaseType = governance_vocabulary.ReleaseType.STANDARD  # type: ignore[assignment]
    description: str = ""
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Default: you, the creator."
    )
    change_types: list[ChangeType] = strawberry.field(default_factory=list)
    environments: list[str] = strawberry.field(default_factory=list)
    regions: list[str] = strawberry.field(default_factory=list)
    services: list[ReleaseServiceInput] = strawberry.field(default_factory=list)
    author_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    documentation: list[DocumentationEntryInput] = strawberry.field(default_factory=list)


@strawberry.input(description="Edit a draft. Omitted fields stay; lists given replace the list.")
class ReleaseUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a newer one is a conflict.")
    title: str | None = None
    description: str | None = None
    release_type: ReleaseType | None = None
    owner_id: strawberry.ID | None = None
    change_types: list[ChangeType] | None = None
    environments: list[str] | None = None
    regions: list[str] | None = None
    services: list[ReleaseServiceInput] | None = None
    author_ids: list[strawberry.ID] | None = None
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    documentation: list[DocumentationEntryInput] | None = strawberry.field(
        default=None, description="Entries to set (blank clears); others stay as they are."
    )


@strawberry.input(description="A lifecycle move of a release.")
class ReleaseMoveInput(VersionedInput):
    reason: str = ""


@strawberry.input(description="Clone a rejected or cancelled release into a new draft.")
class ReleaseCloneInput:
    id: strawberry.ID
    title: str | None = strawberry.field(
        default=None, description="Default: the original's title marked as a clone."
    )


@strawberry.input
class ReleaseScheduleInput(VersionedInput):
    planned_start: datetime | None = strawberry.field(
        default=None, description="Default: the release's planned window."
    )
    planned_end: datetime | None = None


@strawberry.type(description="An occurrence of a freeze the planned window falls into.")
class BlockingFreeze:
    freeze_id: strawberry.ID
    title: str
    occurrence_start: datetime
    occurrence_end: datetime


@strawberry.type
class ReleasePayload:
    release: Release | None
    errors: list[UserError]
    missing_documentation: list[MissingDocumentation] = strawberry.field(
        description="With DOCUMENTATION_INCOMPLETE: exactly what is still to fill in."
    )
    missing_sign_offs: list[RequiredSignOff] = strawberry.field(
        description="With SIGN_OFF_MISSING: the required sign-offs missing or expired."
    )
    blocking_freezes: list[BlockingFreeze] = strawberry.field(
        description="With FROZEN: the freezes the planned window falls into."
    )


# -- templates -------------------------------------------------------------------------------


@strawberry.input
class TemplateFieldInput:
    key: str
    label: str
    required: bool = True


@strawberry.input
class TemplateSectionInput:
    key: str
    title: str
    fields: list[TemplateFieldInput]


@strawberry.input
class DocumentTemplateCreateInput:
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null: an org template (release management office)."
    )
    key: str
    name: str
    sections: list[TemplateSectionInput]
    release_types: list[ReleaseType] = strawberry.field(
        default_factory=list, description="Empty: every release type."
    )
    tiers: list[Tier] = strawberry.field(default_factory=list, description="Empty: every tier.")


@strawberry.input(description="Adds version+1; omitted fields carry over from the latest version.")
class DocumentTemplateUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The latest version you read.")
    name: str | None = None
    sections: list[TemplateSectionInput] | None = None
    release_types: list[ReleaseType] | None = None
    tiers: list[Tier] | None = None
    active: bool | None = strawberry.field(default=None, description="False retires the template.")


@strawberry.type
class DocumentTemplatePayload:
    document_template: DocumentTemplate | None
    errors: list[UserError]


# -- boards and go/no-go ---------------------------------------------------------------------


@strawberry.input
class BoardMemberInput:
    person_id: strawberry.ID
    discipline: Discipline


@strawberry.input
class BoardCreateInput:
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null: an org board."
    )
    key: str
    name: str
    quorum: int
    approvals_needed: int
    required_disciplines: list[Discipline] = strawberry.field(default_factory=list)
    veto_disciplines: list[Discipline] = strawberry.field(default_factory=list)
    members: list[BoardMemberInput] = strawberry.field(default_factory=list)


@strawberry.input
class BoardUpdateInput(VersionedInput):
    name: str | None = None
    quorum: int | None = None
    approvals_needed: int | None = None
    required_disciplines: list[Discipline] | None = None
    veto_disciplines: list[Discipline] | None = None
    members: list[BoardMemberInput] | None = strawberry.field(
        default=None, description="Replaces the whole membership."
    )


@strawberry.type
class BoardPayload:
    board: Board | None
    errors: list[UserError]


@strawberry.input
class GoNoGoOpenInput:
    release_id: strawberry.ID
    board_id: strawberry.ID


@strawberry.input(description="Vote again to change your vote while the session is open.")
class GoNoGoVoteInput:
    session_id: strawberry.ID
    choice: VoteChoice
    rationale: str = strawberry.field(default="", description="Required for NO_GO.")


@strawberry.input
class GoNoGoCloseInput(VersionedInput):
    pass


@strawberry.type
class GoNoGoSessionPayload:
    go_no_go_session: GoNoGoSession | None
    errors: list[UserError]


# -- sign-offs -------------------------------------------------------------------------------


@strawberry.input(description="Every non-empty list must match (see SignOffCondition).")
class SignOffConditionInput:
    data_classifications: list[DataClassification] = strawberry.field(default_factory=list)
    region_prefixes: list[str] = strawberry.field(default_factory=list)
    tiers: list[Tier] = strawberry.field(default_factory=list)
    change_types: list[ChangeType] = strawberry.field(default_factory=list)


@strawberry.input
class SignOffRuleCreateInput:
    key: str
    name: str
    requirement: str
    discipline: Discipline
    validity_days: int
    condition: SignOffConditionInput
    active: bool = True


@strawberry.input
class SignOffRuleUpdateInput(VersionedInput):
    name: str | None = None
    requirement: str | None = None
    discipline: Discipline | None = None
    validity_days: int | None = None
    condition: SignOffConditionInput | None = None
    active: bool | None = None


@strawberry.type
class SignOffRulePayload:
    sign_off_rule: SignOffRule | None
    errors: list[UserError]


@strawberry.input
class SignOffGiveInput:
    release_id: strawberry.ID
    requirement: str
    note: str = ""


@strawberry.input
class SignOffRevokeInput:
    id: strawberry.ID


@strawberry.type
class SignOffPayload:
    sign_off: SignOff | None
    errors: list[UserError]
