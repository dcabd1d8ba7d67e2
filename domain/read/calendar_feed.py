"""What one iCalendar feed shows: the releases, approved freezes, vendor releases, production
flag flips, deployment windows, freeze exceptions and unauthorized changes its person may read
(the last three: domain/read/calendar_feed_events.py).

What a feed holds is bounded (documented in `FEED_HORIZON`, `MAX_RELEASES`, `MAX_FREEZES`,
`MAX_VENDOR_RELEASES`): releases whose planned window ends no earlier than 90 days ago,
scheduled vendor releases likewise (readable in the vendor's BU and in the BUs of the services
they reach, each listing the services it reaches that the person may read), and approved
freezes not over by then (a recurring freeze counts until its `effective_until`, or forever),
earliest first. Production flag flips of the last 90 days (`MAX_FLAG_FLIPS`) say who flipped
them, why, and what rollout they left.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Row

from domain.calendar.recurrence import Timing, shifted_by_a_gap
from domain.calendar.vocabulary import FreezeStatus
from domain.flags import queries as flags
from domain.flags.states import state_left
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel.access import Resource
from domain.kernel.errors import DomainError
from domain.kernel.reader import Reader
from domain.organization import facts as org_facts
from domain.organization import vendor_repository as vendor_repo
from domain.organization.vendor_impacts import impacts_of_vendors
from domain.read import calendar_feed_repository as repo
from domain.read.calendar_feed_events import FeedEvents, feed_events
from domain.read.calendar_feed_shifts import FeedShift, feed_shifts

FEED_HORIZON = timedelta(days=90)
"""A feed shows what ended at most this long ago, and everything after."""
MAX_RELEASES = 1000
"""At most this many releases in one feed (the earliest in the horizon)."""
MAX_FREEZES = 200
"""At most this many freezes in one feed (the earliest in the horizon)."""
MAX_VENDOR_RELEASES = 500
"""At most this many vendor releases in one feed (the earliest in the horizon)."""
MAX_FLAG_FLIPS = 500
"""At most this many production flag flips in one feed (the earliest in the horizon)."""
SHIFTED_AHEAD = timedelta(days=1827)
"""Occurrences shifted by a daylight-saving gap are written out this far ahead (five years)."""
HIDDEN_RELEASE_STATUSES = frozenset({ReleaseStatus.CANCELLED, ReleaseStatus.REJECTED})


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
class ShiftedOccurrence:
    """An occurrence whose computed local start (`recurrence_id`, naive, in the freeze's zone)
    falls in a daylight-saving gap, with its real times: the feed states them explicitly,
    because subscribers' own expansion gets them wrong (an end before the start)."""

    recurrence_id: datetime
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class FeedFreeze:
    """A freeze as the feed shows it. `recur_until` (inclusive, like RRULE UNTIL) stops the
    recurrence where the freeze's `effective_until` does, when the rule does not stop itself;
    `shifted` are its occurrences moved by a daylight-saving gap up to `SHIFTED_AHEAD`."""

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
    shifted: tuple[ShiftedOccurrence, ...] = ()


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
class FeedFlagFlip:
    """An applied production flag change: who made it, why, and the state it left."""

    id: uuid.UUID
    flag_id: uuid.UUID
    flag_key: str
    action: str
    environment: str | None
    bu_key: str
    flipped_by: str | None
    reason: str
    note: str
    enabled: bool | None
    rollout_percentages: tuple[int, ...]
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class FeedContent:
    owner: str
    releases: tuple[FeedRelease, ...]
    freezes: tuple[FeedFreeze, ...]
    since: datetime
    truncated: bool
    vendor_releases: tuple[FeedVendorRelease, ...] = ()
    flag_flips: tuple[FeedFlagFlip, ...] = ()
    events: FeedEvents = field(default_factory=FeedEvents)
    """Deployment windows, freeze exceptions and unauthorized changes."""
    shifts: tuple[FeedShift, ...] = ()
    """Production support shifts (domain/read/calendar_feed_shifts.py)."""


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
    """Everything the feed shows that the reader may read, within the feed's horizon."""
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
    flip_rows = await flags.production_changes(
        r, starts_at=since, ends_at=now, bu_id=None, service_ids=None, limit=MAX_FLAG_FLIPS + 1
    )
    events = await feed_events(r, since=since)
    shifts, shifts_cut = await feed_shifts(r, since=since, now=now)
    return FeedContent(
        owner=r.actor.display_name,
        releases=tuple(_release(row) for row in release_rows[:MAX_RELEASES]),
        # Finding occurrences shifted by DST expands rules: off the event loop.
        freezes=await asyncio.to_thread(_freezes, freeze_rows[:MAX_FREEZES], since, now),
        since=since,
        truncated=len(release_rows) > MAX_RELEASES
        or len(freeze_rows) > MAX_FREEZES
        or len(vendor_rows) > MAX_VENDOR_RELEASES
        or len(flip_rows) > MAX_FLAG_FLIPS
        or events.truncated
        or shifts_cut,
        vendor_releases=await _vendor_releases(r, vendor_rows[:MAX_VENDOR_RELEASES]),
        flag_flips=await _flag_flips(r, flip_rows[:MAX_FLAG_FLIPS]),
        events=events,
        shifts=shifts,
    )


async def _flag_flips(r: Reader, rows: list[Row[Any]]) -> tuple[FeedFlagFlip, ...]:
    """The flips with their BU's key and the name of who made each."""
    if not rows:
        return ()
    bu_keys = await repo.bu_keys(r.session, sorted({row.bu_id for row in rows}, key=str))
    people = await org_facts.people(r.session, {row.requested_by_id for row in rows} - {None})
    return tuple(_flag_flip(row, bu_keys, people) for row in rows)


def _flag_flip(
    row: Row[Any], bu_keys: dict[uuid.UUID, str], people: dict[uuid.UUID, org_facts.PersonFacts]
) -> FeedFlagFlip:
    enabled, rollouts = state_left(row.after)
    who = people.get(row.requested_by_id) if row.requested_by_id is not None else None
    return FeedFlagFlip(
        id=row.id,
        flag_id=row.flag_id,
        flag_key=row.flag_key,
        action=row.action,
        environment=row.environment,
        bu_key=bu_keys.get(row.bu_id, ""),
        flipped_by=who.display_name if who is not None else None,
        reason=row.reason or "",
        note=row.note or "",
        enabled=enabled,
        rollout_percentages=rollouts,
        updated_at=row.decided_at or row.created_at,
        version=row.version,
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


def shifted_occurrences(
    timing: Timing, since: datetime, now: datetime
) -> tuple[ShiftedOccurrence, ...]:
    """A recurring freeze's occurrences moved by a daylight-saving gap, from the day of `since`
    to `SHIFTED_AHEAD` after `now` (none for an unreadable zone or rule: the feed then shows
    the first period only). Kept per day: clients poll, and the rule is expanded to find them."""
    return _shifted_between(timing, since.date(), (now + SHIFTED_AHEAD).date())


@lru_cache(maxsize=1024)
def _shifted_between(timing: Timing, first: date, last: date) -> tuple[ShiftedOccurrence, ...]:
    start = datetime.combine(first, time(0), UTC)
    end = datetime.combine(last, time(0), UTC) + timedelta(days=1)
    try:
        found = shifted_by_a_gap(timing, start, end)
    except DomainError:
        return ()
    return tuple(ShiftedOccurrence(at, o.starts_at, o.ends_at) for at, o in found)


def _freezes(rows: list[Row[Any]], since: datetime, now: datetime) -> tuple[FeedFreeze, ...]:
    return tuple(_freeze(row, since, now) for row in rows)


def _freeze(row: Row[Any], since: datetime, now: datetime) -> FeedFreeze:
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
        shifted=()
        if rrule is None
        else shifted_occurrences(
            Timing(row.starts_at, row.ends_at, row.tzid, rrule, row.effective_until), since, now
        ),
    )
