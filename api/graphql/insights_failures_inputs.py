"""Inputs and the payload of where changes fail, and their decoding."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.graphql.governance_types import ChangeType
from api.graphql.insights_dora_types import DoraFailureDefinition
from api.graphql.insights_failures_analysis_types import (
    ChangeFailureAnalysis,
    ChangeFailureControl,
)
from api.graphql.insights_policy_types import PolicyProposal
from api.graphql.organization_types import Tier
from api.graphql.relay import from_optional_global_id
from api.graphql.user_errors import UserError
from domain.insights import failure_rules as rules
from domain.insights.dora_vocabulary import FailureDefinition
from domain.insights.failure_commands import ProposeFromChangeFailures
from domain.insights.ledger_repository import LedgerFilter


@strawberry.input(description="Whose changes: each field narrows; null: every BU you may read.")
class ChangeFailureScope:
    business_unit_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    service_id: strawberry.ID | None = None
    tier: Tier | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="Only this tier's services; the suggestions then land in its tier profile "
        "(else in the BU's guardrails when a BU is named, else in the core).",
    )


@strawberry.input(
    description="From a change type that stands out, with the control suggested for it, a "
    "draft policy proposal: the analysis (scope, period, definition, thresholds) is "
    "recomputed now; refused with NOT_STANDING_OUT or SUGGESTION_NO_LONGER_STANDS when it no "
    "longer holds."
)
class ProposeFromChangeFailuresInput:
    change_type: ChangeType  # type: ignore[valid-type]
    control: ChangeFailureControl  # type: ignore[valid-type]
    scope: ChangeFailureScope | None = None
    since: datetime | None = strawberry.field(
        default=None, description="The period analysed (default: the 90 days up to now)."
    )
    until: datetime | None = None
    failure: DoraFailureDefinition = DoraFailureDefinition.INCIDENT  # type: ignore[valid-type]
    factor: float = rules.DEFAULT_FACTOR
    min_changes: int = rules.DEFAULT_MIN_CHANGES
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The BU the proposal is read in, when the scope names none.",
    )
    rationale: str = strawberry.field(default="", description="Said beside the figures.")


@strawberry.type
class ProposeFromChangeFailuresPayload:
    policy_proposal: PolicyProposal | None
    analysis: ChangeFailureAnalysis | None = strawberry.field(
        description="The analysis recorded as the proposal's origin."
    )
    errors: list[UserError]


def ledger_scope(s: ChangeFailureScope | None) -> LedgerFilter:
    s = s or ChangeFailureScope()
    return LedgerFilter(
        bu_id=from_optional_global_id(s.business_unit_id, "BusinessUnit", "businessUnitId"),
        team_id=from_optional_global_id(s.team_id, "Team", "teamId"),
        service_id=from_optional_global_id(s.service_id, "Service", "serviceId"),
        tier=None if s.tier is None else s.tier.value,
    )


def propose(i: ProposeFromChangeFailuresInput) -> ProposeFromChangeFailures:
    return ProposeFromChangeFailures(
        scope=ledger_scope(i.scope),
        change_type=i.change_type.value,
        control=i.control.value,
        since=i.since,
        until=i.until,
        failure=FailureDefinition(i.failure.value),
        factor=i.factor,
        min_changes=i.min_changes,
        business_unit_id=from_optional_global_id(
            i.business_unit_id, "BusinessUnit", "businessUnitId"
        ),
        rationale=i.rationale,
    )


def answer(found: Any, errors: list[UserError]) -> ProposeFromChangeFailuresPayload:
    if found is None:
        return ProposeFromChangeFailuresPayload(policy_proposal=None, analysis=None, errors=errors)
    return ProposeFromChangeFailuresPayload(
        policy_proposal=PolicyProposal.from_row(found.proposal),
        analysis=ChangeFailureAnalysis.from_row(found.analysis),
        errors=errors,
    )
