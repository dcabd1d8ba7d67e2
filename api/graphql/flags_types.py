"""GraphQL types of feature flags: plain fields filled from rows; I/O only via DataLoaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.organization_types import BusinessUnit, Person, Service
from api.graphql.relay import Node, load_node, node_field
from api.graphql.rows import FromColumns, from_columns
from domain.flags import definitions as d
from domain.flags import models, rules
from domain.flags import vocabulary as flags_vocabulary
from domain.flags.states import state_of

FlagKind = exposed(flags_vocabulary.FlagKind)
FlagValueType = exposed(flags_vocabulary.ValueType)
FlagChangeStatus = exposed(flags_vocabulary.ChangeStatus)
FlagChangeAction = exposed(flags_vocabulary.ChangeAction)
FlagOperator = strawberry.enum(
    d.Operator,
    description="How a condition compares an attribute: IN/NOT_IN and STR_* take a list of "
    "values, the others exactly one (a number, a SemVer version or an ISO 8601 time).",
)
StaleReason = strawberry.enum(
    rules.StaleReason,
    description="Why a flag is stale: EXPIRED (a temporary flag past its expiry), "
    "FULLY_ROLLED_OUT (a temporary flag on for everyone everywhere for the given days), "
    "NOT_EVALUATED (not evaluated anywhere for the given days).",
)


@strawberry.type(description="A value a flag can serve.")
class FlagVariant:
    key: str
    value: JSON
    description: str


@strawberry.type(description="A test of one context attribute (`targetingKey` included).")
class FlagCondition:
    attribute: str
    operator: FlagOperator
    values: list[str]
    negate: bool = strawberry.field(description="Invert the result (a missing attribute too).")
    case_insensitive: bool

    @classmethod
    def from_domain(cls, c: d.Condition) -> FlagCondition:
        try:
            op = d.Operator(c.operator)
        except ValueError:  # pragma: no cover - refused on the way in
            op = d.Operator.IN
        return from_columns(cls, c, operator=op, values=list(c.values))


@strawberry.type(description="A sticky percentage of contexts (Unleash-compatible bucketing).")
class FlagRollout:
    percentage: int
    stickiness: str = strawberry.field(
        description="`default` (the targeting key, else `sessionId`) or an attribute name."
    )
    group_id: str | None = strawberry.field(description="Bucketing group; null: the flag key.")


@strawberry.type
class FlagWeightedVariant:
    variant: str
    weight: int


@strawberry.type(description="What is served: one variant, or a weighted split.")
class FlagServe:
    variant: str | None
    split: list[FlagWeightedVariant]
    stickiness: str
    group_id: str | None

    @classmethod
    def from_domain(cls, s: d.Serve | None) -> FlagServe | None:
        if s is None:
            return None
        return from_columns(
            cls, s, split=[FlagWeightedVariant(variant=w.variant, weight=w.weight) for w in s.split]
        )


@strawberry.type(description="A targeting rule; rules apply in order and the first match wins.")
class FlagRule:
    description: str
    conditions: list[FlagCondition]
    segments: list[str] = strawberry.field(description="Segment keys; all must match.")
    user_ids: list[str] = strawberry.field(description="Targeting keys; empty: anyone.")
    rollout: FlagRollout | None
    serve: FlagServe | None = strawberry.field(description="Null: the environment's default serve.")

    @classmethod
    def from_domain(cls, r: d.Rule) -> FlagRule:
        rollout = r.rollout
        return cls(
            description=r.description,
            conditions=[FlagCondition.from_domain(c) for c in r.conditions],
            segments=list(r.segments),
            user_ids=list(r.user_ids),
            rollout=None
            if rollout is None
            else FlagRollout(
                percentage=rollout.percentage,
                stickiness=rollout.stickiness,
                group_id=rollout.group_id,
            ),
            serve=FlagServe.from_domain(r.serve),
        )


@strawberry.type(description="A flag's state in one environment.")
class FlagEnvironmentState:
    environment: str = strawberry.field(description="The environment's key, e.g. production-eu.")
    enabled: bool
    production: bool = strawberry.field(
        description="A production environment: its key starts with `production`, or marked."
    )
    dark_launch: bool = strawberry.field(
        description="Exposure zero: everybody gets the off variant, except the dark-launch "
        "segment (internal users), who get the default variant."
    )
    dark_launch_segment: str | None
    rules: list[FlagRule]
    default_serve: FlagServe | None
    version: int
    updated_at: datetime
    last_evaluated_at: datetime | None = strawberry.field(
        description="When it was last evaluated here, to the hour."
    )

    @classmethod
    def from_row(cls, r: Any, last_evaluated_at: datetime | None) -> FlagEnvironmentState:
        state = state_of(r)
        return from_columns(
            cls,
            r,
            enabled=state.enabled,
            production=rules.is_production(r.environment, r.production),
            dark_launch=state.dark_launch,
            dark_launch_segment=state.dark_launch_segment,
            rules=[FlagRule.from_domain(x) for x in state.rules],
            default_serve=FlagServe.from_domain(state.default_serve),
            last_evaluated_at=last_evaluated_at,
        )


@strawberry.type(description="A feature flag of a service; its key is unique in Signalbox.")
class Flag(Node):
    id: strawberry.ID
    key: str = strawberry.field(description="The OFREP flag key.")
    name: str
    description: str
    kind: FlagKind
    value_type: FlagValueType
    variants: list[FlagVariant]
    default_variant: str = strawberry.field(description="Served when on, unless a rule says.")
    off_variant: str = strawberry.field(description="Served when off or when no rule matches.")
    temporary: bool
    expires_at: datetime | None
    archived_at: datetime | None
    killed_at: datetime | None = strawberry.field(
        description="When the kill switch turned it off everywhere; null once on again."
    )
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]
    created_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> Flag:
        return from_columns(
            cls,
            r,
            variants=[
                FlagVariant(key=v["key"], value=v["value"], description=v.get("description", ""))
                for v in r.variants
            ],
            temporary=r.kind in models.TEMPORARY_KINDS,
        )

    service = node_field(Service, "service", "service_uid")

    @strawberry.field(description="Its state in every environment it has one in, by key.")
    async def environments(self, info: Info) -> list[FlagEnvironmentState]:
        states = await info.context.loaders.flag_states.load(self.uid)
        seen = await info.context.loaders.flag_evaluations.load(self.uid)
        last = {e.environment: e.last_evaluated_at for e in seen}
        return [FlagEnvironmentState.from_row(s, last.get(s.environment)) for s in states]

    @strawberry.field(description="Its changes, oldest first (the last `last` of them).")
    async def history(self, info: Info, last: int = 50) -> list[FlagChange]:
        rows = await info.context.loaders.flag_history.load(self.uid)
        return [FlagChange.from_row(r) for r in rows[-max(0, min(last, 500)) :]] if last else []

    created_by = node_field(Person, "person", "created_by_uid")


@strawberry.type(description="One change of a flag; PENDING ones await someone else's approval.")
class FlagChange(Node, FromColumns):
    id: strawberry.ID
    action: FlagChangeAction
    status: FlagChangeStatus
    environment: str | None
    production: bool
    before: JSON | None
    after: JSON | None = strawberry.field(description="For a pending change: the proposed state.")
    reason: str
    note: str
    created_at: datetime
    decided_at: datetime | None
    version: int
    uid: strawberry.Private[uuid.UUID]
    flag_uid: strawberry.Private[uuid.UUID]
    requested_by_uid: strawberry.Private[uuid.UUID | None]
    decided_by_uid: strawberry.Private[uuid.UUID | None]

    flag = node_field(Flag, "flag", "flag_uid")

    requested_by = node_field(Person, "person", "requested_by_uid")
    decided_by = node_field(Person, "person", "decided_by_uid")


@strawberry.type(description="A named, reusable set of conditions (all must hold).")
class FlagSegment(Node):
    id: strawberry.ID
    key: str
    name: str
    description: str
    conditions: list[FlagCondition]
    version: int
    created_at: datetime
    bu_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> FlagSegment:
        return from_columns(
            cls,
            r,
            conditions=[FlagCondition.from_domain(c) for c in d.conditions_from_json(r.conditions)],
        )

    @strawberry.field(description="The owning BU; null for an organization-wide segment.")
    async def business_unit(self, info: Info) -> BusinessUnit | None:
        if self.bu_uid is None:
            return None
        return await load_node(info.context.loaders.business_unit, BusinessUnit, self.bu_uid)


@strawberry.type(description="A flag worth removing, and why.")
class StaleFlag:
    flag: Flag
    reasons: list[StaleReason]
    last_evaluated_at: datetime | None
