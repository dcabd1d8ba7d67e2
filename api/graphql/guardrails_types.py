"""GraphQL types of guardrails and onboarding: plain fields from domain values; I/O via loaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.organization_types import BusinessUnit, Person, Team, Tier
from api.graphql.relay import Node, node_field
from api.graphql.rows import from_columns
from domain.guardrails import queries as gq
from domain.guardrails import rules
from domain.guardrails.effective import EffectiveValue
from domain.guardrails.fields import CORE_DEFAULTS, FIELDS, Field
from domain.guardrails.lattice import Strictness
from domain.guardrails.sets import LayerConflict
from domain.guardrails.vocabulary import OnboardingItem as OnboardingItemKind
from domain.guardrails.vocabulary import SetKind
from domain.kernel.access import Action, Resource
from domain.kernel.errors import NotFound
from domain.kernel.gates import GateOutcome, GateStatus
from domain.organization.vocabulary import Tier as TierKind

GuardrailStrictness = strawberry.enum(
    Strictness,
    name="GuardrailStrictness",
    description="Which way a guardrail value gets stricter: AT_LEAST (higher is stricter), "
    "AT_MOST (lower), SUPERSET (more members), SUBSET (fewer members; null allows any), "
    "REQUIRE (true), PERMIT (false), LEVEL_AT_MOST (a lower risk level).",
)
GuardrailScope = strawberry.enum(
    SetKind,
    name="GuardrailScope",
    description="CORE: the RMO's set; BUSINESS_UNIT: a BU's tightening; PROFILE: a tier's.",
)
OnboardingItem = strawberry.enum(
    OnboardingItemKind, description="An integration a team needs before production access."
)
OnboardingAccessStatus = strawberry.enum(
    GateStatus,
    name="OnboardingAccessStatus",
    description="PASSED: every required item is complete; FAILED: some are missing.",
)


@strawberry.enum(description="The type of a guardrail's value.")
class GuardrailValueType(Enum):
    INTEGER = "integer"
    MEMBERS = "members"
    BOOLEAN = "boolean"
    RISK_LEVEL = "risk_level"


def _value_type(s: Strictness) -> GuardrailValueType:
    if s in rules.NUMBERS:
        return GuardrailValueType.INTEGER
    if s in rules.SETS:
        return GuardrailValueType.MEMBERS
    if s in rules.FLAGS:
        return GuardrailValueType.BOOLEAN
    return GuardrailValueType.RISK_LEVEL


@strawberry.type(description="A guardrail a set may hold: what an editor may offer for it.")
class GuardrailField:
    key: str
    description: str
    strictness: GuardrailStrictness  # type: ignore[valid-type]
    value_type: GuardrailValueType
    unit: str
    minimum: int | None
    maximum: int | None
    members: list[str] | None = strawberry.field(
        description="The allowed members (set values and risk levels); null for free SPDX ids "
        "and usernames."
    )
    spdx: bool = strawberry.field(description="Members are SPDX licence ids (e.g. MIT).")
    usernames: bool = strawberry.field(description="Members are people's usernames.")
    nullable: bool = strawberry.field(description="Null allowed in the core: no restriction.")
    default: JSON | None = strawberry.field(description="The built-in core value.")
    advisory: str | None = strawberry.field(
        description="Why no decision is refused by this field (it restricts nothing); null for "
        "a control, which a gate or use case enforces."
    )

    @classmethod
    def from_domain(cls, f: Field) -> GuardrailField:
        kind = _value_type(f.strictness)
        return from_columns(
            cls,
            f,
            value_type=kind,
            members=list(f.members) if f.members is not None else None,
            spdx=kind is GuardrailValueType.MEMBERS and f.members is None and not f.names,
            usernames=f.names,
            nullable=rules.nullable(f),
            default=CORE_DEFAULTS.get(f.key),
            advisory=f.advisory or None,
        )


@strawberry.type(description="Members of a set value that one layer added.")
class GuardrailContribution:
    source: str
    source_version: int
    members: list[str]


@strawberry.type(description="One guardrail in force for a service, and where it comes from.")
class EffectiveGuardrail:
    key: str
    value: JSON | None = strawberry.field(description="Null: no restriction (any licence).")
    source: str = strawberry.field(
        description="The layer that set the binding value: `core`, `bu:<BU key>` or "
        "`profile:<tier>`."
    )
    source_version: int = strawberry.field(
        description="That layer's version (0: the built-in defaults)."
    )
    description: str
    strictness: GuardrailStrictness  # type: ignore[valid-type]
    unit: str
    contributions: list[GuardrailContribution] = strawberry.field(
        description="For SUPERSET values: which layer added which members."
    )

    @classmethod
    def from_domain(cls, v: EffectiveValue) -> EffectiveGuardrail:
        f = FIELDS[v.key]
        return from_columns(
            cls,
            v,
            description=f.description,
            strictness=f.strictness,
            unit=f.unit,
            contributions=[
                GuardrailContribution(
                    source=c.source, source_version=c.version, members=list(c.members)
                )
                for c in v.contributions
            ],
        )


@strawberry.type(description="A value of a BU set or profile that is looser than the core.")
class GuardrailLooserValue:
    key: str
    value: JSON | None = strawberry.field(description="Null: no restriction (any licence).")
    core_bound: JSON | None
    message: str

    @classmethod
    def from_domain(cls, v: rules.Looser) -> GuardrailLooserValue:
        return from_columns(cls, v, core_bound=v.bound)


def _tier(kind: str, subject: str) -> TierKind | None:
    return TierKind(subject) if kind == SetKind.PROFILE else None


@strawberry.type(description="A BU's (or profile's) value the current core has made invalid.")
class GuardrailConflict:
    source: str
    source_version: int
    scope: GuardrailScope  # type: ignore[valid-type]
    tier: Tier | None  # type: ignore[valid-type]
    key: str
    value: JSON | None = strawberry.field(description="Null: no restriction (any licence).")
    core_bound: JSON | None
    message: str
    bu_uid: strawberry.Private[uuid.UUID | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    @classmethod
    def from_view(cls, c: LayerConflict) -> GuardrailConflict:
        return cls(
            source=c.layer.layer.source,
            source_version=c.layer.layer.version,
            scope=c.layer.kind,
            tier=_tier(c.layer.kind, c.layer.subject),
            key=c.looser.key,
            value=c.looser.value,
            core_bound=c.looser.bound,
            message=c.looser.message,
            bu_uid=c.layer.bu_id,
        )


@strawberry.type(description="A guardrail set as it stands (version 0: the built-in defaults).")
class GuardrailSet:
    scope: GuardrailScope  # type: ignore[valid-type]
    tier: Tier | None  # type: ignore[valid-type]
    version: int = strawberry.field(description="Send it back with a change; 0 if never saved.")
    values: JSON = strawberry.field(
        description="Guardrail key → value; partial for BU sets and profiles."
    )
    note: str = strawberry.field(description="Why the last version was saved.")
    updated_at: datetime | None
    conflicts: list[GuardrailLooserValue] = strawberry.field(
        description="Values of this set now looser than the core (the core's value applies)."
    )
    bu_uid: strawberry.Private[uuid.UUID | None]
    updated_by_uid: strawberry.Private[uuid.UUID | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    updated_by = node_field(Person, "person", "updated_by_uid", "Who saved the last version.")

    @strawberry.field(
        description="Whether you may change this set (the RMO the core and profiles, a BU's "
        "admins its BU's set); the API still checks every change."
    )
    def viewer_may_edit(self, info: Info) -> bool:
        # Org-level sets (no BU) need an org-wide grant: Scope.allows(None) is "everywhere".
        return info.context.scope(Action.UPDATE, Resource.GUARDRAIL_SET).allows(self.bu_uid)

    @classmethod
    def from_view(cls, v: gq.SetView) -> GuardrailSet:
        return from_columns(
            cls,
            v,
            scope=v.kind,
            tier=_tier(v.kind, v.subject),
            conflicts=[GuardrailLooserValue.from_domain(c) for c in v.conflicts],
        )


@strawberry.type(description="One saved version of a guardrail set: immutable, with who and why.")
class GuardrailSetVersion(Node):
    id: strawberry.ID
    scope: GuardrailScope  # type: ignore[valid-type]
    tier: Tier | None  # type: ignore[valid-type]
    version: int
    values: JSON
    note: str
    saved_at: datetime
    saved_by_name: str = strawberry.field(description="The saver's name at the time.")
    conflicts: JSON = strawberry.field(
        description="For a core version: the BU and profile values it made looser than "
        "itself, as saved ({source, version, key, value, coreBound})."
    )
    origin: JSON | None = strawberry.field(
        description="What asked for this change, when something did: {kind: policy_proposal, "
        "proposal_id, origin_kind (retrospective, post_mortem), origin_id}; raw UUIDs."
    )
    bu_uid: strawberry.Private[uuid.UUID | None]
    saved_by_uid: strawberry.Private[uuid.UUID | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    saved_by = node_field(Person, "person", "saved_by_uid")

    @classmethod
    def from_row(cls, r: Any) -> GuardrailSetVersion:
        return from_columns(
            cls, r, scope=SetKind(r.kind), tier=_tier(r.kind, r.subject), saved_by_name=r.saved_by
        )


# -- onboarding --------------------------------------------------------------------------------


@strawberry.type(description="One item of a team's onboarding checklist.")
class OnboardingChecklistItem:
    item: OnboardingItem  # type: ignore[valid-type]
    required: bool = strawberry.field(description="Required for the team's production access.")
    complete: bool
    version: int = strawberry.field(description="Send it back with a change; 0 if never done.")
    evidence_url: str | None
    evidence_note: str
    completed_at: datetime | None
    reopened_at: datetime | None
    reopen_reason: str
    completed_by_uid: strawberry.Private[uuid.UUID | None]
    reopened_by_uid: strawberry.Private[uuid.UUID | None]

    completed_by = node_field(Person, "person", "completed_by_uid")

    reopened_by = node_field(Person, "person", "reopened_by_uid")

    @classmethod
    def from_domain(cls, item: str, required: bool, c: Any) -> OnboardingChecklistItem:
        return cls(
            item=OnboardingItemKind(item),
            required=required,
            complete=bool(c is not None and c.complete),
            version=c.version if c is not None else 0,
            evidence_url=c.evidence_url if c is not None else None,
            evidence_note=c.evidence_note if c is not None else "",
            completed_at=c.completed_at if c is not None else None,
            reopened_at=c.reopened_at if c is not None else None,
            reopen_reason=c.reopen_reason if c is not None else "",
            completed_by_uid=c.completed_by_id if c is not None else None,
            reopened_by_uid=c.reopened_by_id if c is not None else None,
        )


@strawberry.type(description="The onboarding gate: may the team deploy to production?")
class ProductionAccess:
    status: OnboardingAccessStatus  # type: ignore[valid-type]
    reason: str
    required: list[OnboardingItem]  # type: ignore[valid-type]
    missing: list[OnboardingItem]  # type: ignore[valid-type]

    @classmethod
    def from_domain(cls, g: GateOutcome) -> ProductionAccess:
        return from_columns(
            cls,
            g,
            required=[OnboardingItemKind(i) for i in g.evidence["required"]],
            missing=[OnboardingItemKind(i) for i in g.evidence["missing"]],
        )


@strawberry.type(description="A team's onboarding checklist and the production access it earns.")
class TeamOnboarding:
    items: list[OnboardingChecklistItem]
    production_access: ProductionAccess
    team_uid: strawberry.Private[uuid.UUID]

    team = node_field(Team, "team", "team_uid")

    @classmethod
    def from_domain(cls, t: gq.TeamOnboarding) -> TeamOnboarding:
        return cls(
            items=[
                OnboardingChecklistItem.from_domain(i.item, i.required, i.check) for i in t.items
            ],
            production_access=ProductionAccess.from_domain(t.production_access),
            team_uid=t.team_id,
        )


NODE_LOADERS: dict[str, tuple[str, Any]] = {
    "GuardrailSetVersion": ("guardrail_set_version", GuardrailSetVersion),
}


async def business_unit_guardrails(info: Info, bu_id: uuid.UUID) -> GuardrailSet | None:
    """A BU's guardrail set for BusinessUnit.guardrails; null when not yours to read."""
    try:
        async with info.context.reader() as r:
            view = await gq.business_unit_set(r, bu_id)
    except NotFound:
        return None
    return GuardrailSet.from_view(view)
