"""Filters, mutation inputs and payloads of the organization."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.organization_types import (
    ApiToken,
    AttestationStatus,
    BusinessUnit,
    DataClassification,
    DependencyKind,
    Discipline,
    Person,
    PersonKind,
    Role,
    RoleGrant,
    Service,
    Team,
    Tier,
    Vendor,
)
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput


@strawberry.input
class TeamFilter:
    business_unit_id: strawberry.ID | None = None


@strawberry.input
class ServiceFilter:
    business_unit_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    tier: Tier | None = None


@strawberry.input
class VendorFilter:
    business_unit_id: strawberry.ID | None = None


@strawberry.input
class BusinessUnitCreateInput:
    key: str
    name: str
    description: str = ""


@strawberry.input
class BusinessUnitUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a newer one is a conflict.")
    name: str | None = None
    description: str | None = None


@strawberry.type
class BusinessUnitPayload:
    business_unit: BusinessUnit | None
    errors: list[UserError]


@strawberry.input
class TeamCreateInput:
    business_unit_id: strawberry.ID
    key: str
    name: str
    description: str = ""


@strawberry.input
class TeamUpdateInput(VersionedInput):
    name: str | None = None
    description: str | None = None


@strawberry.type
class TeamPayload:
    team: Team | None
    errors: list[UserError]


@strawberry.input
class ServiceCreateInput:
    team_id: strawberry.ID
    key: str
    name: str
    tier: Tier
    data_classification: DataClassification
    regions: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class ServiceUpdateInput(VersionedInput):
    name: str | None = None
    tier: Tier | None = None
    data_classification: DataClassification | None = None
    regions: list[str] | None = None
    team_id: strawberry.ID | None = None


@strawberry.type
class ServicePayload:
    service: Service | None
    errors: list[UserError]


@strawberry.input
class ServiceDependencyInput:
    consumer_id: strawberry.ID
    provider_id: strawberry.ID
    kind: DependencyKind = DependencyKind.RUNTIME  # type: ignore[attr-defined]


@strawberry.type
class ServiceDependencyPayload:
    consumer: Service | None
    provider: Service | None
    errors: list[UserError]


@strawberry.input
class VendorCreateInput:
    business_unit_id: strawberry.ID
    name: str
    contact_email: str
    attestation_status: AttestationStatus = AttestationStatus.PENDING  # type: ignore[attr-defined]
    attestation_expires_at: datetime | None = None


@strawberry.input
class VendorUpdateInput(VersionedInput):
    contact_email: str | None = None
    attestation_status: AttestationStatus | None = None
    attestation_expires_at: datetime | None = None


@strawberry.type
class VendorPayload:
    vendor: Vendor | None
    errors: list[UserError]


@strawberry.input
class PersonCreateInput:
    username: str
    display_name: str
    email: str | None = None
    kind: PersonKind = PersonKind.HUMAN  # type: ignore[attr-defined]


@strawberry.input
class PersonUpdateInput(VersionedInput):
    display_name: str | None = None
    email: str | None = None
    active: bool | None = strawberry.field(
        default=None, description="False deactivates: sign-ins and tokens stop working."
    )


@strawberry.type
class PersonPayload:
    person: Person | None
    errors: list[UserError]


@strawberry.input
class RoleGrantCreateInput:
    person_id: strawberry.ID
    role: Role
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null grants the role org-wide (org_admin only)."
    )
    discipline: Discipline | None = None


@strawberry.input
class RoleGrantRevokeInput:
    id: strawberry.ID


@strawberry.type
class RoleGrantPayload:
    role_grant: RoleGrant | None
    errors: list[UserError]


@strawberry.input
class ApiTokenScopeInput:
    role: Role
    business_unit_id: strawberry.ID | None = None


@strawberry.input
class ApiTokenCreateInput:
    name: str
    scopes: list[ApiTokenScopeInput]
    ttl_seconds: int | None = strawberry.field(
        default=None, description="Default 90 days, at most 366."
    )


@strawberry.type
class ApiTokenCreatePayload:
    api_token: ApiToken | None
    secret: str | None = strawberry.field(
        description="The bearer secret. Shown this once; keep it safe."
    )
    errors: list[UserError]


@strawberry.input
class ApiTokenRevokeInput:
    id: strawberry.ID


@strawberry.type
class ApiTokenPayload:
    api_token: ApiToken | None
    errors: list[UserError]
