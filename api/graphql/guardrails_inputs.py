"""Inputs and payloads of the guardrails' and onboarding's mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.graphql.guardrails_types import (
    GuardrailConflict,
    GuardrailSet,
    OnboardingChecklistItem,
    OnboardingItem,
    TeamOnboarding,
)
from api.graphql.organization_types import Tier
from api.graphql.user_errors import UserError

_VALUES = "Guardrail key → value (see guardrailCatalog); keys not given keep their value."
_VERSION = "The version you read (0 if never saved); a newer one is a conflict."
_NOTE = "Why: kept with the version and shown in the history."


@strawberry.input(description="Change the core guardrails (RMO).")
class GuardrailCoreUpdateInput:
    values: JSON = strawberry.field(
        description=f"{_VALUES} Null is allowed only where the catalog says nullable."
    )
    version: int = strawberry.field(description=_VERSION)
    note: str = strawberry.field(description=_NOTE)


@strawberry.input(description="Change a tier profile (RMO); it may only tighten the core.")
class GuardrailProfileUpdateInput:
    tier: Tier  # type: ignore[valid-type]
    values: JSON = strawberry.field(description=f"{_VALUES} Null removes the profile's value.")
    version: int = strawberry.field(description=_VERSION)
    note: str = strawberry.field(description=_NOTE)


@strawberry.input(description="Change a BU's guardrails (its BU admin); they may only tighten.")
class GuardrailBusinessUnitUpdateInput:
    business_unit_id: strawberry.ID
    values: JSON = strawberry.field(description=f"{_VALUES} Null removes the BU's tightening.")
    version: int = strawberry.field(description=_VERSION)
    note: str = strawberry.field(description=_NOTE)


@strawberry.type(description="One error per problem: a UI can mark every refused key at once.")
class GuardrailSetPayload:
    guardrail_set: GuardrailSet | None
    conflicts: list[GuardrailConflict] = strawberry.field(
        description="Core saves only: BU and profile values the new core makes looser than "
        "itself (they stay stored, the core's value applies, and guardrailConflicts lists them)."
    )
    errors: list[UserError]


@strawberry.input(description="Tick an onboarding item with its evidence (a link, a note or both).")
class TeamOnboardingItemCompleteInput:
    team_id: strawberry.ID
    item: OnboardingItem  # type: ignore[valid-type]
    version: int = strawberry.field(description=_VERSION)
    evidence_url: str | None = strawberry.field(default=None, description="An http(s) link.")
    evidence_note: str = ""


@strawberry.input(description="Revoke a completed onboarding item.")
class TeamOnboardingItemReopenInput:
    team_id: strawberry.ID
    item: OnboardingItem  # type: ignore[valid-type]
    version: int = strawberry.field(description=_VERSION)
    reason: str = ""


@strawberry.type
class TeamOnboardingItemPayload:
    item: OnboardingChecklistItem | None
    onboarding: TeamOnboarding | None = strawberry.field(
        description="The team's checklist and production access after the change."
    )
    errors: list[UserError]
