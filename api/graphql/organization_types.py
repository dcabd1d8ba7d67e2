"""GraphQL types of the organization: plain fields filled from rows; I/O only via DataLoaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.relay import Connection, Node, load_node, load_page, node_field, to_global_id
from api.graphql.rows import FromColumns
from domain.organization import vocabulary as organization_vocabulary

if TYPE_CHECKING:
    from api.graphql.compliance_controls_types import DrProcedure
    from api.graphql.guardrails_types import GuardrailSet, TeamOnboarding
    from api.graphql.readiness_nfrs_types import NfrRun, ServiceNfr
    from api.graphql.readiness_review_types import ReadinessReview
    from api.graphql.vendors_types import ServiceVendorLink, VendorAttestation, VendorRelease

Tier = exposed(organization_vocabulary.Tier)
DataClassification = exposed(organization_vocabulary.DataClassification)
DependencyKind = exposed(organization_vocabulary.DependencyKind)
AttestationStatus = exposed(organization_vocabulary.AttestationStatus)
PersonKind = exposed(organization_vocabulary.PersonKind)
Role = exposed(organization_vocabulary.Role)
Discipline = exposed(organization_vocabulary.Discipline)


@strawberry.type(description="A business unit: a Casbin domain, with its own teams and guardrails.")
class BusinessUnit(Node, FromColumns):
    id: strawberry.ID
    key: str
    name: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Teams of this BU, by key.")
    async def teams(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[Annotated[Team, strawberry.lazy("api.graphql.organization_types")]]:
        return await load_page(info.context.loaders.teams_of_bu, (self.uid, first, after), Team)

    @strawberry.field(description="This BU's guardrail set: what it tightens, and any conflicts.")
    async def guardrails(
        self, info: Info
    ) -> Annotated[GuardrailSet, strawberry.lazy("api.graphql.guardrails_types")] | None:
        from api.graphql.guardrails_types import business_unit_guardrails

        return await business_unit_guardrails(info, self.uid)


@strawberry.type(description="A team in a business unit; it owns services.")
class Team(Node, FromColumns):
    id: strawberry.ID
    key: str
    name: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    @strawberry.field(description="Services this team owns, by key.")
    async def services(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[Annotated[Service, strawberry.lazy("api.graphql.organization_types")]]:
        return await load_page(
            info.context.loaders.services_of_team, (self.uid, self.bu_uid, first, after), Service
        )

    @strawberry.field(description="Its onboarding checklist and the production access it gives.")
    async def onboarding(
        self, info: Info
    ) -> Annotated[TeamOnboarding, strawberry.lazy("api.graphql.guardrails_types")] | None:
        from api.graphql.guardrails_types import TeamOnboarding

        found = await info.context.loaders.team_onboarding.load(self.uid)
        return TeamOnboarding.from_domain(found) if found else None


@strawberry.type(description="One end of a dependency edge, seen from the other end.")
class ServiceLink:
    kind: DependencyKind
    service: Annotated[Service, strawberry.lazy("api.graphql.organization_types")]

    @classmethod
    def from_rows(cls, rows: list[Any]) -> list[ServiceLink]:
        """Links from service rows that carry the edge's kind as `_kind`."""
        return [
            cls(kind=organization_vocabulary.DependencyKind(r._kind), service=Service.from_row(r))
            for r in rows
        ]


@strawberry.type(description="A deployable service, owned by a team.")
class Service(Node, FromColumns):
    id: strawberry.ID
    key: str
    name: str
    tier: Tier
    data_classification: DataClassification
    regions: list[str]
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    team_uid: strawberry.Private[uuid.UUID]

    team = node_field(Team, "team", "team_uid")
    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    @strawberry.field(description="Services this one calls or reads (its providers).")
    async def depends_on(self, info: Info) -> list[ServiceLink]:
        return ServiceLink.from_rows(await info.context.loaders.providers.load(self.uid))

    @strawberry.field(description="Services that call or read this one (its consumers).")
    async def dependents(self, info: Info) -> list[ServiceLink]:
        return ServiceLink.from_rows(await info.context.loaders.consumers.load(self.uid))

    @strawberry.field(description="Vendors this service uses that you may read, by name.")
    async def vendors(
        self, info: Info
    ) -> list[Annotated[ServiceVendorLink, strawberry.lazy("api.graphql.vendors_types")]]:
        from api.graphql.vendors_types import vendors_of

        return await vendors_of(info, self)

    @strawberry.field(
        description="Its first-launch SRE readiness review (needed while it has never reached "
        "production); null when none is open or not yours to read."
    )
    async def readiness_review(
        self, info: Info
    ) -> Annotated[ReadinessReview, strawberry.lazy("api.graphql.readiness_review_types")] | None:
        from api.graphql.readiness_review_types import service_readiness_review

        return await service_readiness_review(info, self.uid)

    @strawberry.field(description="Its active disaster-recovery procedures.")
    async def dr_procedures(
        self, info: Info
    ) -> list[Annotated[DrProcedure, strawberry.lazy("api.graphql.compliance_controls_types")]]:
        from api.graphql.compliance_controls_types import DrProcedure

        rows = await info.context.loaders.dr_procedures_of_service.load(self.uid)
        return [DrProcedure.from_row(r) for r in rows]

    @strawberry.field(
        description="The NFRs that apply to it (its tier's guardrails and its own), each with "
        "the target that counts and who set it."
    )
    async def nfrs(
        self, info: Info
    ) -> list[Annotated[ServiceNfr, strawberry.lazy("api.graphql.readiness_nfrs_types")]]:
        from api.graphql.readiness_nfrs_types import nfrs_of

        return await nfrs_of(info, self.uid)

    @strawberry.field(description="Staging runs' NFR figures, oldest first (of one version).")
    async def nfr_runs(
        self,
        info: Info,
        artifact_version: str | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Annotated[NfrRun, strawberry.lazy("api.graphql.readiness_nfrs_types")]]:
        from api.graphql.readiness_nfrs_types import NfrRun

        key = (self.uid, artifact_version, first, after)
        return await load_page(info.context.loaders.nfr_runs_of_service, key, NfrRun)


@strawberry.type(description="A third party a BU works with, and the state of its attestation.")
class Vendor(Node, FromColumns):
    id: strawberry.ID
    name: str
    contact_email: str
    attestation_status: AttestationStatus
    attestation_expires_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    # -- vendors context: attestations, releases, the services using the vendor ------------
    # (attestationStatus / attestationExpiresAt above are a summary the attestation use
    # cases keep in step with `attestations`; gates read the attestations.)

    @strawberry.field(description="Every attestation of the vendor, newest issue first.")
    async def attestations(
        self, info: Info
    ) -> list[Annotated[VendorAttestation, strawberry.lazy("api.graphql.vendors_types")]]:
        from api.graphql.vendors_types import attestations_of

        return await attestations_of(info, self.uid)

    @strawberry.field(description="The vendor's releases on the calendar, by start.")
    async def releases(
        self,
        info: Info,
        include_cancelled: bool = False,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Annotated[VendorRelease, strawberry.lazy("api.graphql.vendors_types")]]:
        from api.graphql.vendors_types import releases_of

        return await releases_of(info, self.uid, include_cancelled, first, after)

    @strawberry.field(description="Services using this vendor that you may read, by key.")
    async def dependent_services(
        self, info: Info
    ) -> list[Annotated[ServiceVendorLink, strawberry.lazy("api.graphql.vendors_types")]]:
        from api.graphql.vendors_types import dependents_of

        return await dependents_of(info, self)


@strawberry.type(
    description="A role held in a business unit, or org-wide when businessUnit is null."
)
class RoleGrant(Node, FromColumns):
    id: strawberry.ID
    role: Role
    discipline: Discipline | None
    source: str = strawberry.field(
        description="`direct`, or `group:<name>` when synced from the IdP."
    )
    created_at: datetime
    bu_uid: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def business_unit(self, info: Info) -> BusinessUnit | None:
        if self.bu_uid is None:
            return None
        return await load_node(info.context.loaders.business_unit, BusinessUnit, self.bu_uid)


@strawberry.type(description="A person or machine user known to Signalbox.")
class Person(Node, FromColumns):
    id: strawberry.ID
    username: str
    display_name: str
    email: str | None
    kind: PersonKind
    active: bool
    version: int
    created_at: datetime
    uid: strawberry.Private[uuid.UUID]

    @strawberry.field(
        description="The grants you may see: all of them for org roles, your BUs' otherwise."
    )
    async def grants(self, info: Info) -> list[RoleGrant]:
        rows = await info.context.loaders.grants.load(self.uid)
        return [RoleGrant.from_row(r) for r in rows]


@strawberry.type(description="A role an API token may use, in a business unit or org-wide.")
class ApiTokenScope:
    role: Role
    business_unit_id: strawberry.ID | None


@strawberry.type(
    description="An API token for scripts and CI. The secret is shown once, at creation."
)
class ApiToken(Node, FromColumns):
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(
        description="The first characters of the secret, to recognise it."
    )
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    uid: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def scopes(self, info: Info) -> list[ApiTokenScope]:
        rows = await info.context.loaders.token_scopes.load(self.uid)
        return [
            ApiTokenScope(
                role=organization_vocabulary.Role(r.role),
                business_unit_id=strawberry.ID(to_global_id("BusinessUnit", r.bu_id))
                if r.bu_id
                else None,
            )
            for r in rows
        ]
