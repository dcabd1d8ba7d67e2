"""GraphQL types of vendors: attestations, service links, vendor releases and their findings."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from api.graphql.calendar_types import Freeze
from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.organization_types import BusinessUnit, Person, Service, Vendor
from api.graphql.relay import Connection, Node, load_page, node_field
from api.graphql.rows import FromColumns
from domain.compliance.vendor_findings import VisibleFinding
from domain.organization import vendor_rules as rules
from domain.organization import vocabulary as organization_vocabulary
from domain.organization.vendor_queries import ImpactedService as ImpactRow

VendorAttestationKind = exposed(
    organization_vocabulary.AttestationKind, name="VendorAttestationKind"
)
VendorReleaseStatus = exposed(organization_vocabulary.VendorReleaseStatus)
VendorReleaseFindingCode = strawberry.enum(
    rules.FindingCode,
    name="VendorReleaseFindingCode",
    description="Why a vendor release into a service is flagged: a required attestation is "
    "MISSING, EXPIRED, REVOKED or EXPIRES_DURING_RELEASE, or the release falls into a freeze "
    "that covers the service in production (FREEZE_CONFLICT).",
)


@strawberry.enum(description="Where an attestation stands now.")
class VendorAttestationState(Enum):
    CURRENT = "current"
    EXPIRED = "expired"
    REVOKED = "revoked"


def _state(r: Any, now: datetime) -> VendorAttestationState:
    if r.revoked_at is not None:
        return VendorAttestationState.REVOKED
    return VendorAttestationState.CURRENT if r.expires_at > now else VendorAttestationState.EXPIRED


@strawberry.type(
    description="A report a vendor holds, valid from issuedAt until expiresAt unless revoked."
)
class VendorAttestation(Node, FromColumns):
    id: strawberry.ID
    kind: VendorAttestationKind  # type: ignore[valid-type]
    issued_at: datetime
    expires_at: datetime
    issuer: str = strawberry.field(description="The auditing firm or tester that issued it.")
    report_reference: str = strawberry.field(description="Report number, or a URL to it.")
    notes: str
    created_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    version: int
    uid: strawberry.Private[uuid.UUID]
    vendor_uid: strawberry.Private[uuid.UUID]
    created_by_uid: strawberry.Private[uuid.UUID | None]
    revoked_by_uid: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="CURRENT, EXPIRED or REVOKED, as of now.")
    def state(self, info: Info) -> VendorAttestationState:
        return _state(self, info.context.runtime.clock.now())

    vendor = node_field(Vendor, "vendor", "vendor_uid")

    created_by = node_field(Person, "person", "created_by_uid")

    revoked_by = node_field(Person, "person", "revoked_by_uid")


@strawberry.type(description="A service using a vendor, and what it uses the vendor for.")
class ServiceVendorLink:
    service: Service | None = strawberry.field(description="Null when not yours to see.")
    vendor: Vendor | None = strawberry.field(description="Null when not yours to see.")
    description: str
    linked_at: datetime


def link_to_vendor(service: Service, r: Any) -> ServiceVendorLink:
    """A link seen from the service: `r` is a vendor row with the link's columns."""
    return ServiceVendorLink(
        service=service,
        vendor=Vendor.from_row(r),
        description=r._link_description,
        linked_at=r._link_created_at,
    )


def link_to_service(vendor: Vendor, r: Any) -> ServiceVendorLink:
    """A link seen from the vendor: `r` is a service row with the link's columns."""
    return ServiceVendorLink(
        service=Service.from_row(r),
        vendor=vendor,
        description=r._link_description,
        linked_at=r._link_created_at,
    )


@strawberry.type(description="A service a vendor release reaches.")
class ImpactedService:
    service: Service
    indirect: bool = strawberry.field(
        description="False for services using the vendor; true for their consumers, "
        "transitively, through service dependencies."
    )
    via: Service | None = strawberry.field(
        description="For an indirect impact: the provider it is reached through (when yours "
        "to see)."
    )


@strawberry.type(description="Why a vendor release into one service is flagged.")
class VendorReleaseFinding:
    code: VendorReleaseFindingCode  # type: ignore[valid-type]
    kinds: list[VendorAttestationKind] = strawberry.field(  # type: ignore[valid-type]
        description="The attestation kinds concerned (empty for a freeze conflict)."
    )
    sentence: str
    service_uid: strawberry.Private[uuid.UUID | None]
    freeze_uid: strawberry.Private[uuid.UUID | None]

    service = node_field(
        Service,
        "service",
        "service_uid",
        "Null when the service is another BU's and not yours to see.",
    )
    freeze = node_field(Freeze, "freeze", "freeze_uid", "For FREEZE_CONFLICT: the freeze.")


def finding(f: VisibleFinding) -> VendorReleaseFinding:
    return VendorReleaseFinding(
        code=rules.FindingCode(f.code),
        kinds=[organization_vocabulary.AttestationKind(k) for k in f.kinds],
        sentence=f.sentence,
        service_uid=f.service_id,
        freeze_uid=f.freeze_id,
    )


@strawberry.type(
    description="A third-party vendor's release on the calendar, in [startsAt, endsAt). It "
    "reaches the services using the vendor, and their consumers."
)
class VendorRelease(Node, FromColumns):
    id: strawberry.ID
    title: str
    release_version: str = strawberry.field(description="The vendor's version, e.g. 4.2.0.")
    starts_at: datetime
    ends_at: datetime
    description: str
    notes: str
    status: VendorReleaseStatus  # type: ignore[valid-type]
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    version: int
    uid: strawberry.Private[uuid.UUID]
    vendor_uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    created_by_uid: strawberry.Private[uuid.UUID | None]

    vendor = node_field(Vendor, "vendor", "vendor_uid")
    business_unit = node_field(
        BusinessUnit, "business_unit", "bu_uid", "The vendor's business unit."
    )

    created_by = node_field(Person, "person", "created_by_uid")

    @strawberry.field(
        description="Services the release reaches that you may read: those using the vendor "
        "first, then their consumers."
    )
    async def impacted_services(self, info: Info) -> list[ImpactedService]:
        rows: list[ImpactRow] = await info.context.loaders.vendor_release_impacts.load(self.uid)
        seen = {i.service.id: Service.from_row(i.service) for i in rows}
        return [
            ImpactedService(service=seen[i.service.id], indirect=i.indirect, via=seen.get(i.via))
            for i in rows
        ]

    @strawberry.field(
        description="Why the release is flagged, per service using the vendor: required "
        "attestations not current for the whole release, and freezes it falls into. Empty "
        "when it is not flagged (and for cancelled releases)."
    )
    async def findings(self, info: Info) -> list[VendorReleaseFinding]:
        rows = await info.context.loaders.vendor_release_findings.load(self.uid)
        return [finding(f) for f in rows]

    @strawberry.field(description="Whether any finding flags the release.")
    async def flagged(self, info: Info) -> bool:
        return bool(await info.context.loaders.vendor_release_findings.load(self.uid))


async def attestations_of(info: Info, vendor_id: uuid.UUID) -> list[VendorAttestation]:
    rows = await info.context.loaders.attestations_of_vendor.load(vendor_id)
    return [VendorAttestation.from_row(r) for r in rows]


async def releases_of(
    info: Info, vendor_id: uuid.UUID, include_cancelled: bool, first: int | None, after: str | None
) -> Connection[VendorRelease]:
    return await load_page(
        info.context.loaders.vendor_release_pages,
        (vendor_id, include_cancelled, first, after),
        VendorRelease,
    )


async def dependents_of(info: Info, vendor: Vendor) -> list[ServiceVendorLink]:
    rows = await info.context.loaders.services_of_vendor.load(vendor.uid)
    return [link_to_service(vendor, r) for r in rows]


async def vendors_of(info: Info, service: Service) -> list[ServiceVendorLink]:
    rows = await info.context.loaders.vendors_of_service.load(service.uid)
    return [link_to_vendor(service, r) for r in rows]
