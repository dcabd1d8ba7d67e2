"""Vendors: attestations, the services using vendors, and vendor releases on the calendar."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.organization_types import Service, Vendor
from api.graphql.relay import (
    Connection,
    PageArgs,
    connection_field,
    from_global_id,
    from_optional_global_id,
    load_node,
    paginate,
)
from api.graphql.user_errors import ORGANIZATION, UserError
from api.graphql.vendors_inputs import (
    ServiceVendorLinkInput,
    ServiceVendorLinkPayload,
    ServiceVendorUnlinkInput,
    VendorAttestationAddInput,
    VendorAttestationPayload,
    VendorAttestationRevokeInput,
    VendorReleaseCancelInput,
    VendorReleaseCreateInput,
    VendorReleaseFilter,
    VendorReleasePayload,
    VendorReleaseUpdateInput,
)
from api.graphql.vendors_types import ServiceVendorLink, VendorAttestation, VendorRelease
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.organization import vendor_commands as cmd
from domain.organization import vendor_queries as vq
from domain.organization import vendors
from domain.organization.models import ServiceVendor

run = MutationRunner(ORGANIZATION)
vendor_attestation_payload = run.into(
    VendorAttestationPayload, vendor_attestation=VendorAttestation
)
vendor_release_payload = run.into(VendorReleasePayload, vendor_release=VendorRelease)


@strawberry.type
class VendorsQuery:
    # Node types of this context, for `node(id:)` (read by schema._NODE_LOADERS).
    NODE_LOADERS = {
        "VendorAttestation": ("vendor_attestation", VendorAttestation),
        "VendorRelease": ("vendor_release", VendorRelease),
    }

    @connection_field(
        VendorRelease,
        description="Vendor releases you may read (your BUs' vendors', and those reaching your "
        "BUs' services), by start; those overlapping [from, to) when given.",
    )
    def vendor_releases(r: Reader, f: VendorReleaseFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return vq.releases(
            r,
            starts_at=f.from_,
            ends_at=f.to,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            vendor_id=from_optional_global_id(f.vendor_id, "Vendor", "vendorId"),
            include_cancelled=f.include_cancelled,
            **page,
        )

    @strawberry.field(
        description="Current vendor attestations expiring within `withinDays` (1 to 366), "
        "soonest first: what to renew."
    )
    async def vendor_attestations_expiring(
        self,
        info: Info,
        within_days: int = 30,
        business_unit_id: strawberry.ID | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[VendorAttestation]:
        return await paginate(
            info,
            VendorAttestation,
            vq.expiring_attestations,
            now=info.context.runtime.clock.now(),
            within=timedelta(days=within_days),
            bu_id=from_optional_global_id(business_unit_id, "BusinessUnit", "businessUnitId"),
            first=first,
            after=after,
        )


async def _link(
    info: Info, link: ServiceVendor | None, errors: list[UserError]
) -> ServiceVendorLinkPayload:
    if link is None:
        return ServiceVendorLinkPayload(link=None, errors=errors)
    loaders = info.context.loaders
    return ServiceVendorLinkPayload(
        link=ServiceVendorLink(
            service=await load_node(loaders.service, Service, link.service_id),
            vendor=await load_node(loaders.vendor, Vendor, link.vendor_id),
            description=link.description,
            linked_at=link.created_at,
        ),
        errors=errors,
    )


@strawberry.type
class VendorsMutation:
    @vendor_attestation_payload.mutation(
        vendors.add_attestation, description="Record an attestation a vendor holds (admins)."
    )
    def vendor_attestation_add(input: VendorAttestationAddInput) -> cmd.AddAttestation:
        return cmd.AddAttestation(
            vendor_id=from_global_id(input.vendor_id, "Vendor", "vendorId"),
            kind=input.kind.value,
            issued_at=input.issued_at,
            expires_at=input.expires_at,
            issuer=input.issuer,
            report_reference=input.report_reference,
            notes=input.notes,
        )

    @vendor_attestation_payload.mutation(
        vendors.revoke_attestation,
        description="Revoke an attestation: it stays on record and no longer counts.",
    )
    def vendor_attestation_revoke(input: VendorAttestationRevokeInput) -> cmd.RevokeAttestation:
        return cmd.RevokeAttestation(
            attestation_id=from_global_id(input.id, "VendorAttestation"),
            version=input.version,
            reason=input.reason,
        )

    @strawberry.mutation(description="Record that a service uses a vendor you may read.")
    async def service_vendor_link(
        self, info: Info, input: ServiceVendorLinkInput
    ) -> ServiceVendorLinkPayload:
        c = cmd.LinkVendor(
            service_id=from_global_id(input.service_id, "Service", "serviceId"),
            vendor_id=from_global_id(input.vendor_id, "Vendor", "vendorId"),
            description=input.description,
        )
        link, errors = await run(info, lambda uow: vendors.link_vendor(uow, c))
        return await _link(info, link, errors)

    @strawberry.mutation(description="Record that a service no longer uses a vendor.")
    async def service_vendor_unlink(
        self, info: Info, input: ServiceVendorUnlinkInput
    ) -> ServiceVendorLinkPayload:
        service = from_global_id(input.service_id, "Service", "serviceId")
        vendor = from_global_id(input.vendor_id, "Vendor", "vendorId")
        link, errors = await run(info, lambda uow: vendors.unlink_vendor(uow, service, vendor))
        return await _link(info, link, errors)

    @vendor_release_payload.mutation(
        vendors.create_release, description="Put a vendor's release on the calendar."
    )
    def vendor_release_create(input: VendorReleaseCreateInput) -> cmd.CreateVendorRelease:
        return cmd.CreateVendorRelease(
            vendor_id=from_global_id(input.vendor_id, "Vendor", "vendorId"),
            title=input.title,
            release_version=input.release_version,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            description=input.description,
            notes=input.notes,
        )

    @vendor_release_payload.mutation(
        vendors.update_release, description="Move or re-describe a scheduled vendor release."
    )
    def vendor_release_update(input: VendorReleaseUpdateInput) -> cmd.UpdateVendorRelease:
        return cmd.UpdateVendorRelease(
            release_id=from_global_id(input.id, "VendorRelease"),
            version=input.version,
            title=input.title,
            release_version=input.release_version,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            description=input.description,
            notes=input.notes,
        )

    @vendor_release_payload.mutation(
        vendors.cancel_release, description="Take a vendor release off the calendar, saying why."
    )
    def vendor_release_cancel(input: VendorReleaseCancelInput) -> cmd.CancelVendorRelease:
        return cmd.CancelVendorRelease(
            release_id=from_global_id(input.id, "VendorRelease"),
            version=input.version,
            reason=input.reason,
        )
