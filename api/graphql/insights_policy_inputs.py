"""Inputs and payloads of the policy-iteration mutations and queries, and their decoding."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.scalars import JSON

from api.graphql.insights_policy_types import ORIGIN_TYPE_NAMES as ORIGIN_TYPES
from api.graphql.insights_policy_types import (
    PolicyOriginKind,
    PolicyProposal,
    PolicyProposalStatus,
    PolicyTargetKind,
    PolicyTargetScope,
    Retrospective,
)
from api.graphql.organization_types import Tier
from api.graphql.relay import from_global_id
from api.graphql.user_errors import UserError
from domain.insights import policy_commands as cmd
from domain.insights.policy_vocabulary import OriginKind


@strawberry.input(description="A team's retrospective.")
class RetrospectiveRecordInput:
    team_id: strawberry.ID
    held_on: date = strawberry.field(description="The day it was held (not in the future).")
    title: str = strawberry.field(description="1 to 200 characters.")
    notes: str = ""
    outcomes: str = strawberry.field(default="", description="What the team agreed to change.")


@strawberry.input(
    description="A draft proposal: from a retrospective or post-mortem, one guardrail field "
    "(core, the origin's BU, a tier profile) or one risk level's score threshold (core, the "
    "origin's BU), the value proposed and why. The guardrails or risk context checks the value."
)
class PolicyProposalCreateInput:
    origin_kind: PolicyOriginKind
    origin_id: strawberry.ID = strawberry.field(description="A Retrospective or a PostMortem.")
    target_kind: PolicyTargetKind
    scope: PolicyTargetScope
    key: str = strawberry.field(
        description="The guardrail field (guardrailCatalog), or the risk level (medium, high, "
        "critical)."
    )
    value: JSON = strawberry.field(description="As the guardrail or the threshold takes it.")
    rationale: str
    tier: Tier | None = strawberry.field(default=None, description="For a TIER scope.")


@strawberry.input(description="A proposal at the version you saw.")
class PolicyProposalMoveInput:
    id: strawberry.ID
    version: int


@strawberry.input(description="A submitted proposal at the version you saw, and a reason.")
class PolicyProposalDecideInput:
    id: strawberry.ID
    version: int
    reason: str = strawberry.field(default="", description="Required to reject.")


@strawberry.input
class PolicyProposalFilter:
    business_unit_id: strawberry.ID | None = None
    status: PolicyProposalStatus | None = None


@strawberry.input
class RetrospectiveFilter:
    business_unit_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None


@strawberry.type
class RetrospectivePayload:
    retrospective: Retrospective | None
    errors: list[UserError]


@strawberry.type
class PolicyProposalPayload:
    policy_proposal: PolicyProposal | None
    errors: list[UserError]


def record(i: RetrospectiveRecordInput) -> cmd.RecordRetrospective:
    return cmd.RecordRetrospective(
        team_id=from_global_id(i.team_id, "Team", "teamId"),
        held_on=i.held_on,
        title=i.title,
        notes=i.notes,
        outcomes=i.outcomes,
    )


def create(i: PolicyProposalCreateInput) -> cmd.CreateProposal:
    kind = OriginKind(i.origin_kind.value)
    return cmd.CreateProposal(
        origin_kind=kind.value,
        origin_id=from_global_id(i.origin_id, ORIGIN_TYPES[kind], "originId"),
        target_kind=i.target_kind.value,
        scope=i.scope.value,
        key=i.key,
        value=i.value,
        rationale=i.rationale,
        tier=None if i.tier is None else i.tier.value,
    )


def move(i: PolicyProposalMoveInput) -> cmd.DecideProposal:
    return cmd.DecideProposal(from_global_id(i.id, "PolicyProposal"), i.version)


def decide(i: PolicyProposalDecideInput) -> cmd.DecideProposal:
    return cmd.DecideProposal(from_global_id(i.id, "PolicyProposal"), i.version, i.reason)
