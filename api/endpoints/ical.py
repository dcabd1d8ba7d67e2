"""GET /calendar/{secret}.ics: the iCalendar (RFC 5545) feed Outlook and Google Calendar read.

Calendar clients cannot send a bearer header, so the path is public (see `api.middleware`) and
the secret in it authenticates: an unknown secret, a revoked feed and a deactivated person all
answer 404 alike. The feed reads as its person, so it shows what they may read and no more.

The body is a pure function of the data (DTSTAMP is the row's last change, as RFC 5545 asks
of a calendar without METHOD), so its hash is a stable ETag and a client polling an unchanged
calendar gets 304.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vDuration, vRecur
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.graphql.relay import to_global_id
from api.http import error_response
from authz.api_tokens import SECRET_BYTES, hash_api_token
from domain.calendar import feed
from domain.kernel.errors import Unavailable
from domain.kernel.reader import Reader
from domain.read import calendar_feed as feed_view

if TYPE_CHECKING:
    from api.runtime import Runtime

log = logging.getLogger("signalbox.ical")

FEED_SECRET_PREFIX = "sbx_cal_"
"""Starts like every Signalbox secret (`sbx_`), so log redaction and secret scanners catch it,
but never has the API token shape, so it is no bearer credential."""
FEED_PATH = "/calendar/{secret}.ics"
FEED_PATH_PREFIX = "/calendar/"
_SECRET_PATTERN = re.compile(r"sbx_cal_[A-Za-z0-9_-]{43}")
REFRESH = timedelta(hours=1)
CACHE_CONTROL = "private, max-age=300"
MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Signalbox//Release calendar//EN"
TIMEZONE_YEARS = 20
"""VTIMEZONE definitions cover from the earliest event to this many years past this year."""


def new_feed_secret() -> tuple[str, str]:
    """A new feed secret as (secret for the URL, shown once; SHA-256 hex to store)."""
    secret = FEED_SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    return secret, hash_api_token(secret)


def feed_path(secret: str) -> str:
    return FEED_PATH.replace("{secret}", secret)


def looks_like_feed_secret(value: str) -> bool:
    return _SECRET_PATTERN.fullmatch(value) is not None


def calendar_feed(runtime: Runtime):  # type: ignore[no-untyped-def]
    async def endpoint(request: Request) -> Response:
        """The feed of the person whose secret is in the path; 404 for anything else."""
        secret: str = request.path_params["secret"]
        if not looks_like_feed_secret(secret):
            return _not_found()
        try:
            body = await _feed_body(runtime, hash_api_token(secret))
        except Unavailable as exc:
            runtime.metrics.db_unavailable.inc()
            return error_response(503, "UNAVAILABLE", exc.message, {"Retry-After": "2"})
        if body is None:
            return _not_found()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers = {
            "ETag": etag,
            "Cache-Control": CACHE_CONTROL,
            # The URL is the credential: keep it out of referrers and search indexes.
            "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex",
        }
        if _matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=MEDIA_TYPE, headers=headers)

    return endpoint


def _not_found() -> Response:
    return error_response(404, "NOT_FOUND", "No such calendar feed.")


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    offered = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in offered or etag in offered


async def _feed_body(runtime: Runtime, token_hash: str) -> bytes | None:
    now = runtime.clock.now()
    async with runtime.db.snapshot_session() as session:
        owner = await feed.open_feed(session, token_hash)
        if owner is None:
            return None
        content = await feed_view.feed_content(
            Reader(session, owner.actor, runtime.authorizer), now=now
        )
    if feed.touch_is_due(owner.last_used_at, now):
        await runtime.units.run(lambda uow: feed.touch_feed(uow, owner.feed_id))
    # A full feed takes a few hundred milliseconds to render: not on the event loop.
    return await run_in_threadpool(render, content, feed_id=str(owner.feed_id), now=now)


# -- RFC 5545 --------------------------------------------------------------------------------

_RELEASE_STATUS = {
    "draft": "TENTATIVE",
    "submitted": "TENTATIVE",
}


def render(content: feed_view.FeedContent, *, feed_id: str, now: datetime) -> bytes:
    """The feed as an iCalendar document: one VEVENT per release, vendor release, freeze
    (recurring freezes keep their RRULE) and production flag flip, and a VTIMEZONE for every
    time zone an event names."""
    description = (
        f"Releases, vendor releases, freezes and production flag flips {content.owner} may read "
        f"in Signalbox, from "
        f"{content.since.date().isoformat()} on."
    )
    if content.truncated:
        description += " The list was cut short: it holds the earliest events only."
    cal = Calendar.new(
        prodid=PRODID,
        name="Signalbox release calendar",
        description=description,
        refresh_interval=REFRESH,
        uid=f"calendar-feed-{feed_id}@signalbox",
        calscale="GREGORIAN",
    )
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    for release in content.releases:
        cal.add_component(_release_event(release))
    for vendor_release in content.vendor_releases:
        cal.add_component(_vendor_release_event(vendor_release))
    for freeze in content.freezes:
        cal.add_component(_freeze_event(freeze))
    for flip in content.flag_flips:
        cal.add_component(_flag_flip_event(flip))
    if cal.get_missing_tzids():
        first = min(
            (_as_date(e.DTSTART) for e in cal.events if isinstance(e.DTSTART, datetime)),
            default=now.date(),
        )
        cal.add_missing_timezones(
            first_date=date(first.year, 1, 1), last_date=date(now.year + TIMEZONE_YEARS, 1, 1)
        )
    body: bytes = cal.to_ical()
    return body


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _release_event(r: feed_view.FeedRelease) -> Event:
    lines = [
        r.description.strip(),
        f"Business unit: {r.bu_name} ({r.bu_key})",
        f"Status: {r.status.replace('_', ' ')}",
        f"Type: {r.release_type}",
    ]
    if r.environments:
        lines.append("Environments: " + ", ".join(r.environments))
    return _event(
        f"release-{r.id}",
        f"Release: {r.title} [{r.bu_key}]",
        lines,
        r,
        (r.starts_at.astimezone(UTC), r.ends_at.astimezone(UTC)),
        ["Release", r.bu_key, r.release_type],
        _RELEASE_STATUS.get(r.status, "CONFIRMED"),
    )


def _event(
    uid: str,
    summary: str,
    lines: list[str],
    row: feed_view.FeedRelease
    | feed_view.FeedVendorRelease
    | feed_view.FeedFreeze
    | feed_view.FeedFlagFlip,
    span: tuple[date | datetime, date | datetime],
    categories: list[str],
    status: str = "CONFIRMED",
) -> Event:
    """One VEVENT; its DTSTAMP and SEQUENCE come from the row, so the body is a pure function."""
    return Event.new(
        uid=f"{uid}@signalbox",
        summary=summary,
        description="\n".join(line for line in lines if line),
        start=span[0],
        end=span[1],
        stamp=row.updated_at.astimezone(UTC),
        last_modified=row.updated_at.astimezone(UTC),
        sequence=row.version,
        categories=["Signalbox", *categories],
        status=status,  # type: ignore[arg-type]
        transparency="TRANSPARENT",  # type: ignore[arg-type]
    )


def _impact(i: feed_view.FeedImpact) -> str:
    via = f", through {i.via}" if i.via else ""
    return f"{i.service_name} ({i.service_key}, {i.bu_key}{via})"


def _vendor_release_event(v: feed_view.FeedVendorRelease) -> Event:
    direct = [_impact(i) for i in v.impacted if i.via is None]
    indirect = [_impact(i) for i in v.impacted if i.via is not None]
    lines = [
        v.description.strip(),
        f"Vendor: {v.vendor_name} (business unit {v.bu_name}, {v.bu_key})",
        f"Version: {v.release_version}",
    ]
    if direct:
        lines.append("Services using the vendor: " + "; ".join(direct))
    if indirect:
        lines.append("Services depending on those: " + "; ".join(indirect))
    return _event(
        f"vendor-release-{v.id}",
        f"Vendor release: {v.vendor_name} {v.release_version}, {v.title} [{v.bu_key}]",
        lines,
        v,
        (v.starts_at.astimezone(UTC), v.ends_at.astimezone(UTC)),
        ["Vendor release", v.bu_key],
    )


def _flag_flip_event(f: feed_view.FeedFlagFlip) -> Event:
    where = f" in {f.environment}" if f.environment else ""
    lines = [
        f"Flipped by: {f.flipped_by or 'an automation'}",
        f"Why: {f.reason.strip()}" if f.reason.strip() else "",
        f"Approval note: {f.note.strip()}" if f.note.strip() else "",
    ]
    if f.enabled is not None:
        rollout = ", ".join(f"{p}%" for p in f.rollout_percentages) or "none"
        lines.append(f"Left it {'on' if f.enabled else 'off'}; rollout: {rollout}")
    lines.append(f"Signalbox: FlagChange {to_global_id('FlagChange', f.id)}")
    return _event(
        f"flag-change-{f.id}",
        f"Flag {f.action}: {f.flag_key}{where} [{f.bu_key}]",
        lines,
        f,
        (f.updated_at.astimezone(UTC), f.updated_at.astimezone(UTC)),
        ["Flag flip", f.bu_key],
    )


def _zone(tzid: str) -> tzinfo:
    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("freeze time zone %r is unknown; the feed shows it in UTC", tzid)
        return UTC


def _freeze_scope(f: feed_view.FeedFreeze) -> str:
    where = f"business unit {f.bu_name} ({f.bu_key})" if f.bu_key else "the whole organization"
    if f.scope == "tier" and f.tiers:
        return f"tiers {', '.join(f.tiers)} in {where}"
    if f.scope == "environments" and f.environments:
        return f"environments {', '.join(f.environments)} in {where}"
    if f.scope == "services":
        return f"selected services in {where}"
    return where


def _freeze_event(f: feed_view.FeedFreeze) -> Event:
    zone = _zone(f.tzid)
    start, end = f.starts_at.astimezone(zone), f.ends_at.astimezone(zone)
    # A freeze from local midnight to local midnight is a whole-day event: clients show it
    # as such, and its days stay days across daylight saving.
    whole_days = start.time() == time(0) and end.time() == time(0) and end.date() > start.date()
    lines = [f.reason.strip(), f"Scope: {_freeze_scope(f)}"]
    span = (start.date(), end.date()) if whole_days else (start, end)
    event = _event(
        f"freeze-{f.id}",
        f"Freeze: {f.title}",
        lines,
        f,
        span,
        ["Freeze", f.bu_key or "organization"],
    )
    if f.rrule is not None:
        try:
            rule = vRecur.from_ical(f.rrule)
        except ValueError:
            log.warning("freeze %s has an unreadable RRULE; the feed shows its first period", f.id)
            return event
        if f.recur_until is not None:
            # RFC 5545: UNTIL is a DATE when DTSTART is, and UTC when DTSTART has a TZID.
            until = f.recur_until.astimezone(zone)
            rule["UNTIL"] = until.date() if whole_days else until.astimezone(UTC)
        event.add("RRULE", rule)
    return event
