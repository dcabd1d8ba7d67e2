"""SQL of environments, reservations and config snapshots.

Overlap of [s, e) with a stored [starts_at, ends_at) is `starts_at < e AND ends_at > s`. No
reservation is longer than MAX_RESERVATION_LENGTH, so `starts_at > s - MAX` bounds the scan
of the (environment_id, starts_at, ends_at) index from both sides.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.models import ConfigSnapshot, Environment, ImageDigest, Reservation
from domain.environments.rules import MAX_RESERVATION_LENGTH, Hold
from domain.environments.vocabulary import EnvironmentStatus, ReservationStatus
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, fetch_pages_by_parent, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, ids_param, rows_by_ids, scoped

ENV = Environment.__table__
RES = Reservation.__table__
SNAP = ConfigSnapshot.__table__
IMG = ImageDigest.__table__
HOLDING = (str(ReservationStatus.GRANTED), str(ReservationStatus.QUEUED))


def hold_of(r: Any) -> Hold:
    return Hold(
        id=r.id, mode=r.mode, starts_at=r.starts_at, ends_at=r.ends_at, requested_at=r.requested_at
    )


def _overlapping(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(
        RES.c.starts_at > start - MAX_RESERVATION_LENGTH,
        RES.c.starts_at < end,
        RES.c.ends_at > start,
    )


# -- environments --------------------------------------------------------------------------


async def environment_for_update(
    session: AsyncSession, environment_id: uuid.UUID
) -> Environment | None:
    """The environment, its row locked until commit: reservations on it are serialized.

    PostgreSQL takes the row lock; SQLite writers already hold the database (BEGIN IMMEDIATE).
    """
    stmt = select(Environment).where(Environment.id == environment_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def key_taken(session: AsyncSession, key: str) -> bool:
    stmt = select(ENV.c.id).where(ENV.c.key == key)
    return (await session.scalar(stmt)) is not None


async def final_staging_of(
    session: AsyncSession, product_domain: str, *, other_than: uuid.UUID | None
) -> uuid.UUID | None:
    """The active final staging environment of a product domain, if one exists."""
    stmt = select(ENV.c.id).where(
        ENV.c.product_domain == product_domain,
        ENV.c.final_staging.is_(True),
        ENV.c.status == str(EnvironmentStatus.ACTIVE),
    )
    if other_than is not None:
        stmt = stmt.where(ENV.c.id != other_than)
    return await session.scalar(stmt.limit(1))


async def environments_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    kind: str | None,
    product_domain: str | None,
    region: str | None,
    include_retired: bool,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(ENV), ENV.c.bu_id, scope, org_rows=True)
    if bu_id is not None:
        stmt = stmt.where(ENV.c.bu_id == bu_id)
    if kind is not None:
        stmt = stmt.where(ENV.c.kind == kind)
    if product_domain is not None:
        stmt = stmt.where(ENV.c.product_domain == product_domain)
    if region is not None:
        stmt = stmt.where(ENV.c.region == region)
    if not include_retired:
        stmt = stmt.where(ENV.c.status == str(EnvironmentStatus.ACTIVE))
    return await page_by(session, stmt, ENV, "key", first=first, after=after)


async def environments_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    if not ids:
        return {}
    return {r.id: r for r in await session.execute(_BY_IDS, {"ids": list(ids)})}


_BY_IDS = prepared(select(ENV).where(ENV.c.id.in_(ids_param())))


# -- reservations --------------------------------------------------------------------------


async def holding_overlapping(
    session: AsyncSession, environment_id: uuid.UUID, start: datetime, end: datetime
) -> list[Row[Any]]:
    """GRANTED and QUEUED reservations of the environment overlapping [start, end)."""
    stmt = (
        select(RES)
        .where(
            RES.c.environment_id == environment_id,
            _overlapping(start, end),
            RES.c.status.in_(HOLDING),
        )
        .order_by(RES.c.requested_at, RES.c.id)
    )
    return list((await session.execute(stmt)).all())


async def queued_of(
    session: AsyncSession, environment_id: uuid.UUID, now: datetime
) -> list[Row[Any]]:
    """The environment's queue (requests not yet over), oldest first."""
    stmt = (
        select(RES)
        .where(
            RES.c.environment_id == environment_id,
            RES.c.status == str(ReservationStatus.QUEUED),
            RES.c.ends_at > now,
        )
        .order_by(RES.c.requested_at, RES.c.id)
    )
    return list((await session.execute(stmt)).all())


async def reservations_to_change(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Reservation]:
    if not ids:
        return {}
    rows = await session.scalars(select(Reservation).where(Reservation.id.in_(ids)))
    return {r.id: r for r in rows.all()}


async def active_reservation_count(
    session: AsyncSession, environment_id: uuid.UUID, now: datetime
) -> int:
    stmt = select(func.count()).where(
        RES.c.environment_id == environment_id,
        RES.c.status.in_(HOLDING),
        RES.c.ends_at > now,
    )
    return int(await session.scalar(stmt) or 0)


async def reservations_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, RES, ids)


def _reservation_filter(
    stmt: Select[Any], *, status: str | None, ending_after: datetime | None
) -> Select[Any]:
    if status is not None:
        stmt = stmt.where(RES.c.status == status)
    if ending_after is not None:
        stmt = stmt.where(RES.c.ends_at > ending_after)
    return stmt


async def reservations_of_environments(
    session: AsyncSession,
    environment_ids: Sequence[uuid.UUID],
    scope: Scope,
    *,
    status: str | None,
    ending_after: datetime | None,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page of reservations per environment, earliest first, in one statement."""
    stmt = _reservation_filter(
        scoped(select(RES), RES.c.bu_id, scope), status=status, ending_after=ending_after
    )
    return await fetch_pages_by_parent(
        session,
        stmt,
        parent_col=RES.c.environment_id,
        parent_ids=environment_ids,
        sort_col=RES.c.starts_at,
        id_col=RES.c.id,
        sort_key="starts_at",
        parent_key="environment_id",
        first=first,
        after=after,
    )


async def queued_of_environments(
    session: AsyncSession, environment_ids: Sequence[uuid.UUID], now: datetime
) -> Grouped:
    if not environment_ids:
        return {}
    stmt = (
        select(RES)
        .where(
            RES.c.environment_id.in_(environment_ids),
            RES.c.status == str(ReservationStatus.QUEUED),
            RES.c.ends_at > now,
        )
        .order_by(RES.c.requested_at, RES.c.id)
    )
    return group_by(list((await session.execute(stmt)).all()), "environment_id")


# -- snapshots -----------------------------------------------------------------------------


async def add_images(
    session: AsyncSession, snapshot_id: uuid.UUID, images: Sequence[tuple[str, str]]
) -> None:
    session.add_all(
        ImageDigest(snapshot_id=snapshot_id, service_key=k, digest=d) for k, d in images
    )
    await session.flush()


async def current_snapshots(
    session: AsyncSession, environment_ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    """The newest snapshot of each environment, in one statement (a window function)."""
    if not environment_ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=SNAP.c.environment_id,
            order_by=(SNAP.c.reported_at.desc(), SNAP.c.id.desc()),
        )
        .label("_rank")
    )
    inner = select(SNAP, rank).where(SNAP.c.environment_id.in_(environment_ids)).subquery()
    rows = (await session.execute(select(inner).where(inner.c._rank == 1))).all()
    return {r.environment_id: r for r in rows}


async def snapshots_of_environments(
    session: AsyncSession,
    environment_ids: Sequence[uuid.UUID],
    *,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page of snapshots per environment, oldest first (history), in one statement."""
    return await fetch_pages_by_parent(
        session,
        select(SNAP),
        parent_col=SNAP.c.environment_id,
        parent_ids=environment_ids,
        sort_col=SNAP.c.reported_at,
        id_col=SNAP.c.id,
        sort_key="reported_at",
        parent_key="environment_id",
        first=first,
        after=after,
    )


async def snapshots_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, SNAP, ids)


async def images_by_snapshot(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Grouped:
    if not ids:
        return {}
    stmt = select(IMG).where(IMG.c.snapshot_id.in_(ids)).order_by(IMG.c.service_key)
    return group_by(list((await session.execute(stmt)).all()), "snapshot_id")
