"""SQL of the iCalendar feed's secrets (what a feed shows: domain/read/calendar_feed_repository)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.models import CalendarFeed, Freeze
from domain.organization import fragments as org

FEED = CalendarFeed.__table__
FREEZE = Freeze.__table__


# -- feed secrets --------------------------------------------------------------------------


async def feed_by_hash(session: AsyncSession, token_hash: str) -> Row[Any] | None:
    """The feed with this secret hash, with its owner's name and whether they are active."""
    person = org.person_rows()
    stmt = (
        select(FEED, person.c.username, person.c.display_name, person.c.active)
        .join(person, person.c.id == FEED.c.person_id)
        .where(FEED.c.token_hash == token_hash)
    )
    return (await session.execute(stmt)).first()


async def get_feed(
    session: AsyncSession, feed_id: uuid.UUID, *, for_update: bool = False
) -> CalendarFeed | None:
    """The feed; `for_update` locks its row until the unit ends (a writer's read)."""
    return await session.get(CalendarFeed, feed_id, with_for_update=for_update)


async def active_feeds_of(session: AsyncSession, person_id: uuid.UUID) -> list[CalendarFeed]:
    stmt = (
        select(CalendarFeed)
        .where(CalendarFeed.person_id == person_id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.created_at, CalendarFeed.id)
    )
    return list((await session.scalars(stmt)).all())


async def feeds_of(session: AsyncSession, person_id: uuid.UUID, *, limit: int) -> list[Row[Any]]:
    """A person's feeds, newest first; never the hash."""
    stmt: Select[Any] = (
        select(
            FEED.c.id,
            FEED.c.person_id,
            FEED.c.created_at,
            FEED.c.last_used_at,
            FEED.c.revoked_at,
        )
        .where(FEED.c.person_id == person_id)
        .order_by(FEED.c.created_at.desc(), FEED.c.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all())


async def count_active_feeds(session: AsyncSession, person_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(FEED.c.person_id == person_id, FEED.c.revoked_at.is_(None))
    return int(await session.scalar(stmt) or 0)


async def touch_feed(session: AsyncSession, feed_id: uuid.UUID, at: datetime) -> None:
    await session.execute(
        update(CalendarFeed).where(CalendarFeed.id == feed_id).values(last_used_at=at)
    )
