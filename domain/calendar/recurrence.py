"""Pure RFC 5545 recurrence: a freeze's occurrences in its time zone, over a range, capped.

Occurrences keep their wall-clock times in the freeze's zone (TZID): a freeze from 18:00 to
06:00 stays 18:00-06:00 local across daylight saving, so its UTC instants shift by an hour.
The first occurrence is the freeze's own [starts_at, ends_at), as the model says; the RRULE
adds the rest. Only DAILY and coarser frequencies are accepted, and no expansion returns more
than MAX_OCCURRENCES, so a hostile rule cannot make the server spin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rruleset, rrulestr

from domain.calendar.errors import CalendarErrorCode as Code
from domain.kernel.errors import DomainError

MAX_OCCURRENCES = 1000
"""At most this many occurrences in one expansion (a range query, a conflict check)."""
MAX_PER_YEAR = 400
"""A recurring freeze occurs at most this often in its first year (checked when proposed)."""
ALLOWED_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
FREQ_PATTERN = re.compile(r"(?:^|;)FREQ=([A-Z]+)(?:;|$)")


@dataclass(frozen=True, slots=True)
class Timing:
    """When a freeze holds: its first occurrence, zone, rule and end of validity."""

    starts_at: datetime
    ends_at: datetime
    tzid: str = "UTC"
    rrule: str | None = None
    effective_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Occurrence:
    starts_at: datetime
    ends_at: datetime


def zone(tzid: str, field: str = "timeZone") -> ZoneInfo:
    """The IANA zone named `tzid`, or INVALID_TIMEZONE."""
    try:
        if not tzid or tzid != tzid.strip() or tzid.startswith(("/", ".")):
            raise ValueError(tzid)
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise DomainError(
            f"'{tzid}' is not an IANA time zone such as Europe/Amsterdam.",
            code=Code.INVALID_TIMEZONE,
            field=field,
        ) from None


def normalize_rule(text: str) -> str:
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    return rule.upper()


def parse_rule(text: str, dtstart: datetime, field: str = "rrule") -> rrule:
    """An RRULE (the value only, no DTSTART) anchored at the zone-aware local `dtstart`."""
    rule = normalize_rule(text)

    def refuse(why: str) -> DomainError:
        return DomainError(
            f"'{text}' is not a usable RFC 5545 RRULE: {why}", code=Code.INVALID_RRULE, field=field
        )

    if not rule or "\n" in rule or "DTSTART" in rule or "RDATE" in rule or "EXDATE" in rule:
        raise refuse("give the RRULE value only, such as FREQ=WEEKLY;BYDAY=FR.")
    match = FREQ_PATTERN.search(rule)
    if match is None:
        raise refuse("FREQ is missing.")
    if match.group(1) not in ALLOWED_FREQUENCIES:
        raise refuse("the frequency must be DAILY, WEEKLY, MONTHLY or YEARLY.")
    try:
        parsed = rrulestr(rule, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise refuse(f"{exc}.") from None
    if not isinstance(parsed, rrule):  # pragma: no cover - rrulestr returns a set only when asked
        raise refuse("one rule only.")
    return parsed


def _wall_length(t: Timing, tz: ZoneInfo) -> timedelta:
    start = t.starts_at.astimezone(tz).replace(tzinfo=None)
    return t.ends_at.astimezone(tz).replace(tzinfo=None) - start


def occurrences(
    t: Timing, range_start: datetime, range_end: datetime, *, cap: int = MAX_OCCURRENCES
) -> list[Occurrence]:
    """Occurrences overlapping [range_start, range_end), in UTC, earliest first."""
    until = t.effective_until
    if t.rrule is None:
        end = min(t.ends_at, until) if until is not None else t.ends_at
        hit = t.starts_at < range_end and range_start < end and t.starts_at < end
        return [Occurrence(t.starts_at, end)] if hit else []
    tz = zone(t.tzid)
    local_start = t.starts_at.astimezone(tz)
    wall = _wall_length(t, tz)
    rules = rruleset()
    rules.rrule(parse_rule(t.rrule, local_start))
    rules.rdate(local_start)
    # A day of slack either side: wall-clock length and UTC length differ across a DST change.
    lo = (range_start - wall - timedelta(days=1)).astimezone(tz)
    hi = range_end + timedelta(days=1)
    out: list[Occurrence] = []
    for local in rules.xafter(lo, inc=True):
        start = local.astimezone(UTC)
        if start >= hi or (until is not None and start >= until):
            break
        end = (local.replace(tzinfo=None) + wall).replace(tzinfo=tz).astimezone(UTC)
        if until is not None:
            end = min(end, until)
        if start < range_end and range_start < end:
            out.append(Occurrence(start, end))
            if len(out) > cap:
                raise DomainError(
                    f"More than {cap} freeze occurrences in that range; ask for a shorter one.",
                    code=Code.RANGE_TOO_LARGE,
                )
    return out


def check_timing(t: Timing) -> None:
    """Validate a freeze's timing when proposed: zone, rule, and how often it recurs."""
    zone(t.tzid)
    if t.ends_at <= t.starts_at:
        raise DomainError(
            "A freeze ends after it starts.", code=Code.INVALID_INTERVAL, field="endsAt"
        )
    if t.effective_until is not None and t.effective_until <= t.starts_at:
        raise DomainError(
            "A freeze is effective until after it starts.",
            code=Code.INVALID_INTERVAL,
            field="effectiveUntil",
        )
    if t.rrule is None:
        return
    try:
        occurrences(t, t.starts_at, t.starts_at + timedelta(days=366), cap=MAX_PER_YEAR)
    except DomainError as exc:
        if exc.code != Code.RANGE_TOO_LARGE:
            raise
        raise DomainError(
            f"The rule recurs more than {MAX_PER_YEAR} times a year.",
            code=Code.TOO_MANY_OCCURRENCES,
            field="rrule",
        ) from None
