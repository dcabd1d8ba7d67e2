"""Queries and mutations of the organization: thin resolvers over the domain use cases."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.organization_inputs import (
    ApiTokenCreateInput,
    ApiTokenCreatePayload,
    ApiTokenPayload,
    ApiTokenRevokeInput,
    BusinessUnitCreateInput,
    BusinessUnitPayload,
    BusinessUnitUpdateInput,
    PersonCreateInput,
    PersonPayload,
    PersonUpdateInput,
    RoleGrantCreateInput,
    RoleGrantPayload,
    RoleGrantRevokeInput,
    ServiceCreateInput,
    ServiceDependencyInput,
    ServiceDependencyPayload,
    ServiceFilter,
    ServicePayload,
    ServiceUpdateInput,
    TeamCreateInput,
    TeamFilter,
    TeamPayload,
    TeamUpdateInput,
    VendorCreateInput,
    VendorFilter,
    VendorPayload,
    VendorUpdateInput,
)
from api.graphql.organization_types import (
    ApiToken,
    BusinessUnit,
    Person,
    RoleGrant,
    Service,
    Team,
    Vendor,
)
from api.graphql.relay import (
    Connection,
    PageArgs,
    connection_field,
    from_global_id,
    from_optional_global_id,
    paginate,
)
from api.graphql.user_errors import ORGANIZATION, UserError
from authz.api_tokens import generate_api_token
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.organization import commands as cmd
from domain.organization import identity
from domain.organization import queries as org
from domain.organization import service as svc

run = MutationRunner(ORGANIZATION)
business_unit_payload = run.into(BusinessUnitPayload, business_unit=BusinessUnit)
team_payload = run.into(TeamPayload, team=Team)
service_payload = run.into(ServicePayload, service=Service)
vendor_payload = run.into(VendorPayload, vendor=Vendor)
person_payload = run.into(PersonPayload, person=Person)
role_grant_payload = run.into(RoleGrantPayload, role_grant=RoleGrant)
api_token_payload = run.into(ApiTokenPayload, api_token=ApiToken)


@strawberry.type
class OrganizationQuery:
    @connection_field(BusinessUnit, description="Business units you may read, by key.")
    def business_units(r: Reader, page: PageArgs) -> Awaitable[Page[Any]]:
        return org.business_units(r, **page)

    @connection_field(Team, description="Teams you may read, by key.")
    def teams(r: Reader, f: TeamFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return org.teams(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            **page,
        )

    @connection_field(Service, description="Services you may read, by key.")
    def services(r: Reader, f: ServiceFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return org.services(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            team_id=from_optional_global_id(f.team_id, "Team", "teamId"),
            tier=f.tier.value if f.tier else None,
            **page,
        )

    @connection_field(Vendor, description="Vendors you may read, by name.")
    def vendors(r: Reader, f: VendorFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return org.vendors(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            **page,
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


def _bu(value: strawberry.ID, field: str = "businessUnitId") -> uuid.UUID:
    return from_global_id(value, "BusinessUnit", field)


@strawberry.type
class OrganizationMutation:
    @business_unit_payload.mutation(
        svc.create_business_unit, description="Open a business unit (release management office)."
    )
    def business_unit_create(input: BusinessUnitCreateInput) -> cmd.CreateBusinessUnit:
        return cmd.CreateBusinessUnit(key=input.key, name=input.name, description=input.description)

    @business_unit_payload.mutation(svc.update_business_unit)
    def business_unit_update(input: BusinessUnitUpdateInput) -> cmd.UpdateBusinessUnit:
        return cmd.UpdateBusinessUnit(
            bu_id=_bu(input.id, "id"),
            version=input.version,
            name=input.name,
            description=input.description,
        )

    @team_payload.mutation(svc.create_team)
    def team_create(input: TeamCreateInput) -> cmd.CreateTeam:
        return cmd.CreateTeam(
            bu_id=_bu(input.business_unit_id),
            key=input.key,
            name=input.name,
            description=input.description,
        )

    @team_payload.mutation(svc.update_team)
    def team_update(input: TeamUpdateInput) -> cmd.UpdateTeam:
        return cmd.UpdateTeam(
            team_id=from_global_id(input.id, "Team"),
            version=input.version,
            name=input.name,
            description=input.description,
        )

    @service_payload.mutation(svc.create_service)
    def service_create(input: ServiceCreateInput) -> cmd.CreateService:
        return cmd.CreateService(
            team_id=from_global_id(input.team_id, "Team", "teamId"),
            key=input.key,
            name=input.name,
            tier=input.tier.value,
            data_classification=input.data_classification.value,
            regions=input.regions,
        )

    @service_payload.mutation(svc.update_service)
    def service_update(input: ServiceUpdateInput) -> cmd.UpdateService:
        return cmd.UpdateService(
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

    @vendor_payload.mutation(svc.create_vendor)
    def vendor_create(input: VendorCreateInput) -> cmd.CreateVendor:
        return cmd.CreateVendor(
            bu_id=_bu(input.business_unit_id),
            name=input.name,
            contact_email=input.contact_email,
            attestation_status=input.attestation_status.value,
            attestation_expires_at=input.attestation_expires_at,
        )

    @vendor_payload.mutation(svc.update_vendor)
    def vendor_update(input: VendorUpdateInput) -> cmd.UpdateVendor:
        return cmd.UpdateVendor(
            vendor_id=from_global_id(input.id, "Vendor"),
            version=input.version,
            contact_email=input.contact_email,
            attestation_status=input.attestation_status.value if input.attestation_status else None,
            attestation_expires_at=input.attestation_expires_at,
        )

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
        return await person_payload(info, lambda uow: identity.create_person(uow, c, issuer=issuer))

    @person_payload.mutation(
        identity.update_person, description="Rename, re-address, deactivate or reactivate a person."
    )
    def person_update(input: PersonUpdateInput) -> cmd.UpdatePerson:
        return cmd.UpdatePerson(
            person_id=from_global_id(input.id, "Person"),
            version=input.version,
            display_name=input.display_name,
            email=input.email,
            active=input.active,
        )

    @role_grant_payload.mutation(
        identity.grant_role,
        description="Grant a role in a business unit, or org-wide; never above your own.",
    )
    def role_grant_create(input: RoleGrantCreateInput) -> cmd.GrantRole:
        return cmd.GrantRole(
            person_id=from_global_id(input.person_id, "Person", "personId"),
            role=input.role.value,
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            discipline=input.discipline.value if input.discipline else None,
        )

    @role_grant_payload.mutation(identity.revoke_role)
    def role_grant_revoke(input: RoleGrantRevokeInput) -> uuid.UUID:
        return from_global_id(input.id, "RoleGrant")

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

    @api_token_payload.mutation(identity.revoke_api_token)
    def api_token_revoke(input: ApiTokenRevokeInput) -> uuid.UUID:
        return from_global_id(input.id, "ApiToken")


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
