"""Pure cadence arithmetic: Program Increment bounds, departures of a cadence within a PI,
and which recorded cadence governs a PI.

- WEEKLY: every 7 days on `weekday` (0 = Monday; default: the weekday of the PI's first
  day), from the PI's first such day.
- BI_WEEKLY: every 14 days, likewise, counted afresh in each PI (PIs are whole weeks).
- MONTHLY: on the day of month of the PI's first day, clamped to a shorter month's last day.
- CUSTOM: on each listed date, or on each occurrence of an RFC 5545 RRULE anchored at the PI's
  first day.

Every departure is at `departure_time` (HH:MM, wall clock) in `tzid`, so a 17:00 departure stays
17:00 local across daylight saving. Only instants inside the PI, [starts_at, ends_at), count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, TypeVar

from domain.calendar.recurrence import parse_rule, zone
from domain.kernel.errors import DomainError
from domain.trains.errors import TrainErrorCode as Code
from domain.trains.vocabulary import CadenceKind

TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_DEPARTURES_PER_PI = 200
"""No PI has more departures: a hostile RRULE cannot flood the calendar."""
MAX_ITERATIONS = 12
MAX_ITERATION_WEEKS = 6


@dataclass(frozen=True, slots=True)
class Cadence:
    kind: str
    departure_time: str = "17:00"
    tzid: str = "UTC"
    weekday: int | None = None
    dates: tuple[date, ...] = field(default=())
    rrule: str | None = None


def check_cadence(c: Cadence) -> Cadence:
    """A cadence that can generate departures, or a coded refusal naming the field."""
    try:
        kind = str(CadenceKind(c.kind))
    except ValueError:
        allowed = ", ".join(k.value for k in CadenceKind)
        raise DomainError(
            f"'{c.kind}' is not a cadence: {allowed}.", code=Code.INVALID_CADENCE, field="kind"
        ) from None
    if not TIME_PATTERN.match(c.departure_time):
        raise DomainError(
            "A departure time is HH:MM on a 24-hour clock, such as 17:00.",
            code=Code.INVALID_TIME,
            field="departureTime",
        )
    zone(c.tzid, "timeZone")
    if c.weekday is not None and not 0 <= c.weekday <= 6:
        raise DomainError(
            "A weekday is 0 (Monday) to 6 (Sunday).", code=Code.INVALID_CADENCE, field="weekday"
        )
    dates = tuple(sorted(set(c.dates)))
    rrule = c.rrule.strip() if c.rrule else None
    if kind == CadenceKind.CUSTOM:
        if bool(dates) == bool(rrule):
            raise DomainError(
                "A custom cadence gives either a list of dates or an RRULE, not both or neither.",
                code=Code.INVALID_DATES,
                field="dates",
            )
        if rrule:
            parse_rule(rrule, datetime(2026, 1, 5, tzinfo=zone(c.tzid)), "rrule")
    elif dates or rrule:
        raise DomainError(
            "Only a CUSTOM cadence lists dates or an RRULE.", code=Code.INVALID_DATES, field="dates"
        )
    return Cadence(kind, c.departure_time, c.tzid, c.weekday, dates, rrule)


def pi_bounds(
    start: date, tzid: str, iterations: int, iteration_weeks: int
) -> tuple[datetime, datetime, datetime]:
    """(starts_at, ends_at, planning_at) in UTC: local midnights; planning = last iteration."""
    if not 1 <= iterations <= MAX_ITERATIONS or not 1 <= iteration_weeks <= MAX_ITERATION_WEEKS:
        raise DomainError(
            f"A PI has 1 to {MAX_ITERATIONS} iterations of 1 to {MAX_ITERATION_WEEKS} weeks.",
            code=Code.INVALID_PI_SHAPE,
            field="iterations",
        )
    tz = zone(tzid)

    def midnight(d: date) -> datetime:
        return datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC)

    weeks = timedelta(weeks=iteration_weeks)
    return (
        midnight(start),
        midnight(start + weeks * iterations),
        midnight(start + weeks * (iterations - 1)),
    )


def local_date(at: datetime, tzid: str) -> date:
    return at.astimezone(zone(tzid)).date()


def _wall(d: date, c: Cadence) -> datetime:
    hour, minute = (int(x) for x in c.departure_time.split(":"))
    return datetime.combine(d, time(hour, minute), tzinfo=zone(c.tzid)).astimezone(UTC)


def _candidate_dates(c: Cadence, first: date, last: date) -> list[date]:
    if c.kind in (CadenceKind.WEEKLY, CadenceKind.BI_WEEKLY):
        weekday = first.weekday() if c.weekday is None else c.weekday
        day = first + timedelta(days=(weekday - first.weekday()) % 7)
        step = timedelta(days=7 if c.kind == CadenceKind.WEEKLY else 14)
        out = []
        while day <= last:
            out.append(day)
            day += step
        return out
    if c.kind == CadenceKind.MONTHLY:
        out, year, month = [], first.year, first.month
        while date(year, month, 1) <= last:
            days = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
            out.append(date(year, month, min(first.day, days)))
            year, month = year + month // 12, month % 12 + 1
        return out
    if c.dates:
        return [d for d in c.dates if first <= d <= last]
    assert c.rrule is not None
    anchor = datetime.combine(first, time(0), tzinfo=zone(c.tzid))
    out = []
    for local in parse_rule(c.rrule, anchor).xafter(anchor, inc=True):
        if local.date() > last:
            break
        out.append(local.date())
        if len(out) > MAX_DEPARTURES_PER_PI:
            break
    return out


def departures_in(c: Cadence, starts_at: datetime, ends_at: datetime) -> list[datetime]:
    """The departure instants (UTC) of a cadence inside [starts_at, ends_at), earliest first."""
    first, last = local_date(starts_at, c.tzid), local_date(ends_at, c.tzid)
    instants = sorted(
        {at for d in _candidate_dates(c, first, last) if starts_at <= (at := _wall(d, c)) < ends_at}
    )
    if len(instants) > MAX_DEPARTURES_PER_PI:
        raise DomainError(
            f"The cadence departs more than {MAX_DEPARTURES_PER_PI} times in one PI.",
            code=Code.TOO_MANY_DEPARTURES,
            field="rrule",
        )
    return instants


def departure_code(train_key: str, departs_at: datetime, tzid: str) -> str:
    """A departure's human code: the train key and the local departure date, e.g.
    payments-2026.12.08."""
    return f"{train_key}-{local_date(departs_at, tzid):%Y.%m.%d}"


class Recorded(Protocol):
    @property
    def seq(self) -> int: ...

    @property
    def effective_from_seq(self) -> int: ...


R = TypeVar("R", bound=Recorded)


def cadence_for(changes: Sequence[R], pi_seq: int) -> R | None:
    """The cadence governing the PI with sequence `pi_seq`: the most recently recorded change
    effective at or before it (a change from PI k overrides every earlier record from k on)."""
    applicable = [c for c in changes if c.effective_from_seq <= pi_seq]
    return max(applicable, key=lambda c: c.seq, default=None)
