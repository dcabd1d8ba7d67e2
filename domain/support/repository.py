"""SQL of support rotations: rotations, their swaps, releases' watchers."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import Grouped, group_by, rows_by_ids, scoped
from domain.support.models import ReleaseWatch, Rotation, Swap

ROTATION = Rotation.__table__
SWAP = Swap.__table__
WATCH = ReleaseWatch.__table__


async def swaps_of(session: AsyncSession, rotation_id: uuid.UUID) -> list[Swap]:
    stmt = select(Swap).where(Swap.rotation_id == rotation_id).order_by(Swap.shift_number)
    return list((await session.scalars(stmt)).all())


async def swap_rows(session: AsyncSession, rotation_ids: Collection[uuid.UUID]) -> Grouped:
    """Swaps per rotation, by shift number, in one statement."""
    if not rotation_ids:
        return {}
    stmt = (
        select(SWAP)
        .where(SWAP.c.rotation_id.in_(sorted(rotation_ids, key=str)))
        .order_by(SWAP.c.rotation_id, SWAP.c.shift_number)
    )
    return group_by(list((await session.execute(stmt)).all()), "rotation_id")


async def rotations_of_teams(
    session: AsyncSession, team_ids: Collection[uuid.UUID]
) -> dict[Any, Row[Any]]:
    """The rotation of each of these teams that has one, in one statement."""
    if not team_ids:
        return {}
    stmt = select(ROTATION).where(ROTATION.c.team_id.in_(sorted(team_ids, key=str)))
    return {row.team_id: row for row in (await session.execute(stmt)).all()}


async def rotations_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, ROTATION, ids)


async def rotations_page(
    session: AsyncSession,
    scope: Scope,
    *,
    team_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Rotations in the BUs of `scope` (of one team when asked), oldest first."""
    stmt = scoped(select(ROTATION), ROTATION.c.bu_id, scope)
    if team_id is not None:
        stmt = stmt.where(ROTATION.c.team_id == team_id)
    return await page_by(session, stmt, ROTATION, "created_at", first=first, after=after)


async def rotations_in(session: AsyncSession, scope: Scope, *, limit: int) -> list[Row[Any]]:
    """Rotations in the BUs of `scope`, oldest first, at most `limit` (the calendar feed)."""
    stmt = scoped(select(ROTATION), ROTATION.c.bu_id, scope)
    rows = await session.execute(stmt.order_by(ROTATION.c.created_at, ROTATION.c.id).limit(limit))
    return list(rows.all())


async def watch_of_release(session: AsyncSession, release_id: uuid.UUID) -> ReleaseWatch | None:
    return await session.scalar(select(ReleaseWatch).where(ReleaseWatch.release_id == release_id))


async def watches_of_releases(
    session: AsyncSession, release_ids: Sequence[uuid.UUID], scope: Scope
) -> dict[Any, Row[Any]]:
    """The watchers of each release that has them, in the BUs of `scope`."""
    if not release_ids:
        return {}
    stmt = scoped(select(WATCH).where(WATCH.c.release_id.in_(release_ids)), WATCH.c.bu_id, scope)
    return {row.release_id: row for row in (await session.execute(stmt)).all()}


async def secondary_counts(
    session: AsyncSession, person_ids: Collection[uuid.UUID], since: datetime, until: datetime
) -> dict[uuid.UUID, int]:
    """How many releases whose window opened in [since, until) each person watched as
    secondary, in one statement (any BU: a person's load is theirs wherever it falls)."""
    if not person_ids:
        return {}
    stmt = (
        select(WATCH.c.secondary_id, func.count())
        .where(
            WATCH.c.secondary_id.in_(sorted(person_ids, key=str)),
            WATCH.c.starts_at >= since,
            WATCH.c.starts_at < until,
        )
        .group_by(WATCH.c.secondary_id)
    )
    return {row[0]: int(row[1]) for row in (await session.execute(stmt)).all()}


async def watches_of_rotation(
    session: AsyncSession, rotation_id: uuid.UUID, since: datetime, until: datetime
) -> list[Row[Any]]:
    """The watches of the rotation's releases whose window opened in [since, until)."""
    stmt = (
        select(WATCH.c.primary_id, WATCH.c.secondary_id)
        .where(
            WATCH.c.rotation_id == rotation_id,
            WATCH.c.starts_at >= since,
            WATCH.c.starts_at < until,
        )
        .order_by(WATCH.c.starts_at)
    )
    rows: list[Row[Any]] = list((await session.execute(stmt)).all())  # type: ignore[arg-type]
    return rows


async def unwatched_release_ids(
    session: AsyncSession,
    releases: Any,
    statuses: Collection[str],
    opening_from: datetime,
    opening_until: datetime,
    *,
    limit: int,
) -> list[tuple[uuid.UUID, list[str]]]:
    """Releases (governance's `release_rows()` fragment) in `statuses` whose window opens in
    [opening_from, opening_until) and that have no watchers yet, earliest first, with their
    environments (one statement)."""
    stmt = (
        select(releases.c.id, releases.c.environments)
        .outerjoin(WATCH, WATCH.c.release_id == releases.c.id)
        .where(
            WATCH.c.id.is_(None),
            releases.c.status.in_(sorted(statuses)),
            releases.c.planned_start >= opening_from,
            releases.c.planned_start < opening_until,
        )
        .order_by(releases.c.planned_start, releases.c.id)
        .limit(limit)
    )
    return [(row.id, list(row.environments or [])) for row in (await session.execute(stmt)).all()]
