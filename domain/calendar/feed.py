"""The iCalendar feed: per-person secret feed URLs, and what one feed shows.

Calendar clients (Outlook, Google Calendar) cannot send a bearer header, so a feed is reached
through a URL carrying a random secret; only its SHA-256 hash is stored, as for API tokens.
The feed reads as its person, through their current grants: it shows exactly the releases and
freezes that person may read, and stops working when the feed is revoked or the person is
deactivated.

What a feed holds is bounded (documented in `FEED_HORIZON`, `MAX_RELEASES`, `MAX_FREEZES`,
`MAX_VENDOR_RELEASES`): releases whose planned window ends no earlier than 90 days ago,
scheduled vendor releases likewise (readable in the vendor's BU and in the BUs of the services
they reach, each listing the services it reaches that the person may read), and approved
freezes not over by then (a recurring freeze counts until its `effective_until`, or forever),
earliest first.
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
from domain.calendar.vocabulary import FreezeStatus
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel.access import Action, Actor, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.organization import vendor_repository as vendor_repo
from domain.organization.vendor_findings import impacts_of_vendors

FEED_HORIZON = timedelta(days=90)
"""A feed shows what ended at most this long ago, and everything after."""
MAX_RELEASES = 1000
"""At most this many releases in one feed (the earliest in the horizon)."""
MAX_FREEZES = 200
"""At most this many freezes in one feed (the earliest in the horizon)."""
MAX_VENDOR_RELEASES = 500
"""At most this many vendor releases in one feed (the earliest in the horizon)."""
MAX_ACTIVE_FEEDS = 10
"""Active feed URLs one person may hold at a time."""
MAX_LISTED_FEEDS = 100
LAST_USED_RESOLUTION = timedelta(hours=1)
"""A feed records its last use at this resolution, not on every fetch (clients poll)."""
HIDDEN_RELEASE_STATUSES = frozenset({ReleaseStatus.CANCELLED, ReleaseStatus.REJECTED})
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
    uow.session.add(feed)
    await uow.session.flush()
    uow.record(
        action="calendar_feed.create",
        entity_type="calendar_feed",
        entity_id=feed.id,
        bu_id=None,
        rule=rule,
        after=snapshot(feed, exclude=("token_hash",)),
    )
    return feed


async def revoke_feed(uow: UnitOfWork, feed_id: uuid.UUID) -> CalendarFeed:
    """Stop a feed URL at once: your own, or anyone's for those who administer access."""
    feed = await repo.get_feed(uow.session, feed_id)
    if feed is None:
        raise NotFound("Calendar feed was not found.")
    if feed.person_id == uow.actor.person_id:
        rule = _own_feed_rule(uow)
    else:
        # As for API tokens: revoking someone else's credential takes the right to revoke
        # role grants org-wide; everyone else sees no such feed.
        if uow.authorizer.check(uow.actor, Action.REVOKE, Resource.ROLE_GRANT, None) is None:
            raise NotFound("Calendar feed was not found.")
        rule = uow.authorize(Action.REVOKE, Resource.ROLE_GRANT, None)
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


# -- what a feed shows ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedRelease:
    id: uuid.UUID
    title: str
    description: str
    status: str
    release_type: str
    bu_key: str
    bu_name: str
    environments: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class FeedFreeze:
    """A freeze as the feed shows it. `recur_until` (inclusive, like RRULE UNTIL) stops the
    recurrence where the freeze's `effective_until` does, when the rule does not stop itself."""

    id: uuid.UUID
    title: str
    reason: str
    scope: str
    bu_key: str | None
    bu_name: str | None
    tiers: tuple[str, ...]
    environments: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    tzid: str
    rrule: str | None
    recur_until: datetime | None
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class FeedImpact:
    """A service a vendor release reaches; `via` names the provider an indirect one uses."""

    service_key: str
    service_name: str
    bu_key: str
    via: str | None = None


@dataclass(frozen=True, slots=True)
class FeedVendorRelease:
    id: uuid.UUID
    title: str
    release_version: str
    vendor_name: str
    description: str
    bu_key: str
    bu_name: str
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime
    version: int
    impacted: tuple[FeedImpact, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedContent:
    owner: str
    releases: tuple[FeedRelease, ...]
    freezes: tuple[FeedFreeze, ...]
    since: datetime
    truncated: bool
    vendor_releases: tuple[FeedVendorRelease, ...] = ()


def recurrence_rule(rrule: str | None) -> str | None:
    """The rule's value without an `RRULE:` prefix, or None when there is no rule."""
    text = (rrule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :].strip()
    return text or None


def recur_until(rrule: str | None, effective_until: datetime | None) -> datetime | None:
    """The RRULE UNTIL that ends a recurrence as `effective_until` does: an occurrence counts
    when it starts before `effective_until` (UNTIL is inclusive, hence a second earlier). A
    rule with its own UNTIL or COUNT is left as it is."""
    rule = recurrence_rule(rrule)
    if rule is None or effective_until is None:
        return None
    parts = {p.partition("=")[0].strip().upper() for p in rule.split(";")}
    if parts & {"UNTIL", "COUNT"}:
        return None
    return effective_until - timedelta(seconds=1)


async def feed_content(r: Reader, *, now: datetime) -> FeedContent:
    """The releases and approved freezes the reader may read, within the feed's horizon."""
    since = now - FEED_HORIZON
    release_scope = r.scope(Resource.RELEASE)
    freeze_scope = r.scope(Resource.FREEZE)
    release_rows = (
        []
        if release_scope.empty
        else await repo.releases_in_horizon(
            r.session,
            release_scope,
            ending_after=since,
            excluded_statuses={str(s) for s in HIDDEN_RELEASE_STATUSES},
            limit=MAX_RELEASES + 1,
        )
    )
    # Org-wide freezes are for everyone who may read freezes somewhere; BU ones by BU.
    freeze_rows = (
        []
        if freeze_scope.empty
        else await repo.freezes_in_horizon(
            r.session,
            freeze_scope,
            status=FreezeStatus.APPROVED,
            ending_after=since,
            limit=MAX_FREEZES + 1,
        )
    )
    vendor_scope = r.scope(Resource.VENDOR_RELEASE)
    vendor_rows = (
        []
        if vendor_scope.empty
        else await repo.vendor_releases_in_horizon(
            r.session, vendor_scope, ending_after=since, limit=MAX_VENDOR_RELEASES + 1
        )
    )
    return FeedContent(
        owner=r.actor.display_name,
        releases=tuple(_release(row) for row in release_rows[:MAX_RELEASES]),
        freezes=tuple(_freeze(row) for row in freeze_rows[:MAX_FREEZES]),
        since=since,
        truncated=len(release_rows) > MAX_RELEASES
        or len(freeze_rows) > MAX_FREEZES
        or len(vendor_rows) > MAX_VENDOR_RELEASES,
        vendor_releases=await _vendor_releases(r, vendor_rows[:MAX_VENDOR_RELEASES]),
    )


async def _vendor_releases(r: Reader, rows: list[Row[Any]]) -> tuple[FeedVendorRelease, ...]:
    """The vendor releases with the services they reach that the reader may read."""
    if not rows:
        return ()
    impacts = await impacts_of_vendors(r.session, sorted({row.vendor_id for row in rows}, key=str))
    ids = sorted({i.service_id for group in impacts.values() for i in group}, key=str)
    services = await vendor_repo.services_by_ids(r.session, ids) if ids else {}
    scope = r.scope(Resource.SERVICE)
    readable = {k: v for k, v in services.items() if scope.allows(v.bu_id)}
    bu_keys = await repo.bu_keys(r.session, sorted({v.bu_id for v in readable.values()}, key=str))

    def impacted(vendor_id: uuid.UUID) -> tuple[FeedImpact, ...]:
        return tuple(
            FeedImpact(
                service_key=readable[i.service_id].key,
                service_name=readable[i.service_id].name,
                bu_key=bu_keys.get(readable[i.service_id].bu_id, ""),
                via=readable[i.via].key if i.via is not None and i.via in readable else None,
            )
            for i in impacts.get(vendor_id, [])
            if i.service_id in readable
        )

    return tuple(
        FeedVendorRelease(
            id=row.id,
            title=row.title,
            release_version=row.release_version,
            vendor_name=row.vendor_name,
            description=row.description or "",
            bu_key=row.bu_key,
            bu_name=row.bu_name,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            updated_at=row.updated_at,
            version=row.version,
            impacted=impacted(row.vendor_id),
        )
        for row in rows
    )


def _release(row: Row[Any]) -> FeedRelease:
    return FeedRelease(
        id=row.id,
        title=row.title,
        description=row.description or "",
        status=row.status,
        release_type=row.release_type,
        bu_key=row.bu_key,
        bu_name=row.bu_name,
        environments=tuple(row.environments or ()),
        starts_at=row.planned_start,
        ends_at=row.planned_end,
        updated_at=row.updated_at,
        version=row.version,
    )


def _freeze(row: Row[Any]) -> FeedFreeze:
    rrule = recurrence_rule(row.rrule)
    return FeedFreeze(
        id=row.id,
        title=row.title,
        reason=row.reason or "",
        scope=row.scope,
        bu_key=row.bu_key,
        bu_name=row.bu_name,
        tiers=tuple(row.tiers or ()),
        environments=tuple(row.environments or ()),
        starts_at=row.starts_at,
        # A one-off freeze ends when it stops being effective, if that comes first.
        ends_at=(
            min(row.ends_at, row.effective_until)
            if rrule is None and row.effective_until is not None
            else row.ends_at
        ),
        tzid=row.tzid,
        rrule=rrule,
        recur_until=recur_until(rrule, row.effective_until),
        updated_at=row.updated_at,
        version=row.version,
    )
