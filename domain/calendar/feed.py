"""The iCalendar feed's secrets: per-person feed URLs, opened, touched and revoked.

Calendar clients (Outlook, Google Calendar) cannot send a bearer header, so a feed is reached
through a URL carrying a random secret; only its SHA-256 hash is stored, as for API tokens.
The feed reads as its person, through their current grants, and stops working when the feed is
revoked or the person is deactivated. What one feed shows: domain/read/calendar_feed.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import feed_repository as repo
from domain.calendar.models import CalendarFeed
from domain.kernel.access import Action, Actor, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.organization.identity import credential_revoke_rule

MAX_ACTIVE_FEEDS = 10
"""Active feed URLs one person may hold at a time."""
MAX_LISTED_FEEDS = 100
LAST_USED_RESOLUTION = timedelta(hours=1)
"""A feed records its last use at this resolution, not on every fetch (clients poll)."""
VIA = "calendar_feed"


class FeedErrorCode(StrEnum):
    FEED_NEEDS_A_PERSON = "FEED_NEEDS_A_PERSON"
    FEED_ALREADY_REVOKED = "FEED_ALREADY_REVOKED"
    TOO_MANY_FEEDS = "TOO_MANY_FEEDS"


# -- feed secrets --------------------------------------------------------------------------


def _own_feed_rule(uow: UnitOfWork) -> str:
    # Every signed-in person may manage their own feeds; a feed reads no more than they may.
    return f"owner({uow.actor.subject}) may manage own calendar feeds"


async def create_feed(uow: UnitOfWork, *, token_hash: str, revoke_others: bool) -> CalendarFeed:
    """Register a feed URL whose secret the caller generated, for the acting person."""
    person_id = uow.actor.person_id
    if person_id is None or uow.actor.token_id is not None:
        # A feed reads with the person's full grants, so a narrower API token may not mint one.
        raise DomainError(
            "Calendar feeds are created by a signed-in person, not by an API token.",
            code=FeedErrorCode.FEED_NEEDS_A_PERSON,
        )
    rule = _own_feed_rule(uow)
    now = uow.clock.now()
    if revoke_others:
        for other in await repo.active_feeds_of(uow.session, person_id):
            await _revoke(uow, other, rule, now)
    elif await repo.count_active_feeds(uow.session, person_id) >= MAX_ACTIVE_FEEDS:
        raise DomainError(
            f"You hold {MAX_ACTIVE_FEEDS} active calendar feeds: revoke one first.",
            code=FeedErrorCode.TOO_MANY_FEEDS,
        )
    feed = CalendarFeed(person_id=person_id, token_hash=token_hash, created_at=now)
    await uow.created(
        feed, action="calendar_feed.create", bu_id=None, rule=rule, exclude=("token_hash",)
    )
    return feed


async def revoke_feed(uow: UnitOfWork, feed_id: uuid.UUID) -> CalendarFeed:
    """Stop a feed URL at once: your own, or anyone's for those who administer access."""
    # Locked: of concurrent revocations one records it, the others find it revoked.
    feed = await repo.get_feed(uow.session, feed_id, for_update=True)
    if feed is None:
        raise NotFound("Calendar feed was not found.")
    rule = credential_revoke_rule(uow, feed.person_id, _own_feed_rule(uow), "Calendar feed")
    if feed.revoked_at is not None:
        raise DomainError(
            "That calendar feed is already revoked.", code=FeedErrorCode.FEED_ALREADY_REVOKED
        )
    await _revoke(uow, feed, rule, uow.clock.now())
    return feed


async def _revoke(uow: UnitOfWork, feed: CalendarFeed, rule: str, at: datetime) -> None:
    before = snapshot(feed, exclude=("token_hash",))
    feed.revoked_at = at
    await uow.updated(
        feed,
        before,
        action="calendar_feed.revoke",
        bu_id=None,
        rule=rule,
        exclude=("token_hash",),
    )


async def feeds(r: Reader, *, person_id: uuid.UUID | None = None) -> list[Row[Any]]:
    """Your feeds, newest first; someone else's only for those who may revoke them."""
    own = r.actor.person_id
    if person_id is None or person_id == own:
        return [] if own is None else await repo.feeds_of(r.session, own, limit=MAX_LISTED_FEEDS)
    if r.authorizer.check(r.actor, Action.REVOKE, Resource.ROLE_GRANT, None) is None:
        return []
    return await repo.feeds_of(r.session, person_id, limit=MAX_LISTED_FEEDS)


@dataclass(frozen=True, slots=True)
class FeedOwner:
    feed_id: uuid.UUID
    last_used_at: datetime | None
    actor: Actor


async def open_feed(session: AsyncSession, token_hash: str) -> FeedOwner | None:
    """The person a feed secret reads as; None when unknown, revoked or the person is
    deactivated (callers answer all three alike, so none can be told apart)."""
    row = await repo.feed_by_hash(session, token_hash)
    if row is None or row.revoked_at is not None or not row.active:
        return None
    return FeedOwner(
        feed_id=row.id,
        last_used_at=row.last_used_at,
        actor=Actor(
            person_id=row.person_id,
            username=row.username,
            display_name=row.display_name,
            subjects=(f"person:{row.person_id}",),
            via=VIA,
        ),
    )


def touch_is_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a fetch should record itself: once per `LAST_USED_RESOLUTION`."""
    return last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION


async def touch_feed(uow: UnitOfWork, feed_id: uuid.UUID) -> None:
    """Record a feed's use (telemetry, not a state change worth an audit record)."""
    await repo.touch_feed(uow.session, feed_id, uow.clock.now())
