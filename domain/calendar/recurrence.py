"""Pure RFC 5545 recurrence: a freeze's occurrences in its time zone, over a range, capped.

Occurrences keep their wall-clock times in the freeze's zone (TZID): a freeze from 18:00 to
06:00 stays 18:00-06:00 local across daylight saving, so its UTC instants shift by an hour.
Local times that do not exist or occur twice are read as RFC 5545 (3.3.5, 3.8.5.3) says: a
start in a gap (02:30 on a spring-forward day) takes the UTC offset before the gap, so it is
shifted forward by the gap's length (to 03:30), and the occurrence keeps its length from
there; a time that occurs twice (an autumn fold) is its first occurrence.
The first occurrence is the freeze's own [starts_at, ends_at), as the model says; the RRULE
adds the rest. Only DAILY and coarser frequencies are accepted, and no expansion returns more
than MAX_OCCURRENCES, so a hostile rule cannot make the server spin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rruleset, rrulestr

from domain.calendar.errors import CalendarErrorCode as Code
from domain.kernel.errors import DomainError

MAX_OCCURRENCES = 1000
"""At most this many occurrences in one expansion (a range query, a conflict check)."""
MAX_PER_YEAR = 400
"""A recurring freeze occurs at most this often in its first year (checked when proposed)."""
ALLOWED_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
ZERO = timedelta(0)
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


def instant(wall_clock: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a naive local time in `tz`, as RFC 5545 3.3.5 reads it: in a fold,
    the first of the two; in a gap, with the offset before the gap (shifted forward)."""
    return wall_clock.replace(tzinfo=tz, fold=0).astimezone(UTC)


def in_gap(wall_clock: datetime, tz: ZoneInfo) -> bool:
    """Whether a naive local time does not exist in `tz` (clocks jumped over it)."""
    there = wall_clock.replace(tzinfo=tz, fold=0)
    return there.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall_clock


def wall_end(start: datetime, wall: timedelta, tz: ZoneInfo) -> datetime:
    """The end of an occurrence starting at the real instant `start` that lasts `wall` of
    local clock time; always after `start` (the start is never read inside a gap here)."""
    return instant(start.astimezone(tz).replace(tzinfo=None) + wall, tz)


def _wall_length(t: Timing, tz: ZoneInfo) -> timedelta:
    start = t.starts_at.astimezone(tz).replace(tzinfo=None)
    return t.ends_at.astimezone(tz).replace(tzinfo=None) - start


def occurrences(
    t: Timing, range_start: datetime, range_end: datetime, *, cap: int = MAX_OCCURRENCES
) -> list[Occurrence]:
    """Occurrences overlapping [range_start, range_end), in UTC, earliest first."""
    return [o for _, o in _expand(t, range_start, range_end, cap)]


def shifted_by_a_gap(
    t: Timing, range_start: datetime, range_end: datetime, *, cap: int = MAX_OCCURRENCES
) -> list[tuple[datetime, Occurrence]]:
    """The occurrences in the range whose computed local start does not exist (a spring-forward
    gap), each with that naive local start (its RECURRENCE-ID) and its real, shifted times.

    Cheap for the common case: unless the rule names hours or minutes, every occurrence starts
    at the first one's time of day, so only the zone's gap days whose gap holds that time
    are candidates, and none means no expansion at all."""
    if t.rrule is None:
        return []
    tz = zone(t.tzid)
    rule = normalize_rule(t.rrule)
    keep: Callable[[datetime], bool] = partial(in_gap, tz=tz)
    if not any(part in rule for part in ("BYHOUR", "BYMINUTE", "BYSECOND")):
        at = t.starts_at.astimezone(tz).time().replace(tzinfo=None)
        days = {g.date() for g in _gap_days(t.tzid, range_start, range_end)}
        wanted = {datetime.combine(d, at) for d in days if in_gap(datetime.combine(d, at), tz)}
        if not wanted:
            return []
        keep = wanted.__contains__
        range_end = min(range_end, instant(max(wanted), tz) + timedelta(days=1))
    return list(islice(_expand(t, range_start, range_end, None, keep), cap))


def _gap_days(tzid: str, range_start: datetime, range_end: datetime) -> list[datetime]:
    """The local days (as naive midnights) on which `tzid` skips clock time, in the range."""
    years = range(range_start.year, range_end.year + 1)
    return [d for year in years for d in _gaps_in_year(tzid, year)]


@lru_cache(maxsize=512)
def _gaps_in_year(tzid: str, year: int) -> tuple[datetime, ...]:
    """Local days of `year` holding a gap: where the UTC offset grows between two instants
    six hours apart (clocks jump at most once in that time), the days the jump spans."""
    tz = zone(tzid)
    step = timedelta(hours=6)
    out: list[datetime] = []
    at = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    while at.year <= year:
        before, after = at.astimezone(tz), (at + step).astimezone(tz)
        if (after.utcoffset() or ZERO) > (before.utcoffset() or ZERO):
            first = before.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
            while first <= after.replace(tzinfo=None):
                out.append(first)
                first += timedelta(days=1)
        at += step
    return tuple(out)


def _expand(
    t: Timing,
    range_start: datetime,
    range_end: datetime,
    cap: int | None,
    keep: Callable[[datetime], bool] | None = None,
) -> Iterator[tuple[datetime, Occurrence]]:
    """(naive local start as the rule computes it, occurrence) overlapping the range; only
    those whose naive local start `keep` accepts, when given (checked before any arithmetic)."""
    until = t.effective_until
    if t.rrule is None:
        end = min(t.ends_at, until) if until is not None else t.ends_at
        if t.starts_at < range_end and range_start < end and t.starts_at < end:
            yield t.starts_at.replace(tzinfo=None), Occurrence(t.starts_at, end)
        return
    tz = zone(t.tzid)
    local_start = t.starts_at.astimezone(tz)
    wall = _wall_length(t, tz)
    rules = rruleset()
    rules.rrule(parse_rule(t.rrule, local_start))
    rules.rdate(local_start)
    # A day of slack either side: wall-clock length and UTC length differ across a DST change.
    lo = (range_start - wall - timedelta(days=1)).astimezone(tz)
    hi = range_end + timedelta(days=1)
    hi_wall_clock = (hi + timedelta(days=1)).astimezone(tz).replace(tzinfo=None)
    anchor = local_start.replace(tzinfo=None)
    found = 0
    for local in rules.xafter(lo, inc=True):
        wall_clock = local.replace(tzinfo=None)
        if wall_clock >= hi_wall_clock:
            return
        if keep is not None and not keep(wall_clock):
            continue
        # The first occurrence is the freeze's own period, even inside an autumn fold.
        start = t.starts_at if wall_clock == anchor else instant(wall_clock, tz)
        if start >= hi or (until is not None and start >= until):
            return
        end = t.ends_at if wall_clock == anchor else wall_end(start, wall, tz)
        if until is not None:
            end = min(end, until)
        if start < range_end and range_start < end:
            found += 1
            if cap is not None and found > cap:
                raise DomainError(
                    f"More than {cap} freeze occurrences in that range; ask for a shorter one.",
                    code=Code.RANGE_TOO_LARGE,
                )
            yield wall_clock, Occurrence(start, end)


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
