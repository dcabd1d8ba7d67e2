"""Read use cases of vendors, scoped to what the reader may read.

Attestations read where `vendor_attestation/read` holds in the vendor's BU. Vendor releases
read in the vendor's BU and in the BUs of the services they reach directly. A release's
impacted services and findings list only services the reader may read; a finding about
another BU's service is told without naming it (or the freeze behind it).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource
from domain.kernel.errors import DomainError
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_groups
from domain.organization import vendor_repository as repo
from domain.organization import vendor_rules as rules
from domain.organization.errors import OrganizationErrorCode as Code
from domain.organization.vendor_impacts import Impact, impacts_of_vendors

Rows = dict[Any, Row[Any]]
Grouped = dict[Any, list[Row[Any]]]
MAX_EXPIRY_WINDOW = timedelta(days=366)


def _empty() -> Page[Row[Any]]:
    return Page(items=[], has_next=False, cursors=[])


@dataclass(frozen=True, slots=True)
class ImpactedService:
    service: Row[Any]
    indirect: bool
    via: uuid.UUID | None


# -- attestations --------------------------------------------------------------------------


attestations_of_vendors = readable_groups(Resource.VENDOR_ATTESTATION, repo.attestations_of_vendors)


async def attestations_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.VENDOR_ATTESTATION)
    rows = await repo.attestations_by_ids(r.session, ids)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def expiring_attestations(
    r: Reader,
    *,
    now: datetime,
    within: timedelta = rules.EXPIRING_SOON,
    bu_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Current attestations expiring within `within` of now, soonest first: what to renew."""
    if not timedelta(0) < within <= MAX_EXPIRY_WINDOW:
        raise DomainError(
            f"Look ahead between 1 and {MAX_EXPIRY_WINDOW.days} days.",
            code=Code.RANGE_TOO_LARGE,
            field="withinDays",
        )
    scope = r.scope(Resource.VENDOR_ATTESTATION)
    if scope.empty:
        return _empty()
    return await repo.expiring_page(
        r.session, scope, now=now, until=now + within, bu_id=bu_id, first=first, after=after
    )


# -- service links -------------------------------------------------------------------------


vendors_of_services = readable_groups(Resource.VENDOR, repo.vendors_of_services)
"""Per service, the vendors it uses that the reader may read (vendor rows, `_link_*`)."""


services_of_vendors = readable_groups(Resource.SERVICE, repo.services_of_vendors)
"""Per vendor, the services using it that the reader may read (service rows, `_link_*`)."""


# -- vendor releases -----------------------------------------------------------------------


async def releases(
    r: Reader,
    *,
    starts_at: datetime | None,
    ends_at: datetime | None,
    bu_id: uuid.UUID | None,
    vendor_id: uuid.UUID | None,
    include_cancelled: bool,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Vendor releases overlapping [starts_at, ends_at) (either end open), by start."""
    rules.check_range(starts_at, ends_at)
    scope = r.scope(Resource.VENDOR_RELEASE)
    if scope.empty:
        return _empty()
    return await repo.releases_page(
        r.session,
        scope,
        starts_at=starts_at,
        ends_at=ends_at,
        bu_id=bu_id,
        vendor_id=vendor_id,
        include_cancelled=include_cancelled,
        first=first,
        after=after,
    )


async def releases_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.VENDOR_RELEASE)
    if scope.empty:
        return {}
    return await repo.releases_by_ids(r.session, ids, scope)


ReleasePageKey = tuple[uuid.UUID, bool, int | None, str | None]
"""(vendor id, include cancelled, first, after)"""


async def release_pages(r: Reader, keys: Sequence[ReleasePageKey]) -> list[Page[Row[Any]]]:
    """A page of releases per vendor: one statement per distinct page arguments."""
    scope = r.scope(Resource.VENDOR_RELEASE)
    if scope.empty:
        return [_empty() for _ in keys]
    groups: dict[tuple[bool, int | None, str | None], list[uuid.UUID]] = {}
    for vendor_id, cancelled, first, after in keys:
        groups.setdefault((cancelled, first, after), []).append(vendor_id)
    out: dict[ReleasePageKey, Page[Row[Any]]] = {}
    for (cancelled, first, after), vendors in groups.items():
        pages = await repo.releases_of_vendors(
            r.session, vendors, scope, include_cancelled=cancelled, first=first, after=after
        )
        out.update({(v, cancelled, first, after): pages.get(v, _empty()) for v in vendors})
    return [out[k] for k in keys]


async def impacted_services(
    r: Reader, release_ids: Sequence[uuid.UUID]
) -> dict[Any, list[ImpactedService]]:
    """Per readable release, the services it reaches that the reader may read: direct first."""
    found = await releases_by_id(r, release_ids)
    if not found:
        return {}
    vendor_ids = sorted({row.vendor_id for row in found.values()}, key=str)
    impacts = await impacts_of_vendors(r.session, vendor_ids)
    all_ids = sorted({i.service_id for group in impacts.values() for i in group}, key=str)
    services = await repo.services_by_ids(r.session, all_ids) if all_ids else {}
    scope = r.scope(Resource.SERVICE)

    def visible(group: list[Impact]) -> list[ImpactedService]:
        return [
            ImpactedService(services[i.service_id], i.indirect, i.via)
            for i in group
            if i.service_id in services and scope.allows(services[i.service_id].bu_id)
        ]

    return {rid: visible(impacts.get(row.vendor_id, [])) for rid, row in found.items()}
