"""Inputs and payloads of the vendors' queries and mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.user_errors import UserError
from api.graphql.vendors_types import (
    ServiceVendorLink,
    VendorAttestation,
    VendorAttestationKind,
    VendorRelease,
)
from api.graphql.versioned_input import VersionedInput


@strawberry.input(description="Which vendor releases to list; all you may read when empty.")
class VendorReleaseFilter:
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Releases ending after this."
    )
    to: datetime | None = strawberry.field(
        default=None, description="Releases starting before this (at most 400 days after from)."
    )
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Releases of this BU's vendors, or reaching one of its services.",
    )
    vendor_id: strawberry.ID | None = None
    include_cancelled: bool = False


@strawberry.input
class VendorAttestationAddInput:
    vendor_id: strawberry.ID
    kind: VendorAttestationKind  # type: ignore[valid-type]
    issued_at: datetime = strawberry.field(description="Not in the future.")
    expires_at: datetime = strawberry.field(description="After issuedAt, within three years.")
    issuer: str = strawberry.field(description="The auditing firm or tester.")
    report_reference: str = strawberry.field(description="Report number, or a URL to it.")
    notes: str = ""


@strawberry.input
class VendorAttestationRevokeInput(VersionedInput):
    reason: str


@strawberry.type
class VendorAttestationPayload:
    vendor_attestation: VendorAttestation | None
    errors: list[UserError]


@strawberry.input
class ServiceVendorLinkInput:
    service_id: strawberry.ID
    vendor_id: strawberry.ID
    description: str = strawberry.field(
        default="", description="What the service uses the vendor for."
    )


@strawberry.input
class ServiceVendorUnlinkInput:
    service_id: strawberry.ID
    vendor_id: strawberry.ID


@strawberry.type
class ServiceVendorLinkPayload:
    link: ServiceVendorLink | None
    errors: list[UserError]


@strawberry.input
class VendorReleaseCreateInput:
    vendor_id: strawberry.ID
    title: str
    release_version: str = strawberry.field(description="The vendor's version, e.g. 4.2.0.")
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="After startsAt, within 14 days.")
    description: str = ""
    notes: str = ""


@strawberry.input
class VendorReleaseUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read (optimistic concurrency).")
    title: str | None = None
    release_version: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    description: str | None = None
    notes: str | None = None


@strawberry.input
class VendorReleaseCancelInput(VersionedInput):
    reason: str


@strawberry.type
class VendorReleasePayload:
    vendor_release: VendorRelease | None
    errors: list[UserError]
