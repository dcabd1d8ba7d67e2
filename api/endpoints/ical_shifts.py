"""Production support shifts as VEVENTs: each shift from its hand-over to the next, written in
the rotation's own zone (TZID) so a subscriber sees the local hand-over time, daylight saving
included; the VTIMEZONE is added with the feed's others."""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Event

from api.endpoints.ical_events import event
from domain.read.calendar_feed_shifts import FeedShift

log = logging.getLogger(__name__)


def _zone(tzid: str) -> tzinfo | None:
    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("rotation time zone %r is unknown; the feed shows it in UTC", tzid)
        return None


def _local(at: datetime, zone: tzinfo | None) -> datetime:
    return at if zone is None else at.astimezone(zone)


def shift_event(s: FeedShift) -> Event:
    """One shift: who is on it and, when a swap gave it to them, whom and why."""
    zone = _zone(s.tzid)
    lines = [
        f"Rotation: {s.rotation_name}" + (f" ({s.team_name})" if s.team_name else ""),
        f"Shift {s.number}, hand-over at local time in {s.tzid}.",
    ]
    if s.gave_away is not None:
        lines.append(f"Swapped: {s.member} covers for {s.gave_away}. Why: {s.swap_reason}")
    return event(
        f"support-shift-{s.rotation_id}-{s.number}",
        f"On shift: {s.member} [{s.rotation_name}]",
        lines,
        s,
        (_local(s.starts_at, zone), _local(s.ends_at, zone)),
        ["Support shift", s.team_name or s.rotation_name],
    )
