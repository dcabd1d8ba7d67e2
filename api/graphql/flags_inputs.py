"""Inputs and payloads of the flags queries and mutations, and their decoding to domain values."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from api.graphql.flags_types import (
    Flag,
    FlagChange,
    FlagChangeStatus,
    FlagEnvironmentState,
    FlagKind,
    FlagOperator,
    FlagSegment,
    FlagValueType,
)
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput
from domain.flags import definitions as d
from domain.flags.rules import Variant


@strawberry.input
class FlagFilter:
    service_id: strawberry.ID | None = None
    kind: FlagKind | None = None
    include_archived: bool = False


@strawberry.input
class FlagChangeFilter:
    flag_id: strawberry.ID | None = None
    status: FlagChangeStatus | None = strawberry.field(
        default=None, description="PENDING: what awaits approval."
    )


@strawberry.input
class StaleFlagsInput:
    fully_rolled_out_days: int = strawberry.field(
        default=14, description="Fully rolled out for at least this many days."
    )
    unused_days: int = strawberry.field(
        default=30, description="Not evaluated anywhere for at least this many days."
    )


@strawberry.input
class FlagVariantInput:
    key: str = strawberry.field(description="1-64 lowercase letters, digits, '_' or '-'.")
    value: JSON = strawberry.field(description="Of the flag's value type.")
    description: str = ""


@strawberry.input
class FlagConditionInput:
    attribute: str = strawberry.field(description="A context attribute, or `targetingKey`.")
    operator: FlagOperator
    values: list[str]
    negate: bool = False
    case_insensitive: bool = False


@strawberry.input
class FlagRolloutInput:
    percentage: int = strawberry.field(description="0-100.")
    stickiness: str = strawberry.field(
        default="default", description="`default` (targeting key, else sessionId) or an attribute."
    )
    group_id: str | None = None


@strawberry.input
class FlagWeightedVariantInput:
    variant: str
    weight: int


@strawberry.input(description="One variant, or a weighted split.")
class FlagServeInput:
    variant: str | None = None
    split: list[FlagWeightedVariantInput] = strawberry.field(default_factory=list)
    stickiness: str = "default"
    group_id: str | None = None


@strawberry.input
class FlagRuleInput:
    description: str = ""
    conditions: list[FlagConditionInput] = strawberry.field(default_factory=list)
    segments: list[str] = strawberry.field(default_factory=list)
    user_ids: list[str] = strawberry.field(default_factory=list)
    rollout: FlagRolloutInput | None = None
    serve: FlagServeInput | None = None


@strawberry.input
class FlagCreateInput:
    service_id: strawberry.ID
    key: str = strawberry.field(description="Unique across Signalbox: OFREP's flag key.")
    name: str
    kind: FlagKind
    value_type: FlagValueType = FlagValueType.BOOLEAN
    variants: list[FlagVariantInput] = strawberry.field(
        default_factory=list, description="Empty for a boolean flag: on (true) and off (false)."
    )
    default_variant: str | None = None
    off_variant: str | None = None
    description: str = ""
    expires_at: datetime | None = strawberry.field(
        default=None, description="Required for RELEASE and EXPERIMENT flags; within a year."
    )


@strawberry.input
class FlagUpdateInput(VersionedInput):
    name: str | None = None
    description: str | None = None
    variants: list[FlagVariantInput] | None = None
    default_variant: str | None = None
    off_variant: str | None = None
    expires_at: datetime | None = None


@strawberry.input
class FlagArchiveInput(VersionedInput):
    pass


@strawberry.input
class FlagKillInput:
    id: strawberry.ID
    reason: str = strawberry.field(description="Why; kept in the audit trail.")


@strawberry.input(description="The whole state of a flag in one environment.")
class FlagEnvironmentUpdateInput:
    flag_id: strawberry.ID
    environment: str = strawberry.field(description="The environment's key, e.g. production-eu.")
    enabled: bool
    rules: list[FlagRuleInput] = strawberry.field(default_factory=list)
    default_serve: FlagServeInput | None = None
    dark_launch: bool = False
    dark_launch_segment: str | None = strawberry.field(
        default=None, description="Who sees a dark-launched flag (internal users)."
    )
    production: bool = strawberry.field(
        default=False, description="Mark a production environment whose key lacks the prefix."
    )
    version: int | None = strawberry.field(
        default=None, description="The state's version you read; null for a new state."
    )
    reason: str = ""


@strawberry.input
class FlagChangeDecisionInput:
    id: strawberry.ID
    note: str = ""


@strawberry.input
class FlagSegmentCreateInput:
    key: str
    name: str
    conditions: list[FlagConditionInput]
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null for an organization-wide segment."
    )
    description: str = ""


@strawberry.input
class FlagSegmentUpdateInput(VersionedInput):
    conditions: list[FlagConditionInput]
    name: str | None = None
    description: str | None = None


@strawberry.type
class FlagPayload:
    flag: Flag | None
    errors: list[UserError]


@strawberry.type(description="The state as it now is; a pending change when approval is due.")
class FlagEnvironmentPayload:
    flag: Flag | None
    state: FlagEnvironmentState | None
    change: FlagChange | None = strawberry.field(
        description="The recorded change: APPLIED, or PENDING someone else's approval."
    )
    errors: list[UserError]


@strawberry.type
class FlagChangePayload:
    change: FlagChange | None
    state: FlagEnvironmentState | None
    errors: list[UserError]


@strawberry.type
class FlagSegmentPayload:
    segment: FlagSegment | None
    errors: list[UserError]


# -- decoding ------------------------------------------------------------------------------


def variants(items: list[FlagVariantInput] | None) -> list[Variant] | None:
    if items is None:
        return None
    return [Variant(v.key, v.value, v.description) for v in items]


def conditions(items: list[FlagConditionInput]) -> list[d.Condition]:
    return [
        d.Condition(c.attribute, c.operator.value, tuple(c.values), c.negate, c.case_insensitive)
        for c in items
    ]


def serve(s: FlagServeInput | None) -> d.Serve | None:
    if s is None:
        return None
    return d.Serve(
        variant=s.variant,
        split=tuple(d.WeightedVariant(w.variant, w.weight) for w in s.split),
        stickiness=s.stickiness,
        group_id=s.group_id,
    )


def state(i: FlagEnvironmentUpdateInput) -> d.EnvironmentState:
    return d.EnvironmentState(
        enabled=i.enabled,
        rules=tuple(
            d.Rule(
                conditions=tuple(conditions(r.conditions)),
                segments=tuple(r.segments),
                user_ids=tuple(r.user_ids),
                rollout=None
                if r.rollout is None
                else d.Rollout(r.rollout.percentage, r.rollout.stickiness, r.rollout.group_id),
                serve=serve(r.serve),
                description=r.description,
            )
            for r in i.rules
        ),
        default_serve=serve(i.default_serve),
        dark_launch=i.dark_launch,
        dark_launch_segment=i.dark_launch_segment,
    )
