"""Use cases of vendors: attestations, the services that use a vendor, vendor releases.

Admins keep a vendor's attestations (`vendor_attestation/create|revoke` at the vendor's BU);
engineers and SREs link their services to vendors (`service_dependency/create|delete` at the
service's BU, any vendor they may read: vendors are BU-owned but used across BUs); release
managers put vendor releases on the calendar (`vendor_release/create|update` at the vendor's
BU; cancelling is an update). Each use case authorizes, applies the rules, audits, flushes.
"""

from __future__ import annotations

import uuid

from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import repository as org_repo
from domain.organization import vendor_commands as cmd
from domain.organization import vendor_repository as repo
from domain.organization import vendor_rules as rules
from domain.organization.errors import OrganizationErrorCode as Code
from domain.organization.models import (
    Service,
    ServiceVendor,
    Vendor,
    VendorAttestation,
    VendorRelease,
)
from domain.organization.vocabulary import VendorReleaseStatus


async def _visible_vendor(uow: UnitOfWork, vendor_id: uuid.UUID, field: str = "vendorId") -> Vendor:
    scope = uow.scope(Action.READ, Resource.VENDOR)
    return await get_readable(uow.session, Vendor, vendor_id, scope, what="Vendor", field=field)


async def _visible_service(uow: UnitOfWork, service_id: uuid.UUID) -> Service:
    scope = uow.scope(Action.READ, Resource.SERVICE)
    return await get_readable(
        uow.session, Service, service_id, scope, what="Service", field="serviceId"
    )


# -- attestations --------------------------------------------------------------------------


async def _refresh_summary(uow: UnitOfWork, vendor: Vendor, rule: str) -> None:
    """Keep the vendor's legacy one-line attestation summary in step with its attestations."""
    rows = (await repo.attestations_of_vendors(uow.session, [vendor.id])).get(vendor.id, [])
    status, expires_at = rules.summarize([repo.facts_of(r) for r in rows], uow.clock.now())
    if (vendor.attestation_status, vendor.attestation_expires_at) == (str(status), expires_at):
        return
    before = snapshot(vendor)
    vendor.attestation_status = str(status)
    vendor.attestation_expires_at = expires_at
    await uow.updated(
        vendor, before, action="vendor.attestation_summary", bu_id=vendor.bu_id, rule=rule
    )


async def add_attestation(uow: UnitOfWork, c: cmd.AddAttestation) -> VendorAttestation:
    """Record a report the vendor holds (SOC 2, ISO 27001, a penetration test...)."""
    vendor = await _visible_vendor(uow, c.vendor_id)
    rule = uow.authorize(Action.CREATE, Resource.VENDOR_ATTESTATION, vendor.bu_id)
    now = uow.clock.now()
    kind = rules.check_kind(c.kind)
    rules.check_attestation_period(c.issued_at, c.expires_at, now)
    if await repo.attestation_exists(uow.session, vendor.id, str(kind), c.issued_at):
        raise AlreadyExists(
            f"{vendor.name} already holds a {kind} attestation issued then.",
            code=Code.ATTESTATION_EXISTS,
            field="issuedAt",
        )
    attestation = VendorAttestation(
        id=uuid.uuid4(),
        vendor_id=vendor.id,
        bu_id=vendor.bu_id,
        kind=str(kind),
        issued_at=c.issued_at,
        expires_at=c.expires_at,
        issuer=rules.check_line(c.issuer, field="issuer", code=Code.INVALID_ISSUER, longest=200),
        report_reference=rules.check_line(
            c.report_reference,
            field="reportReference",
            code=Code.INVALID_REPORT_REFERENCE,
            longest=500,
        ),
        notes=rules.check_text(c.notes, field="notes"),
        created_at=now,
        created_by_id=uow.actor.person_id,
    )
    await uow.created(attestation, action="vendor_attestation.add", bu_id=vendor.bu_id, rule=rule)
    await _refresh_summary(uow, vendor, rule)
    return attestation


async def revoke_attestation(uow: UnitOfWork, c: cmd.RevokeAttestation) -> VendorAttestation:
    """Withdraw an attestation (the report was withdrawn, or recorded in error); it stays on
    record, revoked, and no longer counts."""
    attestation = await repo.get_attestation(uow.session, c.attestation_id)
    if attestation is None:
        raise NotFound("Vendor attestation was not found.")
    rule = uow.authorize_visible(
        Action.REVOKE, Resource.VENDOR_ATTESTATION, attestation.bu_id, "Vendor attestation"
    )
    expect_version(attestation, c.version, "The attestation")
    if attestation.revoked_at is not None:
        raise DomainError(
            "That attestation is already revoked.", code=Code.ATTESTATION_ALREADY_REVOKED
        )
    reason = rules.check_reason(c.reason)
    before = snapshot(attestation)
    attestation.revoked_at = uow.clock.now()
    attestation.revoked_by_id = uow.actor.person_id
    attestation.revoke_reason = reason
    await uow.updated(
        attestation, before, action="vendor_attestation.revoke", bu_id=attestation.bu_id, rule=rule
    )
    vendor = await org_repo.get_vendor(uow.session, attestation.vendor_id)
    if vendor is not None:
        await _refresh_summary(uow, vendor, rule)
    return attestation


# -- services using vendors ----------------------------------------------------------------


async def link_vendor(uow: UnitOfWork, c: cmd.LinkVendor) -> ServiceVendor:
    """Record that a service uses a vendor (the service's BU owns the link)."""
    service = await _visible_service(uow, c.service_id)
    vendor = await _visible_vendor(uow, c.vendor_id)
    rule = uow.authorize(Action.CREATE, Resource.SERVICE_DEPENDENCY, service.bu_id)
    if await repo.get_link(uow.session, service.id, vendor.id) is not None:
        raise AlreadyExists(
            f"{service.key} already uses {vendor.name}.",
            code=Code.VENDOR_LINK_EXISTS,
            field="vendorId",
        )
    link = ServiceVendor(
        service_id=service.id,
        vendor_id=vendor.id,
        description=rules.check_text(c.description, field="description"),
        created_at=uow.clock.now(),
        created_by_id=uow.actor.person_id,
    )
    await uow.created(link, action="service_vendor.link", bu_id=service.bu_id, rule=rule)
    return link


async def unlink_vendor(
    uow: UnitOfWork, service_id: uuid.UUID, vendor_id: uuid.UUID
) -> ServiceVendor:
    service = await _visible_service(uow, service_id)
    rule = uow.authorize(Action.DELETE, Resource.SERVICE_DEPENDENCY, service.bu_id)
    link = await repo.get_link(uow.session, service.id, vendor_id)
    if link is None:
        raise NotFound("That service does not use that vendor.", field="vendorId")
    await uow.deleted(link, action="service_vendor.unlink", bu_id=service.bu_id, rule=rule)
    return link


# -- vendor releases -----------------------------------------------------------------------


def _title(value: str) -> str:
    return rules.check_line(value, field="title", code=Code.INVALID_TITLE, longest=200)


def _release_version(value: str) -> str:
    return rules.check_line(
        value, field="releaseVersion", code=Code.INVALID_RELEASE_VERSION, longest=64
    )


async def create_release(uow: UnitOfWork, c: cmd.CreateVendorRelease) -> VendorRelease:
    """Put a vendor's release on the calendar."""
    vendor = await _visible_vendor(uow, c.vendor_id)
    rule = uow.authorize(Action.CREATE, Resource.VENDOR_RELEASE, vendor.bu_id)
    rules.check_release_interval(c.starts_at, c.ends_at)
    now = uow.clock.now()
    release = VendorRelease(
        id=uuid.uuid4(),
        vendor_id=vendor.id,
        bu_id=vendor.bu_id,
        title=_title(c.title),
        release_version=_release_version(c.release_version),
        starts_at=c.starts_at,
        ends_at=c.ends_at,
        description=rules.check_text(c.description, field="description"),
        notes=rules.check_text(c.notes, field="notes"),
        status=str(VendorReleaseStatus.SCHEDULED),
        created_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    await uow.created(release, action="vendor_release.create", bu_id=vendor.bu_id, rule=rule)
    return release


async def _release_to_change(
    uow: UnitOfWork, release_id: uuid.UUID, version: int
) -> tuple[VendorRelease, str]:
    release = await repo.get_release(uow.session, release_id)
    readable = uow.scope(Action.READ, Resource.VENDOR_RELEASE)
    if release is None or not await repo.readable_release_ids(uow.session, [release.id], readable):
        raise NotFound("Vendor release was not found.")
    rule = uow.authorize(Action.UPDATE, Resource.VENDOR_RELEASE, release.bu_id)
    expect_version(release, version, "The vendor release")
    if release.status == VendorReleaseStatus.CANCELLED:
        raise DomainError("That vendor release is cancelled.", code=Code.VENDOR_RELEASE_CANCELLED)
    return release, rule


async def update_release(uow: UnitOfWork, c: cmd.UpdateVendorRelease) -> VendorRelease:
    """Move or re-describe a scheduled vendor release."""
    release, rule = await _release_to_change(uow, c.release_id, c.version)
    starts_at = c.starts_at or release.starts_at
    ends_at = c.ends_at or release.ends_at
    rules.check_release_interval(starts_at, ends_at)
    changes = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "title": _title(c.title) if c.title is not None else release.title,
        "release_version": (
            _release_version(c.release_version)
            if c.release_version is not None
            else release.release_version
        ),
        "description": (
            rules.check_text(c.description, field="description")
            if c.description is not None
            else release.description
        ),
        "notes": rules.check_text(c.notes, field="notes") if c.notes is not None else release.notes,
    }
    before = snapshot(release)
    for name, value in changes.items():
        setattr(release, name, value)
    await uow.updated(
        release, before, action="vendor_release.update", bu_id=release.bu_id, rule=rule
    )
    return release


async def cancel_release(uow: UnitOfWork, c: cmd.CancelVendorRelease) -> VendorRelease:
    """Take a vendor release off the calendar; it stays on record, cancelled."""
    release, rule = await _release_to_change(uow, c.release_id, c.version)
    reason = rules.check_reason(c.reason)
    before = snapshot(release)
    release.status = str(VendorReleaseStatus.CANCELLED)
    release.cancelled_at = uow.clock.now()
    release.cancelled_by_id = uow.actor.person_id
    release.cancel_reason = reason
    await uow.updated(
        release, before, action="vendor_release.cancel", bu_id=release.bu_id, rule=rule
    )
    return release
