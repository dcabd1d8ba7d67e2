"""Freezes as VEVENTs: recurring ones keep their RRULE in their own time zone (TZID, with a
VTIMEZONE), so subscribers expand them as the enforcement does.

Two things subscribers' own expansion gets wrong, stated explicitly:

- **An occurrence whose local start falls in a daylight-saving gap** (02:30 on a spring-forward
  night): RFC 5545 shifts it forward by the gap and keeps its length, but clients (and
  `recurring-ical-events`) keep the nonexistent wall-clock start and end it before it starts.
  Each such occurrence, up to `SHIFTED_AHEAD`, gets an override VEVENT (same UID, its
  RECURRENCE-ID, the real DTSTART and DTEND).
- **A freeze proposed in the second pass of an autumn fold** (the second 01:30): the local
  time alone reads as the first pass, so its own period is stated in UTC (as an override of
  the first instance when it recurs; later instances are the first pass, as RFC 5545 reads
  them and the enforcement does).
- **A freeze of whole local days** (midnight to midnight in its zone) binds those days *in its
  zone*. A DATE value (an "all-day event") floats: each subscriber would see it on their own
  days, hours off. So it is written as date-times with its TZID from midnight to midnight,
  which every client places at the right instants, DST-correct when it recurs; a subscriber
  in the same zone sees it cover exactly those days.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Event, vRecur

from api.endpoints.ical_events import event
from domain.read import calendar_feed as feed_view

log = logging.getLogger("signalbox.ical")


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


def freeze_events(f: feed_view.FeedFreeze) -> list[Event]:
    """The freeze's VEVENT, and one override per occurrence shifted by a DST gap (and one for
    its first period when that starts or ends in the second pass of a fold)."""
    zone = _zone(f.tzid)
    start, end = f.starts_at.astimezone(zone), f.ends_at.astimezone(zone)
    whole_days = start.time() == time(0) and end.time() == time(0) and end.date() > start.date()
    lines = [f.reason.strip(), f"Scope: {_freeze_scope(f)}"]
    if whole_days:
        lines.append(f"Whole days in {f.tzid}, from midnight to midnight there.")
    uid, summary = f"freeze-{f.id}", f"Freeze: {f.title}"
    categories = ["Freeze", f.bu_key or "organization"]
    # A local time in the second pass of an autumn fold reads as the first pass (RFC 5545
    # 3.3.5): the freeze's own period is then stated in UTC, which is unambiguous.
    exact = (f.starts_at.astimezone(UTC), f.ends_at.astimezone(UTC))
    second_pass = _second_pass(start) or _second_pass(end)
    if f.rrule is None:
        return [event(uid, summary, lines, f, exact if second_pass else (start, end), categories)]
    main = event(uid, summary, lines, f, (start, end), categories)
    try:
        rule = vRecur.from_ical(f.rrule)
    except ValueError:
        log.warning("freeze %s has an unreadable RRULE; the feed shows its first period", f.id)
        return [main]
    if f.recur_until is not None:
        # RFC 5545: with a DTSTART carrying a TZID, UNTIL is in UTC.
        rule["UNTIL"] = f.recur_until.astimezone(UTC)
    main.add("RRULE", rule)
    overrides = []
    if second_pass:
        first = event(uid, summary, lines, f, exact, categories)
        first.add("RECURRENCE-ID", _local(start.replace(tzinfo=None), zone))
        overrides.append(first)
    for shifted in f.shifted:
        note = (
            f"Shifted by the daylight-saving change: {shifted.recurrence_id:%H:%M} does not "
            f"exist in {f.tzid} that day."
        )
        override = event(
            uid,
            summary,
            [*lines, note],
            f,
            (shifted.starts_at.astimezone(zone), shifted.ends_at.astimezone(zone)),
            categories,
        )
        override.add("RECURRENCE-ID", _local(shifted.recurrence_id, zone))
        overrides.append(override)
    return [main, *overrides]


def _second_pass(local: datetime) -> bool:
    """Whether a local time is the second of two equal wall-clock times (an autumn fold)."""
    return local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset()


def _local(wall_clock: datetime, zone: tzinfo) -> datetime:
    """A naive local time in `zone`, written as such even when it does not exist."""
    return wall_clock.replace(tzinfo=zone)
