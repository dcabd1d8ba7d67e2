"""Published facts for incident attribution and post-mortems (issue 17): the vendor releases that
touched services in a period, and the people a text could name (batched, one statement each)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.organization.models import Person, ServiceVendor, Vendor, VendorRelease
from domain.organization.vocabulary import VendorReleaseStatus


@dataclass(frozen=True, slots=True)
class VendorChange:
    id: uuid.UUID
    bu_id: uuid.UUID
    service_id: uuid.UUID
    at: datetime
    summary: str


async def vendor_releases_touching(
    session: AsyncSession,
    *,
    service_ids: Sequence[uuid.UUID] | None = None,
    ids: Sequence[uuid.UUID] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[VendorChange]:
    """Scheduled vendor releases (with these ids) starting in [start, end], once per service
    using the vendor (of these services), in one statement."""
    stmt = (
        select(
            VendorRelease.id,
            VendorRelease.bu_id,
            ServiceVendor.service_id,
            VendorRelease.starts_at,
            Vendor.name,
            VendorRelease.release_version,
            VendorRelease.title,
        )
        .join(ServiceVendor, ServiceVendor.vendor_id == VendorRelease.vendor_id)
        .join(Vendor, Vendor.id == VendorRelease.vendor_id)
        .where(VendorRelease.status == VendorReleaseStatus.SCHEDULED.value)
        .order_by(VendorRelease.starts_at, VendorRelease.id)
    )
    if service_ids is not None:
        stmt = stmt.where(ServiceVendor.service_id.in_(sorted(service_ids, key=str)))
    if ids is not None:
        stmt = stmt.where(VendorRelease.id.in_(sorted(ids, key=str)))
    if start is not None:
        stmt = stmt.where(VendorRelease.starts_at >= start)
    if end is not None:
        stmt = stmt.where(VendorRelease.starts_at <= end)
    return [
        VendorChange(r.id, r.bu_id, r.service_id, r.starts_at, f"{r.name} {r.release_version}")
        for r in (await session.execute(stmt)).all()
    ]


@dataclass(frozen=True, slots=True)
class NamedPerson:
    username: str
    display_name: str
    email: str | None


async def people_named_by(session: AsyncSession, words: Collection[str]) -> list[NamedPerson]:
    """The people (active or not) whose username, e-mail or display name, lower-cased, is one of
    `words` (lower-cased words and runs of words of a text), in one statement."""
    if not words:
        return []
    wanted = sorted(words)
    stmt = select(Person.username, Person.display_name, Person.email).where(
        or_(
            func.lower(Person.username).in_(wanted),
            func.lower(Person.email).in_(wanted),
            func.lower(Person.display_name).in_(wanted),
        )
    )
    return [NamedPerson(*r) for r in (await session.execute(stmt)).all()]
