"""Queries and mutations of the organization: thin resolvers over the domain use cases."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import strawberry

from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
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
from api.graphql.relay import (
    Connection,
    from_global_id,
    from_optional_global_id,
    paginate,
)
from api.graphql.user_errors import ORGANIZATION, UserError
from authz.api_tokens import generate_api_token
from domain.organization import commands as cmd
from domain.organization import identity
from domain.organization import queries as org
from domain.organization import service as svc

run = MutationRunner(ORGANIZATION)


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


@strawberry.type
class OrganizationQuery:
    @strawberry.field(description="Business units you may read, by key.")
    async def business_units(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[BusinessUnit]:
        return await paginate(info, BusinessUnit, org.business_units, first=first, after=after)

    @strawberry.field(description="Teams you may read, by key.")
    async def teams(
        self,
        info: Info,
        filter: TeamFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Team]:
        f = filter or TeamFilter()
        return await paginate(
            info,
            Team,
            org.teams,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            first=first,
            after=after,
        )

    @strawberry.field(description="Services you may read, by key.")
    async def services(
        self,
        info: Info,
        filter: ServiceFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Service]:
        f = filter or ServiceFilter()
        return await paginate(
            info,
            Service,
            org.services,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            team_id=from_optional_global_id(f.team_id, "Team", "teamId"),
            tier=f.tier.value if f.tier else None,
            first=first,
            after=after,
        )

    @strawberry.field(description="Vendors you may read, by name.")
    async def vendors(
        self,
        info: Info,
        filter: VendorFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Vendor]:
        f = filter or VendorFilter()
        return await paginate(
            info,
            Vendor,
            org.vendors,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            first=first,
            after=after,
        )

    @strawberry.field(description="People known to Signalbox, by username.")
    async def people(
        self,
        info: Info,
        search: str | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Person]:
        return await paginate(info, Person, org.people, search=search, first=first, after=after)


# -- mutation inputs and payloads -------------------------------------------------------------


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
class TeamUpdateInput:
    id: strawberry.ID
    version: int
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
class ServiceUpdateInput:
    id: strawberry.ID
    version: int
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
class VendorUpdateInput:
    id: strawberry.ID
    version: int
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
class PersonUpdateInput:
    id: strawberry.ID
    version: int
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


def _bu(value: strawberry.ID, field: str = "businessUnitId") -> uuid.UUID:
    return from_global_id(value, "BusinessUnit", field)


@strawberry.type
class OrganizationMutation:
    @strawberry.mutation(description="Open a business unit (release management office).")
    async def business_unit_create(
        self, info: Info, input: BusinessUnitCreateInput
    ) -> BusinessUnitPayload:
        c = cmd.CreateBusinessUnit(key=input.key, name=input.name, description=input.description)
        bu, errors = await run(info, lambda uow: svc.create_business_unit(uow, c))
        return BusinessUnitPayload(
            business_unit=BusinessUnit.from_row(bu) if bu else None, errors=errors
        )

    @strawberry.mutation
    async def business_unit_update(
        self, info: Info, input: BusinessUnitUpdateInput
    ) -> BusinessUnitPayload:
        c = cmd.UpdateBusinessUnit(
            bu_id=_bu(input.id, "id"),
            version=input.version,
            name=input.name,
            description=input.description,
        )
        bu, errors = await run(info, lambda uow: svc.update_business_unit(uow, c))
        return BusinessUnitPayload(
            business_unit=BusinessUnit.from_row(bu) if bu else None, errors=errors
        )

    @strawberry.mutation
    async def team_create(self, info: Info, input: TeamCreateInput) -> TeamPayload:
        c = cmd.CreateTeam(
            bu_id=_bu(input.business_unit_id),
            key=input.key,
            name=input.name,
            description=input.description,
        )
        team, errors = await run(info, lambda uow: svc.create_team(uow, c))
        return TeamPayload(team=Team.from_row(team) if team else None, errors=errors)

    @strawberry.mutation
    async def team_update(self, info: Info, input: TeamUpdateInput) -> TeamPayload:
        c = cmd.UpdateTeam(
            team_id=from_global_id(input.id, "Team"),
            version=input.version,
            name=input.name,
            description=input.description,
        )
        team, errors = await run(info, lambda uow: svc.update_team(uow, c))
        return TeamPayload(team=Team.from_row(team) if team else None, errors=errors)

    @strawberry.mutation
    async def service_create(self, info: Info, input: ServiceCreateInput) -> ServicePayload:
        c = cmd.CreateService(
            team_id=from_global_id(input.team_id, "Team", "teamId"),
            key=input.key,
            name=input.name,
            tier=input.tier.value,
            data_classification=input.data_classification.value,
            regions=input.regions,
        )
        service, errors = await run(info, lambda uow: svc.create_service(uow, c))
        return ServicePayload(service=Service.from_row(service) if service else None, errors=errors)

    @strawberry.mutation
    async def service_update(self, info: Info, input: ServiceUpdateInput) -> ServicePayload:
        c = cmd.UpdateService(
            service_id=from_global_id(input.id, "Service"),
            version=input.version,
            name=input.name,
            tier=input.tier.value if input.tier else None,
            data_classification=input.data_classification.value
            if input.data_classification
            else None,
            regions=input.regions,
            team_id=from_optional_global_id(input.team_id, "Team", "teamId"),
        )
        service, errors = await run(info, lambda uow: svc.update_service(uow, c))
        return ServicePayload(service=Service.from_row(service) if service else None, errors=errors)

    @strawberry.mutation(description="Record that a consumer service depends on a provider.")
    async def service_dependency_add(
        self, info: Info, input: ServiceDependencyInput
    ) -> ServiceDependencyPayload:
        c = cmd.AddDependency(
            consumer_id=from_global_id(input.consumer_id, "Service", "consumerId"),
            provider_id=from_global_id(input.provider_id, "Service", "providerId"),
            kind=input.kind.value,
        )
        edge, errors = await run(info, lambda uow: svc.add_dependency(uow, c))
        return await _dependency_payload(info, edge, errors)

    @strawberry.mutation
    async def service_dependency_remove(
        self, info: Info, input: ServiceDependencyInput
    ) -> ServiceDependencyPayload:
        consumer = from_global_id(input.consumer_id, "Service", "consumerId")
        provider = from_global_id(input.provider_id, "Service", "providerId")
        edge, errors = await run(info, lambda uow: svc.remove_dependency(uow, consumer, provider))
        return await _dependency_payload(info, edge, errors)

    @strawberry.mutation
    async def vendor_create(self, info: Info, input: VendorCreateInput) -> VendorPayload:
        c = cmd.CreateVendor(
            bu_id=_bu(input.business_unit_id),
            name=input.name,
            contact_email=input.contact_email,
            attestation_status=input.attestation_status.value,
            attestation_expires_at=input.attestation_expires_at,
        )
        vendor, errors = await run(info, lambda uow: svc.create_vendor(uow, c))
        return VendorPayload(vendor=Vendor.from_row(vendor) if vendor else None, errors=errors)

    @strawberry.mutation
    async def vendor_update(self, info: Info, input: VendorUpdateInput) -> VendorPayload:
        c = cmd.UpdateVendor(
            vendor_id=from_global_id(input.id, "Vendor"),
            version=input.version,
            contact_email=input.contact_email,
            attestation_status=input.attestation_status.value if input.attestation_status else None,
            attestation_expires_at=input.attestation_expires_at,
        )
        vendor, errors = await run(info, lambda uow: svc.update_vendor(uow, c))
        return VendorPayload(vendor=Vendor.from_row(vendor) if vendor else None, errors=errors)

    @strawberry.mutation(
        description="Register a person or machine user before their first sign-in."
    )
    async def person_create(self, info: Info, input: PersonCreateInput) -> PersonPayload:
        c = cmd.CreatePerson(
            username=input.username,
            display_name=input.display_name,
            email=input.email,
            kind=input.kind.value,
        )
        issuer = info.context.runtime.authenticator.issuer
        person, errors = await run(info, lambda uow: identity.create_person(uow, c, issuer=issuer))
        return PersonPayload(person=Person.from_row(person) if person else None, errors=errors)

    @strawberry.mutation(description="Rename, re-address, deactivate or reactivate a person.")
    async def person_update(self, info: Info, input: PersonUpdateInput) -> PersonPayload:
        c = cmd.UpdatePerson(
            person_id=from_global_id(input.id, "Person"),
            version=input.version,
            display_name=input.display_name,
            email=input.email,
            active=input.active,
        )
        person, errors = await run(info, lambda uow: identity.update_person(uow, c))
        return PersonPayload(person=Person.from_row(person) if person else None, errors=errors)

    @strawberry.mutation(
        description="Grant a role in a business unit, or org-wide; never above your own."
    )
    async def role_grant_create(self, info: Info, input: RoleGrantCreateInput) -> RoleGrantPayload:
        c = cmd.GrantRole(
            person_id=from_global_id(input.person_id, "Person", "personId"),
            role=input.role.value,
            bu_id=_bu(input.business_unit_id) if input.business_unit_id else None,
            discipline=input.discipline.value if input.discipline else None,
        )
        grant, errors = await run(info, lambda uow: identity.grant_role(uow, c))
        return RoleGrantPayload(
            role_grant=RoleGrant.from_row(grant) if grant else None, errors=errors
        )

    @strawberry.mutation
    async def role_grant_revoke(self, info: Info, input: RoleGrantRevokeInput) -> RoleGrantPayload:
        grant_id = from_global_id(input.id, "RoleGrant")
        grant, errors = await run(info, lambda uow: identity.revoke_role(uow, grant_id))
        return RoleGrantPayload(
            role_grant=RoleGrant.from_row(grant) if grant else None, errors=errors
        )

    @strawberry.mutation(
        description="Create an API token for scripts and CI; the secret is returned once."
    )
    async def api_token_create(
        self, info: Info, input: ApiTokenCreateInput
    ) -> ApiTokenCreatePayload:
        secret, digest, prefix = generate_api_token()
        c = cmd.CreateApiToken(
            name=input.name,
            scopes=[
                cmd.TokenScope(
                    role=s.role.value,
                    bu_id=_bu(s.business_unit_id, "scopes.businessUnitId")
                    if s.business_unit_id
                    else None,
                )
                for s in input.scopes
            ],
            ttl=timedelta(seconds=input.ttl_seconds) if input.ttl_seconds is not None else None,
        )
        token, errors = await run(
            info, lambda uow: identity.create_api_token(uow, c, token_hash=digest, prefix=prefix)
        )
        return ApiTokenCreatePayload(
            api_token=ApiToken.from_row(token) if token else None,
            secret=secret if token else None,
            errors=errors,
        )

    @strawberry.mutation
    async def api_token_revoke(self, info: Info, input: ApiTokenRevokeInput) -> ApiTokenPayload:
        token_id = from_global_id(input.id, "ApiToken")
        token, errors = await run(info, lambda uow: identity.revoke_api_token(uow, token_id))
        return ApiTokenPayload(api_token=ApiToken.from_row(token) if token else None, errors=errors)


async def _dependency_payload(
    info: Info, edge: object, errors: list[UserError]
) -> ServiceDependencyPayload:
    if edge is None:
        return ServiceDependencyPayload(consumer=None, provider=None, errors=errors)
    loaders = info.context.loaders
    consumer = await loaders.service.load(edge.consumer_id)  # type: ignore[attr-defined]
    provider = await loaders.service.load(edge.provider_id)  # type: ignore[attr-defined]
    return ServiceDependencyPayload(
        consumer=Service.from_row(consumer) if consumer else None,
        provider=Service.from_row(provider) if provider else None,
        errors=errors,
    )
