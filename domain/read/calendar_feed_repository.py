"""SQL of what one iCalendar feed shows: releases, approved freezes and vendor releases."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.models import Freeze
from domain.governance.models import Release
from domain.kernel.access import Scope
from domain.organization.models import BusinessUnit, Vendor, VendorRelease
from domain.organization.vendor_repository import SCHEDULED, visible_releases

RELEASE = Release.__table__
FREEZE = Freeze.__table__
BU = BusinessUnit.__table__
VENDOR_RELEASE = VendorRelease.__table__
VENDOR = Vendor.__table__


def _in_bus(column: Any, scope: Scope) -> Any:
    return column.in_(sorted(scope.bu_ids, key=str))


async def releases_in_horizon(
    session: AsyncSession,
    scope: Scope,
    *,
    ending_after: datetime,
    excluded_statuses: Collection[str],
    limit: int,
) -> list[Row[Any]]:
    """Planned releases in the readable BUs whose window ends after `ending_after`."""
    stmt: Select[Any] = (
        select(
            RELEASE.c.id,
            RELEASE.c.title,
            RELEASE.c.description,
            RELEASE.c.status,
            RELEASE.c.release_type,
            RELEASE.c.environments,
            RELEASE.c.planned_start,
            RELEASE.c.planned_end,
            RELEASE.c.updated_at,
            RELEASE.c.version,
            BU.c.key.label("bu_key"),
            BU.c.name.label("bu_name"),
        )
        .join(BU, BU.c.id == RELEASE.c.bu_id)
        .where(
            RELEASE.c.planned_start.is_not(None),
            RELEASE.c.planned_end.is_not(None),
            RELEASE.c.planned_end >= ending_after,
            RELEASE.c.status.not_in(sorted(excluded_statuses)),
        )
        .order_by(RELEASE.c.planned_start, RELEASE.c.id)
        .limit(limit)
    )
    if not scope.everywhere:
        stmt = stmt.where(_in_bus(RELEASE.c.bu_id, scope))
    return list((await session.execute(stmt)).all())


async def freezes_in_horizon(
    session: AsyncSession,
    scope: Scope,
    *,
    status: str,
    ending_after: datetime,
    limit: int,
) -> list[Row[Any]]:
    """Freezes in `status` that are org-wide or in a readable BU, and not over before
    `ending_after` (a recurring one counts until its `effective_until`)."""
    stmt: Select[Any] = (
        select(
            FREEZE.c.id,
            FREEZE.c.title,
            FREEZE.c.reason,
            FREEZE.c.scope,
            FREEZE.c.tiers,
            FREEZE.c.environments,
            FREEZE.c.starts_at,
            FREEZE.c.ends_at,
            FREEZE.c.tzid,
            FREEZE.c.rrule,
            FREEZE.c.effective_until,
            FREEZE.c.updated_at,
            FREEZE.c.version,
            BU.c.key.label("bu_key"),
            BU.c.name.label("bu_name"),
        )
        .outerjoin(BU, BU.c.id == FREEZE.c.bu_id)
        .where(
            FREEZE.c.status == status,
            or_(
                and_(FREEZE.c.rrule.is_(None), FREEZE.c.ends_at >= ending_after),
                and_(
                    FREEZE.c.rrule.is_not(None),
                    or_(
                        FREEZE.c.effective_until.is_(None),
                        FREEZE.c.effective_until >= ending_after,
                    ),
                ),
            ),
        )
        .order_by(FREEZE.c.starts_at, FREEZE.c.id)
        .limit(limit)
    )
    if not scope.everywhere:
        stmt = stmt.where(or_(FREEZE.c.bu_id.is_(None), _in_bus(FREEZE.c.bu_id, scope)))
    return list((await session.execute(stmt)).all())


async def vendor_releases_in_horizon(
    session: AsyncSession, scope: Scope, *, ending_after: datetime, limit: int
) -> list[Row[Any]]:
    """Scheduled vendor releases readable in `scope` (the vendor's BU, or a BU whose services
    they reach) ending after `ending_after`, by start, with vendor name and the vendor's BU."""
    stmt: Select[Any] = (
        select(
            VENDOR_RELEASE.c.id,
            VENDOR_RELEASE.c.vendor_id,
            VENDOR_RELEASE.c.title,
            VENDOR_RELEASE.c.release_version,
            VENDOR_RELEASE.c.description,
            VENDOR_RELEASE.c.starts_at,
            VENDOR_RELEASE.c.ends_at,
            VENDOR_RELEASE.c.updated_at,
            VENDOR_RELEASE.c.version,
            VENDOR.c.name.label("vendor_name"),
            BU.c.key.label("bu_key"),
            BU.c.name.label("bu_name"),
        )
        .join(VENDOR, VENDOR.c.id == VENDOR_RELEASE.c.vendor_id)
        .join(BU, BU.c.id == VENDOR_RELEASE.c.bu_id)
        .where(
            visible_releases(scope),
            VENDOR_RELEASE.c.status == SCHEDULED,
            VENDOR_RELEASE.c.ends_at >= ending_after,
        )
        .order_by(VENDOR_RELEASE.c.starts_at, VENDOR_RELEASE.c.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all())


async def bu_keys(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(select(BU.c.id, BU.c.key).where(BU.c.id.in_(ids)))
    return {r.id: r.key for r in rows}
