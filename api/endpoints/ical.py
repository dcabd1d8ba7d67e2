"""GET /calendar/{secret}.ics: the iCalendar (RFC 5545) feed Outlook and Google Calendar read.

Calendar clients cannot send a bearer header, so the path is public (see `api.middleware`) and
the secret in it authenticates: an unknown secret, a revoked feed and a deactivated person all
answer 404 alike. The feed reads as its person, so it shows what they may read and no more.

The body is a pure function of the data and the day (DTSTAMP is the row's last change, as
RFC 5545 asks of a calendar without METHOD; the horizon, the VTIMEZONE years and the
daylight-saving overrides move by days), so its hash is a stable ETag and a client polling an
unchanged calendar gets 304. The events themselves: `ical_events`, `ical_freezes`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from icalendar import Calendar, vDuration
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.endpoints import ical_events as ev
from api.endpoints.ical_freezes import freeze_events
from api.endpoints.ical_shifts import shift_event
from api.http import error_response
from authz.api_tokens import SECRET_BYTES, hash_api_token
from domain.calendar import feed
from domain.kernel.errors import Unavailable
from domain.kernel.reader import Reader
from domain.read import calendar_feed as feed_view

if TYPE_CHECKING:
    from api.runtime import Runtime

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


def render(content: feed_view.FeedContent, *, feed_id: str, now: datetime) -> bytes:
    """The feed as an iCalendar document: one VEVENT per release, vendor release, freeze
    (recurring freezes keep their RRULE, see `ical_freezes`), production flag flip, deployment
    window, freeze exception and unauthorized change, and a VTIMEZONE for every time zone an
    event names."""
    description = (
        f"Releases, vendor releases, freezes, deployment windows, freeze exceptions, "
        f"unauthorized changes and production flag flips {content.owner} may read in "
        f"Signalbox, from {content.since.date().isoformat()} on."
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
    found = content.events
    for component in (
        *(ev.release_event(r) for r in content.releases),
        *(ev.vendor_release_event(v) for v in content.vendor_releases),
        *(e for f in content.freezes for e in freeze_events(f)),
        *(ev.window_event(w) for w in found.windows),
        *(ev.exception_event(x) for x in found.exceptions),
        *(ev.unauthorized_change_event(c) for c in found.unauthorized_changes),
        *(ev.flag_flip_event(f) for f in content.flag_flips),
        *(shift_event(s) for s in content.shifts),
    ):
        cal.add_component(component)
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
