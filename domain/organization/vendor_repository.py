"""All SQL of vendors: attestations, service links and vendor releases.

A vendor release is readable where its vendor's BU is readable, and in the BU of every service
linked to its vendor (`visible_releases`): the people running those services see what lands
on them. Overlap of [s, e) with a stored [starts_at, ends_at) is `starts_at < e AND ends_at >
s`; no vendor release is longer than MAX_VENDOR_RELEASE_LENGTH, so `starts_at > s - MAX`
bounds the index scan from both sides.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, exists, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import (
    Page,
    after_clause,
    fetch_page,
    fetch_pages_by_parent,
)
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, ids_param, rows_by_ids
from domain.organization.models import (
    BusinessUnit,
    Service,
    ServiceDependency,
    ServiceVendor,
    Vendor,
    VendorAttestation,
    VendorRelease,
)
from domain.organization.vendor_rules import MAX_VENDOR_RELEASE_LENGTH, AttestationFacts
from domain.organization.vocabulary import VendorReleaseStatus

ATT = VendorAttestation.__table__
LINK = ServiceVendor.__table__
REL = VendorRelease.__table__
VENDOR = Vendor.__table__
SERVICE = Service.__table__
DEP = ServiceDependency.__table__
BU = BusinessUnit.__table__
SCHEDULED = str(VendorReleaseStatus.SCHEDULED)


def facts_of(row: Any) -> AttestationFacts:
    return AttestationFacts(
        id=row.id,
        kind=row.kind,
        issued_at=row.issued_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def _in(column: Any, scope: Scope) -> ColumnElement[bool]:
    if scope.everywhere:
        return column.is_not(None)  # type: ignore[no-any-return]
    if not scope.bu_ids:
        return false()
    return column.in_(sorted(scope.bu_ids, key=str))  # type: ignore[no-any-return]


def visible_releases(scope: Scope) -> ColumnElement[bool]:
    """Releases of a vendor in a readable BU, or reaching a service in one."""
    if scope.everywhere:
        return REL.c.id.is_not(None)
    reaches = exists().where(
        LINK.c.vendor_id == REL.c.vendor_id,
        SERVICE.c.id == LINK.c.service_id,
        _in(SERVICE.c.bu_id, scope),
    )
    return or_(_in(REL.c.bu_id, scope), reaches)


def _overlapping(starts_at: datetime | None, ends_at: datetime | None) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if ends_at is not None:
        out.append(REL.c.starts_at < ends_at)
    if starts_at is not None:
        out += [REL.c.ends_at > starts_at, REL.c.starts_at > starts_at - MAX_VENDOR_RELEASE_LENGTH]
    return out


# -- attestations --------------------------------------------------------------------------


async def get_attestation(
    session: AsyncSession, attestation_id: uuid.UUID
) -> VendorAttestation | None:
    return await session.get(VendorAttestation, attestation_id)


async def attestation_exists(
    session: AsyncSession, vendor_id: uuid.UUID, kind: str, issued_at: datetime
) -> bool:
    stmt = select(
        exists().where(
            ATT.c.vendor_id == vendor_id, ATT.c.kind == kind, ATT.c.issued_at == issued_at
        )
    )
    return bool(await session.scalar(stmt))


async def attestations_of_vendors(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID]
) -> Grouped:
    """Every attestation of the vendors (revoked and expired too), newest issue first."""
    stmt = (
        select(ATT)
        .where(ATT.c.vendor_id.in_(vendor_ids))
        .order_by(ATT.c.vendor_id, ATT.c.issued_at.desc(), ATT.c.id)
    )
    return group_by(list((await session.execute(stmt)).all()), "vendor_id")


async def attestations_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, ATT, ids)


async def expiring_page(
    session: AsyncSession,
    scope: Scope,
    *,
    now: datetime,
    until: datetime,
    bu_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Unrevoked attestations current now and expiring before `until`, soonest first."""
    stmt = select(ATT).where(
        _in(ATT.c.bu_id, scope),
        ATT.c.revoked_at.is_(None),
        ATT.c.issued_at <= now,
        ATT.c.expires_at > now,
        ATT.c.expires_at <= until,
    )
    if bu_id is not None:
        stmt = stmt.where(ATT.c.bu_id == bu_id)
    if (clause := after_clause(ATT.c.expires_at, ATT.c.id, after)) is not None:
        stmt = stmt.where(clause)
    return await fetch_page(
        session,
        stmt,
        sort_col=ATT.c.expires_at,
        id_col=ATT.c.id,
        sort_key="expires_at",
        first=first,
        after=None,
    )


# -- service links -------------------------------------------------------------------------


async def get_link(
    session: AsyncSession, service_id: uuid.UUID, vendor_id: uuid.UUID
) -> ServiceVendor | None:
    return await session.scalar(
        select(ServiceVendor).where(
            ServiceVendor.service_id == service_id, ServiceVendor.vendor_id == vendor_id
        )
    )


async def vendors_of_services(session: AsyncSession, service_ids: Sequence[uuid.UUID]) -> Grouped:
    """Per service, its vendor links joined to the vendor (vendor columns, link as `_link_*`)."""
    rows = (await session.execute(_OF_SERVICES, {"ids": list(service_ids)})).all()
    return group_by(list(rows), "_service_id")


# Built once (a cold decision snapshot reads it; building costs more than running).
_OF_SERVICES = prepared(
    select(
        VENDOR,
        LINK.c.service_id.label("_service_id"),
        LINK.c.description.label("_link_description"),
        LINK.c.created_at.label("_link_created_at"),
    )
    .join(LINK, LINK.c.vendor_id == VENDOR.c.id)
    .where(LINK.c.service_id.in_(ids_param()))
    .order_by(VENDOR.c.name, VENDOR.c.id)
)


async def services_of_vendors(session: AsyncSession, vendor_ids: Sequence[uuid.UUID]) -> Grouped:
    """Per vendor, the services linked to it (service columns, link as `_link_*`), by key."""
    stmt = (
        select(
            SERVICE,
            LINK.c.vendor_id.label("_vendor_id"),
            LINK.c.description.label("_link_description"),
            LINK.c.created_at.label("_link_created_at"),
        )
        .join(LINK, LINK.c.service_id == SERVICE.c.id)
        .where(LINK.c.vendor_id.in_(vendor_ids))
        .order_by(SERVICE.c.key, SERVICE.c.id)
    )
    return group_by(list((await session.execute(stmt)).all()), "_vendor_id")


async def consumers_of(
    session: AsyncSession, provider_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(consumer, provider) edges whose provider is listed: one level of the dependency graph."""
    rows = await session.execute(
        select(DEP.c.consumer_id, DEP.c.provider_id).where(DEP.c.provider_id.in_(provider_ids))
    )
    return [(r.consumer_id, r.provider_id) for r in rows]


async def services_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, SERVICE, ids)


async def vendor_ids_of_service(session: AsyncSession, service_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.execute(select(LINK.c.vendor_id).where(LINK.c.service_id == service_id))
    return [r.vendor_id for r in rows]


# -- vendor releases -----------------------------------------------------------------------


async def get_release(session: AsyncSession, release_id: uuid.UUID) -> VendorRelease | None:
    return await session.get(VendorRelease, release_id)


async def releases_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID], scope: Scope | None = None
) -> dict[Any, Row[Any]]:
    """Releases with their vendor's name, by id (only those readable in `scope`, if given)."""
    stmt = (
        select(REL, VENDOR.c.name.label("vendor_name"))
        .join(VENDOR, VENDOR.c.id == REL.c.vendor_id)
        .where(REL.c.id.in_(ids))
    )
    if scope is not None:
        stmt = stmt.where(visible_releases(scope))
    return {row.id: row for row in (await session.execute(stmt)).all()}


async def readable_release_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID], scope: Scope
) -> set[uuid.UUID]:
    stmt = select(REL.c.id).where(REL.c.id.in_(ids), visible_releases(scope))
    return set((await session.scalars(stmt)).all())


def _releases_stmt(
    scope: Scope,
    *,
    starts_at: datetime | None,
    ends_at: datetime | None,
    bu_id: uuid.UUID | None,
    vendor_id: uuid.UUID | None,
    include_cancelled: bool,
) -> Select[Any]:
    stmt = (
        select(REL, VENDOR.c.name.label("vendor_name"))
        .join(VENDOR, VENDOR.c.id == REL.c.vendor_id)
        .where(visible_releases(scope), *_overlapping(starts_at, ends_at))
    )
    if bu_id is not None:
        stmt = stmt.where(visible_releases(Scope(everywhere=False, bu_ids=frozenset({bu_id}))))
    if vendor_id is not None:
        stmt = stmt.where(REL.c.vendor_id == vendor_id)
    if not include_cancelled:
        stmt = stmt.where(REL.c.status == SCHEDULED)
    return stmt


async def releases_page(
    session: AsyncSession,
    scope: Scope,
    *,
    starts_at: datetime | None,
    ends_at: datetime | None,
    bu_id: uuid.UUID | None,
    vendor_id: uuid.UUID | None,
    include_cancelled: bool,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Vendor releases readable in `scope` overlapping [starts_at, ends_at), by start.
    `bu_id` narrows to those of a vendor of that BU or reaching one of its services."""
    stmt = _releases_stmt(
        scope,
        starts_at=starts_at,
        ends_at=ends_at,
        bu_id=bu_id,
        vendor_id=vendor_id,
        include_cancelled=include_cancelled,
    )
    if (clause := after_clause(REL.c.starts_at, REL.c.id, after)) is not None:
        stmt = stmt.where(clause)
    return await fetch_page(
        session,
        stmt,
        sort_col=REL.c.starts_at,
        id_col=REL.c.id,
        sort_key="starts_at",
        first=first,
        after=None,
    )


async def releases_of_vendors(
    session: AsyncSession,
    vendor_ids: Sequence[uuid.UUID],
    scope: Scope,
    *,
    include_cancelled: bool,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page of releases per vendor, by start, in one statement."""
    stmt = _releases_stmt(
        scope,
        starts_at=None,
        ends_at=None,
        bu_id=None,
        vendor_id=None,
        include_cancelled=include_cancelled,
    )
    if (clause := after_clause(REL.c.starts_at, REL.c.id, after)) is not None:
        stmt = stmt.where(clause)
    return await fetch_pages_by_parent(
        session,
        stmt,
        parent_col=REL.c.vendor_id,
        parent_ids=vendor_ids,
        sort_col=REL.c.starts_at,
        id_col=REL.c.id,
        sort_key="starts_at",
        parent_key="vendor_id",
        first=first,
        after=None,
    )
